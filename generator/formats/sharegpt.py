"""LLaMA-Factory's ShareGPT function-call layout: `conversations` of human / function_call turns (human at
odd, function_call at even positions, as LLaMA-Factory requires), `tools` as a JSON string, `system` the
task description.  `dataset_info()` is the entry LLaMA-Factory's data/dataset_info.json needs."""
from __future__ import annotations

import json

from .fields import RowError, entries, field, json_text

NEEDS_STATE = False


def _call(name: str, args: dict) -> str:
    return json.dumps({"name": name, "arguments": args}, ensure_ascii=False)


_encoded: list = [None, ""]  # (tool list, its `tools` string): the last list seen, encoded once


def _tools_string(tools: list) -> str:
    if _encoded[0] is not tools:  # a run passes the same list for every row
        _encoded[:] = [tools, json.dumps([t["function"] for t in tools], ensure_ascii=False)]
    return _encoded[1]


def to_row(turns: list, answer: dict, tools: list, task: str, state: dict | None = None, index: int = 0) -> dict:
    conv = []
    for t in turns:
        if t["role"] == "user":
            conv.append({"from": "human", "value": t["content"]})
        else:
            fn = t["tool_calls"][0]["function"]
            conv.append({"from": "function_call", "value": _call(fn["name"], fn["arguments"])})
    conv.append({"from": "function_call", "value": _call(answer["name"], answer["parameters"])})
    return {"conversations": conv, "system": task, "tools": _tools_string(tools)}


def from_row(row: dict) -> tuple[list, dict]:
    turns = []
    conv = entries(row, "conversations", "the row")
    for i, c in enumerate(conv):
        where = f"conversations[{i}]"
        role = field(c, "from", where)
        if role == "human" and i < len(conv) - 1:
            turns.append({"role": "user", "content": field(c, "value", where)})
        elif role == "function_call":
            call = json_text(c, "value", where)
            name, args = field(call, "name", f"{where}.value"), field(call, "arguments", f"{where}.value")
            turns.append({"role": "assistant", "content": "", "tool_calls": [
                {"type": "function", "function": {"name": name, "arguments": args}}]})
        elif role == "human":
            raise RowError(f"{where}: the last turn is human, not the function_call to learn")
        else:
            raise RowError(f"{where}: unknown role {_role(role)} (expected human or function_call)")
    last = turns.pop()["tool_calls"][0]["function"]
    return turns, {"name": last["name"], "parameters": last["arguments"]}


def _role(v) -> str:
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= 40 else s[:37] + "..."


def dataset_info(name: str, files: dict[str, str]) -> dict:
    """Entries for LLaMA-Factory's data/dataset_info.json, one per split file."""
    return {f"{name}_{split}": {"file_name": file, "formatting": "sharegpt",
                                "columns": {"messages": "conversations", "system": "system", "tools": "tools"},
                                "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human",
                                         "function_tag": "function_call", "observation_tag": "observation",
                                         "assistant_tag": "gpt"}}
            for split, file in files.items()}

"""OpenAI chat fine-tuning JSONL with tools: tool calls carry ids and `arguments` as a JSON string, each
earlier call is answered by a `tool` message (empty: the data has no tool outputs) and has weight 0, so
only the final call is learned; `parallel_tool_calls` is false (one call per turn)."""
from __future__ import annotations

import json

from .fields import RowError, entries, field, first_call, json_text

NEEDS_STATE = False
ROLES = ("system", "developer", "user", "assistant", "tool")  # the chat format's roles


def to_row(turns: list, answer: dict, tools: list, task: str, state: dict | None = None, index: int = 0) -> dict:
    msgs = [{"role": "system", "content": task}] if task else []
    n = 0
    for t in turns:
        if t["role"] == "user":
            msgs.append({"role": "user", "content": t["content"]})
            continue
        n += 1
        fn = t["tool_calls"][0]["function"]
        msgs.append({"role": "assistant", "weight": 0, "tool_calls": [
            {"id": f"call_{n}", "type": "function",
             "function": {"name": fn["name"], "arguments": json.dumps(fn["arguments"], ensure_ascii=False)}}]})
        msgs.append({"role": "tool", "tool_call_id": f"call_{n}", "content": ""})
    msgs.append({"role": "assistant", "weight": 1, "tool_calls": [
        {"id": f"call_{n + 1}", "type": "function",
         "function": {"name": answer["name"], "arguments": json.dumps(answer["parameters"], ensure_ascii=False)}}]})
    return {"messages": msgs, "tools": tools, "parallel_tool_calls": False}


def from_row(row: dict) -> tuple[list, dict]:
    msgs = entries(row, "messages", "the row")
    roles = [field(m, "role", f"messages[{i}]") for i, m in enumerate(msgs)]
    for i, role in enumerate(roles):
        if role not in ROLES:
            raise RowError(f"messages[{i}]: unknown role {json.dumps(role, ensure_ascii=False)[:40]}")
    if "assistant" not in roles:
        raise RowError("messages has no assistant message (the target call)")
    target = len(roles) - 1 - roles[::-1].index("assistant")  # the last call is the one learned

    def call(i: int) -> tuple:
        fn = first_call(msgs[i], f"messages[{i}]")
        where = f"messages[{i}].tool_calls[0].function"
        return field(fn, "name", where), json_text(fn, "arguments", where)

    turns = []
    for i, role in enumerate(roles[:target]):
        if role == "user":
            turns.append({"role": "user", "content": field(msgs[i], "content", f"messages[{i}]")})
        elif role == "assistant":
            name, args = call(i)
            turns.append({"role": "assistant", "content": "", "tool_calls": [
                {"type": "function", "function": {"name": name, "arguments": args}}]})
    name, args = call(target)
    return turns, {"name": name, "parameters": args}

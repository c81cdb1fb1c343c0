"""OpenAI chat fine-tuning JSONL with tools: tool calls carry ids and `arguments` as a JSON string, each
earlier call is answered by a `tool` message (empty: the data has no tool outputs) and has weight 0, so
only the final call is learned; `parallel_tool_calls` is false (one call per turn)."""
from __future__ import annotations

import json

from ..dataset import loads  # strict JSON, as everywhere rows are read

NEEDS_STATE = False


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
    turns = []
    calls = [m for m in row["messages"] if m["role"] == "assistant"]
    for m in row["messages"]:
        if m["role"] == "user":
            turns.append({"role": "user", "content": m["content"]})
        elif m["role"] == "assistant" and m is not calls[-1]:
            fn = m["tool_calls"][0]["function"]
            turns.append({"role": "assistant", "content": "", "tool_calls": [
                {"type": "function", "function": {"name": fn["name"], "arguments": loads(fn["arguments"])}}]})
    fn = calls[-1]["tool_calls"][0]["function"]
    return turns, {"name": fn["name"], "parameters": loads(fn["arguments"])}

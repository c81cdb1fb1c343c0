"""One `messages` array per row with the target call as the final assistant turn, tools alongside."""
from __future__ import annotations

from .fields import entries, field, first_call

NEEDS_STATE = False


def to_row(turns: list, answer: dict, tools: list, task: str, state: dict | None = None, index: int = 0) -> dict:
    target = {"role": "assistant", "content": "", "tool_calls": [
        {"type": "function", "function": {"name": answer["name"], "arguments": answer["parameters"]}}]}
    return {"messages": list(turns) + [target], "tools": tools}


def from_row(row: dict) -> tuple[list, dict]:
    *turns, last = entries(row, "messages", "the row")
    fn = first_call(last, f"messages[{len(turns)}]")
    where = f"messages[{len(turns)}].tool_calls[0].function"
    return turns, {"name": field(fn, "name", where), "parameters": field(fn, "arguments", where)}

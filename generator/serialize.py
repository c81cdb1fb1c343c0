"""Dialogues as upload rows: `question` a JSON-array string, `answer` a JSON-object string.

The JSON is assembled from fixed fragments around encoded values: the same bytes json.dumps gives for
the same structure (a test checks), at half the cost, in the hottest part of writing."""
from __future__ import annotations

import json

from .engine import Dialogue

_enc = json.JSONEncoder(ensure_ascii=False).encode


def call_turn(tool: str, args: dict) -> dict:
    return {"role": "assistant", "content": "",
            "tool_calls": [{"type": "function", "function": {"name": tool, "arguments": args}}]}


def to_row(d: Dialogue) -> tuple[str, str]:
    """(question, answer) as the strings the format stores."""
    parts = []
    for t in d.turns[:-1]:
        parts.append('{"role": "user", "content": ' + _enc(t.text) + '}, {"role": "assistant", "content": "", '
                     '"tool_calls": [{"type": "function", "function": {"name": ' + _enc(t.tool) +
                     ', "arguments": ' + _enc(t.args) + '}}]}')
    last = d.turns[-1]
    parts.append('{"role": "user", "content": ' + _enc(last.text) + '}')
    return "[" + ", ".join(parts) + "]", '{"name": ' + _enc(last.tool) + ', "parameters": ' + _enc(last.args) + '}'



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
    return exchanges_to_row(d.turns)


def exchanges_to_row(exchanges) -> tuple[str, str]:
    """(question, answer) from (user text, tool, arguments) per exchange; the last one is the request
    and its call the answer."""
    parts = []
    for e in exchanges[:-1]:  # e[0] text, e[1] tool, e[2] arguments (a Turn, or a plain tuple)
        parts.append('{"role": "user", "content": ' + _enc(e[0]) + '}, {"role": "assistant", "content": "", '
                     '"tool_calls": [{"type": "function", "function": {"name": ' + _enc(e[1]) +
                     ', "arguments": ' + _enc(e[2]) + '}}]}')
    text, tool, args = exchanges[-1][:3]
    parts.append('{"role": "user", "content": ' + _enc(text) + '}')
    return "[" + ", ".join(parts) + "]", '{"name": ' + _enc(tool) + ', "parameters": ' + _enc(args) + '}'



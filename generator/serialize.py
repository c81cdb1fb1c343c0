"""Dialogues as upload rows: `question` a JSON-array string, `answer` a JSON-object string."""
from __future__ import annotations

import json

from .engine import Dialogue


def call_turn(tool: str, args: dict) -> dict:
    return {"role": "assistant", "content": "",
            "tool_calls": [{"type": "function", "function": {"name": tool, "arguments": args}}]}


def to_row(d: Dialogue) -> tuple[str, str]:
    """(question, answer) as the strings the format stores."""
    msgs = []
    for t in d.turns[:-1]:
        msgs.append({"role": "user", "content": t.text})
        msgs.append(call_turn(t.tool, t.args))
    last = d.turns[-1]
    msgs.append({"role": "user", "content": last.text})
    return json.dumps(msgs, ensure_ascii=False), json.dumps({"name": last.tool, "parameters": last.args},
                                                             ensure_ascii=False)

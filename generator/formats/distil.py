"""The upload format itself: `question` a JSON-array string, `answer` a JSON-object string."""
from __future__ import annotations

import json

from .fields import json_text

NEEDS_STATE = False


def to_row(turns: list, answer: dict, tools: list, task: str, state: dict | None = None, index: int = 0) -> dict:
    return {"question": json.dumps(turns, ensure_ascii=False), "answer": json.dumps(answer, ensure_ascii=False)}


def from_row(row: dict) -> tuple[list, dict]:
    return json_text(row, "question", "the row"), json_text(row, "answer", "the row")

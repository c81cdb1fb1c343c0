"""`mtgen show DIR`: conversations as a person reads them.  Each user turn, each call written as
`cd(folder='docs')`, the answer marked, and for an answer value the final request does not say, the
earlier turn it comes from (what "it", "there", "the same" resolved to).  Reads any format mtgen reads."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .convert import ConvertError, detect, records
from .dataset import plain_text
from .rng import Rand


def call_text(name: str, args: dict) -> str:
    return f"{name}(" + ", ".join(f"{k}={v!r}" for k, v in args.items()) + ")"


def resolved(turns: list, answer: dict) -> list[str]:
    """For each answer value the final request does not say: where in the conversation it was named."""
    final = turns[-1].get("content", "") if turns else ""
    notes = []
    for key, value in (answer.get("parameters") or {}).items():
        text = value if isinstance(value, str) else None
        if text is None or text in final or text in ("..", "."):
            continue
        for k in range(len(turns) - 2, -1, -1):
            t = turns[k]
            said = t.get("content") or ""
            calls = [c.get("function", {}) for c in t.get("tool_calls") or ()]
            if text in said or any(text in (c.get("arguments") or {}).values() for c in calls):
                who = "user" if t.get("role") == "user" else "call"
                notes.append(f"{key}={value!r} resolved from turn {k // 2 + 1} ({who})")
                break
        else:
            notes.append(f"{key}={value!r} is not named earlier")
    return notes


def render(number: int, split: str, turns: list, answer: dict) -> str:
    out = [f"── {split} row {number} " + "─" * 40]
    exchange = 0
    for t in turns:
        if t.get("role") == "user":
            exchange += 1
            out.append(f"  {exchange}. user: {plain_text(str(t.get('content', '')))}")
        else:
            for c in t.get("tool_calls") or ():
                f = c.get("function", {})
                out.append(f"       call: {plain_text(call_text(f.get('name'), f.get('arguments') or {}))}")
    out.append(f"   ► answer: {plain_text(call_text(answer.get('name'), answer.get('parameters') or {}))}")
    for note in resolved(turns, answer):
        out.append(f"       ↳ {plain_text(note)}")
    return "\n".join(out)


def rows(folder: Path, split: str) -> Iterator[tuple[int, list, dict]]:
    fmt = detect(folder)
    for i, (line, turns, answer, _state) in enumerate(records(folder, fmt, split), 1):
        yield i, turns, answer


def show(folder: Path, n: int = 5, split: str = "train", row: list[int] | None = None,
         seed: int | None = None) -> Iterator[str]:
    """The chosen conversations, rendered: rows `row` (1-based), else `n` rows (the first n, or a seeded
    sample of n with `seed`)."""
    if not folder.is_dir():
        raise ConvertError(f"{folder}: not a dataset folder")
    if row:
        wanted = set(row)
        found = set()
        for i, turns, answer in rows(folder, split):
            if i in wanted:
                found.add(i)
                yield render(i, split, turns, answer)
        missing = sorted(wanted - found)
        if missing:
            raise ConvertError(f"{folder}: {split} has no row {missing[0]}")
        return
    if seed is None:
        for i, turns, answer in rows(folder, split):
            if i > n:
                return
            yield render(i, split, turns, answer)
        return
    total = sum(1 for _ in rows(folder, split))  # two passes: a sample without holding the rows
    picked = set(Rand(seed, 0x540).sample(range(1, total + 1), min(n, total)))
    for i, turns, answer in rows(folder, split):
        if i in picked:
            yield render(i, split, turns, answer)

"""`mtgen stats`: what a dataset looks like, for any dataset in the format (ours or not).

Reference styles are read off the words, not from generator labels, so they mean the same on any data:
an answer is *context-dependent* when its final request does not name every argument value itself
("open it", "go back up", "delete the second one") or asks to repeat the previous action ("the same
for notes.md", "and the kitchen too").
"""
from __future__ import annotations

import json
import re
from array import array
from collections import Counter
from pathlib import Path

from .convert import detect, records, stop
from .dataset import safe_text, split_files
from .hashset import DigestSet
from .realism import Figures
from .validate import MAX_EXAMPLE_CHARS

_SAME = re.compile(r"\b(same|too|as well|also|again|another|one more)\b", re.I)
_ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth|last)\b", re.I)
_PRONOUN = re.compile(r"\b(it|its|that|this|them|those|these)\b", re.I)
_RELATIVE = re.compile(r"\b(back|up|parent|previous|above)\b", re.I)
STYLES = ("direct", "pronoun", "relative", "same", "ordinal", "description")


def reference_style(text: str, answer: dict) -> str:
    params = answer.get("parameters")
    values = [v for v in params.values() if isinstance(v, str)] if isinstance(params, dict) else []
    if ".." in values:
        return "relative"
    low = text.lower()
    named = all(v.lower() in low or v.lower().replace("_", " ") in low for v in values if v != "..")
    if named:
        return "same" if _SAME.search(text) else "direct"
    for style, pat in (("ordinal", _ORDINAL), ("pronoun", _PRONOUN), ("relative", _RELATIVE), ("same", _SAME)):
        if pat.search(text):
            return style
    return "description"


def shape(text: str, values: list[str]) -> str:
    """The phrasing with its argument values and numbers blanked: 'show me {} please'."""
    for v in sorted(values, key=len, reverse=True):
        if v:
            text = text.replace(v, "{}")
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


MAX_TOOLS = 1000  # distinct answer tools counted by name; any further ones are counted together


def compute(src: Path) -> dict:
    """The numbers, streaming: per row only fixed-size counters and an 8-byte digest of its question and
    of its phrasing shape (distinct counts, duplicates and leakage come from the sorted digests)."""
    import numpy as np

    fmt = detect(src)
    out: dict = {"dataset": str(src), "format": fmt, "splits": {}}
    questions: dict[str, np.ndarray] = {}
    for split in split_files(src, stop(src)):
        tools, turns_hist, styles = Counter(), Counter(), Counter()
        seen, shapes = array("Q"), array("Q")
        rows = 0
        longest = (0, 0)
        figures = Figures()
        for i, (_, turns, answer, _) in enumerate(records(src, fmt, split), 1):
            rows += 1
            q = json.dumps(turns, ensure_ascii=False)
            size = len(q) + len(json.dumps(answer, ensure_ascii=False))
            longest = max(longest, (size, i))
            seen.append(DigestSet.digest(q))
            name = answer["name"]
            tools[name if name in tools or len(tools) < MAX_TOOLS else "(other tools)"] += 1
            turns_hist[sum(t.get("role") == "user" for t in turns)] += 1
            last = turns[-1].get("content", "") if turns else ""
            last = last if isinstance(last, str) else ""
            styles[reference_style(last, answer)] += 1
            figures.add(turns, answer)
            shapes.append(DigestSet.digest(shape(last, [v for v in answer["parameters"].values() if isinstance(v, str)])))
        distinct = np.unique(np.frombuffer(seen, dtype=np.uint64))
        questions[split] = distinct
        out["splits"][split] = {
            "rows": rows,
            "answer_tools": dict(tools.most_common()),
            "user_turns": {str(k): turns_hist[k] for k in sorted(turns_hist)},
            "reference_styles": {s: styles[s] for s in STYLES if styles[s]},
            "context_dependent_share": round(1 - styles["direct"] / rows, 4) if rows else 0.0,
            "distinct_phrasing_shapes": int(len(np.unique(np.frombuffer(shapes, dtype=np.uint64)))),
            "longest_example": {"chars": longest[0], "row": longest[1], "limit": MAX_EXAMPLE_CHARS},
            "duplicates": rows - int(len(distinct)),
            "human": figures.result(),
        }
    if "train" in questions and "test" in questions:
        out["leakage"] = int(len(np.intersect1d(questions["train"], questions["test"], assume_unique=True)))
    return out


def render(s: dict) -> None:
    """A report for people: tables and bar charts (rich); user data (paths, tool names) is printed as text,
    never as markup or terminal control sequences."""
    from rich.console import Console
    from rich.table import Table

    c = Console(highlight=False, soft_wrap=True)  # a long path or name is never broken across lines
    c.print(f"[bold]{safe_text(s['dataset'])}[/bold] ({s['format']})")
    for split, d in s["splits"].items():
        t = Table(title=f"{split}: {d['rows']} rows", title_justify="left", show_header=False, box=None)
        t.add_column(style="bold")
        t.add_column()
        t.add_row("context-dependent", f"{d['context_dependent_share']:.0%} of answers")
        t.add_row("phrasing shapes", f"{d['distinct_phrasing_shapes']} distinct final requests")
        lo = d["longest_example"]
        t.add_row("longest example", f"{lo['chars']:,} chars (row {lo['row']}) — {lo['chars'] / lo['limit']:.0%} "
                                     f"of the {lo['limit']:,} limit")
        t.add_row("duplicates", str(d["duplicates"]))
        h = d["human"]
        t.add_row("words per user turn", f"{h['words_per_user_turn']:.1f}")
        t.add_row("distinct-1 / -2", f"{h['distinct_1']:.2f} / {h['distinct_2']:.2f} of the final requests "
                                     f"({h['token_budget']['used']:,} tokens)")
        t.add_row("quoted names", f"{h['quoted_name_share']:.0%} of user turns")
        t.add_row("shell-style", f"{h['shell_style_share']:.0%} of user turns")
        t.add_row("refers back", f"{h['back_reference_share']:.0%} of later user turns")
        t.add_row("object continuity", f"{h['object_continuity']:.0%} of later turns act on something named before")
        t.add_row("kind fit", f"{h['reading_calls_on_non_text']} of {h['reading_calls']} read/search/count calls "
                              f"on media or office files")
        c.print(t)
        for title, counts in (("answer tool", d["answer_tools"]), ("user turns", d["user_turns"]),
                              ("reference style", d["reference_styles"])):
            c.print(f"  [bold]{title}[/bold]")
            top = max(counts.values()) if counts else 1
            for k, v in counts.items():
                bar = "█" * max(1, round(30 * v / top))
                c.print(f"    {safe_text(k):>12} {bar} {v} ({v / d['rows']:.0%})")
    if "leakage" in s:
        c.print(f"[bold]leakage[/bold]: {s['leakage']} test question(s) also in train")

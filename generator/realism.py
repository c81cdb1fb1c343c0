"""How human a dataset reads: the figures of issue 13, measured on any dataset (ours, the benchmark's, a
user's) from its words and calls alone.  `mtgen stats` reports them.

- words per user turn;
- distinct-1 / distinct-2 of the final requests on a fixed budget of tokens (so sizes compare);
- quoted-name share: user turns that quote an argument value ('report.pdf', "notes.txt", `src`);
- shell-style share: user turns that are a command line ("cp a b", "cat x", "ls -a");
- back-reference share: user turns after the first that refer back (it, that, there, the same, ...);
- object continuity: turns after the first whose call acts on something an earlier turn named;
- tool-kind fit: read, search, count, sort, tail or diff calls on media and office files (should be 0).
"""
from __future__ import annotations

import re

TOKEN_BUDGET = 2000
_TOKEN = re.compile(r"[a-z0-9']+|[^\sa-z0-9']", re.I)
_BACK = re.compile(r"\b(it|its|that|those|them|there|this one|the same|the other|the one|one more|"
                   r"as well|too|again|the new|the copy|just)\b", re.I)
_QUOTED = re.compile(r"'([^'\n]+)'|\"([^\"\n]+)\"|`([^`\n]+)`")
READING = frozenset({"cat", "grep", "wc", "sort", "tail", "diff"})
NOT_TEXT = frozenset("png jpg jpeg gif heic bmp tiff svg mp4 mov avi mkv mp3 wav m4a flac aac pdf doc docx xls xlsx "
                     "ppt pptx odt ods zip gz tgz tar rar 7z dmg deb exe iso psd".split())


def _strings(args) -> list[str]:
    return [v for v in (args or {}).values() if isinstance(v, str) and v not in ("", ".", "..", "/", "~")] \
        if isinstance(args, dict) else []


def _not_text(name: str) -> bool:
    return "." in name and name.rsplit(".", 1)[1].lower() in NOT_TEXT


class Figures:
    """Streaming accumulator: add(turns, answer) per row, then result()."""

    def __init__(self) -> None:
        self.user_turns = self.words = 0
        self.quoted = self.shell = 0
        self.later_turns = self.back = 0
        self.acting_turns = self.continuing = 0
        self.reading_calls = self.misfit = 0
        self.tokens: list[str] = []
        self.unigrams: set = set()
        self.bigrams: set = set()
        self.n_bigrams = 0

    def add(self, turns: list, answer: dict) -> None:
        exchanges = []  # (user text, tool, args) per exchange, the last one the request and its answer
        users = [t for t in turns if isinstance(t, dict) and t.get("role") == "user"]
        calls = []
        for t in turns:
            if isinstance(t, dict) and t.get("role") == "assistant":
                fn = ((t.get("tool_calls") or [{}])[0] or {}).get("function", {}) if t.get("tool_calls") else {}
                calls.append((fn.get("name"), fn.get("arguments")))
        calls.append((answer.get("name"), answer.get("parameters")))
        for i, u in enumerate(users):
            text = u.get("content") if isinstance(u.get("content"), str) else ""
            tool, args = calls[i] if i < len(calls) else (None, None)
            exchanges.append((text, tool, args))
        named: set[str] = set()
        said = ""
        for i, (text, tool, args) in enumerate(exchanges):
            values = _strings(args)
            self.user_turns += 1
            words = text.split()
            self.words += len(words)
            if any(m and any(m == v or m in v for v in values) for g in _QUOTED.findall(text) for m in g if m):
                self.quoted += 1
            if tool and words and words[0].lower() == str(tool).lower() and len(words) <= len(values) + 2:
                self.shell += 1
            if i > 0:
                self.later_turns += 1
                self.back += bool(_BACK.search(text))
                if values:
                    self.acting_turns += 1
                    self.continuing += any(v in named or v in said for v in values)
            if tool in READING:
                self.reading_calls += 1
                self.misfit += any(_not_text(v) for v in values)
            named.update(values)
            said += " " + text
        final = exchanges[-1][0] if exchanges else ""
        if len(self.tokens) < TOKEN_BUDGET:
            toks = [t.lower() for t in _TOKEN.findall(final)][: TOKEN_BUDGET - len(self.tokens)]
            self.tokens += toks
            self.unigrams.update(toks)
            pairs = list(zip(toks, toks[1:]))
            self.bigrams.update(pairs)
            self.n_bigrams += len(pairs)

    def result(self) -> dict:
        def share(a: int, b: int) -> float:
            return round(a / b, 4) if b else 0.0
        return {
            "words_per_user_turn": round(self.words / self.user_turns, 2) if self.user_turns else 0.0,
            "distinct_1": share(len(self.unigrams), len(self.tokens)),
            "distinct_2": share(len(self.bigrams), self.n_bigrams),
            "token_budget": {"used": len(self.tokens), "of": TOKEN_BUDGET},
            "quoted_name_share": share(self.quoted, self.user_turns),
            "shell_style_share": share(self.shell, self.user_turns),
            "back_reference_share": share(self.back, self.later_turns),
            "object_continuity": share(self.continuing, self.acting_turns),
            "reading_calls_on_non_text": self.misfit,
            "reading_calls": self.reading_calls,
        }

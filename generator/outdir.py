"""Atomic writes into an output folder: every file is written beside its final name and renamed into
place only when the whole run succeeded, so a failed run never leaves a half-written dataset."""
from __future__ import annotations

import csv
import os
from pathlib import Path

from .serialize import enc_str


class OutputError(Exception):
    """The output folder cannot be used; the message says why."""


_CREATED: set[Path] = set()  # folders prepare() made, which a failed run removes again if still empty


def prepare(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(f"{out}: folder is not empty (use --force to overwrite)")
    try:
        if not out.exists():
            _CREATED.add(out)
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".mtgen-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise OutputError(f"{out}: cannot write there ({e.strerror or e})") from None


class Staged:
    """Files staged in `out` under temporary names; `commit()` renames them all, `discard()` removes them."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.files: dict[str, Path] = {}

    def path(self, name: str) -> Path:
        """A temporary path for `name` (which may be in a subfolder: 'possible_answer/test.jsonl')."""
        final = self.out / name
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.parent / f".{final.name}.tmp-{os.getpid()}"
        self.files[name] = tmp
        return tmp

    def text(self, name: str, content: str) -> None:
        with open(self.path(name), "w", encoding="utf-8", newline="\n") as f:
            f.write(content)

    def binary(self, name: str, content: bytes) -> None:
        self.path(name).write_bytes(content)

    def commit(self) -> None:
        for name, tmp in self.files.items():
            os.replace(tmp, self.out / name)

    def discard(self) -> None:
        for tmp in self.files.values():
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
        for folder in sorted({t.parent for t in self.files.values()} | {self.out}, key=lambda p: -len(p.parts)):
            if (folder in _CREATED or folder != self.out) and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()  # a failed run leaves nothing behind, not even the folder it made




class RowWriter:
    """question/answer rows as JSONL or CSV."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.f = open(path, "w", encoding="utf-8", newline="")
        self.fmt = fmt
        self.rows = 0
        if fmt == "csv":
            self.csv = csv.writer(self.f, lineterminator="\n")
            self.csv.writerow(["question", "answer"])

    def write(self, question: str, answer: str) -> None:
        if self.fmt == "csv":
            self.csv.writerow([question, answer])
        else:
            self.f.write('{"question": ' + enc_str(question) + ', "answer": ' + enc_str(answer) + '}\n')
        self.rows += 1

    def close(self) -> None:
        self.f.close()

"""The one reader of data files: `validate`, `convert`, `stats` and `show` find a folder's split files
(split_file) and read lines, JSON and the upload format's rows through here, so every command treats odd
input the same way:

- encoding: UTF-8; a UTF-8 byte-order mark at the start of a file is skipped; a line that is not UTF-8 is
  a problem (F002) naming its line;
- line ends: any of \\n, \\r\\n and \\r ends a line (so a CR-only file reads as lines, not one long line);
- JSON is strict: NaN, Infinity, -Infinity, numbers too large for a float, duplicate object keys, lone
  surrogates and nesting deeper than MAX_DEPTH levels are errors, as they are for strict parsers elsewhere.

Problems go to a `report(line, code, message)` callback (codes are validate's, see validate.CODES):
`validate` records them and reads on; `convert` and `stats` pass `stop_at(path)`, which raises DataError
with one line naming file and line.
"""
from __future__ import annotations

import codecs
import csv
import json
import math
import re
import sys
from pathlib import Path
from typing import Callable, Iterator

MAX_DEPTH = 100  # nesting levels of JSON arrays and objects; real rows use under 20

Report = Callable[[int, str, str], None]  # (line, code, message); line 0 for the whole file


class DataError(ValueError):
    """Input that cannot be read; its message is one line naming file and line."""


# ---- strict JSON -------------------------------------------------------------------------------------
def _no_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    v = float(text)
    if math.isinf(v):
        raise ValueError(f"number {text[:20]}{'...' if len(text) > 20 else ''} is too large")
    return v


def _object(pairs: list) -> dict:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))
        key = repr(dup)
        raise ValueError(f"duplicate key {key if len(key) <= 60 else key[:57] + '...'}")
    return d


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # \ud800-\udfff written as an escape
_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value) -> str | None:
    """A string of `value` holding a lone surrogate (a valid pair decodes to one character), or None."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if _SURROGATE.search(v):
                return v
        elif isinstance(v, dict):
            stack.extend(v)
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return None


def _deeper_than(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if d > limit:
            return True
        children = v.values() if isinstance(v, dict) else v
        stack.extend((c, d + 1) for c in children if isinstance(c, (dict, list)))
    return False


_STRICT = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_object)


def loads(text: str):
    """json.loads for strict JSON (see the module docstring); every failure is a ValueError."""
    if not isinstance(text, str):
        raise TypeError(f"the JSON object must be str, not {type(text).__name__}")
    try:
        value = _STRICT.decode(text)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
    # counting brackets is cheap; only a text with many of them can be too deep
    if isinstance(value, (dict, list)) and text.count("[") + text.count("{") > MAX_DEPTH \
            and _deeper_than(value, MAX_DEPTH):
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    # a lone surrogate is not Unicode: no UTF-8 file can hold it (checked only when the text escapes one)
    if _SURROGATE_ESCAPE.search(text) and _lone_surrogate(value) is not None:
        raise ValueError("a string holds a lone surrogate (\\ud800-\\udfff), which is not valid Unicode")
    return value


def json_error(e: ValueError) -> str:
    return getattr(e, "msg", None) or str(e)


# ---- lines -------------------------------------------------------------------------------------------
_ESCAPED = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of bytes that are not UTF-8


def open_problem(path: Path) -> str | None:
    """Why `path` cannot be read as a data file (missing, a folder, a FIFO...), or None."""
    if path.is_dir():
        return "is a folder, not a file"
    if not path.exists():
        return "file not found"
    if not path.is_file():  # a FIFO or device would block or never end
        return "is not a regular file"
    return None


def lines(path: Path, report: Report) -> Iterator[tuple[int, str]]:
    """(line number, text without its line end) of each line; a line that is not UTF-8 is reported and
    skipped."""
    why = open_problem(path)
    if why:
        report(0, "F001", why)
        return
    try:
        fh = open(path, encoding="utf-8", errors="surrogateescape", newline=None)  # newline=None: \n \r\n \r
    except OSError as e:
        report(0, "F001", f"cannot read ({e.strerror or e})")
        return
    with fh:
        try:
            for n, text in enumerate(fh, 1):
                if n == 1 and "\x00" in text[:4]:  # UTF-16/32 text: every line would be a problem, so say it once
                    report(1, "F002", "not UTF-8 (UTF-16 text? save the file as UTF-8)")
                    return
                if n == 1 and text.startswith("\ufeff"):
                    text = text[1:]
                if _ESCAPED.search(text):
                    try:
                        text.encode("utf-8", "surrogateescape").decode("utf-8")
                    except UnicodeDecodeError as e:
                        report(n, "F002", f"not UTF-8 (byte {e.start} of the line)")
                        continue
                yield n, text[:-1] if text.endswith("\n") else text
        except OSError as e:
            report(0, "F001", f"cannot read ({e.strerror or e})")


def json_lines(path: Path, report: Report) -> Iterator[tuple[int, dict]]:
    """(line, object) of each non-blank line of a JSONL file; blank lines are reported as F005."""
    for n, text in lines(path, report):
        if not text.strip():
            report(n, "F005", "blank line")
            continue
        try:
            row = loads(text)
        except ValueError as e:
            report(n, "F008", f"not a JSON object: {json_error(e)}")
            continue
        if not isinstance(row, dict):
            report(n, "F008", f"a line must be a JSON object, got {type(row).__name__}")
            continue
        yield n, row


def stop_at(path: Path, error: type[DataError] = DataError) -> Report:
    """A report that stops reading at the first problem by raising `error`, one line naming file and line
    (blank lines, which hold no row, are skipped)."""
    def report(n: int, code: str, message: str) -> None:
        if code != "F005":
            raise error(plain_text(f"{path}:{n}: {message}" if n else f"{path}: {message}"))
    return report


# ---- a dataset folder's files ------------------------------------------------------------------------
SPLITS = ("train", "test")
SPLIT_EXTENSIONS = (".jsonl", ".csv")


def split_file(folder: Path, split: str, report: Report, required: bool = False) -> Path | None:
    """The file holding `split` in a dataset folder: {split}.jsonl or {split}.csv.  Every command finds a
    split's file here.  None when there is none (reported, as F001, only when `required`) or when both
    exist: which one is meant cannot be told, so that is reported rather than one of them read."""
    found = [p for ext in SPLIT_EXTENSIONS if (p := folder / f"{split}{ext}").exists()]
    if len(found) > 1:
        report(0, "F001", f"both {found[0].name} and {found[1].name} hold the {split} split; keep one")
        return None
    if not found and required:
        report(0, "F001", f"no {split}.jsonl or {split}.csv")
    return found[0] if found else None


def split_files(folder: Path, report: Report) -> dict[str, Path]:
    """{split: its file} of the splits a dataset folder holds (see split_file)."""
    return {s: p for s in SPLITS if (p := split_file(folder, s, report)) is not None}


# ---- the upload format -------------------------------------------------------------------------------
def _utf8_text(start: bytes) -> bool:
    """Whether `start` (the first bytes of a line, maybe cut inside a character) is UTF-8 text without NULs."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in start


def read_rows(path: Path, report: Report) -> Iterator[tuple[int, dict]]:
    """(line, row) per record of a JSONL or CSV file in the upload format."""
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        report(0, "F003", f"expected a .jsonl or .csv file, not {suffix or 'no extension'}")
        return
    why = open_problem(path)
    if why:
        report(0, "F001", why)
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
    except OSError as e:
        report(0, "F001", f"cannot read ({e.strerror or e})")
        return
    looks_json = head.startswith(b"{")
    if not _utf8_text(head.split(b"\n", 1)[0]):
        pass  # not UTF-8, so not a sign of CSV or JSON: reading the lines reports it (F002), with its line
    elif suffix == ".jsonl" and head and not looks_json:
        report(1, "F003", "a .jsonl file whose first line is not a JSON object (CSV content?)")
        return
    elif suffix == ".csv" and looks_json:
        report(1, "F003", "a .csv file that holds JSON lines (rename it to .jsonl?)")
        return
    if suffix == ".jsonl":
        yield from json_lines(path, report)
        return
    # CSV: records may span lines; a record's line is where it starts
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    state = {"n": 0}

    def feed():
        for n, text in lines(path, report):
            state["n"] = n
            yield text + "\n"

    reader = csv.reader(feed())
    try:
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip() for h in header]
        if header != ["question", "answer"]:  # exactly, in this order, as the platform reads it
            missing = {"question", "answer"} - set(header)
            extra = [h for h in header if h not in ("question", "answer")]
            msg = f"header is {','.join(header)!r}"
            msg += f"; missing {', '.join(sorted(missing))}" if missing else ""
            msg += f"; unexpected {', '.join(extra)}" if extra else ""
            msg += "" if missing or extra else "; expected question,answer, in that order"
            report(1, "F004", msg)
            return
        start = state["n"] + 1
        for rec in reader:
            n = start
            start = state["n"] + 1
            if not rec or all(not c.strip() for c in rec):
                report(n, "F005", "blank line")
                continue
            if len(rec) != 2:
                report(n, "F008", f"expected 2 fields (question, answer), got {len(rec)}")
                continue
            yield n, dict(zip(header, rec))
    except csv.Error as e:
        report(state["n"], "F009", f"unreadable CSV: {e}")


# ---- printing user data ------------------------------------------------------------------------------
# terminal escape sequences (CSI, OSC, two-byte ESC) and the other C0/C1 control characters
_CONTROLS = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]"
                       r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain_text(s) -> str:
    """User data fit for a terminal: escape sequences and control characters removed (tabs and line ends
    become spaces, so a message stays one line)."""
    return _CONTROLS.sub("", str(s).replace("\t", " ").replace("\n", " "))


def safe_text(s) -> str:
    """User data fit for rich: plain_text, with rich markup ('[bold]', '[/]', '[link=...]') escaped."""
    from rich.markup import escape

    return escape(plain_text(s))

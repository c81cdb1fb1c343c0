"""`mtgen convert`: a dataset folder from one format to another (any pair, through the upload format).

Files are read through generator.dataset (the reader `validate` and `stats` use too), so odd input means
the same everywhere; any problem stops the run with one line naming file and line, and nothing is written.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator

from .config import config_yaml
from .dataset import (DataError, Report, json_error, json_lines, lines, loads, open_problem, plain_text,
                      read_rows, split_file, split_files, stop_at)
from .formats import FORMATS
from .formats.fields import RowError
from .formats.writer import DatasetWriter, canonical
from .hashset import DigestSet
from .outdir import Staged, prepare, write_error
from .progress import progress
from .tools import TASK_DESCRIPTION, TOOL_NAMES, job_description


class ConvertError(DataError):
    """Input that cannot be converted; one line for the user."""


Reporters = Callable[[Path], Report]  # a file -> the report for problems in it


def stop(path: Path) -> Report:
    """Stop at the first problem of `path` with a ConvertError."""
    return stop_at(path, ConvertError)


def detect(folder: Path) -> str:
    """The format of a dataset folder's rows, from the first row of its .jsonl split files; 'csv' when
    every split file is a .csv (a .csv file is always the upload format, whatever the other split holds)."""
    if (folder / "possible_answer").is_dir():
        return "bfcl"
    files = split_files(folder, stop(folder))
    jsonl = [p for p in files.values() if p.suffix == ".jsonl"]
    if files and not jsonl:
        return "csv"
    empty = False
    for p in jsonl:
        first = next(((n, t) for n, t in lines(p, stop(p)) if t.strip()), None)
        if first is None:
            empty = True
            continue
        try:
            row = loads(first[1])
        except ValueError as e:
            raise ConvertError(f"{p}:{first[0]}: not a JSON line ({json_error(e)})") from None
        if not isinstance(row, dict):
            break
        if "question" in row and "answer" in row:
            return "distil"
        if "conversations" in row:
            return "sharegpt"
        if "messages" in row:
            return "openai" if "parallel_tool_calls" in row else "messages"
    if empty:
        return "distil"  # files without rows: read as the upload format (no rows to convert)
    raise ConvertError(f"{folder}: no train/test files in a format mtgen knows")


_CONVERSION_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError, SyntaxError, RecursionError)


def _is_call(fn) -> bool:
    return isinstance(fn, dict) and isinstance(fn.get("name"), str) and isinstance(fn.get("arguments"), dict)


def _shape(turns, answer) -> str | None:
    """What makes (turns, answer) unusable as a record (every format's to_row relies on this shape), or None."""
    if not isinstance(turns, list):
        return "the conversation is not a list of turns"
    for i, t in enumerate(turns):
        if not isinstance(t, dict):
            return f"turn {i} is not an object"
        if t.get("role") == "user":
            if not isinstance(t.get("content"), str):
                return f"turn {i}: user content is not a string"
        elif t.get("role") == "assistant":
            calls = t.get("tool_calls")
            if not isinstance(calls, list) or len(calls) != 1 or not isinstance(calls[0], dict) \
                    or not _is_call(calls[0].get("function")):
                return f"turn {i}: an assistant turn needs exactly one tool call with a name and arguments"
        else:
            return f"turn {i}: role is not user or assistant"
    if not isinstance(answer, dict) or not isinstance(answer.get("name"), str) \
            or not isinstance(answer.get("parameters"), dict):
        return "the answer is not a call with a name and parameters"
    return None


def _record(fmt: str, row: dict, n: int, report: Report):
    """(turns, answer) of one row, or None when it is reported as unreadable."""
    a_row = f"{'an' if fmt[0] in 'aeiou' else 'a'} {fmt} row"
    try:
        turns, answer = FORMATS[canonical(fmt)].from_row(row)
    except RowError as e:  # it names the field
        report(n, "F008", f"not {a_row}: {plain_text(e)[:200]}")
        return None
    except _CONVERSION_ERRORS as e:
        report(n, "F008", f"not {a_row} ({type(e).__name__}: {plain_text(e)[:200]})")
        return None
    why = _shape(turns, answer)
    if why:
        report(n, "F008", f"not {a_row}: {why}")
        return None
    return turns, answer


def _is_id(v) -> bool:
    return isinstance(v, (str, int)) and not isinstance(v, bool)


def _bfcl(folder: Path, split: str, report_for: Reporters) -> Iterator[tuple[int, list, dict, dict | None]]:
    """Entries paired with their possible_answer line by id.  The two files are read in step; an answer
    that comes early waits in `pending` until its entry (none wait when both files share an order, so
    memory stays flat).  An id without its partner, or given twice, is a problem."""
    path = folder / f"{split}.jsonl"
    answers_path = folder / "possible_answer" / f"{split}.jsonl"
    report, report_answer = report_for(path), report_for(answers_path)
    why = open_problem(answers_path)
    if why:  # said once, not as a missing answer for every entry
        report_answer(0, "F001", why)
        return
    answers = json_lines(answers_path, report_answer)
    pending: dict = {}  # id -> (line, possible_answer row), read ahead of its entry
    answer_ids, entry_ids = DigestSet(), DigestSet()

    def next_answer():
        for an, t in answers:
            tid = t.get("id")
            if not _is_id(tid):
                report_answer(an, "F008", f"id must be a string, got {_short(tid)}")
            elif not answer_ids.add(DigestSet.digest(json.dumps(tid))):
                report_answer(an, "F008", f"id {_short(tid)} is given twice")
            else:
                return an, tid, t
        return None

    for n, entry in json_lines(path, report):
        eid = entry.get("id")
        if not _is_id(eid):
            report(n, "F008", f"id must be a string, got {_short(eid)}")
            continue
        if not entry_ids.add(DigestSet.digest(json.dumps(eid))):
            report(n, "F008", f"id {_short(eid)} is given twice")
            continue
        hit = pending.pop(eid, None)
        while hit is None and (got := next_answer()) is not None:
            if got[1] == eid:
                hit = (got[0], got[2])
            else:
                pending[got[1]] = (got[0], got[2])
        if hit is None:
            report(n, "F008", f"id {_short(eid)} has no line in {answers_path}")
            continue
        try:
            (root, tree), = entry["initial_config"]["GorillaFileSystem"]["root"].items()
        except _CONVERSION_ERRORS as e:
            report(n, "F008", f"not a bfcl entry: no single GorillaFileSystem root ({type(e).__name__})")
            continue
        rec = _record("bfcl", {"entry": entry, "possible_answer": hit[1]}, n, report)
        if rec is not None:
            yield n, *rec, {"root": root, "initial_config": tree}
    left = sorted((an, tid) for tid, (an, _) in pending.items())
    while (got := next_answer()) is not None:
        left.append((got[0], got[1]))
    for an, tid in left:
        report_answer(an, "F008", f"id {_short(tid)} has no entry in {path}")


def _short(v, n: int = 40) -> str:
    s = json.dumps(v, ensure_ascii=False)
    return plain_text(s if len(s) <= n else s[:n - 3] + "...")


def _state_problem(state: dict, last: tuple[int, int]) -> str | None:
    """What is wrong with a line of a *.state.jsonl sidecar, given the (line, index) before it, or None."""
    index = state.get("index")
    if not isinstance(index, int) or isinstance(index, bool) or not isinstance(state.get("root"), str) \
            or not isinstance(state.get("initial_config"), dict):
        return "expected an object with an integer index, a root name and an initial_config"
    if index <= last[1]:
        return f"index {index} after index {last[1]} (line {last[0]}): lines must follow the rows' order"
    return None


def records(folder: Path, fmt: str, split: str,
            report_for: Reporters = stop) -> Iterator[tuple[int, list, dict, dict | None]]:
    """(line, turns, answer, starting tree or None) per row of one split.  Problems go to
    `report_for(file)`; by default the first one stops with a ConvertError."""
    if fmt == "bfcl":
        yield from _bfcl(folder, split, report_for)
        return
    path = split_file(folder, split, report_for(folder), required=True)
    if path is None:
        return
    report = report_for(path)
    if fmt in ("csv", "distil") or path.suffix == ".csv":  # CSV holds only the upload format
        rows = read_rows(path, report)
        fmt = "distil"
    else:
        rows = json_lines(path, report)
    states = folder / f"{split}.state.jsonl"
    report_state = report_for(states)
    # the sidecar holds one line per row, in the rows' order (their `index` ascending, as generate writes)
    state_lines = json_lines(states, report_state) if states.exists() else None
    last = (0, -1)  # (line, index) of the previous state
    for n, row in rows:
        state = None
        if state_lines is not None:
            got = next(state_lines, None)
            if got is None:
                report_state(0, "F008", f"has fewer lines than {path.name}: no starting tree for its line {n}")
                state_lines = None
            else:
                sn, state = got
                why = _state_problem(state, last)
                if why:
                    report_state(sn, "F008", why)
                    state = None
                else:
                    last = (sn, state["index"])
        rec = _record(fmt, row, n, report)
        if rec is not None:
            yield n, *rec, state
    if state_lines is not None:
        extra = next(state_lines, None)
        if extra is not None:
            report_state(extra[0], "F008", f"has more lines than {path.name} has rows")


def job_of(folder: Path, fmt: str) -> dict:
    """The folder's job description: its job_description.json, or the tools the rows carry."""
    p = folder / "job_description.json"
    if p.exists():
        try:
            text = p.read_text(encoding="utf-8").removeprefix("\ufeff")
            job = loads(text)
        except (OSError, UnicodeDecodeError) as e:
            raise ConvertError(f"{p}: cannot read ({getattr(e, 'strerror', None) or e})") from None
        except ValueError as e:
            raise ConvertError(f"{p}:{getattr(e, 'lineno', 0) or 1}: not valid JSON ({json_error(e)})") from None
        if not isinstance(job, dict) or not isinstance(job.get("tools"), list) \
                or not isinstance(job.get("task_description", ""), str):
            raise ConvertError(f"{p}: expected an object with task_description and a list of tools")
        job.setdefault("task_description", TASK_DESCRIPTION)
        return job
    if fmt == "bfcl":
        return job_description(TOOL_NAMES)
    train = folder / "train.jsonl"
    first = next(json_lines(train, stop(train)), (0, {}))[1] if train.exists() else {}
    try:
        if fmt in ("messages", "openai") and isinstance(first.get("tools"), list):
            msgs = first.get("messages", [])
            task = msgs[0]["content"] if msgs and msgs[0].get("role") == "system" else TASK_DESCRIPTION
            return {"task_description": task, "tools": first["tools"]}
        if fmt == "sharegpt" and "tools" in first:
            tools = loads(first["tools"])
            return {"task_description": first.get("system") or TASK_DESCRIPTION,
                    "tools": [{"type": "function", "function": f} for f in tools]}
    except _CONVERSION_ERRORS as e:
        raise ConvertError(f"{train}:1: the tools this row carries cannot be read ({plain_text(e)[:200]})") from None
    raise ConvertError(f"{folder}: no job_description.json, and the rows do not carry their tools")


def run(src: Path, to: str, out: Path, force: bool = False) -> dict[str, int]:
    if not src.is_dir():
        raise ConvertError(f"{src}: not a dataset folder")
    fmt = detect(src)
    job = job_of(src, fmt)
    prepare(out, force, inputs=[src])  # refuses --out equal to, inside or around the input
    stage = Staged(out)
    w = DatasetWriter(stage, to, job["tools"], job["task_description"])
    try:
        for split, path in split_files(src, stop(src)).items():
            with progress(f"converting {split}") as p:
                for i, (n, turns, answer, state) in enumerate(records(src, fmt, split)):
                    if w.needs_state and state is None:
                        raise ConvertError(f"{src}: converting to bfcl needs each conversation's starting tree "
                                           f"({split}.state.jsonl, from 'mtgen generate --emit-state')")
                    try:
                        w.write(split, json.dumps(turns, ensure_ascii=False), json.dumps(answer, ensure_ascii=False),
                                state, i)
                    except _CONVERSION_ERRORS as e:
                        raise ConvertError(plain_text(f"{path}:{n}: cannot be written as {to} "
                                                      f"({type(e).__name__}: {e})")[:300]) from None
                    p.advance()
        cfg = src / "config.yaml"
        try:
            cfg_text = cfg.read_text(encoding="utf-8") if cfg.exists() else config_yaml()
        except (OSError, UnicodeDecodeError) as e:
            raise ConvertError(f"{cfg}: cannot read ({getattr(e, 'strerror', None) or e})") from None
        w.complete(json.dumps(job, indent=2, ensure_ascii=False) + "\n", cfg_text)
    except OSError as e:  # a full disk: one line, nothing left behind
        w.abort()
        raise write_error(out, e) from None
    except BaseException:
        w.abort()
        raise
    return dict(w.count)

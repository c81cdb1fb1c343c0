"""`mtgen convert`: a dataset folder from one format to another (any pair, through the upload format)."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Iterator

from .config import config_yaml
from .formats import FORMATS
from .formats.writer import DatasetWriter, canonical
from .outdir import Staged, prepare
from .tools import TASK_DESCRIPTION, TOOL_NAMES, job_description


class ConvertError(ValueError):
    """Input that cannot be converted; one line for the user."""


def detect(folder: Path) -> str:
    if (folder / "possible_answer").is_dir():
        return "bfcl"
    if (folder / "train.csv").exists() or (folder / "test.csv").exists():
        return "csv"
    for split in ("train", "test"):
        p = folder / f"{split}.jsonl"
        if p.exists():
            with open(p, encoding="utf-8") as f:
                first = f.readline()
            try:
                row = json.loads(first)
            except ValueError:
                raise ConvertError(f"{p}:1: not a JSON line") from None
            if not isinstance(row, dict):
                break
            if "question" in row and "answer" in row:
                return "distil"
            if "conversations" in row:
                return "sharegpt"
            if "messages" in row:
                return "openai" if "parallel_tool_calls" in row else "messages"
    raise ConvertError(f"{folder}: no train/test files in a format mtgen knows")


def _jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                yield n, json.loads(line)


def records(folder: Path, fmt: str, split: str) -> Iterator[tuple[list, dict, dict | None]]:
    """(turns, answer, starting tree or None) per row of one split."""
    if fmt == "csv":
        with open(folder / f"{split}.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                yield (*FORMATS["distil"].from_row(row), None)
        return
    path = folder / f"{split}.jsonl"
    if fmt == "bfcl":
        answers = _jsonl(folder / "possible_answer" / f"{split}.jsonl")
        for (n, entry), (_, truth) in zip(_jsonl(path), answers):
            if entry.get("id") != truth.get("id"):
                raise ConvertError(f"{path}:{n}: id {entry.get('id')!r} has no matching possible_answer line")
            (root, tree), = entry["initial_config"]["GorillaFileSystem"]["root"].items()
            yield (*FORMATS["bfcl"].from_row({"entry": entry, "possible_answer": truth}),
                   {"root": root, "initial_config": tree})
        return
    states = folder / f"{split}.state.jsonl"
    state_lines = _jsonl(states) if states.exists() else None
    for n, row in _jsonl(path):
        state = next(state_lines)[1] if state_lines else None
        try:
            turns, answer = FORMATS[canonical(fmt)].from_row(row)
        except (KeyError, IndexError, TypeError, ValueError) as e:
            raise ConvertError(f"{path}:{n}: not a {fmt} row ({type(e).__name__}: {e})") from None
        yield turns, answer, state


def _job(folder: Path, fmt: str) -> dict:
    p = folder / "job_description.json"
    if p.exists():
        return json.loads(p.read_text(encoding="utf-8"))
    if fmt == "bfcl":
        return job_description(TOOL_NAMES)
    first = next(_jsonl(folder / "train.jsonl"), (0, {}))[1]
    if fmt in ("messages", "openai") and "tools" in first:
        msgs = first.get("messages", [])
        task = msgs[0]["content"] if msgs and msgs[0].get("role") == "system" else TASK_DESCRIPTION
        return {"task_description": task, "tools": first["tools"]}
    if fmt == "sharegpt" and "tools" in first:
        return {"task_description": first.get("system") or TASK_DESCRIPTION,
                "tools": [{"type": "function", "function": f} for f in json.loads(first["tools"])]}
    raise ConvertError(f"{folder}: no job_description.json, and the rows do not carry their tools")


def run(src: Path, to: str, out: Path, force: bool = False) -> dict[str, int]:
    if not src.is_dir():
        raise ConvertError(f"{src}: not a dataset folder")
    fmt = detect(src)
    job = _job(src, fmt)
    if not (out.exists() and out.resolve() == src.resolve()):
        prepare(out, force)
    else:
        raise ConvertError("--out must differ from the input folder")
    stage = Staged(out)
    w = DatasetWriter(stage, to, job["tools"], job["task_description"])
    try:
        for split in ("train", "test"):
            name = f"{split}.csv" if fmt == "csv" else f"{split}.jsonl"
            if not (src / name).exists():
                continue
            for i, (turns, answer, state) in enumerate(records(src, fmt, split)):
                if w.needs_state and state is None:
                    raise ConvertError(f"{src}: converting to bfcl needs each conversation's starting tree "
                                       f"({split}.state.jsonl, from 'mtgen generate --emit-state')")
                w.write(split, json.dumps(turns, ensure_ascii=False), json.dumps(answer, ensure_ascii=False),
                        state, i)
        cfg = src / "config.yaml"
        w.complete(json.dumps(job, indent=2, ensure_ascii=False) + "\n",
                   cfg.read_text(encoding="utf-8") if cfg.exists() else config_yaml())
    except BaseException:
        w.abort()
        raise
    return dict(w.count)

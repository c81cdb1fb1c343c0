"""`mtgen mutate`: labelled corruptions of a valid dataset, for stress-testing validators.

Each corrupted line gets one defect from the catalogue below, and a manifest line says where (file and
line in the corrupted copy), which kind, what changed and which `mtgen validate` code should catch it.
Untouched lines are copied byte for byte.  Which lines are corrupted depends only on (seed, file, line);
kinds are dealt round-robin from a seeded order, so small runs still cover the catalogue.  Files are read
as a stream, so memory does not grow with the input.  `score` runs another validator on the clean input
and on the corrupted copy and counts only what it measured.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .outdir import Staged, prepare
from .progress import progress
from .rng import Rand
from .validate import MAX_EXAMPLE_CHARS, ToolSpec, fs_tools_in, load_job, split_of


class MutateError(ValueError):
    """Bad input or options; one line for the user."""


@dataclass
class Ctx:
    """What a mutation may look at: the row, parsed, and the dataset around it."""
    row: dict
    turns: list
    answer: dict
    specs: dict[str, ToolSpec]
    fmt: str
    r: Rand
    fs_tools: set[str]
    donor: dict | None = None  # a row to copy (leakage: an untouched test row; duplicate: an earlier row)


def _q(ctx: Ctx, turns: list) -> None:
    ctx.row["question"] = json.dumps(turns, ensure_ascii=False)


def _a(ctx: Ctx, answer: dict) -> None:
    ctx.row["answer"] = json.dumps(answer, ensure_ascii=False)


def _assistant(ctx: Ctx) -> int | None:
    idx = [i for i, t in enumerate(ctx.turns) if t.get("role") == "assistant"]
    return ctx.r.choice(idx) if idx else None


def _props(ctx: Ctx) -> dict:
    spec = ctx.specs.get(ctx.answer["name"])
    return spec.properties if spec else {}


# ---- the catalogue: name -> (expected code for jsonl, for csv, mutation) ------------------------------
def m_broken_json(ctx):
    q = ctx.row["question"]
    ctx.row["question"] = q[: max(1, len(q) // 2)]
    return "question cut in half (invalid JSON)"


def m_question_object(ctx):
    ctx.row["question"] = ctx.turns
    return "question written as a JSON array instead of a string"


def m_answer_object(ctx):
    ctx.row["answer"] = ctx.answer
    return "answer written as a JSON object instead of a string"


def m_missing_column(ctx):
    del ctx.row["answer"]
    return "answer column removed"


def m_extra_column(ctx):
    ctx.row["note"] = "generated"
    return "extra column 'note'"


def m_empty(ctx):
    ctx.row["question"] = "[]"
    return "conversation emptied"


def m_ends_on_assistant(ctx):
    a = ctx.answer
    _q(ctx, ctx.turns + [{"role": "assistant", "content": "", "tool_calls": [
        {"type": "function", "function": {"name": a["name"], "arguments": a["parameters"]}}]}])
    return "the answer's call appended as a final assistant turn"


def m_two_users(ctx):
    t = list(ctx.turns)
    t.insert(1, {"role": "user", "content": "Also, one more thing."})
    _q(ctx, t)
    return "a second user turn inserted after the first"


def m_unknown_role(ctx):
    t = [dict(x) for x in ctx.turns]
    t[0]["role"] = "system"
    _q(ctx, t)
    return "first turn's role changed to 'system'"


def _edit_assistant(ctx, key: str, value, what: str):
    """Set `key` of a random assistant turn to value(turn); None when there is no assistant turn."""
    i = _assistant(ctx)
    if i is None:
        return None
    t = [dict(x) for x in ctx.turns]
    t[i][key] = value(t[i])
    _q(ctx, t)
    return f"turn {i}: {what}"


def m_assistant_content(ctx):
    return _edit_assistant(ctx, "content", lambda t: "Sure, doing that now.", "assistant content set to text")


def m_zero_calls(ctx):
    return _edit_assistant(ctx, "tool_calls", lambda t: [], "tool_calls emptied")


def m_two_calls(ctx):
    return _edit_assistant(ctx, "tool_calls", lambda t: t["tool_calls"] * 2, "tool call doubled")


def m_arguments_string(ctx):
    i = _assistant(ctx)
    if i is None:
        return None
    t = json.loads(json.dumps(ctx.turns))
    fn = t[i]["tool_calls"][0]["function"]
    fn["arguments"] = json.dumps(fn["arguments"])
    _q(ctx, t)
    return f"turn {i}: arguments written as a JSON string"


def m_answer_arguments(ctx):
    _a(ctx, {"name": ctx.answer["name"], "arguments": ctx.answer["parameters"]})
    return "answer uses 'arguments' instead of 'parameters'"


_FOREIGN = ("web_search", "send_email", "run_shell", "get_weather", "open_url", "xargs")


def m_unknown_tool(ctx):
    name = next((n for n in ctx.r.shuffled(_FOREIGN) if n not in ctx.specs), None)
    if name is None:
        return None
    _a(ctx, {"name": name, "parameters": ctx.answer["parameters"]})
    return f"answer tool {ctx.answer['name']!r} replaced by unknown {name!r}"


def m_renamed_tool(ctx):
    n = ctx.answer["name"]
    camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), n)
    options = [x for x in (camel, n + "_v2", "fn_" + n, n.upper()) if x != n and x not in ctx.specs]
    if not options:
        return None
    new = ctx.r.choice(options)
    _a(ctx, {"name": new, "parameters": ctx.answer["parameters"]})
    return f"answer tool {n!r} renamed {new!r}"


def m_missing_required(ctx):
    spec = ctx.specs.get(ctx.answer["name"])
    present = [k for k in (spec.required if spec else []) if k in ctx.answer["parameters"]]
    if not present:
        return None
    k = ctx.r.choice(present)
    params = {x: v for x, v in ctx.answer["parameters"].items() if x != k}
    _a(ctx, {"name": ctx.answer["name"], "parameters": params})
    return f"required parameter {k!r} removed from the answer"


def m_unknown_param(ctx):
    props = _props(ctx)
    k = next(x for x in ("verbose", "path", "force", "extra_option") if x not in props)
    _a(ctx, {"name": ctx.answer["name"], "parameters": {**ctx.answer["parameters"], k: True}})
    return f"unknown parameter {k!r} added to the answer"


_WRONG = {"string": 42, "boolean": "true", "number": "ten", "integer": "ten", "array": "x", "object": "x"}


def m_wrong_type(ctx):
    props = _props(ctx)
    typed = [k for k, p in props.items() if isinstance(p, dict) and p.get("type") in _WRONG]
    if not typed:
        return None
    present = [k for k in typed if k in ctx.answer["parameters"]]
    k = ctx.r.choice(present or typed)
    bad = _WRONG[props[k]["type"]]
    _a(ctx, {"name": ctx.answer["name"], "parameters": {**ctx.answer["parameters"], k: bad}})
    return f"parameter {k!r} ({props[k]['type']}) set to {json.dumps(bad)}"


def m_enum(ctx):
    props = _props(ctx)
    enums = [k for k, p in props.items() if isinstance(p, dict) and isinstance(p.get("enum"), list) and p["enum"]
             and all(isinstance(e, str) for e in p["enum"])]
    if not enums:
        return None
    k = ctx.r.choice(enums)
    bad = "other_" + props[k]["enum"][0]
    while bad in props[k]["enum"]:
        bad += "_x"
    _a(ctx, {"name": ctx.answer["name"], "parameters": {**ctx.answer["parameters"], k: bad}})
    return f"parameter {k!r} set to {bad!r}, outside its enum"


def _name_arg(tool: str) -> str | None:
    """The argument of a file-system tool that names an existing file or folder (from the registry)."""
    from .domains.base import EXISTING_ROLES
    from .domains.filesystem import TOOLS
    names = TOOLS[tool].args_with(*EXISTING_ROLES) if tool in TOOLS else ()
    return names[0] if names else None


def m_contradiction(ctx):
    tool = ctx.answer["name"]
    key = _name_arg(tool)
    if "rm" not in ctx.fs_tools or tool not in ctx.fs_tools or key is None:
        return None
    name = ctx.answer["parameters"].get(key)
    if not isinstance(name, str) or name in ("..", ".", "/") or "/" in name:
        return None
    t = ctx.turns[:-1] + [{"role": "user", "content": f"Delete {name}."},
                          {"role": "assistant", "content": "", "tool_calls": [
                              {"type": "function", "function": {"name": "rm", "arguments": {"file_name": name}}}]},
                          ctx.turns[-1]]
    _q(ctx, t)
    return f"'{name}' removed just before the answer uses it"


def m_ungrounded(ctx):
    props = _props(ctx)
    free = [k for k, v in ctx.answer["parameters"].items() if isinstance(v, str) and v not in ("..", ".")
            and not (isinstance(props.get(k), dict) and ("enum" in props[k] or "const" in props[k]))]
    if not free:
        return None
    k = ctx.r.choice(free)
    old = ctx.answer["parameters"][k]
    ext = "." + old.rsplit(".", 1)[1] if "." in old.lstrip(".") else ""
    new = f"zq{1000 + ctx.r.below(9000)}_unmentioned{ext}"
    _a(ctx, {"name": ctx.answer["name"], "parameters": {**ctx.answer["parameters"], k: new}})
    return f"answer {k}={old!r} replaced by {new!r}, never mentioned"


def _copy_donor(ctx, what: str):
    """Replace the row by the donor row (chosen by run(): a test row, or an earlier clean row)."""
    if ctx.donor is None:
        return None
    ctx.row.clear()
    ctx.row.update(ctx.donor)
    return f"row replaced by a copy of {what}"


def m_leakage(ctx):
    return _copy_donor(ctx, "a test row")


def m_duplicate(ctx):
    return _copy_donor(ctx, "an earlier row")


def m_over_length(ctx):
    t = [dict(x) for x in ctx.turns]
    first = next(i for i, x in enumerate(t) if x.get("role") == "user")
    t[first]["content"] = t[first]["content"] + " " + "please " * (MAX_EXAMPLE_CHARS // 7 + 10)
    _q(ctx, t)
    return f"first user turn padded past {MAX_EXAMPLE_CHARS:,} characters"


Kind = tuple[str, str | None, Callable[[Ctx], str | None]]
KINDS: dict[str, Kind] = {
    # structure
    "broken_json": ("Q002", "Q002", m_broken_json),
    "question_object": ("Q001", None, m_question_object),
    "answer_object": ("A001", None, m_answer_object),
    "missing_column": ("R001", "F008", m_missing_column),
    "extra_column": ("R002", "F008", m_extra_column),
    "empty_conversation": ("Q003", "Q003", m_empty),
    "ends_on_assistant": ("Q005", "Q005", m_ends_on_assistant),
    "two_user_turns": ("Q005", "Q005", m_two_users),
    "unknown_role": ("Q004", "Q004", m_unknown_role),
    "assistant_content": ("Q007", "Q007", m_assistant_content),
    "zero_tool_calls": ("Q008", "Q008", m_zero_calls),
    "two_tool_calls": ("Q008", "Q008", m_two_calls),
    "arguments_string": ("Q009", "Q009", m_arguments_string),
    "answer_arguments_key": ("A003", "A003", m_answer_arguments),
    # schema
    "unknown_tool": ("S001", "S001", m_unknown_tool),
    "renamed_tool": ("S001", "S001", m_renamed_tool),
    "missing_required": ("S002", "S002", m_missing_required),
    "unknown_parameter": ("S003", "S003", m_unknown_param),
    "wrong_type": ("S004", "S004", m_wrong_type),
    "enum_violation": ("S005", "S005", m_enum),
    # semantics
    "contradicts_state": ("X001", "X001", m_contradiction),
    "ungrounded_value": ("W001", "W001", m_ungrounded),
    "leakage": ("D002", "D002", m_leakage),
    "duplicate_row": ("D001", "D001", m_duplicate),
    "over_length": ("F007", "F007", m_over_length),
}


# ---- records with their exact bytes -------------------------------------------------------------------
# Files are streamed record by record (memory stays flat in the input size); a record is kept as its exact
# bytes, so untouched records are copied byte for byte, and as its offset, so a donor row (leakage,
# duplicate) is read again from the file when it is needed instead of being held.
@dataclass
class Record:
    offset: int  # where the record starts in its file
    raw: bytes  # exactly as in the file, newline(s) included
    row: dict | None  # parsed question/answer, or None when the record is not a usable row


def _text(raw: bytes) -> str | None:
    """The record as text, or None when it is not UTF-8 (such a record is carried, never mutated)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _json_row(text: str | None) -> dict | None:
    if text is None:
        return None
    try:
        row = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply to parse; carried as it is
        return None
    return row if isinstance(row, dict) else None


def _csv_parse(chunk: bytes) -> list | None:
    try:
        return list(csv.reader(io.StringIO(chunk.decode("utf-8", errors="surrogateescape"))))
    except csv.Error:
        return None


class DataFile:
    """One .jsonl or .csv input file, read a record at a time.  A JSONL record is a line (lines end at
    '\\n' only, as `mtgen validate` counts them); a CSV record grows line by line until its quotes balance."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.is_csv = path.suffix.lower() == ".csv"
        self.header = b""
        self.fields: list[str] = []
        if self.is_csv:
            csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a long field is a record, not a reading error
            with open(path, "rb") as f:
                self.header = f.readline()
            try:
                self.fields = next(csv.reader([self.header.decode("utf-8", errors="surrogateescape")]), [])
            except csv.Error:  # not a CSV header: no record of the file is a usable row
                self.fields = []
        self._reader = None

    def records(self, start: int | None = None) -> Iterator[Record]:
        """Every record from byte offset `start` (default: the first record after the header)."""
        pos = len(self.header) if start is None else start
        with open(self.path, "rb") as f:
            f.seek(pos)
            yield from (self._csv_records(f, pos) if self.is_csv else self._jsonl_records(f, pos))

    @staticmethod
    def _jsonl_records(f, pos: int) -> Iterator[Record]:
        for raw in f:
            yield Record(pos, raw, _json_row(_text(raw)))
            pos += len(raw)

    def _csv_records(self, f, pos: int) -> Iterator[Record]:
        pending: list[bytes] = []
        odd = 0  # quotes seen in the pending lines, mod 2: a record can end only where they balance
        for raw in f:
            pending.append(raw)
            odd ^= raw.count(b'"') & 1
            if odd:
                continue
            chunk = b"".join(pending)
            yield self._csv_record(pos, chunk)
            pos += len(chunk)
            pending = []
        if pending:  # the file ends inside a quoted field: the rest is one unusable record
            yield self._csv_record(pos, b"".join(pending))

    def _csv_record(self, pos: int, chunk: bytes) -> Record:
        parsed = _csv_parse(chunk)
        rec = parsed[0] if parsed and len(parsed) == 1 else None
        usable = rec and len(rec) == len(self.fields) and _text(chunk) is not None
        return Record(pos, chunk, dict(zip(self.fields, rec)) if usable else None)

    def row_at(self, offset: int) -> dict | None:
        """The row of the record at `offset` (a donor row read again)."""
        if self._reader is None:
            self._reader = open(self.path, "rb")
        self._reader.seek(offset)
        if not self.is_csv:
            return _json_row(_text(self._reader.readline()))
        return next(self._csv_records(self._reader, offset)).row

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def _parse(row: dict | None):
    """(turns, answer) when the row is well-formed enough to mutate, else None."""
    if not row or set(row) != {"question", "answer"}:
        return None
    try:
        turns, answer = json.loads(row["question"]), json.loads(row["answer"])
    except (TypeError, ValueError, RecursionError):
        return None
    if not (isinstance(turns, list) and turns and all(isinstance(t, dict) for t in turns)
            and isinstance(answer, dict) and isinstance(answer.get("parameters"), dict)):
        return None
    return turns, answer


def _serialise(row: dict, fmt: str) -> str:
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([row[k] for k in ("question", "answer", "note") if k in row])
        return buf.getvalue()
    return json.dumps(row, ensure_ascii=False) + "\n"


def _lines_in(path: Path) -> int:
    """Lines of a file (a last line without a newline counts), for the progress total."""
    n, last = 0, b"\n"
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            n += block.count(b"\n")
            last = block[-1:]
    return n + (last != b"\n")


# ---- the run ------------------------------------------------------------------------------------------
@dataclass
class Mutation:
    file: str
    line: int
    kind: str
    change: str
    expected_code: str


class Manifest:
    """The mutations of a run, read back from its manifest.jsonl when iterated (a large run does not
    hold them in memory)."""

    def __init__(self, path: Path, count: int) -> None:
        self.path, self.count = path, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Mutation]:
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                yield Mutation(**json.loads(line))


@dataclass
class MutateResult:
    out: Path
    files: list[Path] = field(default_factory=list)
    mutations: Manifest | list[Mutation] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    skipped_kinds: set[str] = field(default_factory=set)
    inputs: list[Path] = field(default_factory=list)  # the clean file behind each of `files`
    job: Path | None = None
    config: Path | None = None


_OTHER_FORMATS = ("messages", "openai", "sharegpt", "bfcl")


def _other_format(src: Path) -> str | None:
    """The format of `src` when it is a dataset mtgen knows in a format other than the upload format."""
    if src.is_dir():
        from .convert import ConvertError, detect
        try:
            fmt = detect(src)
        except (ConvertError, ValueError, RecursionError, OSError):
            return None  # nothing recognisable: read as upload-format rows (unusable lines are carried)
        return fmt if fmt in _OTHER_FORMATS else None
    try:
        with open(src, "rb") as f:
            row = json.loads(f.readline(1 << 20).decode("utf-8").lstrip("\ufeff"))
    except (ValueError, RecursionError, OSError):
        return None
    if not isinstance(row, dict) or "answer" in row:
        return None
    if "conversations" in row:
        return "sharegpt"
    if "messages" in row:
        return "openai" if "parallel_tool_calls" in row else "messages"
    return "bfcl" if "id" in row and isinstance(row.get("question"), list) else None


def _inputs(src: Path, job: Path | None) -> tuple[list[Path], Path | None, Path | None]:
    if src.is_dir():
        files = []
        for name in (f"{s}.{e}" for s in ("train", "test") for e in ("jsonl", "csv")):
            p = src / name
            if p.exists() and not p.is_file():  # a folder or a FIFO: never opened
                raise MutateError(f"{p}: not a file")
            if p.exists():
                files.append(p)
    elif not src.exists():
        raise MutateError(f"{src}: no such file or folder")
    elif not src.is_file():
        raise MutateError(f"{src}: not a file or folder")
    fmt = _other_format(src)
    if fmt:
        folder = src if src.is_dir() else src.parent
        raise MutateError(f"{src}: a {fmt} dataset; mutate reads the upload format (question/answer rows): "
                          f"convert it first with 'mtgen convert {folder} --to distil --out FOLDER'")
    if src.is_dir():
        if not files:
            raise MutateError(f"{src}: no train/test .jsonl or .csv files")
        cfg = src / "config.yaml"
        if cfg.exists() and not cfg.is_file():
            raise MutateError(f"{cfg}: not a file")
        return files, job or (src / "job_description.json"), cfg if cfg.exists() else None
    if src.suffix.lower() not in (".jsonl", ".csv"):
        raise MutateError(f"{src}: expected a .jsonl or .csv file")
    return [src], job or (src.parent / "job_description.json"), None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise MutateError(f"{path}: not UTF-8 (byte {e.start})") from None
    except OSError as e:
        raise MutateError(f"{path}: cannot read ({e.strerror or e})") from None


def run(src: Path, out: Path, seed: int = 1, rate: float = 0.3, kinds: list[str] | None = None,
        job: Path | None = None, force: bool = False) -> MutateResult:
    if not 0 < rate <= 1:
        raise MutateError(f"--rate must be in (0, 1] (got {rate})")
    if seed < 0:
        raise MutateError(f"--seed must be >= 0 (got {seed})")
    names = list(KINDS) if not kinds else kinds
    unknown = [k for k in names if k not in KINDS]
    if unknown:
        raise MutateError(f"unknown kind {unknown[0]!r} (known: {', '.join(KINDS)})")
    files, job_path, cfg = _inputs(src, job)
    if job_path is None or not job_path.exists():
        raise MutateError(f"no job_description.json beside {src} (give --job FILE)")
    problems: list = []
    specs = load_job(job_path, problems)
    if specs is None or problems:
        raise MutateError(f"{job_path}: {problems[0].message if problems else 'unusable job description'}")
    job_text, cfg_text = _read_text(job_path), _read_text(cfg) if cfg else None
    fs_tools = fs_tools_in(specs)
    # an --out that is, holds or lies inside an input is refused: with --force it would replace the input
    prepare(out, force, inputs=[src, job_path] + ([cfg] if cfg else []))

    result = MutateResult(out, inputs=list(files), job=job_path, config=cfg)
    stage = Staged(out)
    data: list[DataFile] = []
    try:
        data = [DataFile(p) for p in files]
        with progress("mutating", sum(_lines_in(p) for p in files)) as bar:
            count = _mutate(data, seed, rate, names, specs, fs_tools, stage, result, bar)
        stage.text("job_description.json", job_text)
        if cfg_text is not None:
            stage.text("config.yaml", cfg_text)
        stage.commit()
    except OSError as e:
        stage.discard()
        raise MutateError(f"{e.filename or out}: {e.strerror or e}") from None
    except BaseException:
        stage.discard()
        raise
    finally:
        for d in data:
            d.close()
    result.mutations = Manifest(out / "manifest.jsonl", count)
    return result


def _picked(seed: int, fid: int, i: int, rate: float) -> bool:
    return Rand(seed, 0xBAD, fid, i).chance(rate)


def _mutate(data: list[DataFile], seed: int, rate: float, names: list[str], specs: dict, fs_tools: set,
            stage: Staged, result: MutateResult, bar) -> int:
    """Write the corrupted copy of every file and the manifest into `stage`; the number of mutations."""
    order = Rand(seed, 0x0D3).shuffled(names)
    # leakage donors: untouched, usable test rows, as (offset << 2 | file) — read again when dealt
    test_donors = array("q")
    if "leakage" in names and any(split_of(d.path) == "train" for d in data):
        for fid, d in enumerate(data):
            if split_of(d.path) == "test":
                for i, rec in enumerate(d.records()):
                    if not _picked(seed, fid, i, rate) and _parse(rec.row):
                        test_donors.append(rec.offset << 2 | fid)
    seen: set[str] = set()
    count = deal = shaped = 0
    with open(stage.path("manifest.jsonl"), "wb") as manifest:
        for fid, d in enumerate(data):
            p = d.path
            fmt = "csv" if d.is_csv else "jsonl"
            line = 1 + d.header.count(b"\n")
            clean_before = array("q")  # offsets of untouched rows of this file: duplicate donors
            donors_left = array("q", test_donors) if split_of(p) == "train" else array("q")
            rows = 0
            with open(stage.path(p.name), "wb") as w:
                w.write(d.header)
                bar.advance(d.header.count(b"\n"))
                for i, rec in enumerate(d.records()):
                    rows += 1
                    shaped += rec.row is not None and rec.row.keys() == {"question", "answer"}
                    hit = _picked(seed, fid, i, rate)
                    parsed = _parse(rec.row) if hit else None
                    text, note = rec.raw, None
                    if parsed:
                        r = Rand(seed, 0xC0DE, fid, i)
                        for step in range(len(order)):
                            kind = order[(deal + step) % len(order)]
                            code = KINDS[kind][0 if fmt == "jsonl" else 1]
                            if code is None:
                                continue
                            donor = None
                            if kind == "leakage" and donors_left:
                                at = donors_left.pop(r.below(len(donors_left)))
                                donor = data[at & 3].row_at(at >> 2)
                            elif kind == "duplicate_row" and clean_before:
                                donor = d.row_at(r.choice(clean_before))
                            made = _apply(kind, Ctx(dict(rec.row), parsed[0], parsed[1], specs, fmt, r, fs_tools,
                                                    donor), fmt, p.name, line, code)
                            if made is None:
                                continue
                            text, note = made
                            deal += step + 1
                            break
                    if note:
                        manifest.write(note)
                        count += 1
                        seen.add(kind)
                    elif not hit and rec.row is not None:
                        clean_before.append(rec.offset)
                    w.write(text)
                    line += text.count(b"\n") or 1
                    bar.advance(rec.raw.count(b"\n") or 1)
            result.files.append(result.out / p.name)
            result.rows[p.name] = rows
    if not shaped:
        raise MutateError(f"{', '.join(str(d.path) for d in data)}: no row in the upload format "
                          f"(a JSON object or CSV record with question and answer): nothing to corrupt")
    result.skipped_kinds = set(names) - seen
    return count


def _apply(kind: str, ctx: Ctx, fmt: str, name: str, line: int, code: str):
    """(row bytes, manifest line bytes) of `kind` applied to ctx's row; None when the kind does not apply
    or its result cannot be written: a lone surrogate ("\\ud800" in the input) is not UTF-8, and a value
    nested too deeply does not serialise.  Then another kind is tried, or the row is carried as it is."""
    try:
        change = KINDS[kind][2](ctx)
        if change is None:
            return None
        text = _serialise(ctx.row, fmt).encode("utf-8")
        note = json.dumps(Mutation(name, line, kind, change, code).__dict__, ensure_ascii=False) + "\n"
        return text, note.encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        return None


# ---- scoring another validator ------------------------------------------------------------------------
@dataclass
class Score:
    per_kind: dict[str, list[int]]  # kind -> [mutations, detected], over the mutations that could be scored
    false_positives: int | None  # lines the check reports on the clean input; None: it rejects a clean
    #                              file without naming a line, so there is no count
    clean_lines: int  # lines of the clean input
    notes: list[str]
    unscored: int = 0  # mutations whose detection could not be measured (see notes)
    clean_failures: list[str] = field(default_factory=list)  # clean input files the check fails or flags
    stray: int = 0  # reports on untouched lines of the corrupted copies (a wrong line, or a defect's echo)


_CANNOT_RUN = {126: "not executable", 127: "command not found"}  # the shell's exit codes


def fill(command: str, path: str) -> str:
    """`command` with each {file} replaced by `path`, quoted for where it stands (bare, inside "..." or
    inside '...'), so the path is one argument and no file name runs as shell code."""
    out, i, quote = [], 0, ""
    while i < len(command):
        if command.startswith("{file}", i):
            if quote == "'":
                out.append(path.replace("'", "'\\''"))
            elif quote == '"':
                out.append(re.sub(r'([\\$`"])', r"\\\1", path))
            else:
                out.append(shlex.quote(path))
            i += len("{file}")
            continue
        c = command[i]
        if c == "\\" and quote != "'":
            out.append(command[i:i + 2])
            i += 2
            continue
        if not quote and c in "'\"":
            quote = c
        elif c == quote:
            quote = ""
        out.append(c)
        i += 1
    return "".join(out)


CHECK_TIMEOUT = 600.0  # seconds a --check run may take on one file (--check-timeout)


def _check(command: str, path: Path, timeout: float = CHECK_TIMEOUT, shown: str | None = None) -> tuple[int, str]:
    """The exit code and output of `command` on `path`.  It runs in a session of its own, so that when it takes
    longer than `timeout` (or mtgen is interrupted) everything it started is killed, not only its shell (a
    child left holding the output pipes would keep mtgen waiting)."""
    import os
    import signal

    proc = subprocess.Popen(fill(command, str(path)), shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            encoding="utf-8", errors="replace", start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except BaseException as e:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.communicate()
        if isinstance(e, subprocess.TimeoutExpired):
            raise MutateError(f"--check took longer than {timeout:g} s on {shown or path} (--check-timeout sets the "
                              f"limit)") from None
        raise
    output = stdout + "\n" + stderr
    if proc.returncode in _CANNOT_RUN:
        last = next((x for x in reversed(stderr.splitlines()) if x.strip()), "")
        raise MutateError(f"--check could not run ({_CANNOT_RUN[proc.returncode]}, exit {proc.returncode})"
                          + (f": {last.strip()}" if last else ""))
    return proc.returncode, output


def _crashed(code: int, output: str) -> bool:
    """Killed by a signal, or a Python traceback: its exit code is no verdict on the data."""
    return code < 0 or code >= 128 or "Traceback (most recent call last)" in output


def _reported_lines(output: str, name: str) -> set[int]:
    """Line numbers a validator reported for file `name`: the first location on each output line
    ('name:12', '"line": 12' or 'line 12'); later numbers on a line are usually cross-references."""
    pattern = re.compile(re.escape(name) + r":(\d+)|\"line\":\s*(\d+)|\bline[: ]\s*(\d+)", re.IGNORECASE)
    lines = set()
    for text in output.splitlines():
        m = pattern.search(text)
        if m:
            lines.add(int(next(g for g in m.groups() if g is not None)))
    lines.discard(0)
    return lines


def _clean_copy(result: MutateResult, folder: Path) -> None:
    """The clean input laid out as the corrupted copy is (same file names, job and config beside), so
    the check sees the same context: links where the system allows them, else copies."""
    pairs = [(f.name, p) for f, p in zip(result.files, result.inputs)]
    pairs += [("job_description.json", result.job)] if result.job else []
    pairs += [("config.yaml", result.config)] if result.config else []
    for name, p in pairs:
        try:
            (folder / name).symlink_to(p.resolve())
        except OSError:
            shutil.copyfile(p, folder / name)


def score(result: MutateResult, command: str, timeout: float = CHECK_TIMEOUT) -> Score:
    """Run `command` (with {file} replaced) first on each clean input file, then on its corrupted copy,
    and compare with the manifest; each run may take `timeout` seconds.  Only what was measured is counted;
    the rest is said in `notes`."""
    if "{file}" not in command:
        raise MutateError("--check needs '{file}' in the command, e.g. --check 'mtgen validate {file}'")
    by_file: dict[str, dict[int, str]] = {}
    for m in result.mutations:
        by_file.setdefault(m.file, {})[m.line] = sys.intern(m.kind)
    s = Score({}, 0, 0, [])
    with tempfile.TemporaryDirectory(prefix="mtgen-clean-") as tmp, \
            progress("checking", 2 * len(result.files)) as bar:
        _clean_copy(result, Path(tmp))
        for f, src in zip(result.files, result.inputs):
            muts = by_file.get(f.name, {})
            # the clean input first: what the check reports there is its false-positive result
            code0, out0 = _check(command, Path(tmp) / f.name, timeout, f"a clean copy of {src}")
            bar.advance()
            crashed0 = _crashed(code0, out0)  # a traceback's line numbers are the program's, not the data's
            records, flagged = _record_lines(src, set() if crashed0 else _reported_lines(out0, f.name))
            s.clean_lines += records
            if flagged and s.false_positives is not None:
                s.false_positives += len(flagged)
            elif code0 != 0 and not flagged:
                s.false_positives = None
            if flagged or code0 != 0:
                how = "crashes" if crashed0 else f"exits {code0}"
                s.clean_failures.append(f"{f.name}: {how}, {len(flagged)} line(s) reported")
                s.notes.append(f"{f.name}: on the clean input the check {how} and reports {len(flagged)} "
                               f"line(s): that is its false-positive result")
            # then the corrupted copy
            code, output = _check(command, f, timeout)
            bar.advance()
            crashed = _crashed(code, output)
            reported = set() if crashed else _reported_lines(output, f.name)
            if reported or code == 0:  # a pass with no line named catches nothing
                if reported:
                    s.stray += len(_record_lines(f, reported)[1] - muts.keys())
                caught = [line in reported for line in muts]
            elif crashed or code0 != 0:
                if muts:
                    why = "crashes on it" if crashed else "fails on the clean input too"
                    s.notes.append(f"{f.name}: {len(muts)} corrupted row(s) not scored: the check {why} "
                                   f"and names no line")
                s.unscored += len(muts)
                continue
            else:
                caught = [True] * len(muts)
                if muts:
                    s.notes.append(f"{f.name}: the validator printed no line numbers; scored by its exit code")
            for kind, hit in zip(muts.values(), caught):
                k = s.per_kind.setdefault(kind, [0, 0])
                k[0] += 1
                k[1] += hit
    if s.stray:
        s.notes.append(f"{s.stray} report(s) on untouched lines of the corrupted files (a wrong line number, "
                       f"or an echo of a nearby defect)")
    return s


def _record_lines(path: Path, among: set[int]) -> tuple[int, set[int]]:
    """(records in a data file, the lines of `among` on which a record starts): a reported line that
    starts no record (a CSV record's second line, a line past the end) is no report on a row."""
    d = DataFile(path)
    line = 1 + d.header.count(b"\n")
    count, hits = 0, set()
    for rec in d.records():
        count += 1
        if line in among:
            hits.add(line)
        line += rec.raw.count(b"\n") or 1
    return count, hits

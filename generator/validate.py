"""`mtgen validate`: check any dataset in the multi-turn tool-calling upload format, for any tool set.

Reads row by row (flat memory: a dataset keeps only an 8-byte hash and a line number per row, for the
duplicate and leakage checks at the end).  Every problem has a stable code; see CODES.  Nothing here
raises on bad input: every failure of a file or a row becomes a Problem.
"""
from __future__ import annotations

import csv
import functools
import json
import re
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import jsonschema
import yaml

from .config import KNOWN_TASKS, check_student, check_teacher
from .hashset import DigestSet

MAX_EXAMPLE_CHARS = 30_000
MIN_ROWS = 20

CODES: dict[str, str] = {
    # files
    "F001": "file missing or unreadable",
    "F002": "not UTF-8",
    "F003": "extension does not match content (JSONL vs CSV)",
    "F004": "CSV header is not exactly question,answer",
    "F005": "blank line",
    "F006": "fewer rows than the platform's minimum",
    "F007": "example longer than the platform's limit",
    "F008": "row is not a JSON object / CSV row has the wrong number of fields",
    "F009": "unreadable CSV",
    # job description and config
    "J001": "job_description.json is not valid JSON or not an object",
    "J002": "task_description missing or empty",
    "J003": "tools missing, or a tool not in OpenAI function format",
    "J004": "tool parameters are not a valid JSON Schema",
    "J005": "duplicate tool name",
    "C001": "config.yaml is not valid YAML or has no base.task",
    "C002": "unknown task",
    "C003": "unsupported student model",
    "C004": "unsupported teacher model",
    # rows
    "R001": "missing column",
    "R002": "unexpected column",
    "Q001": "question is not a string",
    "Q002": "question is not valid JSON",
    "Q003": "question is not a non-empty JSON array",
    "Q004": "turn is not an object with a known role",
    "Q005": "roles do not alternate user/assistant, starting and ending with user",
    "Q006": "user content missing or empty",
    "Q007": "assistant content is not an empty string",
    "Q008": "assistant turn does not have exactly one tool call",
    "Q009": "malformed tool call (type, function, name, arguments object)",
    "A001": "answer is not a string",
    "A002": "answer is not a JSON object",
    "A003": "answer keys are not exactly name and parameters",
    "S001": "unknown tool",
    "S002": "missing required parameter",
    "S003": "unknown parameter",
    "S004": "parameter of the wrong type",
    "S005": "parameter value not allowed by the schema (enum, range, pattern...)",
    # file-system consistency (only when the tool set has file-system tools)
    "X001": "call contradicts the file system implied by earlier calls",
    "W001": "answer value appears nowhere in the conversation (ungrounded)",
    # dataset
    "D001": "duplicate example",
    "D002": "example in both train and test (leakage)",
}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 0 when the problem is about the whole file
    code: str
    message: str
    severity: str = "error"

    def human(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.code} {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "code": self.code, "severity": self.severity,
                "message": self.message}


def _short(v, n: int = 60) -> str:
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else repr(v)
    return s if len(s) <= n else s[:n - 3] + "..."


def _loads(text: str):
    """json.loads that reports deep nesting and huge numbers as ValueError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


# ---- job description -------------------------------------------------------------------------------
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass
class ToolSpec:
    name: str
    validator: jsonschema.protocols.Validator
    properties: dict
    required: list
    quick: "QuickCheck | None" = None


# Keywords whose meaning QuickCheck reproduces exactly; a schema using anything else is left to jsonschema.
_QUICK_KEYS = {"type", "enum", "description", "default", "title", "examples", "minimum", "maximum"}
_QUICK_TYPES = {"string": lambda v: isinstance(v, str),
                "boolean": lambda v: isinstance(v, bool),
                "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
                or (isinstance(v, float) and v.is_integer()),
                "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)}


class QuickCheck:
    """A fast yes for the common flat schema (typed properties, enums, bounds, required, no extras).
    It only ever says 'certainly valid'; on anything else jsonschema decides and explains."""

    def __init__(self, params: dict) -> None:
        self.props = {}
        for k, p in params.get("properties", {}).items():
            if not isinstance(p, dict) or not set(p) <= _QUICK_KEYS or p.get("type") not in _QUICK_TYPES:
                raise ValueError("not a flat schema")
            if ("minimum" in p or "maximum" in p) and p["type"] not in ("integer", "number"):
                raise ValueError("bounds on a non-number")
            enum = p.get("enum")
            if enum is not None and not all(isinstance(e, str) for e in enum):
                raise ValueError("only string enums are checked quickly")  # 1 == True pitfalls
            self.props[k] = (_QUICK_TYPES[p["type"]], frozenset(enum) if enum is not None else None,
                             p.get("minimum"), p.get("maximum"))
        extra = set(params) - {"type", "properties", "required", "additionalProperties", "description", "title"}
        if extra or params.get("additionalProperties", False) is not False:
            raise ValueError("not a flat schema")
        self.required = tuple(params.get("required", ()))

    def ok(self, args) -> bool:
        if not isinstance(args, dict):
            return False
        props = self.props
        for k, v in args.items():
            p = props.get(k)
            if p is None or not p[0](v):
                return False
            if p[1] is not None and v not in p[1]:
                return False
            if (p[2] is not None and v < p[2]) or (p[3] is not None and v > p[3]):
                return False
        return all(k in args for k in self.required)


def load_job(path: Path, out: list[Problem]) -> dict[str, ToolSpec] | None:
    f = str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        out.append(Problem(f, 0, "F001", f"cannot read job description ({e.strerror or e})"))
        return None
    try:
        job = _loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        out.append(Problem(f, 0, "F002", f"not UTF-8 (byte {e.start})"))
        return None
    except ValueError as e:
        line = getattr(e, "lineno", 0)
        out.append(Problem(f, line, "J001", f"not valid JSON: {getattr(e, 'msg', e)}"))
        return None
    if not isinstance(job, dict):
        out.append(Problem(f, 0, "J001", "must be a JSON object with task_description and tools"))
        return None
    td = job.get("task_description")
    if not isinstance(td, str) or not td.strip():
        out.append(Problem(f, 0, "J002", "task_description must be a non-empty string"))
    tools = job.get("tools")
    if not isinstance(tools, list) or not tools:
        out.append(Problem(f, 0, "J003", "tools must be a non-empty list of OpenAI function schemas"))
        return None
    specs: dict[str, ToolSpec] = {}
    for i, t in enumerate(tools):
        where = f"tools[{i}]"
        fn = t.get("function") if isinstance(t, dict) else None
        if not isinstance(t, dict) or t.get("type") != "function" or not isinstance(fn, dict):
            out.append(Problem(f, 0, "J003", f"{where}: expected {{\"type\": \"function\", \"function\": {{...}}}}"))
            continue
        name = fn.get("name")
        if not isinstance(name, str) or not _TOOL_NAME.match(name):
            out.append(Problem(f, 0, "J003", f"{where}.function.name must be 1-64 letters, digits, _ . or -"))
            continue
        params = fn.get("parameters", {"type": "object", "properties": {}})
        if not isinstance(params, dict) or params.get("type") != "object":
            out.append(Problem(f, 0, "J003", f"{where} ({name}): parameters must be a JSON Schema of type object"))
            continue
        try:
            jsonschema.Draft202012Validator.check_schema(params)
        except jsonschema.SchemaError as e:
            path_ = "/".join(map(str, e.absolute_path))
            out.append(Problem(f, 0, "J004", f"{where} ({name}): invalid JSON Schema at '{path_}': {e.message}"))
            continue
        if name in specs:
            out.append(Problem(f, 0, "J005", f"{where}: tool {name!r} is defined twice"))
            continue
        props = params.get("properties", {}) if isinstance(params.get("properties"), dict) else {}
        strict = dict(params)
        # unknown arguments are a defect even where the schema does not forbid them: a model trained on
        # them learns to invent parameters
        strict.setdefault("additionalProperties", False)
        try:
            quick = QuickCheck(strict)
        except (ValueError, TypeError, AttributeError):
            quick = None
        specs[name] = ToolSpec(name, jsonschema.Draft202012Validator(strict), props,
                               list(params.get("required", [])) if isinstance(params.get("required"), list) else [],
                               quick)
    return specs


def check_config(path: Path, out: list[Problem]) -> None:
    f = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        out.append(Problem(f, 0, "F001", f"cannot read config ({e})"))
        return
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        out.append(Problem(f, (mark.line + 1) if mark else 0, "C001", f"not valid YAML: {getattr(e, 'problem', e)}"))
        return
    base = data.get("base") if isinstance(data, dict) else None
    if not isinstance(base, dict) or "task" not in base:
        out.append(Problem(f, 0, "C001", "expected a 'base' mapping with a 'task'"))
        return
    if base["task"] not in KNOWN_TASKS:
        out.append(Problem(f, 0, "C002", f"unknown task {_short(base['task'])} (expected {KNOWN_TASKS[0]})"))
    for key, check, code in (("student_model_name", check_student, "C003"),
                             ("teacher_model_name", check_teacher, "C004")):
        if key in base:
            v = base[key]
            try:
                if not isinstance(v, str):
                    raise ValueError(f"{key} must be a string")
                check(v)
            except ValueError as e:
                out.append(Problem(f, 0, code, str(e)))


# ---- reading rows ------------------------------------------------------------------------------------
def _lines(path: Path, f: str, out: list[Problem]) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, without its newline; bad UTF-8 is reported and the line skipped."""
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                out.append(Problem(f, n, "F002", f"not UTF-8 (byte {e.start} of the line)"))
                continue
            if n == 1 and text.startswith("\ufeff"):
                text = text[1:]
            yield n, text.rstrip("\r\n")


def read_rows(path: Path, out: list[Problem]) -> Iterator[tuple[int, dict]]:
    """(line, row) per record of a JSONL or CSV file; file-level problems go to `out`."""
    f = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        out.append(Problem(f, 0, "F003", f"expected a .jsonl or .csv file, not {suffix or 'no extension'}"))
        return
    if not path.is_file():
        out.append(Problem(f, 0, "F001", "file not found"))
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()
    except OSError as e:
        out.append(Problem(f, 0, "F001", f"cannot read ({e.strerror or e})"))
        return
    looks_json = head.startswith(b"{")
    if suffix == ".jsonl" and head and not looks_json:
        out.append(Problem(f, 1, "F003", "a .jsonl file whose first line is not a JSON object (CSV content?)"))
        return
    if suffix == ".csv" and looks_json:
        out.append(Problem(f, 1, "F003", "a .csv file that holds JSON lines (rename it to .jsonl?)"))
        return
    if suffix == ".jsonl":
        for n, text in _lines(path, f, out):
            if not text.strip():
                out.append(Problem(f, n, "F005", "blank line"))
                continue
            try:
                row = _loads(text)
            except ValueError as e:
                out.append(Problem(f, n, "F008", f"not a JSON object: {getattr(e, 'msg', e)}"))
                continue
            if not isinstance(row, dict):
                out.append(Problem(f, n, "F008", f"a line must be a JSON object, got {type(row).__name__}"))
                continue
            yield n, row
        return
    # CSV: records may span lines; a record's line is where it starts
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    lines = _lines(path, f, out)
    state = {"n": 0}

    def feed():
        for n, text in lines:
            state["n"] = n
            yield text + "\n"

    reader = csv.reader(feed())
    try:
        header = next(reader, None)
        if header is None:
            return
        header = [h.strip() for h in header]
        if sorted(header) != ["answer", "question"]:
            missing = {"question", "answer"} - set(header)
            extra = [h for h in header if h not in ("question", "answer")]
            msg = f"header is {','.join(header)!r}"
            msg += f"; missing {', '.join(sorted(missing))}" if missing else ""
            msg += f"; unexpected {', '.join(extra)}" if extra else ""
            out.append(Problem(f, 1, "F004", msg))
            return
        start = state["n"] + 1
        for rec in reader:
            n = start
            start = state["n"] + 1
            if not rec or all(not c.strip() for c in rec):
                out.append(Problem(f, n, "F005", "blank line"))
                continue
            if len(rec) != 2:
                out.append(Problem(f, n, "F008", f"expected 2 fields (question, answer), got {len(rec)}"))
                continue
            yield n, dict(zip(header, rec))
    except csv.Error as e:
        out.append(Problem(f, state["n"], "F009", f"unreadable CSV: {e}"))


# ---- one row -----------------------------------------------------------------------------------------
def _schema_problem(e: jsonschema.ValidationError, tool: str) -> tuple[str, str]:
    where = "/".join(map(str, e.absolute_path))
    if e.validator == "required":
        return "S002", f"{tool}: {e.message}"
    if e.validator == "additionalProperties":
        return "S003", f"{tool}: {e.message}"
    if e.validator == "type":
        return "S004", f"{tool}: parameter '{where}' {e.message}"
    return "S005", f"{tool}: parameter '{where}': {e.message}"


def check_call(name, args, specs: dict[str, ToolSpec], f: str, n: int, what: str, out: list[Problem]) -> bool:
    """Schema check of one call; True when it conforms."""
    spec = specs.get(name)
    if spec is None:
        out.append(Problem(f, n, "S001", f"{what} calls unknown tool {_short(name)}"))
        return False
    if spec.quick is not None and spec.quick.ok(args):
        return True
    errors = sorted(spec.validator.iter_errors(args), key=lambda e: (list(e.absolute_path), e.validator))
    for e in errors[:3]:
        code, msg = _schema_problem(e, name)
        out.append(Problem(f, n, code, f"{what}: {msg}"))
    return not errors


@dataclass
class Row:
    calls: list  # [(name, args)] of the history's well-formed calls
    answer: tuple | None  # (name, parameters) when well-formed and schema-valid
    user_text: str
    history_ok: bool  # every turn well-formed: the calls are the whole history and can be replayed


_BAD = object()  # marks a field that could not be read


def _json_in_string(v, field_name: str, not_str: str, bad_json: str, holds: str, f: str, n: int, out: list):
    """The JSON value a string field holds, or _BAD (reported) when it is not a string of valid JSON."""
    if not isinstance(v, str):
        out.append(Problem(f, n, not_str, f"{field_name} must be a string holding {holds}, got {type(v).__name__}"))
        return _BAD
    try:
        return _loads(v)
    except ValueError as e:
        out.append(Problem(f, n, bad_json, f"{field_name} is not valid JSON: {getattr(e, 'msg', e)}"))
        return _BAD


def check_row(row: dict, specs: dict[str, ToolSpec], f: str, n: int, out: list[Problem]) -> Row | None:
    ok = True
    keys = set(row)
    for k in ("question", "answer"):
        if k not in keys:
            out.append(Problem(f, n, "R001", f"missing column {k!r}"))
            ok = False
    for k in sorted(keys - {"question", "answer"}):
        out.append(Problem(f, n, "R002", f"unexpected column {_short(k)}"))
    if not ok:
        return None
    calls: list = []
    user_text: list[str] = []
    turns = _json_in_string(row["question"], "question", "Q001", "Q002", "a JSON array", f, n, out)
    if turns is not _BAD:
        if not isinstance(turns, list) or not turns:
            out.append(Problem(f, n, "Q003", "question must hold a non-empty JSON array of turns"))
            turns = _BAD
    history_ok = turns is not _BAD
    if turns is not _BAD:
        roles = []
        for i, t in enumerate(turns):
            role = t.get("role") if isinstance(t, dict) else None
            if role not in ("user", "assistant"):
                out.append(Problem(f, n, "Q004", f"turn {i}: expected an object with role 'user' or 'assistant', "
                                                 f"got {_short(role if isinstance(t, dict) else t)}"))
                history_ok = False
                roles.append(None)
                continue
            roles.append(role)
            if role == "user":
                c = t.get("content")
                if not isinstance(c, str) or not c.strip():
                    out.append(Problem(f, n, "Q006", f"turn {i}: user content must be a non-empty string"))
                else:
                    user_text.append(c)
                continue
            if t.get("content") != "":
                out.append(Problem(f, n, "Q007", f"turn {i}: assistant content must be \"\", "
                                                 f"got {_short(t.get('content'))}"))
            tc = t.get("tool_calls")
            if not isinstance(tc, list) or len(tc) != 1:
                got = len(tc) if isinstance(tc, list) else "no list"
                out.append(Problem(f, n, "Q008", f"turn {i}: assistant needs exactly one tool call, got {got}"))
                history_ok = False
                continue
            call = tc[0]
            fn = call.get("function") if isinstance(call, dict) else None
            if not isinstance(call, dict) or call.get("type") != "function" or not isinstance(fn, dict) \
                    or not isinstance(fn.get("name"), str) or "arguments" not in fn:
                out.append(Problem(f, n, "Q009", f"turn {i}: tool call must be {{\"type\": \"function\", "
                                                 f"\"function\": {{\"name\": ..., \"arguments\": {{...}}}}}}"))
                history_ok = False
                continue
            args = fn["arguments"]
            if not isinstance(args, dict):
                out.append(Problem(f, n, "Q009", f"turn {i}: arguments must be a JSON object, "
                                                 f"got {type(args).__name__}"))
                history_ok = False
                continue
            if check_call(fn["name"], args, specs, f, n, f"turn {i}", out):
                calls.append((fn["name"], args))
            else:
                history_ok = False
        expected = ["user" if i % 2 == 0 else "assistant" for i in range(len(roles))]
        if None not in roles and (roles != expected or roles[-1] != "user"):
            bad = next((i for i, (r, e) in enumerate(zip(roles, expected)) if r != e), len(roles) - 1)
            why = "must end on a user turn" if roles == expected else f"turn {bad} is {roles[bad]!r}, expected {expected[bad]!r}"
            out.append(Problem(f, n, "Q005", f"roles must alternate user/assistant from a user turn to a user turn: {why}"))
            history_ok = False
    answer = None
    obj = _json_in_string(row["answer"], "answer", "A001", "A002", "a JSON object", f, n, out)
    if obj is not _BAD:
        if not isinstance(obj, dict):
            out.append(Problem(f, n, "A002", f"answer must hold a JSON object, got {type(obj).__name__}"))
        else:
            if set(obj) != {"name", "parameters"}:
                out.append(Problem(f, n, "A003", f"answer keys must be exactly name, parameters; got "
                                                 f"{', '.join(map(str, obj)) or 'none'}"))
            name, params = obj.get("name"), obj.get("parameters")
            if isinstance(name, str) and isinstance(params, dict):
                if check_call(name, params, specs, f, n, "answer", out):
                    answer = (name, params)
            elif "name" in obj and "parameters" in obj:
                out.append(Problem(f, n, "A003", "answer name must be a string and parameters an object"))
    return Row(calls, answer, " ".join(user_text), history_ok)


# ---- file-system consistency: an open-world replay ---------------------------------------------------
def fs_tools_in(specs: dict[str, ToolSpec]) -> set[str]:
    """The file-system tools this job defines with our parameter names (only those are replayed)."""
    from .domains.filesystem import TOOLS
    return {n for n, t in TOOLS.items()
            if n in specs and {p.name for p in t.params if p.required} <= set(specs[n].properties)}


def open_world(tools: set[str]):
    """An open-world replay of the file-system tools `tools` (see domains/filesystem/openworld.py)."""
    from .domains.filesystem.openworld import OpenWorld
    return OpenWorld(_replayed(frozenset(tools)))


@functools.lru_cache(maxsize=8)
def _replayed(tools: frozenset) -> dict:
    from .domains.filesystem import TOOLS
    return {n: TOOLS[n] for n in tools}


_SEPARATORS = re.compile(r"[\s_\-]+")


def _norm(s: str) -> str:
    return _SEPARATORS.sub(" ", s.lower()).strip()


_NUMBER_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                 "six": "6", "seven": "7", "eight": "8", "nine": "9"}


def _digits(s: str) -> str:
    """Text with spelled digits as digits, runs of single digits joined: 'five five 5 5' -> '5555'."""
    tokens = [_NUMBER_WORDS.get(w, w) for w in re.findall(r"[a-z0-9]+", s.lower())]
    return re.sub(r"(?<=\d) (?=\d)", "", " ".join(tokens))


def ungrounded(answer: tuple, calls: list, user_text: str, spec: ToolSpec) -> list[str]:
    """Free-text answer values that appear nowhere in the conversation (enum values are chosen, not said)."""
    bad = []
    said = earlier = said_digits = None  # normalised forms, made only when a value is not said verbatim
    for key, v in answer[1].items():
        if not isinstance(v, str) or v in ("", ".", "..", "/", "~") or v in user_text:
            continue
        prop = spec.properties.get(key, {})
        if isinstance(prop, dict) and ("enum" in prop or "const" in prop):
            continue
        if said is None:
            said = _norm(user_text)
            said_digits = _digits(user_text)
            earlier = {_norm(x) for _, a in calls for x in a.values() if isinstance(x, str)}
        nv = _norm(v)
        if nv and nv not in said and nv not in earlier and not (nv.isdigit() and nv in said_digits):
            bad.append(f"{key}={v!r}")
    return bad


# ---- a whole dataset ---------------------------------------------------------------------------------
@dataclass
class FileReport:
    path: str
    split: str
    rows: int = 0
    reference: bool = False  # read only to detect leakage into the files being checked; never reported


class Validator:
    def __init__(self, specs: dict[str, ToolSpec] | None, min_rows: int = MIN_ROWS) -> None:
        self.specs = specs or {}
        self.fs_tools = fs_tools_in(self.specs)
        self.min_rows = min_rows
        self.problems: list[Problem] = []
        self.files: list[FileReport] = []
        self._hashes = array("Q")
        self._lines = array("L")
        self._file_ids = array("H")

    def check_file(self, path: Path, split: str, reference: bool = False) -> None:
        f = str(path)
        rep = FileReport(f, split, reference=reference)
        self.files.append(rep)
        fid = len(self.files) - 1
        out = self.problems if not reference else []
        for n, row in read_rows(path, out):
            rep.rows += 1
            if not reference:
                try:
                    self._check_one(row, f, n)
                except Exception as e:  # noqa: BLE001 - a validator must report, never crash
                    out.append(Problem(f, n, "F008", f"row could not be checked ({type(e).__name__}: {e})"))
            q, a = row.get("question"), row.get("answer")
            key = json.dumps([q, a], sort_keys=True, ensure_ascii=False) if not isinstance(q, str) else q
            self._hashes.append(DigestSet.digest(key))
            self._lines.append(n)
            self._file_ids.append(fid)
        if rep.rows < self.min_rows and Path(f).exists() and not reference:
            out.append(Problem(f, 0, "F006", f"{rep.rows} rows; the platform needs at least {self.min_rows}"))

    def _check_one(self, row: dict, f: str, n: int) -> None:
        out = self.problems
        size = sum(len(v) if isinstance(v, str) else len(json.dumps(v, default=str)) for v in row.values())
        if size > MAX_EXAMPLE_CHARS:
            out.append(Problem(f, n, "F007", f"example is {size:,} characters; the limit is {MAX_EXAMPLE_CHARS:,}"))
        r = check_row(row, self.specs, f, n, out)
        if r is None:
            return
        if self.fs_tools and r.history_ok:
            world = open_world(self.fs_tools)
            for i, (tool, args) in enumerate(r.calls):
                if tool in self.fs_tools:
                    why = world.step(tool, args)
                    if why:
                        out.append(Problem(f, n, "X001", f"call {i + 1} ({tool}): {why}"))
            if r.answer and r.answer[0] in self.fs_tools:
                why = world.step(*r.answer)
                if why:
                    out.append(Problem(f, n, "X001", f"answer ({r.answer[0]}): {why}"))
        if r.answer and r.answer[0] in self.specs:
            bad = ungrounded(r.answer, r.calls, r.user_text, self.specs[r.answer[0]])
            if bad:
                out.append(Problem(f, n, "W001", f"answer value {', '.join(bad)} appears nowhere in the conversation",
                                   "warning"))

    def finish(self) -> None:
        """Duplicates within a split and leakage between splits, from the row hashes."""
        if not len(self._hashes):
            return
        import numpy as np

        h = np.frombuffer(self._hashes, dtype=np.uint64)
        order = np.argsort(h, kind="stable")  # stable: within equal hashes, reading order
        sh = h[order]
        same_as_prev = np.flatnonzero(sh[1:] == sh[:-1]) + 1
        if not len(same_as_prev):
            return
        # walk only the groups of equal rows.  In a group, a repeat within a split is a duplicate of the
        # split's first copy; a row in train that is also in another split is leakage, blamed on the train
        # row (the test set is the yardstick; the train copy is what to drop)
        starts = np.flatnonzero(np.r_[True, sh[1:] != sh[:-1]])
        for g_start in np.unique(starts[np.searchsorted(starts, same_as_prev, "right") - 1]).tolist():
            g_end = g_start
            while g_end < len(sh) and sh[g_end] == sh[g_start]:
                g_end += 1
            members = [int(j) for j in order[g_start:g_end]]
            first: dict[str, int] = {}
            for j in members:
                first.setdefault(self.files[self._file_ids[j]].split, j)
            for j in members:
                me = self.files[self._file_ids[j]]
                if me.reference:
                    continue
                if first[me.split] != j:
                    g = first[me.split]
                    self.problems.append(Problem(me.path, self._lines[j], "D001",
                                                 f"duplicate of {self.files[self._file_ids[g]].path}:{self._lines[g]}"))
                    continue
                others = [(s, g) for s, g in first.items() if s != me.split]
                if others and (me.split == "train" or all(s != "train" and g < j for s, g in others)):
                    s, g = others[0]
                    o = self.files[self._file_ids[g]]
                    self.problems.append(Problem(me.path, self._lines[j], "D002",
                                                 f"also in {s} at {o.path}:{self._lines[g]}"))

    def sorted_problems(self) -> list[Problem]:
        order = {f.path: i for i, f in enumerate(self.files)}
        return sorted(self.problems, key=lambda p: (order.get(p.file, -1), p.line, p.code))


def split_of(path: Path) -> str:
    stem = path.stem.lower()
    return "test" if "test" in stem else "train" if "train" in stem else stem


def find_dataset(directory: Path) -> tuple[Path | None, Path | None, list[Path]]:
    """(job_description.json, config.yaml, data files) of a dataset folder."""
    job = directory / "job_description.json"
    cfg = directory / "config.yaml"
    data = [p for split in ("train", "test") for ext in ("jsonl", "csv")
            if (p := directory / f"{split}.{ext}").exists()]
    return (job if job.exists() else None), (cfg if cfg.exists() else None), data


def validate(paths: list[Path], job: Path | None = None, config: Path | None = None,
             min_rows: int = MIN_ROWS) -> Validator:
    """Check a dataset folder, or data files with their job description; returns the finished Validator."""
    problems: list[Problem] = []
    data: list[Path] = []
    for p in paths:
        if p.is_dir():
            j, c, files = find_dataset(p)
            job = job or j
            config = config or c
            if not files:
                problems.append(Problem(str(p), 0, "F001", "no train.jsonl/test.jsonl (or .csv) in this folder"))
            else:
                missing = {"train", "test"} - {split_of(x) for x in files}
                for m in sorted(missing):
                    problems.append(Problem(str(p), 0, "F001", f"no {m}.jsonl or {m}.csv in this folder"))
            data += files
        else:
            data.append(p)
    if job is None and data:
        guess = data[0].parent / "job_description.json"
        job = guess if guess.exists() else None
    specs = None
    if job is None:
        problems.append(Problem(str(data[0].parent if data else "."), 0, "F001",
                                "no job_description.json (give --job FILE); tool calls cannot be checked"))
    else:
        specs = load_job(job, problems)
    if config is not None:
        check_config(config, problems)
    v = Validator(specs, min_rows)
    v.problems += problems
    checked = {p.resolve() for p in data}
    for p in data:
        v.check_file(p, split_of(p))
    # a train or test file given alone is still checked for leakage against its sibling split
    for p in data:
        other = {"train": "test", "test": "train"}.get(split_of(p))
        if other is None or p.stem.lower() != split_of(p):
            continue
        for ext in (".jsonl", ".csv"):
            sib = p.with_name(other + ext)
            if sib.exists() and sib.resolve() not in checked:
                v.check_file(sib, other, reference=True)
                checked.add(sib.resolve())
    v.finish()
    return v

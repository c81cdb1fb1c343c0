"""`mtgen validate`: check any dataset in the multi-turn tool-calling upload format, for any tool set (and
a folder in another format `convert` reads: messages, openai, sharegpt, bfcl, through its readers).

Reads row by row through generator.dataset, the reader `convert` and `stats` share (strict JSON, a BOM and
any line end accepted alike).  Flat memory: a dataset keeps only an 8-byte hash and a line number per row,
for the duplicate and leakage checks at the end, and at most KEEP_PER_CODE problems of each code (all are
counted).  Every problem has a stable code; see CODES.  Nothing here raises on bad input: every failure of
a file or a row becomes a Problem.
"""
from __future__ import annotations

import functools
import json
import re
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import jsonschema
import referencing
import regex
import yaml

from . import dataset
from .config import KNOWN_TASKS, check_student, check_teacher
from .dataset import safe_text  # noqa: F401 - the CLI prints user data through it
from .hashset import DigestSet
from .progress import progress

MAX_EXAMPLE_CHARS = 30_000
MIN_ROWS = 20
KEEP_PER_CODE = 100  # problems of one code kept in memory (and listed) by `validate`; all are counted
PATTERN_SECONDS = 0.5  # time bound of one schema `pattern` check

CODES: dict[str, str] = {
    # files
    "F001": "file missing or unreadable (or a split in two files: train.jsonl and train.csv)",
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
    "J006": "a $ref in tool parameters cannot be resolved, or refers to itself without end (tool not checked)",
    "J007": "a schema pattern took too long to check (catastrophic backtracking); not checked (warning)",
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
        return dataset.plain_text(f"{where}: {self.code} {self.message}")

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "code": self.code, "severity": self.severity,
                "message": self.message}


def _short(v, n: int = 60) -> str:
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else repr(v)
    return s if len(s) <= n else s[:n - 3] + "..."


_loads = dataset.loads  # strict JSON: NaN, Infinity, duplicate keys and deep nesting are ValueErrors


class Problems(list):
    """The problems found, at most `keep` of each code (None: all); `counts` has every one, by code."""

    def __init__(self, keep: int | None = None) -> None:
        super().__init__()
        self.keep = keep
        self.counts: Counter = Counter()
        self.errors = 0  # problems of severity error, kept or not

    def append(self, p: Problem) -> None:
        n = self.counts[p.code]
        self.counts[p.code] = n + 1
        self.errors += p.severity == "error"
        if self.keep is None or n < self.keep:
            super().append(p)

    def extend(self, ps) -> None:
        for p in ps:
            self.append(p)

    def __iadd__(self, ps):
        self.extend(ps)
        return self

    @property
    def not_kept(self) -> dict[str, int]:
        """Problems counted but not kept, by code."""
        return {c: n - self.keep for c, n in sorted(self.counts.items()) if self.keep is not None and n > self.keep}

    def note(self) -> str | None:
        """One line saying how many problems were counted but not kept (for the summary), or None."""
        left = self.not_kept
        if not left:
            return None
        return (f"{sum(left.values()):,} more problem(s) not listed (at most {self.keep} per code are kept): "
                + ", ".join(f"{c} {n:,}" for c, n in left.items()))


# ---- job description -------------------------------------------------------------------------------
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass
class ToolSpec:
    name: str
    validator: "jsonschema.protocols.Validator | None"  # None: the schema cannot be used (J006)
    properties: dict
    required: list
    quick: "QuickCheck | None" = None
    guard: "PatternGuard | None" = None
    job_file: str = ""


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


class PatternGuard:
    """Runs schema `pattern`s in the `regex` engine, which does not backtrack catastrophically on the usual
    culprits ('^(a+)+$'), with a time bound for the rest.  A pattern that runs out of time counts as a
    match from then on and is listed in `slow`, for one J007 problem."""

    def __init__(self) -> None:
        self.slow: list[str] = []

    def search(self, pattern: str, text: str) -> bool:
        if pattern in self.slow:
            return True
        try:
            return regex.search(pattern, text, timeout=PATTERN_SECONDS) is not None
        except TimeoutError:
            self.slow.append(pattern)
            return True
        except (regex.error, TypeError):  # accepted by Python's re (check_schema) but not by regex: rare
            return True


def _validator_class(guard: PatternGuard):
    """Draft 2020-12 with `pattern` and `patternProperties` run through the guard."""
    def pattern(validator, patrn, instance, schema):
        if validator.is_type(instance, "string") and not guard.search(patrn, instance):
            yield jsonschema.ValidationError(f"{_short(instance)} does not match {patrn!r}")

    def pattern_properties(validator, patterns, instance, schema):
        if not validator.is_type(instance, "object"):
            return
        for patrn, subschema in patterns.items():
            for k, v in instance.items():
                if guard.search(patrn, k):
                    yield from validator.descend(v, subschema, path=k, schema_path=patrn)

    return jsonschema.validators.extend(jsonschema.Draft202012Validator,
                                        {"pattern": pattern, "patternProperties": pattern_properties})


_NOT_SCHEMAS = ("enum", "const", "default", "examples")  # values here are data, not schemas
_SAME_INSTANCE = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else")


def ref_problem(validator) -> str | None:
    """Why the schema's $refs cannot be followed (a target that does not resolve, or a chain of $ref /
    allOf / anyOf / oneOf / not / if / then / else that comes back to itself without descending into the
    instance, which never ends), or None."""
    try:
        resolver = validator._resolver  # jsonschema >= 4.18
    except AttributeError:
        return None
    edges: dict[int, list] = {}
    nodes = {}
    todo = [validator.schema]
    while todo:
        s = todo.pop()
        if isinstance(s, list):
            todo.extend(s)
            continue
        if not isinstance(s, dict) or id(s) in nodes:
            continue
        nodes[id(s)] = s
        nexts = []
        ref = s.get("$ref")
        if isinstance(ref, str):
            try:
                target = resolver.lookup(ref).contents
            except Exception:  # noqa: BLE001 - referencing raises several kinds
                return f"$ref {_short(ref)} cannot be resolved within the job description"
            if isinstance(target, dict):
                nexts.append(target)
        for k in _SAME_INSTANCE:
            v = s.get(k)
            nexts += [x for x in v if isinstance(x, dict)] if isinstance(v, list) else [v] if isinstance(v, dict) else []
        edges[id(s)] = nexts
        todo += [v for k, v in s.items() if k not in _NOT_SCHEMAS and isinstance(v, (dict, list))]
        todo += nexts
    # a cycle among same-instance edges: iterative depth-first search with colours
    colour: dict[int, int] = {}  # 1 on the path, 2 done
    for start in edges:
        if start in colour:
            continue
        stack = [(start, iter(edges.get(start, ())))]
        colour[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = 2
                stack.pop()
                continue
            c = colour.get(id(nxt))
            if c == 1:
                where = nodes[node].get("$ref")
                return f"$ref {_short(where)} refers to itself without end" if isinstance(where, str) \
                    else "a $ref refers to itself without end"
            if c is None:
                colour[id(nxt)] = 1
                stack.append((id(nxt), iter(edges.get(id(nxt), ()))))
    return None


def load_job(path: Path, out: list[Problem]) -> dict[str, ToolSpec] | None:
    f = str(path)
    if path.is_dir():
        out.append(Problem(f, 0, "F001", "job description is a folder, not a file"))
        return None
    try:
        raw = path.read_bytes()
    except OSError as e:
        out.append(Problem(f, 0, "F001", f"cannot read job description ({e.strerror or e})"))
        return None
    try:
        job = _loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as e:
        out.append(Problem(f, 0, "F002", f"not UTF-8 (byte {e.start})"))
        return None
    except ValueError as e:
        line = getattr(e, "lineno", 0)
        out.append(Problem(f, line, "J001", f"not valid JSON: {dataset.json_error(e)}"))
        return None
    return specs_of(job, f, out)


def specs_of(job, f: str, out: list[Problem]) -> dict[str, ToolSpec] | None:
    """The tool specs of a parsed job description (`f` names it in problems)."""
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
    guard = PatternGuard()
    cls = _validator_class(guard)
    no_fetching = referencing.Registry()  # a $ref to a URL is not fetched: unresolvable, J006
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
        except RecursionError:
            out.append(Problem(f, 0, "J004", f"{where} ({name}): JSON Schema nested too deeply"))
            continue
        if name in specs:
            out.append(Problem(f, 0, "J005", f"{where}: tool {name!r} is defined twice"))
            continue
        props = params.get("properties", {}) if isinstance(params.get("properties"), dict) else {}
        strict = dict(params)
        # unknown arguments are a defect even where the schema does not forbid them: a model trained on
        # them learns to invent parameters
        strict.setdefault("additionalProperties", False)
        validator = cls(strict, registry=no_fetching)
        why = ref_problem(validator)
        if why:
            out.append(Problem(f, 0, "J006", f"{where} ({name}): {why}; its calls are not checked"))
            validator = None
        try:
            quick = QuickCheck(strict) if validator is not None else None
        except (ValueError, TypeError, AttributeError):
            quick = None
        specs[name] = ToolSpec(name, validator, props,
                               list(params.get("required", [])) if isinstance(params.get("required"), list) else [],
                               quick, guard, f)
    return specs


def check_config(path: Path, out: list[Problem]) -> None:
    f = str(path)
    if path.is_dir():
        out.append(Problem(f, 0, "F001", "config is a folder, not a file"))
        return
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        out.append(Problem(f, 0, "F001", f"cannot read config ({e})"))
        return
    except RecursionError:
        out.append(Problem(f, 0, "C001", "not valid YAML: nested too deeply"))
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
def _reporter(path: Path, out: list[Problem]) -> dataset.Report:
    """A dataset.Report that records each problem of `path` in `out`."""
    f = str(path)
    return lambda n, code, msg: out.append(Problem(f, n, code, msg))


def read_rows(path: Path, out: list[Problem]) -> Iterator[tuple[int, dict]]:
    """(line, row) per record of a JSONL or CSV file; file-level problems go to `out` (see dataset)."""
    return dataset.read_rows(path, _reporter(path, out))


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


def check_call(name, args, specs: dict[str, ToolSpec] | None, f: str, n: int, what: str, out: list[Problem]) -> bool:
    """Schema check of one call; True when it conforms."""
    if specs is None:  # no job description: nothing to check calls against (said once, as F001)
        return True
    spec = specs.get(name)
    if spec is None:
        out.append(Problem(f, n, "S001", f"{what} calls unknown tool {_short(name)}"))
        return False
    if spec.quick is not None and spec.quick.ok(args):
        return True
    if spec.validator is None:  # a schema that cannot be used (J006, reported once)
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
        out.append(Problem(f, n, bad_json, f"{field_name} is not valid JSON: {dataset.json_error(e)}"))
        return _BAD


def check_row(row: dict, specs: dict[str, ToolSpec] | None, f: str, n: int, out: list[Problem]) -> Row | None:
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


_FILE_REFUSED = ("F002", "F003", "F004", "F009")  # codes of problems that can stop a file being read


class Validator:
    def __init__(self, specs: dict[str, ToolSpec] | None, min_rows: int = MIN_ROWS,
                 keep: int | None = None) -> None:
        """`specs` None: no job description, so calls are not checked against tools.  `keep`: problems of
        one code kept in `problems` (None: all); every one is counted in `problems.counts`."""
        self.specs = specs
        self.fs_tools = fs_tools_in(specs or {})
        self.min_rows = min_rows
        self.problems = Problems(keep)
        self.files: list[FileReport] = []
        self._hashes = array("Q")
        self._lines = array("L")
        self._file_ids = array("H")
        self._guard = next((s.guard for s in (specs or {}).values() if s.guard is not None), None)
        self._slow_reported = 0

    def check_file(self, path: Path, split: str, reference: bool = False,
                   rows: "Iterator[tuple[int, dict]] | None" = None) -> None:
        """Check the rows of `path` (or the given (line, row) pairs read from it, for other formats)."""
        f = str(path)
        rep = FileReport(f, split, reference=reference)
        self.files.append(rep)
        fid = len(self.files) - 1
        out = self.problems if not reference else Problems(keep=0)
        refusals = sum(out.counts[c] for c in _FILE_REFUSED)
        if rows is None:
            rows = read_rows(path, out)
        with progress(f"validating {dataset.plain_text(path.name)}") as bar:
            for n, row in rows:
                rep.rows += 1
                if not reference:
                    try:
                        self._check_one(row, f, n)
                    except Exception as e:  # noqa: BLE001 - a validator must report, never crash
                        out.append(Problem(f, n, "F008", f"row could not be checked ({type(e).__name__}: {e})"))
                    if self._guard is not None and len(self._guard.slow) > self._slow_reported:
                        self._report_slow_patterns()
                q, a = row.get("question"), row.get("answer")
                key = json.dumps([q, a], sort_keys=True, ensure_ascii=False) if not isinstance(q, str) else q
                self._hashes.append(DigestSet.digest(key))
                self._lines.append(n)
                self._file_ids.append(fid)
                bar.advance()
        # a file refused as a whole has 0 rows because of a problem already reported: no F006 on top of it
        refused = rep.rows == 0 and sum(out.counts[c] for c in _FILE_REFUSED) > refusals
        if rep.rows < self.min_rows and Path(f).is_file() and not reference and not refused:
            out.append(Problem(f, 0, "F006", f"{rep.rows} rows; the platform needs at least {self.min_rows}"))

    def _report_slow_patterns(self) -> None:
        job_file = next(iter(self.specs.values())).job_file
        for pattern in self._guard.slow[self._slow_reported:]:
            self.problems.append(Problem(job_file, 0, "J007", f"pattern {_short(pattern)} took over "
                                         f"{PATTERN_SECONDS} s on a value; values are not checked against it",
                                         "warning"))
        self._slow_reported = len(self._guard.slow)

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
        if r.answer and self.specs and r.answer[0] in self.specs:
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


def find_dataset(directory: Path, out: list[Problem]) -> tuple[Path | None, Path | None, list[Path]]:
    """(job_description.json, config.yaml, data files) of a dataset folder; a split without its file, or
    with two, is a problem of the folder (see dataset.split_file)."""
    job = directory / "job_description.json"
    cfg = directory / "config.yaml"
    report = _reporter(directory, out)
    data = [p for split in dataset.SPLITS if (p := dataset.split_file(directory, split, report, required=True))]
    return (job if job.exists() else None), (cfg if cfg.exists() else None), data


def _format_of(folder: Path) -> str:
    """The folder's format as `convert` detects it; 'distil' when unclear (validate's reader then says why)."""
    from .convert import ConvertError, detect

    try:
        return detect(folder)
    except ConvertError:
        return "distil"


def _foreign_rows(folder: Path, fmt: str, split: str, out: list[Problem]) -> Iterator[tuple[int, dict]]:
    """The rows of a split in another format (messages, openai, sharegpt, bfcl), read by `convert`'s
    readers and put in the upload format; what cannot be read is a problem of its file and line."""
    from .convert import records

    for n, turns, answer, _ in records(folder, fmt, split, lambda path: _reporter(path, out)):
        yield n, {"question": json.dumps(turns, ensure_ascii=False), "answer": json.dumps(answer, ensure_ascii=False)}


def validate(paths: list[Path], job: Path | None = None, config: Path | None = None,
             min_rows: int = MIN_ROWS, keep: int | None = KEEP_PER_CODE) -> Validator:
    """Check a dataset folder (in the upload format, or in another format `convert` reads), or data files
    with their job description; returns the finished Validator, which keeps `keep` problems per code."""
    problems: list[Problem] = []
    data: list[Path] = []
    foreign: list[tuple[Path, str, list[Path]]] = []  # (folder, format, split files) in another format
    job_of_rows = None  # the tools a foreign folder's rows carry, when it has no job_description.json

    def note_foreign(folder: Path, fmt: str, files: list[Path]) -> None:
        nonlocal job_of_rows
        foreign.append((folder, fmt, files))
        if job is None and job_of_rows is None and not (folder / "job_description.json").is_file():
            from .convert import ConvertError, job_of
            try:
                job_of_rows = (folder, job_of(folder, fmt))
            except ConvertError:
                pass

    for p in paths:
        if p.is_dir():
            j, c, files = find_dataset(p, problems)
            job = job or j
            config = config or c
            fmt = _format_of(p)
            if fmt not in ("distil", "csv"):
                note_foreign(p, fmt, files)
            else:
                data += files
        elif p.suffix.lower() == ".jsonl" and p.stem.lower() in ("train", "test") and p.is_file() \
                and (fmt := _format_of(p.parent)) not in ("distil", "csv"):
            note_foreign(p.parent, fmt, [p])  # a split file of a folder in another format
        else:
            data.append(p)
    if job is None and data:
        guess = data[0].parent / "job_description.json"
        job = guess if guess.is_file() else None
    specs = None
    if job is None and foreign and (foreign[0][0] / "job_description.json").is_file():
        job = foreign[0][0] / "job_description.json"
    if job is not None:
        specs = load_job(job, problems)
    elif job_of_rows is not None:
        specs = specs_of(job_of_rows[1], f"{job_of_rows[0]} (the tools its rows carry)", problems)
    else:
        where = data[0].parent if data else foreign[0][0] if foreign else Path(".")
        problems.append(Problem(str(where), 0, "F001",
                                "no job_description.json (give --job FILE); tool calls cannot be checked"))
    if config is not None:
        check_config(config, problems)
    v = Validator(specs, min_rows, keep)
    v.problems += problems
    for folder, fmt, files in foreign:
        for path in files:
            split = split_of(path)
            v.check_file(path, split, rows=_foreign_rows(folder, fmt, split, v.problems))
    checked = {p.resolve() for p in data}
    for p in data:
        v.check_file(p, split_of(p))
    # a train or test file given alone is still checked for leakage against its sibling split
    for p in data:
        other = {"train": "test", "test": "train"}.get(split_of(p))
        if other is None or p.stem.lower() != split_of(p):
            continue
        sib = dataset.split_file(p.parent, other, lambda *problem: None)  # two files for it: neither is the sibling
        if sib is not None and sib.is_file() and sib.resolve() not in checked:
            v.check_file(sib, other, reference=True)
            checked.add(sib.resolve())
    v.finish()
    return v

"""`mtgen mutate`: labelled corruptions of a valid dataset, for stress-testing validators.

Each corrupted line gets one defect from the catalogue below, and a manifest line says where (file and
line in the corrupted copy), which kind, what changed and which `mtgen validate` code should catch it.
Untouched lines are copied byte for byte.  Which lines are corrupted depends only on (seed, file, line);
kinds are dealt round-robin from a seeded order, so small runs still cover the catalogue.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .outdir import Staged, prepare
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
@dataclass
class Record:
    raw: str  # exactly as in the file, newline(s) included
    row: dict | None  # parsed question/answer, or None when the line is not a usable row


def read_records(path: Path) -> tuple[str, list[Record]]:
    """(header text for CSV or '', records) of a data file."""
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    lines = text.splitlines(keepends=True)
    if path.suffix.lower() == ".csv":
        if not lines:
            return "", []
        header, recs = lines[0], []
        fields = next(csv.reader([header]))
        i = 1
        while i < len(lines):
            j = i + 1
            while True:  # grow the record until its quotes balance
                chunk = "".join(lines[i:j])
                try:
                    parsed = list(csv.reader(io.StringIO(chunk)))
                except csv.Error:
                    parsed = None
                if (parsed is not None and len(parsed) == 1 and chunk.count('"') % 2 == 0) or j >= len(lines):
                    break
                j += 1
            rec = parsed[0] if parsed and len(parsed) == 1 else None
            row = dict(zip(fields, rec)) if rec and len(rec) == len(fields) else None
            recs.append(Record(chunk, row))
            i = j
        return header, recs
    recs = []
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            row = None
        recs.append(Record(line, row if isinstance(row, dict) else None))
    return "", recs


def _parse(row: dict | None):
    """(turns, answer) when the row is well-formed enough to mutate, else None."""
    if not row or set(row) != {"question", "answer"}:
        return None
    try:
        turns, answer = json.loads(row["question"]), json.loads(row["answer"])
    except (TypeError, ValueError):
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


# ---- the run ------------------------------------------------------------------------------------------
@dataclass
class Mutation:
    file: str
    line: int
    kind: str
    change: str
    expected_code: str


@dataclass
class MutateResult:
    out: Path
    files: list[Path] = field(default_factory=list)
    mutations: list[Mutation] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    skipped_kinds: set[str] = field(default_factory=set)


def _inputs(src: Path, job: Path | None) -> tuple[list[Path], Path | None, Path | None]:
    if src.is_dir():
        files = [src / f"{s}.{e}" for s in ("train", "test") for e in ("jsonl", "csv") if (src / f"{s}.{e}").exists()]
        if not files:
            raise MutateError(f"{src}: no train/test .jsonl or .csv files")
        cfg = src / "config.yaml"
        return files, job or (src / "job_description.json"), cfg if cfg.exists() else None
    if not src.is_file():
        raise MutateError(f"{src}: no such file or folder")
    if src.suffix.lower() not in (".jsonl", ".csv"):
        raise MutateError(f"{src}: expected a .jsonl or .csv file")
    return [src], job or (src.parent / "job_description.json"), None


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
    fs_tools = fs_tools_in(specs)
    prepare(out, force)

    data = {p: read_records(p) for p in files}
    picked = {p: [Rand(seed, 0xBAD, fid, i).chance(rate) for i in range(len(data[p][1]))]
              for fid, p in enumerate(files)}
    test_donors = [rec.row for p in files if split_of(p) == "test"
                   for rec, hit in zip(data[p][1], picked[p]) if not hit and _parse(rec.row)]
    order = Rand(seed, 0x0D3).shuffled(names)
    result = MutateResult(out)
    stage = Staged(out)
    deal = 0
    try:
        for fid, p in enumerate(files):
            fmt = "csv" if p.suffix.lower() == ".csv" else "jsonl"
            header, recs = data[p]
            buf: list[str] = [header] if header else []
            line = 1 + (header.count("\n") if header else 0)
            clean_before: list[dict] = []
            donors_left = [d for d in test_donors] if split_of(p) == "train" else []
            for i, rec in enumerate(recs):
                parsed = _parse(rec.row) if picked[p][i] else None
                text, mutation = rec.raw, None
                if parsed:
                    r = Rand(seed, 0xC0DE, fid, i)
                    for step in range(len(order)):
                        kind = order[(deal + step) % len(order)]
                        code = KINDS[kind][0 if fmt == "jsonl" else 1]
                        if code is None:
                            continue
                        donor = None
                        if kind == "leakage":
                            donor = donors_left.pop(r.below(len(donors_left))) if donors_left else None
                        elif kind == "duplicate_row":
                            donor = r.choice(clean_before) if clean_before else None
                        row = dict(rec.row)
                        ctx = Ctx(row, parsed[0], parsed[1], specs, fmt, r, fs_tools, donor)
                        change = KINDS[kind][2](ctx)
                        if change is None:
                            continue
                        text = _serialise(row, fmt)
                        mutation = Mutation(p.name, line, kind, change, code)
                        deal += step + 1
                        break
                if mutation:
                    result.mutations.append(mutation)
                elif not picked[p][i] and rec.row is not None:
                    clean_before.append(rec.row)
                buf.append(text)
                line += text.count("\n") or 1
            stage.binary(p.name, "".join(buf).encode("utf-8", errors="surrogateescape"))
            result.files.append(out / p.name)
            result.rows[p.name] = len(recs)
        stage.text("job_description.json", job_path.read_text(encoding="utf-8"))
        if cfg:
            stage.text("config.yaml", cfg.read_text(encoding="utf-8"))
        stage.text("manifest.jsonl", "".join(json.dumps(m.__dict__, ensure_ascii=False) + "\n"
                                             for m in result.mutations))
        stage.commit()
    except BaseException:
        stage.discard()
        raise
    result.skipped_kinds = set(names) - {m.kind for m in result.mutations}
    return result


# ---- scoring another validator ------------------------------------------------------------------------
@dataclass
class Score:
    per_kind: dict[str, list[int]]  # kind -> [mutations, detected]
    false_positives: int
    clean_lines: int
    notes: list[str]


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


def score(result: MutateResult, command: str) -> Score:
    """Run `command` (with {file} replaced) on each corrupted file and compare with the manifest."""
    if "{file}" not in command:
        raise MutateError("--check needs '{file}' in the command, e.g. --check 'mtgen validate {file}'")
    per_kind: dict[str, list[int]] = {}
    fp = clean = 0
    notes = []
    for f in result.files:
        muts = [m for m in result.mutations if m.file == f.name]
        proc = subprocess.run(command.replace("{file}", shlex.quote(str(f))), shell=True, capture_output=True,
                              text=True)
        output = proc.stdout + "\n" + proc.stderr
        reported = _reported_lines(output, f.name)
        record_lines = _record_lines(f)
        bad = {m.line for m in muts}
        for m in muts:
            hit = m.line in reported if reported else proc.returncode != 0
            k = per_kind.setdefault(m.kind, [0, 0])
            k[0] += 1
            k[1] += hit
        if not reported and proc.returncode != 0 and muts:
            notes.append(f"{f.name}: the validator printed no line numbers; scored by its exit code")
        if not reported and proc.returncode != 0 and not muts:
            fp += 1
        fp += len((reported & record_lines) - bad)
        clean += len(record_lines - bad)
    return Score(per_kind, fp, clean, notes)


def _record_lines(path: Path) -> set[int]:
    header, recs = read_records(path)
    line = 1 + (1 if header else 0)
    out = set()
    for rec in recs:
        out.add(line)
        line += rec.raw.count("\n") or 1
    return out

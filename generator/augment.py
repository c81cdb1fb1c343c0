"""`mtgen augment`: grow a handful of user-written seed conversations into a varied, still-correct set.

Techniques, each keeping every call correct:
  prefix    every assistant call of a seed becomes an answer of its own (the conversation up to it)
  rename    entity names (files, folders, free-text values) replaced consistently across all turns
  rephrase  user turns of file-system calls re-worded from grammars/ (direct forms only, so what they
            refer to stays resolvable)
  continue  the file system implied by the seed is rebuilt, the seed replayed on it, and new legal
            turns planned after it by the simulator
Seeds whose tools the simulator does not model get prefix and rename only.  All rows derived from one
seed land on the same side of the train/test split.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import grammar as grammar_mod
from .config import config_yaml
from .forms import SURFACE_STYLES
from .domains.filesystem import TOOLS, name_args
from .domains.filesystem.contents import Recipe, flavour_of
from .domains.filesystem.openworld import OpenWorld
from .domains.filesystem.state import Dir, FileSystem, IllegalCall
from .hashset import DigestSet
from .formats.writer import CHOICES, DatasetWriter, canonical
from .outdir import Staged, prepare
from .domains.filesystem.discourse import Discourse
from .planner import Action, menu, pick, record
from .forms import FORMS
from .rng import Rand
from .serialize import exchanges_to_row
from .validate import Validator, fs_tools_in, load_job, read_rows
from .domains.filesystem.world import _fill, new_file_name, new_folder_name

NAME_ARGS = name_args()  # tool -> the arguments that name a file or folder (renamed together with the text)
TECHNIQUES = ("original", "prefix", "rename", "rephrase", "continue")


class AugmentError(ValueError):
    """Bad input or options; one line for the user."""


@dataclass
class Seed:
    line: int
    users: list[str]  # user texts, one per exchange; the last is the request
    calls: list[tuple[str, dict]]  # the call answering each user text (the last is the answer)
    modeled: bool  # every call is a file-system tool the simulator models


@dataclass
class AugmentResult:
    out: Path
    rows: dict[str, int] = field(default_factory=lambda: {"train": 0, "test": 0})
    by_technique: dict[str, int] = field(default_factory=lambda: {t: 0 for t in TECHNIQUES})
    seeds: int = 0
    unmodeled_seeds: int = 0
    skipped: list[str] = field(default_factory=list)
    sides_of_seed: dict[int, set] = field(default_factory=dict)  # seed line -> sides its rows went to


# ---- reading and checking seeds ----------------------------------------------------------------------
def load_seeds(path: Path, job: Path, skip_invalid: bool) -> tuple[list[Seed], dict, list[str]]:
    problems: list = []
    specs = load_job(job, problems)
    if specs is None or any(p.severity == "error" for p in problems):
        raise AugmentError(problems[0].human() if problems else f"{job}: unusable job description")
    v = Validator(specs, min_rows=0)
    v.check_file(path, "seed")
    v.finish()
    errors = [p for p in v.sorted_problems() if p.severity == "error" and p.code not in ("D001",)]
    if any(p.line == 0 for p in errors):
        raise AugmentError(next(p for p in errors if p.line == 0).human())
    bad_lines = {p.line for p in errors}
    report = [p.human() for p in errors]
    if bad_lines and not skip_invalid:
        raise AugmentError("\n".join(report + [f"{len(bad_lines)} invalid seed line(s); fix them or pass "
                                               f"--skip-invalid"]))
    modeled_tools = fs_tools_in(specs)
    seeds = []
    for n, row in read_rows(path, []):
        if n in bad_lines:
            continue
        turns = json.loads(row["question"])
        ans = json.loads(row["answer"])
        users = [t["content"] for t in turns if t["role"] == "user"]
        calls = [(t["tool_calls"][0]["function"]["name"], t["tool_calls"][0]["function"]["arguments"])
                 for t in turns if t["role"] == "assistant"]
        calls.append((ans["name"], ans["parameters"]))
        seeds.append(Seed(n, users, calls, all(c[0] in modeled_tools for c in calls)))
    if not seeds:
        raise AugmentError(f"{path}: no valid seed conversations")
    return seeds, specs, report


# ---- rename: one consistent substitution per conversation -------------------------------------------
def _entities(seed: Seed, specs) -> list[str]:
    """Values to rename: file-system names, and free-text (non-enum) strings the user actually said."""
    said = " ".join(seed.users)
    names: list[str] = []
    pinned: set[str] = set()  # values also used where they cannot change (an enum, a const, ...)
    for tool, args in seed.calls:
        keys = NAME_ARGS.get(tool, ()) if tool in TOOLS and tool in specs else ()
        props = specs[tool].properties if tool in specs else {}
        for k, v in args.items():
            if not isinstance(v, str):
                continue
            free = isinstance(props.get(k), dict) and "enum" not in props[k] and "const" not in props[k] \
                and props[k].get("type", "string") == "string"
            if v in ("..", ".", "/", "~") or "/" in v or not (k in keys or (free and v in said and len(v) >= 2)):
                pinned.add(v)
            elif v not in names:
                names.append(v)
    return [v for v in names if v not in pinned]


def _boundary(name: str) -> re.Pattern:
    return re.compile(r"(?<![\w.\-])" + re.escape(name) + r"(?![\w\-]|\.\w)")


def _fresh(old: str, taken: set, r: Rand, is_dir: bool) -> str:
    if old.isdigit():
        for _ in range(50):
            new = "".join(str(r.below(10)) for _ in old)
            if new not in taken and new != old:
                return new
    if is_dir or "." not in old.lstrip("."):
        if not is_dir and not re.fullmatch(r"[a-z0-9_\-]+", old):  # a free-text value: keep its shape
            word = _fill("{w}", r)
            return word.capitalize() if old[:1].isupper() else word
        return new_folder_name(taken, r)
    return new_file_name(taken, r, like=old)


def rename(seed: Seed, specs, r: Rand) -> Seed | None:
    names = _entities(seed, specs)
    if not names:
        return None
    dirs = {a.get("folder") for t, a in seed.calls if t == "cd"} | {a.get("dir_name") for t, a in seed.calls if t == "mkdir"}
    taken = set(names)
    mapping = {}
    for old in names:
        new = _fresh(old, taken, r, old in dirs)
        taken.add(new)
        mapping[old] = new
    users = list(seed.users)
    for old in sorted(mapping, key=len, reverse=True):
        pat = _boundary(old)
        users = [pat.sub(mapping[old].replace("\\", "\\\\"), u) for u in users]
    calls = [(t, {k: mapping.get(v, v) if isinstance(v, str) else v for k, v in a.items()}) for t, a in seed.calls]
    return Seed(seed.line, users, calls, seed.modeled)


# ---- rephrase: re-word direct requests of modeled tools ---------------------------------------------
def _form_for(tool: str, args: dict, known_dirs: set) -> tuple[str, dict] | None:
    """The direct request (form, slots) that makes this call, as the tool reads it; None if none does."""
    return TOOLS[tool].read(args, known_dirs.__contains__) if tool in TOOLS else None


def rephrase(seed: Seed, g: grammar_mod.Grammar, modeled: set, r: Rand) -> Seed | None:
    users = list(seed.users)
    known_dirs: set = set()
    changed = False
    for i, (tool, args) in enumerate(seed.calls):
        values = [v for v in args.values() if isinstance(v, str) and v != ".."]
        direct = all(v in seed.users[i] for v in values)
        spec = _form_for(tool, args, known_dirs) if tool in modeled and direct else None
        if spec and spec[0] in g.forms and r.chance(0.7):
            form, slots = spec
            subject = next(iter(slots.values()), None)
            text, _ = g.render(form, r.choice(SURFACE_STYLES), slots, r,
                               subject=None if subject is None else (subject, subject in known_dirs))
            changed |= text != users[i]
            users[i] = text
        if tool == "mkdir":
            known_dirs.add(args.get("dir_name"))
        elif tool == "cd":
            known_dirs = set()  # a new folder: what we knew was about the old one
    return Seed(seed.line, users, seed.calls, seed.modeled) if changed else None


# ---- continue: rebuild the implied file system and plan new turns on it -----------------------------
def implied_tree(seed: Seed, r: Rand) -> Dir | None:
    """A starting tree on which every call of the seed is legal, with some filler; None if there is none.
    What the tree must hold is what the open-world replay had to assume (each tool declares its step)."""
    world = OpenWorld(TOOLS)
    for tool, a in seed.calls:
        if world.step(tool, a):
            return None
    root = Dir("home")
    mentioned = {v for _, a in seed.calls for v in a.values() if isinstance(v, str)}
    for path, name, kind in world.assumed:
        if any(part.startswith("?") for part in path):
            return None  # somewhere above the starting folder: nothing we can build
        d = root
        for part in path:
            d = d.children[part] if isinstance(d.children.get(part), Dir) else d.add_dir(part)
        if name in d.children:
            continue
        if kind == "any":
            kind = "file" if "." in name.lstrip(".") else "dir"
        if kind == "dir":
            d.add_dir(name)
        else:
            d.add_file(name, Recipe(flavour_of(name) or "binary", r.key()))
    # filler at the root so the continuation has something to work with
    for _ in range(2 + r.below(3)):
        n = new_file_name(set(root.children) | mentioned, r)
        root.add_file(n, Recipe(flavour_of(n) or "binary", r.key()))
    n = new_folder_name(set(root.children) | mentioned, r)
    root.add_dir(n).add_file(new_file_name(mentioned, r), "")
    return root


def _guess_form(tool: str, args: dict, fs: FileSystem) -> str:
    t = TOOLS[tool]
    read = t.read(args, fs.is_dir)
    return read[0] if read else t.forms[0].name


def continuation(seed: Seed, g: grammar_mod.Grammar, forms: tuple, r: Rand) -> Seed | None:
    start = implied_tree(seed, r)
    if start is None:
        return None
    fs = FileSystem(start)
    d = Discourse()
    try:
        for tool, args in seed.calls:
            form = _guess_form(tool, args, fs)
            path = fs.path()
            fs.apply(tool, args)
            record(d, Action(form, tool, args, {}), path, FORMS[form])
    except IllegalCall:
        return None
    users, calls = list(seed.users), list(seed.calls)
    for _ in range(1 + r.below(3)):
        action = pick(forms, fs, d, r)
        if action is None:
            return None
        text, _ = g.render(action.form, r.choice(SURFACE_STYLES), action.slots, r, subject=action.subject)
        users.append(text)
        calls.append((action.tool, action.args))
        path = fs.path()
        fs.apply(action.tool, action.args)
        record(d, action, path, FORMS[action.form])
    return Seed(seed.line, users, calls, seed.modeled)


# ---- the run -----------------------------------------------------------------------------------------
def _derived(seed: Seed, si: int, opts, specs, g, forms, modeled: set):
    """Rows of one seed in a fixed order: the original, its prefixes, then seeded variants, forever."""
    yield "original", seed
    for k in range(1, len(seed.calls)):
        yield "prefix", Seed(seed.line, seed.users[:k], seed.calls[:k], seed.modeled)
    techniques = ["rename"] + (["rephrase", "continue"] if seed.modeled and g is not None else [])
    v = 0
    while True:
        v += 1
        r = Rand(opts["seed"], 0xA06, si, v)
        cut = 1 + r.below(len(seed.calls))  # base: the whole seed or one of its prefixes
        base = Seed(seed.line, seed.users[:cut], seed.calls[:cut], seed.modeled)
        tech = techniques[v % len(techniques)]
        out = None
        if tech == "rename":
            out = rename(base, specs, r)
        elif tech == "rephrase":
            out = rephrase(base, g, modeled, r)
            if out is not None and r.chance(0.5):
                out = rename(out, specs, r) or out
        elif tech == "continue":
            renamed = rename(base, specs, r) if r.chance(0.5) else None
            out = continuation(renamed or base, g, forms, r)
        yield tech, out


def run(seed_file: Path, job: Path, out: Path, n: int = 500, seed: int = 1, test_fraction: float = 0.2,
        fmt: str = "distil", skip_invalid: bool = False, grammars: Path | None = None,
        student: str | None = None, teacher: str | None = None, force: bool = False) -> tuple[AugmentResult, list[str]]:
    if n <= 0:
        raise AugmentError(f"--n must be a positive number of rows (got {n})")
    if not 0 <= test_fraction < 1:
        raise AugmentError(f"--test-fraction must be in [0, 1) (got {test_fraction})")
    if fmt not in CHOICES or canonical(fmt) == "bfcl":
        raise AugmentError(f"--format must be one of {', '.join(c for c in CHOICES if c != 'bfcl')} (got {fmt!r}); "
                           f"bfcl needs starting trees, which seeds do not have")
    if not seed_file.is_file():
        raise AugmentError(f"{seed_file}: no such file")
    if not job.is_file():
        raise AugmentError(f"{job}: no such file (give --job job_description.json)")
    seeds, specs, report = load_seeds(seed_file, job, skip_invalid)
    config = config_yaml(student, teacher)
    g = grammar_mod.load(grammars)
    modeled = fs_tools_in(specs)
    forms = menu([FORMS[f] for f in sorted(g.forms) if FORMS[f].tool in modeled])  # sorted: g.forms is a set
    prepare(out, force)

    # whole seeds are assigned to a side: a seeded permutation, at least one seed per side when possible
    order = Rand(seed, 0x5EED).shuffled(list(range(len(seeds))))
    n_test = 0 if test_fraction == 0 or len(seeds) < 2 else max(1, round(len(seeds) * test_fraction))
    side = {si: ("test" if pos < n_test else "train") for pos, si in enumerate(order)}

    res = AugmentResult(out, seeds=len(seeds), unmodeled_seeds=sum(not s.modeled for s in seeds))
    stage = Staged(out)
    job_obj = json.loads(job.read_text(encoding="utf-8"))
    data = DatasetWriter(stage, fmt, job_obj.get("tools", []), job_obj.get("task_description", ""))
    streams = [_derived(s, si, {"seed": seed}, specs, g, forms, modeled) for si, s in enumerate(seeds)]
    seen = DigestSet()
    misses = [0] * len(seeds)
    written = 0
    try:
        while written < n and any(m < 200 for m in misses):
            progress = False
            for si, stream in enumerate(streams):
                if written >= n or misses[si] >= 200:
                    continue
                tech, derived = next(stream)
                if derived is None:
                    misses[si] += 1
                    continue
                q, a = exchanges_to_row([(u, t, args) for u, (t, args) in zip(derived.users, derived.calls)])
                if not seen.add(DigestSet.digest(q)):
                    misses[si] += 1
                    continue
                misses[si] = 0
                data.write(side[si], q, a)
                res.sides_of_seed.setdefault(seeds[si].line, set()).add(side[si])
                res.by_technique[tech] += 1
                written += 1
                progress = True
            if not progress and all(m >= 200 for m in misses):
                break
        job_text = job.read_text(encoding="utf-8")
        data.complete(job_text if job_text.endswith("\n") else job_text + "\n", config)
    except BaseException:
        data.abort()
        raise
    res.rows = dict(data.count)
    if written < n:
        res.skipped.append(f"only {written} distinct rows could be made from {len(seeds)} seed(s)")
    return res, report

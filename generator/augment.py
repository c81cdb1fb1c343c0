"""`mtgen augment`: grow a handful of user-written seed conversations into a varied, still-correct set.

Techniques, each keeping every call correct:
  prefix    every assistant call of a seed becomes an answer of its own (the conversation up to it)
  rename    values replaced consistently across all turns: file and folder names of the modeled tools by
            new names; any other value only by another value of the same parameter (its enum, or what
            the seeds give it), so a room stays a room
  rephrase  user turns of file-system calls re-worded from grammars/ (direct forms only, so what they
            refer to stays resolvable)
  continue  the file system implied by the seed is rebuilt, the seed replayed on it, and new legal
            turns planned after it by the simulator
Seeds whose tools the simulator does not model get prefix and rename only, and what is written keeps
their answer-tool mix and context-dependent share.  All rows derived from one seed land on the same side
of the train/test split; a dataset folder's test seeds grow into its test split, its train seeds into train.
"""
from __future__ import annotations

import functools
import json
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

from . import grammar as grammar_mod
from .config import check_student, check_teacher, config_yaml
from .forms import SURFACE_STYLES
from .domains.filesystem import TOOLS, name_args
from .domains.filesystem.contents import Recipe, flavour_of
from .domains.filesystem.openworld import OpenWorld
from .domains.filesystem.state import Dir, FileSystem, IllegalCall
from .hashset import DigestSet
from .formats.writer import CHOICES, DatasetWriter, canonical
from .outdir import OutputError, Staged, prepare, refuse_overlap, write_error
from .domains.filesystem.discourse import Discourse
from .planner import Action, menu, pick
from .forms import FORMS
from .rng import Rand
from .progress import progress
from .serialize import exchanges_to_row
from .stats import reference_style
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
    warnings: list[str] = field(default_factory=list)  # for the user, as generate's Summary.warnings
    sides_of_seed: dict[str, set] = field(default_factory=dict)  # 'file:line' of a seed -> sides its rows went to

    @property
    def skipped(self) -> list[str]:
        """The warnings, under the name the CLI printed them by before."""
        return self.warnings


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
# A file or folder name of a modeled file-system tool becomes a new, made-up name (the simulator knows what
# names mean).  Any other value may only become another value the same parameter already takes: one of its
# enum, or one the user's seeds give it.  So a room stays a room and a door a door, never a file name.
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w]|\.\d)")


def _renamable(v) -> bool:
    return isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool))


def value_pools(seeds: list[Seed], specs) -> dict[tuple[str, str], tuple]:
    """What each (tool, parameter) may be renamed to: its enum when it has one, else the values the seeds
    give it (all of which passed validation)."""
    pools: dict[tuple[str, str], list] = {}
    for s in seeds:
        for tool, args in s.calls:
            props = specs[tool].properties if tool in specs else {}
            for k, v in args.items():
                schema = props.get(k)
                if not _renamable(v) or not isinstance(schema, dict) or "const" in schema:
                    continue
                enum = schema.get("enum")
                pool = pools.setdefault((tool, k), [c for c in enum if _renamable(c)] if isinstance(enum, list) else [])
                if not isinstance(enum, list) and not any(type(c) is type(v) and c == v for c in pool):
                    pool.append(v)
    return {key: tuple(p) for key, p in pools.items()}


def _kind_words(specs) -> dict[str, set[str]]:
    """tool -> words of the other tools' names.  A value of one tool that names what another acts on
    (get_device_status 'lights' for toggle_lights) decides what a follow-up means ("turn them off"), so it
    is never renamed; a tool's own word ('lock' of lock_door) may become 'unlock'."""
    words = {name: {w for w in re.split(r"[^a-z0-9]+", name.lower()) if len(w) > 1} for name in specs}
    return {name: set().union(*(w for other, w in words.items() if other != name)) for name in specs}


def _is_kind(v, tools, kinds: dict[str, set[str]]) -> bool:
    w = str(v).lower()
    return any(w in k or w.rstrip("s") in k or w + "s" in k for k in (kinds.get(t, ()) for t in tools))


@functools.lru_cache(maxsize=4096)
def _surface(text: str) -> re.Pattern:
    """A value as the user writes it: any case, '_' as a space or a hyphen ('living_room': 'Living room')."""
    body = r"[_\s-]".join(re.escape(part) for part in re.split(r"[_ ]", text))
    return re.compile(r"(?<![\w.\-])" + body + r"(?![\w\-]|\.\w)", re.IGNORECASE)


def _said(v, users: list[str]) -> bool:
    return any(_surface(str(v)).search(u) for u in users)


def _entities(seed: Seed, specs, pools: dict | None = None) -> list[tuple]:
    """(value, candidates) for each value to rename; candidates None: a file-system name, made up fresh."""
    pools = value_pools([seed], specs) if pools is None else pools
    modeled = fs_tools_in(specs)
    said = " ".join(seed.users)
    kinds = _kind_words(specs)
    slots: dict = {}  # value -> [(tool, parameter, schema)] wherever the conversation uses it
    for tool, args in seed.calls:
        props = specs[tool].properties if tool in specs else {}
        for k, v in args.items():
            if _renamable(v):
                slots.setdefault((type(v), v), []).append((tool, k, props.get(k)))
    values = {v for _, v in slots}
    # numbers are renamed only when every number the user wrote is a call value: "2 degrees warmer" is arithmetic
    numbers_free = all(x in {str(v) for v in values} for x in _NUMBER.findall(said))
    out: list[tuple] = []
    for (_, v), where in slots.items():
        if isinstance(v, str) and any(t in modeled and k in NAME_ARGS.get(t, ()) for t, k, _ in where):
            free = all(t in modeled and (k in NAME_ARGS.get(t, ()) or (
                isinstance(s, dict) and "enum" not in s and "const" not in s and s.get("type", "string") == "string"
                and v in said and len(v) >= 2)) for t, k, s in where)
            if free and v not in ("..", ".", "/", "~") and "/" not in v:
                out.append((v, None))
            continue
        tools = {t for t, _, _ in where}
        if (isinstance(v, int) and not numbers_free) or (isinstance(v, str) and len(v) < 2) \
                or _is_kind(v, tools, kinds) or not _said(v, seed.users):
            continue
        candidates = None
        for t, k, s in where:
            if not isinstance(s, dict) or "const" in s:
                candidates = []
                break
            pool = [c for c in pools.get((t, k), ()) if type(c) is type(v)]
            candidates = pool if candidates is None else [c for c in candidates if c in pool]
        candidates = [c for c in candidates or () if c not in values and not _is_kind(c, tools, kinds)
                      and not _said(c, seed.users)]
        if candidates:
            out.append((v, candidates))
    return out


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


def _spoken(old: str, new: str):
    """A replacement for a match of `old` that writes `new` the way the user wrote `old`."""
    def sub(m: re.Match) -> str:
        said, text = m.group(0), new
        if "_" not in said:  # 'living room' for living_room, also when the old value had no '_'
            text = text.replace("_", "-" if "-" in said else " ")
        if len(said) > 1 and said.isupper():
            return text.upper()
        return text[:1].upper() + text[1:] if said[:1].isupper() else text
    return sub


def _keeps_order(mapping: dict, values) -> bool:
    """Renamed numbers keep their order with every other number of the conversation ("too warm, try 72")."""
    nums = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    new = {v: mapping.get(v, v) for v in nums}
    return all((a < b) == (new[a] < new[b]) for a in nums for b in nums if a != b)


def rename(seed: Seed, specs, r: Rand, pools: dict | None = None) -> Seed | None:
    plan = _entities(seed, specs, pools)
    if not plan:
        return None
    dirs = {a.get("folder") for t, a in seed.calls if t == "cd"} | {a.get("dir_name") for t, a in seed.calls if t == "mkdir"}
    taken = {old for old, c in plan if c is None}
    # file-system names are all renamed (as before); other values each by chance, at least one of them
    chosen = [c is None or r.chance(0.5) for _, c in plan]
    if not any(chosen):
        chosen[r.below(len(plan))] = True
    mapping: dict = {}
    for (old, candidates), use in zip(plan, chosen):
        if not use:
            continue
        if candidates is None:
            new = _fresh(old, taken, r, old in dirs)
            taken.add(new)
        else:
            free = [c for c in candidates if c not in mapping.values()]
            if not free:
                continue
            new = r.choice(free)
        mapping[old] = new
    call_values = [v for _, a in seed.calls for v in a.values() if _renamable(v)]
    if not _keeps_order(mapping, call_values):
        mapping = {k: v for k, v in mapping.items() if not isinstance(k, int)}
    if not mapping:
        return None
    fs_names = {old for old, c in plan if c is None}
    users = list(seed.users)
    for old in sorted(mapping, key=lambda v: len(str(v)), reverse=True):
        if old in fs_names:
            pat, repl = _boundary(old), mapping[old].replace("\\", "\\\\")
        else:
            pat, repl = _surface(str(old)), _spoken(str(old), str(mapping[old]))
        users = [pat.sub(repl, u) for u in users]

    def swap(v):
        return mapping.get(v, v) if type(v) in (str, int) else v  # not True for 1, not 72 for 72.0
    calls = [(t, {k: swap(v) for k, v in a.items()}) for t, a in seed.calls]
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
            d.record(Action(form, tool, args, {}), path, FORMS[form].notes)
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
        d.record(action, path, FORMS[action.form].notes)
    return Seed(seed.line, users, calls, seed.modeled)


# ---- the run -----------------------------------------------------------------------------------------
def _derived(seed: Seed, si: int, opts, specs, g, forms, modeled: set, pools: dict | None = None, user_engine=None):
    """Rows of one seed in a fixed order: the original, its prefixes, then seeded variants, forever."""
    yield "original", seed
    for k in range(1, len(seed.calls)):
        yield "prefix", Seed(seed.line, seed.users[:k], seed.calls[:k], seed.modeled)
    user = user_engine is not None and all(t in user_engine.domain.tools for t, _ in seed.calls)
    techniques = ["rename"] + (["rephrase", "continue"] if (seed.modeled and g is not None) or user else [])
    v = 0
    while True:
        v += 1
        r = Rand(opts["seed"], 0xA06, si, v)
        cut = 1 + r.below(len(seed.calls))  # base: the whole seed or one of its prefixes
        base = Seed(seed.line, seed.users[:cut], seed.calls[:cut], seed.modeled)
        tech = techniques[v % len(techniques)]
        out = None
        if tech == "rename":
            out = rename(base, specs, r, pools)
        elif tech == "rephrase":
            out = user_rephrase(base, user_engine, r) if user else rephrase(base, g, modeled, r)
            if out is not None and r.chance(0.5):
                out = rename(out, specs, r, pools) or out
        elif tech == "continue":
            renamed = rename(base, specs, r, pools) if r.chance(0.5) else None
            out = user_continuation(renamed or base, user_engine, r) if user else \
                continuation(renamed or base, g, forms, r)
        yield tech, out


# ---- seeds of the user's own tools, with their grammar folder (the schema domain) --------------------
def user_rephrase(seed: Seed, eng, r: Rand) -> Seed | None:
    """Direct requests of a seed re-worded from the user's grammar: a line saying exactly the call's
    parameters, with the words the value files give each value (a request that refers back stays)."""
    users, changed = list(seed.users), False
    for i, (tool, args) in enumerate(seed.calls):
        t = eng.domain.tools.get(tool)
        if t is None or reference_style(users[i], {"parameters": args}) != "direct" or not r.chance(0.7):
            continue
        slots = t.say(args, r)
        if slots is None:
            continue
        try:
            text, _ = eng.g.render(tool, r.choice(SURFACE_STYLES), slots, r, only=frozenset(slots))
        except grammar_mod.GrammarError:  # no line of that shape: keep the user's words
            continue
        changed |= text != users[i]
        users[i] = text
    return Seed(seed.line, users, seed.calls, seed.modeled) if changed else None


def user_continuation(seed: Seed, eng, r: Rand) -> Seed | None:
    """1-3 new turns after the seed, planned by the user's domain on the conversation so far (so "the same
    for the kitchen" can follow the seed's last call)."""
    domain = eng.domain
    state, _ = domain.new_state(r, False)
    d = domain.new_discourse()
    for tool, args in seed.calls:
        if tool not in domain.tools:
            return None
        state.apply(tool, args)
        d.record(Action(tool, tool, args, {}), "", ())
    users, calls = list(seed.users), list(seed.calls)
    k = 1 + r.below(3)
    for left in range(k - 1, -1, -1):
        if domain.on_turn is not None:
            domain.on_turn(state, left)
        action = pick(eng.context_menu, state, d, r) if r.chance(eng.s.context_share) else None
        action = action or pick(eng.menu, state, d, r)
        if action is None:
            return None
        turn = eng._say(action, r.choice(SURFACE_STYLES), r, "any")
        users.append(turn.text)
        calls.append((action.tool, action.args))
        state.apply(action.tool, action.args)
        d.record(action, "", eng.all_forms[action.form].notes)
    return Seed(seed.line, users, calls, seed.modeled)


def contextual(seed: Seed) -> bool:
    """Whether the final request leans on earlier turns, read off the words as `mtgen stats` does."""
    return reference_style(seed.users[-1], {"parameters": seed.calls[-1][1]}) != "direct"


class MixKeeper:
    """Keeps the seeds' answer-tool mix and context-dependent share in what is written.  Variants do not
    come evenly (a seed with a free-text room renames endlessly, an enum-only one soon runs dry), so a row
    is taken only while its answer tool and its kind are no more than one row ahead of the seeds' shares
    (two when nothing else fits: the two measures can block each other); a row that is ahead waits (a
    bounded number per kind) until the others catch up."""

    HOLD = 256  # rows waiting per (answer tool, kind)

    def __init__(self, seeds: list[Seed], enabled: bool = True) -> None:
        self.enabled = enabled
        self.share: Counter = Counter()
        for s in seeds:
            for key in self.keys(s):
                self.share[key] += 1 / len(seeds)
        self.count: Counter = Counter()
        self.total = 0
        self.waiting: dict[tuple, deque] = {}

    @staticmethod
    def keys(s: Seed) -> tuple:
        return ("tool", s.calls[-1][0]), ("context", contextual(s))

    def fits(self, keys: tuple, slack: int = 1) -> bool:
        return not self.enabled or all(self.count[k] + 1 <= self.share[k] * (self.total + 1) + slack for k in keys)

    def take(self, keys: tuple) -> None:
        self.count.update(keys)
        self.total += 1

    def wait(self, keys: tuple, row) -> bool:
        queue = self.waiting.setdefault(keys, deque())
        if len(queue) >= self.HOLD:
            return False
        queue.append(row)
        return True

    def ready(self, slack: int = 1):
        """Waiting rows that fit now, oldest first."""
        for keys, queue in self.waiting.items():
            while queue and self.fits(keys, slack):
                yield keys, queue.popleft()


MAX_MISSES = 200  # variants in a row that a seed fails to make (or only makes again) before it is spent


def _grow(streams: list, quota: int, keepers: dict, data: DatasetWriter, seen: DigestSet, res: AugmentResult,
          bar) -> int:
    """Round-robin over (stream, side, seed name) until `quota` rows are written or every stream is spent."""
    misses = [0] * len(streams)
    written = 0

    def write(side: str, keys: tuple, row: tuple) -> None:
        nonlocal written
        tech, q, a, name = row
        data.write(side, q, a)
        keepers[side].take(keys)
        res.sides_of_seed.setdefault(name, set()).add(side)
        res.by_technique[tech] += 1
        written += 1
        bar.advance()

    def drain(slack: int, most: int) -> int:
        took = 0
        for side, keeper in keepers.items():
            for keys, row in keeper.ready(slack):
                write(side, keys, row)
                took += 1
                if written >= quota or took >= most:
                    return took
        return took

    while written < quota:
        before = written
        drain(1, quota)
        for si, (stream, side, name) in enumerate(streams):
            if written >= quota or misses[si] >= MAX_MISSES:
                continue
            tech, derived = next(stream)
            if derived is None:
                misses[si] += 1
                continue
            q, a = exchanges_to_row([(u, t, args) for u, (t, args) in zip(derived.users, derived.calls)])
            if not seen.add(DigestSet.digest(q)):
                misses[si] += 1
                continue
            keys = keepers[side].keys(derived)
            if keepers[side].fits(keys):
                write(side, keys, (tech, q, a, name))
                misses[si] = 0
            elif not keepers[side].wait(keys, (tech, q, a, name)):
                misses[si] += 1
        if written == before and written < quota and not drain(2, 1) and all(m >= MAX_MISSES for m in misses):
            break
    return written


def _seed_files(folder: Path) -> dict[str, Path]:
    """The splits of a dataset folder given as seeds: train (needed) and test (kept as test)."""
    from .dataset import split_files

    def ambiguous(line: int, code: str, message: str) -> None:  # both train.jsonl and train.csv: say which to keep
        raise AugmentError(f"{folder}: {message}")
    found = split_files(folder, ambiguous)
    if "train" not in found:
        raise AugmentError(f"{folder}: no train.jsonl or train.csv to take seeds from")
    return found


def _config(folder: Path | None, student: str | None, teacher: str | None) -> str:
    """config.yaml: the dataset folder's own, carried over (with --student/--teacher put in), or a new one."""
    cfg = folder / "config.yaml" if folder is not None else None
    if cfg is None or not cfg.exists():
        return config_yaml(student, teacher)
    try:
        text = cfg.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise AugmentError(f"{cfg}: cannot read ({getattr(e, 'strerror', None) or e})") from None
    if not (student or teacher):
        return text if text.endswith("\n") else text + "\n"
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise AugmentError(f"{cfg}: not valid YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("base", {}), dict):
        raise AugmentError(f"{cfg}: expected a mapping with a 'base' section")
    base = doc.setdefault("base", {})
    if student:
        base["student_model_name"] = check_student(student)
    if teacher:
        base["teacher_model_name"] = check_teacher(teacher)
    return yaml.safe_dump(doc, sort_keys=False)


def run(seed_file: Path, job: Path | None, out: Path, n: int = 500, seed: int = 1, test_fraction: float = 0.2,
        fmt: str = "distil", skip_invalid: bool = False, grammars: Path | None = None,
        student: str | None = None, teacher: str | None = None, force: bool = False) -> tuple[AugmentResult, list[str]]:
    """Augment a seed file (its seeds are split by --test-fraction) or a dataset folder (its train seeds
    grow into train, its test seeds into test, in the folder's proportion; its config.yaml is kept)."""
    from .generate import MAX_ROWS
    if not 0 < n <= MAX_ROWS:
        raise AugmentError(f"--n must be a positive number of rows, at most {MAX_ROWS:,} (got {n:,})")
    if seed < 0:
        raise AugmentError(f"--seed must be >= 0 (got {seed})")
    if not 0 <= test_fraction < 1:
        raise AugmentError(f"--test-fraction must be in [0, 1) (got {test_fraction})")
    if fmt not in CHOICES or canonical(fmt) == "bfcl":
        raise AugmentError(f"--format must be one of {', '.join(c for c in CHOICES if c != 'bfcl')} (got {fmt!r}); "
                           f"bfcl needs starting trees, which seeds do not have")
    folder = seed_file if seed_file.is_dir() else None
    if folder is None and not seed_file.is_file():
        raise AugmentError(f"{seed_file}: no such file")
    files = _seed_files(folder) if folder is not None else {"train": seed_file}
    if job is None:  # the dataset's own job description, in the folder or beside the file (as validate finds it)
        job = (folder if folder is not None else seed_file.parent) / "job_description.json"
        if not job.is_file():
            raise AugmentError(f"{seed_file}: no job_description.json {'in' if folder else 'beside'} it "
                               f"(give --job job_description.json)")
    if not job.is_file():
        raise AugmentError(f"{job}: no such file (give --job job_description.json)")
    inputs = [folder if folder is not None else seed_file, job]
    try:
        refuse_overlap(out, inputs)  # before any work: --force would overwrite the input
    except OutputError as e:
        raise AugmentError(str(e)) from None
    loaded = {split: load_seeds(path, job, skip_invalid) for split, path in files.items()}
    specs = loaded["train"][1]
    report = [line for split in files for line in loaded[split][2]]
    try:
        config = _config(folder, student, teacher)
    except ValueError as e:  # a model the task does not support
        raise AugmentError(str(e)) from None
    modeled = fs_tools_in(specs)
    user_engine = None
    if grammars is not None and set(specs) - modeled:
        # the job has tools of its own: --grammars is their grammar folder (see `mtgen init`)
        from .domains import load as load_domain
        from .domains.base import DomainError
        from .engine import Engine, Settings
        try:
            domain, user_grammar = load_domain(job, grammars)
        except DomainError as e:
            raise AugmentError(str(e)) from None
        user_engine = Engine(Settings(seed=seed, tools=tuple(domain.tools)), user_grammar, keep_start=False,
                             domain=domain)
        grammars = None  # the file-system phrasings stay the shipped ones
    g = grammar_mod.load(grammars)
    forms = menu([FORMS[f] for f in sorted(g.forms) if FORMS[f].tool in modeled])  # sorted: g.forms is a set

    # (seed, side, name) for every seed; with one seed file, whole seeds are assigned to a side (a seeded
    # permutation, at least one seed per side when possible); a folder's splits stay as they are
    if "test" in files:
        placed = [(s, split, f"{files[split].name}:{s.line}") for split in ("train", "test") for s in loaded[split][0]]
    else:
        seeds = loaded["train"][0]
        order = Rand(seed, 0x5EED).shuffled(list(range(len(seeds))))
        n_test = 0 if test_fraction == 0 or len(seeds) < 2 else max(1, round(len(seeds) * test_fraction))
        side = {si: ("test" if pos < n_test else "train") for pos, si in enumerate(order)}
        placed = [(s, side[si], f"{files['train'].name}:{s.line}") for si, s in enumerate(seeds)]
    by_side = {sd: [s for s, x, _ in placed if x == sd] for sd in ("train", "test")}
    # the mix is kept for other people's tools; a file-system seed's continuations add answer tools on purpose
    keep_mix = any(not s.modeled for s, _, _ in placed)
    keepers = {sd: MixKeeper(by_side[sd], keep_mix) for sd in ("train", "test")}
    pools = {sd: value_pools(by_side[sd], specs) for sd in ("train", "test")}  # no test value leaks into train
    streams = [(_derived(s, si, {"seed": seed}, specs, g, forms, modeled, pools[sd], user_engine), sd, name)
               for si, (s, sd, name) in enumerate(placed)]

    prepare(out, force, inputs=inputs)
    res = AugmentResult(out, seeds=len(placed), unmodeled_seeds=sum(not s.modeled for s, _, _ in placed))
    stage = Staged(out)
    job_text = job.read_text(encoding="utf-8")
    job_obj = json.loads(job_text)
    data = DatasetWriter(stage, fmt, job_obj.get("tools", []), job_obj.get("task_description", ""))
    seen = DigestSet()  # shared by both splits: no test question is also a train question
    try:
        with progress("augmenting", total=n) as bar:
            if "test" in files:  # each split grows from its own seeds, train first, in the folder's proportion
                n_test = round(n * len(by_side["test"]) / len(placed))
                written = sum(_grow([x for x in streams if x[1] == sd], quota, {sd: keepers[sd]}, data, seen, res, bar)
                              for sd, quota in (("train", n - n_test), ("test", n_test)))
            else:
                written = _grow(streams, n, keepers, data, seen, res, bar)
        data.complete(job_text if job_text.endswith("\n") else job_text + "\n", config)
    except OSError as e:  # a full disk, a folder vanishing under us: one line, nothing left behind
        data.abort()
        raise write_error(out, e) from None
    except BaseException:
        data.abort()
        raise
    res.rows = dict(data.count)
    if written < n:
        res.warnings.append(f"only {written} distinct rows could be made from {len(placed)} seed(s)"
                            + (" while keeping their mix of answer tools and context-dependent requests"
                               if keep_mix else ""))
    from .generate import MIN_SPLIT_ROWS  # here: generate's engine is not needed to augment

    for sd in ("train", "test"):
        if res.rows[sd] < MIN_SPLIT_ROWS:
            res.warnings.append(f"{sd} split has {res.rows[sd]} rows; the platform needs at least {MIN_SPLIT_ROWS}")
    return res, report

"""Helpers the tools' plays share: choosing uniformly among legal options without listing them all
(the planner runs in the hot loop), what users tend to name, and fresh names."""
from __future__ import annotations

from math import floor

from ...rng import Rand
from ..base import Action
from .contents import kind_of
from .state import Dir, valid_name
from .world import fresh_from, new_file_name, new_folder_name, version_stem, year_of


def one(r: Rand, options: list):
    """One of `options`, chosen uniformly, or None when there is none."""
    return options[floor(r.random() * len(options))] if options else None  # r.choice, inlined


def first_legal(r: Rand, n: int, ok) -> int | None:
    """A uniformly chosen index among 0 .. n - 1 that passes `ok`, testing as few as possible: a lazy
    Fisher-Yates shuffle whose swaps are kept in a dict, so no list of options is ever built."""
    moved: dict[int, int] = {}
    rnd = r.random
    while n:
        i = floor(rnd() * n)  # r.below(n), inlined
        k = moved.get(i, i)
        if ok(k):
            return k
        n -= 1
        moved[i] = moved.get(n, n)
    return None


FOCUS = 0.75  # how often a request is about something the conversation has named already (when it can be)


def seen(names: list[str], r: Rand, fs=None, d=None, named_first: bool = True) -> list[str]:
    """Mostly the names a plain `ls` shows: people seldom ask about dot-files they have not listed.  Given
    the discourse: only what the scenario's current step acts on (its focus), and mostly the names the
    conversation already named: a session keeps working on its things ("open notes.txt", then "search
    it", then "back it up") rather than wandering from file to file.  Not `named_first` for "the same for
    x": x is the next thing, not one the conversation has had already (not "what about access.log?" again)."""
    if d is not None:
        focus = d.focus
        # plain loops: a comprehension using this frame's names makes them cells, and a function per call
        if focus is not None and focus.test is not None:
            test, kept = focus.test, []
            for n in names:
                if test(fs, d, n):
                    kept.append(n)
            if not kept:
                return kept
            names = kept
        mentioned = d.mentioned
        if named_first and mentioned and r.random() < FOCUS:
            here, named = fs.path(), []
            for n in names:
                if (here, n) in mentioned:
                    named.append(n)
            if named:
                return named
    shown = [n for n in names if n[0] != "."]  # names are never empty
    return shown if shown and r.random() < 0.85 else names


def sources(fs, r: Rand, d=None) -> list[str]:
    """What to copy or move: mostly files, sometimes any entry (people move files more than folders)."""
    files = fs.files()
    return seen(files if files and r.chance(0.8) else fs.names(), r, fs, d)


def subject(fs, name: str) -> tuple[str, bool]:
    return (name, fs.is_dir(name))


def movable_into(fs, src: str, dst: str) -> bool:
    """Whether a request may put `src` into folder `dst`: legal, and no year in the names disagrees (no
    budget_2020.xlsx into taxes_2016, no PXL_20200926_104233.jpg into '2016')."""
    folder = fs.here.get(dst)
    if src == dst or not isinstance(folder, Dir):
        return False
    y = year_of(dst)
    if y is not None and year_of(src) not in (None, y):
        return False
    return src not in folder.children


def step_name(fs, d, r: Rand) -> str | None:
    """A new name in the shapes of the scenario step being played (archive_{y}), or None (the usual names)."""
    focus = d.focus if d is not None else None
    return fresh_from(focus.shapes, fs.here, r) if focus is not None and focus.shapes else None


def new_thing(form: str, tool: str, arg: str, is_dir: bool, fresh):
    """The play of a form that makes a new thing here (mkdir, touch): named in the shapes of the scenario
    step being played when it has some, else by fresh(taken, r, like).  A 'same' form ("another one, called
    x") plays only right after a call of `tool`; `like` is then that call's name (None otherwise)."""
    same = form.endswith(".same")

    def play(fs, d, prev, r):
        like = None
        if same:
            if prev is None or prev.tool != tool:
                return None
            like = prev.args[arg]
        n = step_name(fs, d, r) or fresh(fs.here, r, like)
        return Action(form, tool, {arg: n}, {"name": n}, (n, is_dir))
    return play


def new_name_check(tool: str, arg: str):
    """The check of a tool that makes a new thing here: a legal name that is not taken."""
    def check(fs, a):
        n = a.get(arg)
        if not valid_name(n):
            return f"{tool}: invalid name {n!r}"
        return f"{tool}: {n}: already exists" if fs.has(n) else None
    return check


def new_name_for(fs, name: str, is_dir: bool, r: Rand, copy: bool, gone: frozenset = frozenset(),
                 d=None) -> str | None:
    """A new name for `name` here: for its copy (photos_backup, report-copy.docx) or, renamed, for itself;
    never one of `gone` (names the conversation removed or renamed away).  A file's is in the shapes of the
    scenario step being played when they name it after the old one (-> {stem}_final{ext}).  None for a file
    no rename fits (sales_old.csv would only become sales_old-2.csv)."""
    taken = fs.here if not gone else {**fs.here, **dict.fromkeys(sorted(gone))}  # sorted: a set has no fixed order
    if is_dir:
        return new_folder_name(taken, r, name, copy)
    focus = d.focus if d is not None else None
    return new_file_name(taken, r, name, copy, focus.renames if focus is not None else (), numbered=copy)


def direct_read(form: str, **slot_args: str):
    """A tool's `read`: the direct `form` whose slots say these arguments (slot=argument), for a call
    that has all of them as strings ("cat.direct", file="file_name")."""
    def read(args: dict, is_dir):
        values = {slot: args.get(arg) for slot, arg in slot_args.items()}
        return (form, values) if all(isinstance(v, str) for v in values.values()) else None
    return read


def no_file(tool: str, fs, name) -> str | None:
    """Why `name` cannot be read here (a reading tool's check), or None."""
    return None if isinstance(name, str) and fs.is_file(name) else f"{tool}: {name}: no such file here"


# ---- text files: what read, search, count, sort and tail act on ---------------------------------------
def a_text_file(fs, r: Rand, d=None, kinds=None) -> str | None:
    """A text file with something in it (a file just made empty has nothing to read, count or sort), of one
    of `kinds` (contents.kind_of) when given."""
    here, files = fs.here, []
    for n in fs.text_files():  # loops: a comprehension reading `here` or `kinds` makes them cells, and a closure
        if here[n] != "" and (kinds is None or kind_of(n) in kinds):
            files.append(n)
    files = seen(files, r, fs, d)
    return r.choice(files) if files else None


def text_it(fs, d, prev, kinds=None) -> str | None:
    """'it', when the previous call read or wrote it and it is a text file with something in it (after a
    sort or a search, "it" would sound like that call's output)."""
    if prev is None or prev.tool not in ("cat", "echo"):
        return None
    it = d.it(fs)
    if not it or it[1] or kinds is not None and kind_of(it[0]) not in kinds:
        return None
    return it[0] if fs.is_text_file(it[0]) and fs.text(it[0]) else None


def another_text_file(fs, prev, tool: str, r: Rand, kinds=None) -> str | None:
    """For "the same for x": a text file other than the one the previous call (of `tool`) acted on."""
    if prev is None or prev.tool != tool:
        return None
    files = seen([n for n in fs.text_files() if n != prev.args.get("file_name")
                  and (kinds is None or kind_of(n) in kinds)], r)
    return r.choice(files) if files else None


# ---- versions of a file: what diff compares, and what a scenario's `versions` names --------------------
def versions_of(fs, name: str) -> list[str]:
    """The other versions of `name` here among the text files (report_v2.md for report.md): what people
    compare it with, never an unrelated file ("two versions of minutes.txt" compared with
    release_timeline.md was a reader's complaint)."""
    stem = version_stem(name)
    return [n for n in fs.text_files() if n != name and version_stem(n) == stem]


def has_version(fs, d, name: str) -> bool:
    """Whether `name` is a text file with another version here: what "compare it with ..." needs "it" to be,
    and what a scenario step on `versions` acts on."""
    return fs.is_text_file(name) and bool(versions_of(fs, name))

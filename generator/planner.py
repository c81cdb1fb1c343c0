"""Plans the next user request as a legal action on the simulated state.

For a form (see forms.py) the planner chooses, uniformly among the legal ways to play it right now, the
exact tool call and the slots its phrasing needs, so that the call is derived from the state and the
discourse, never typed.  A context form is played only when its referent is unique: "it" names one thing,
"the folder we made" exists only if exactly one folder was made, and so on.  Knows nothing of phrasing
or JSON.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .forms import FORMS
from .fs import FileSystem
from .rng import Rand
from .world import new_file_name, new_folder_name


class Action(NamedTuple):  # a NamedTuple: made for every candidate play, so cheap to create
    form: str
    tool: str
    args: dict
    slots: dict  # slot name -> value (names, or the ordinal position as an int)
    subject: tuple[str, bool] | None = None  # (name, is_dir) of the thing the user talks about


@dataclass
class Discourse:
    """What the conversation so far lets the user refer to."""
    prev: Action | None = None
    prev_path: str = ""
    touched: list[tuple[str, str]] = field(default_factory=list)  # (folder path, name) per touch, in order
    made: list[tuple[str, str]] = field(default_factory=list)  # (folder path, name) per mkdir, in order
    gone: set[tuple[str, str]] = field(default_factory=set)  # (folder path, name) removed or moved away

    def record(self, action: Action, path: str) -> None:
        """Note `action`, played in folder `path` (the current folder before the call)."""
        t, a = action.tool, action.args
        if t == "touch":
            self.touched.append((path, a["file_name"]))
        elif t == "mkdir":
            self.made.append((path, a["dir_name"]))
        elif t == "rm":
            self.gone.add((path, a["file_name"]))
        elif t == "mv":
            self.gone.add((path, a["source"]))
        self.prev, self.prev_path = action, path

    def it(self, fs: FileSystem) -> tuple[str, bool] | None:
        """The one thing 'it' can mean: the file or folder the previous turn created, opened or renamed."""
        p = self.prev
        if p is None or self.prev_path != fs.path():
            return None
        if p.tool == "touch" or p.tool == "cat":
            name = p.args["file_name"]
        elif p.tool == "mkdir":
            name = p.args["dir_name"]
        elif p.tool == "mv" and p.form in ("mv.rename", "mv.it_rename"):
            name = p.args["destination"]
        else:
            return None
        return (name, fs.is_dir(name)) if fs.has(name) else None

    def made_folder(self, fs: FileSystem) -> str | None:
        """'the folder we made': only when exactly one folder was made and it is here, untouched."""
        if len(self.made) != 1:
            return None
        path, name = self.made[0]
        if path != fs.path() or (path, name) in self.gone or not fs.is_dir(name):
            return None
        return name


def _subject(fs: FileSystem, name: str) -> tuple[str, bool]:
    return (name, fs.is_dir(name))


def _movable_into(fs: FileSystem, src: str, dst: str) -> bool:
    return src != dst and fs.is_dir(dst) and src not in fs.cwd.children[dst].children


def _seen(names: list[str], r: Rand) -> list[str]:
    """Mostly the names a plain `ls` shows: people seldom ask about dot-files they have not listed."""
    shown = [n for n in names if not n.startswith(".")]
    return shown if shown and r.chance(0.85) else names


def _sources(fs: FileSystem, r: Rand) -> list[str]:
    """What to copy or move: mostly files, sometimes any entry (people move files more than folders)."""
    files = fs.files()
    return _seen(files if files and r.chance(0.8) else fs.names(), r)


def _new_name_for(fs: FileSystem, name: str, is_dir: bool, r: Rand) -> str:
    return new_folder_name(fs.cwd.children, r) if is_dir else new_file_name(fs.cwd.children, r, name)


# Each play_<form>(fs, discourse, prev, r) returns one uniformly chosen legal Action, or None when the form
# cannot be played now.  `prev` is the previous action when it happened in this folder.  Only the chosen
# play is built, and new names are drawn only for it: the planner runs in the hot loop.
def _one(r: Rand, options: list, build) -> Action | None:
    return build(r.choice(options)) if options else None


def _first_legal(r: Rand, n: int, get, ok) -> object | None:
    """A uniformly chosen option among get(0) .. get(n - 1) that passes `ok`, testing as few as possible:
    a lazy Fisher-Yates shuffle whose swaps are kept in a dict, so no list of options is ever built."""
    moved: dict[int, int] = {}  # position -> the option index swapped into it
    while n:
        i = r.below(n)
        o = get(moved.get(i, i))
        if ok(o):
            return o
        n -= 1
        moved[i] = moved.get(n, n)
    return None


def play_ls_plain(fs, d, prev, r):
    return Action("ls.plain", "ls", {}, {})


def play_ls_hidden(fs, d, prev, r):
    return Action("ls.hidden", "ls", {"a": True}, {})


def play_cd_direct(fs, d, prev, r):
    dirs = _seen(fs.dirs(), r)
    return _one(r, dirs, lambda n: Action("cd.direct", "cd", {"folder": n}, {"folder": n}, (n, True)))


def play_cd_up(fs, d, prev, r):
    return None if fs.at_root() else Action("cd.up", "cd", {"folder": ".."}, {})


def play_cd_it(fs, d, prev, r):
    it = d.it(fs)
    return Action("cd.it", "cd", {"folder": it[0]}, {}, it) if it and it[1] else None


def play_cat_direct(fs, d, prev, r):
    return _one(r, _seen(fs.files(), r),
                lambda n: Action("cat.direct", "cat", {"file_name": n}, {"file": n}, (n, False)))


def play_cat_it(fs, d, prev, r):
    it = d.it(fs)
    if it and not it[1] and prev and prev.tool == "touch":
        return Action("cat.it", "cat", {"file_name": it[0]}, {}, it)
    return None


def play_cat_same(fs, d, prev, r):
    if not (prev and prev.tool == "cat"):
        return None
    files = _seen([n for n in fs.files() if n != prev.args["file_name"]], r)
    return _one(r, files,
                lambda n: Action("cat.same", "cat", {"file_name": n}, {"file": n}, (n, False)))


def play_cat_copy(fs, d, prev, r):
    if prev and prev.form == "cp.rename" and fs.is_file(prev.args["destination"]):
        n = prev.args["destination"]
        return Action("cat.copy", "cat", {"file_name": n}, {}, (n, False))
    return None


def _make(form: str, tool: str, fs, prev, r):
    if form.endswith(".same") and not (prev and prev.tool == tool):
        return None
    if tool == "mkdir":
        n = new_folder_name(fs.cwd.children, r)
        return Action(form, tool, {"dir_name": n}, {"name": n}, (n, True))
    like = prev.args["file_name"] if form.endswith(".same") else None
    n = new_file_name(fs.cwd.children, r, like)
    return Action(form, tool, {"file_name": n}, {"name": n}, (n, False))






def play_rm_direct(fs, d, prev, r):
    return _one(r, _seen(fs.names(), r),
                lambda n: Action("rm.direct", "rm", {"file_name": n}, {"target": n}, _subject(fs, n)))


def play_rm_it(fs, d, prev, r):
    it = d.it(fs)
    return Action("rm.it", "rm", {"file_name": it[0]}, {}, it) if it else None


def play_rm_same(fs, d, prev, r):
    if not (prev and prev.tool == "rm"):
        return None
    return _one(r, fs.names(),
                lambda n: Action("rm.same", "rm", {"file_name": n}, {"target": n}, _subject(fs, n)))


def play_rm_ordinal(fs, d, prev, r):
    here = fs.path()
    options = []
    for made_list, is_dir in ((d.touched, False), (d.made, True)):
        if len(made_list) < 2 or len({n for _, n in made_list}) != len(made_list):
            continue  # with a repeated name, "the second one" could mean two things
        for pos, (path, n) in enumerate(made_list, 1):
            if path == here and (path, n) not in d.gone and fs.has(n) and fs.is_dir(n) == is_dir:
                options.append((n, pos, is_dir))
    # the subject is a bare "file" or "folder": "the second document we created" would count documents only
    return _one(r, options,
                lambda o: Action("rm.ordinal", "rm", {"file_name": o[0]}, {"ordinal": o[1]}, ("", o[2])))


def _into(form: str, tool: str, fs, r):
    srcs, dirs = _sources(fs, r), fs.dirs()
    nd = len(dirs)
    # checking a pair looks inside the target folder, so only the pairs actually tried are checked;
    # pair k is (srcs[k // nd], dirs[k % nd]), the order of a source-major listing of all pairs
    p = _first_legal(r, len(srcs) * nd, lambda k: (srcs[k // nd], dirs[k % nd]), lambda p: _movable_into(fs, *p))
    if p is None:
        return None
    return Action(form, tool, {"source": p[0], "destination": p[1]}, {"src": p[0], "dst": p[1]}, _subject(fs, p[0]))


def _rename(form: str, tool: str, fs, r):
    srcs = _sources(fs, r)
    if not srcs:
        return None
    src = r.choice(srcs)
    is_dir = fs.is_dir(src)
    dst = _new_name_for(fs, src, is_dir, r)
    return Action(form, tool, {"source": src, "destination": dst}, {"src": src, "dst": dst}, (src, is_dir))






def _it_into(form: str, tool: str, fs, d, r):
    it = d.it(fs)
    if not it:
        return None
    dirs = fs.dirs()
    t = _first_legal(r, len(dirs), dirs.__getitem__, lambda t: _movable_into(fs, it[0], t))
    return None if t is None else Action(form, tool, {"source": it[0], "destination": t}, {"dst": t}, it)




def play_mv_it_rename(fs, d, prev, r):
    it = d.it(fs)
    if not it:
        return None
    dst = _new_name_for(fs, it[0], it[1], r)
    return Action("mv.it_rename", "mv", {"source": it[0], "destination": dst}, {"dst": dst}, it)


_INTO_FORMS = {"cp": ("cp.into", "cp.it_into", "cp.same", "cp.into_made"),
               "mv": ("mv.into", "mv.it_into", "mv.same", "mv.copied_into_made")}


def _same_into(form: str, tool: str, fs, prev, r):
    if not (prev and prev.tool == tool and prev.form in _INTO_FORMS[tool]):
        return None
    dst = prev.args["destination"]
    if not fs.is_dir(dst):
        return None
    srcs = [s for s in fs.names() if s != prev.args["source"] and _movable_into(fs, s, dst)]
    return _one(r, srcs,
                lambda s: Action(form, tool, {"source": s, "destination": dst}, {"src": s}, _subject(fs, s)))




def play_cp_into_made(fs, d, prev, r):
    made = d.made_folder(fs)
    if not made:
        return None
    srcs = [s for s in fs.files() if _movable_into(fs, s, made)]
    return _one(r, srcs,
                lambda s: Action("cp.into_made", "cp", {"source": s, "destination": made}, {"src": s}, (s, False)))


def play_mv_copied_into_made(fs, d, prev, r):
    made = d.made_folder(fs)
    if made and prev and prev.tool == "cp":
        s = prev.args["source"]
        if fs.has(s) and _movable_into(fs, s, made):
            return Action("mv.copied_into_made", "mv", {"source": s, "destination": made}, {}, _subject(fs, s))
    return None


# forms played the same way for two tools share one function
_PAIRED = {
    **{f"{t}.into": (lambda fs, d, prev, r, t=t: _into(f"{t}.into", t, fs, r)) for t in ("cp", "mv")},
    **{f"{t}.rename": (lambda fs, d, prev, r, t=t: _rename(f"{t}.rename", t, fs, r)) for t in ("cp", "mv")},
    **{f"{t}.it_into": (lambda fs, d, prev, r, t=t: _it_into(f"{t}.it_into", t, fs, d, r)) for t in ("cp", "mv")},
    **{f"{t}.same": (lambda fs, d, prev, r, t=t: _same_into(f"{t}.same", t, fs, prev, r)) for t in ("cp", "mv")},
    **{f"{t}.{k}": (lambda fs, d, prev, r, t=t, k=k: _make(f"{t}.{k}", t, fs, prev, r))
       for t in ("mkdir", "touch") for k in ("direct", "same")},
}
PLAYS = {name: _PAIRED.get(name) or globals()["play_" + name.replace(".", "_")] for name in FORMS}


def choose(form: str, fs: FileSystem, d: Discourse, r: Rand) -> Action | None:
    """One legal way to play `form` now, chosen uniformly, or None."""
    prev = d.prev if d.prev is not None and d.prev_path == fs.path() else None
    return PLAYS[form](fs, d, prev, r)


Menu = tuple  # forms grouped by tool, tools in name order: what pick() draws from (see menu())


def menu(forms) -> Menu:
    """`forms` grouped by tool, once: pick() runs for every turn and should not regroup them each time."""
    by_tool: dict[str, list[str]] = {}
    for form in forms:
        by_tool.setdefault(FORMS[form].tool, []).append(form)
    return tuple(tuple(by_tool[t]) for t in sorted(by_tool))


def pick(groups: Menu, fs: FileSystem, d: Discourse, r: Rand) -> Action | None:
    """A random legal action from a menu(): a tool uniformly among those with a legal form, then a form
    of it uniformly among the playable ones.  Trying them in a random order and taking the first that
    plays gives the same distribution as listing all, at a fraction of the cost."""
    prev = d.prev if d.prev is not None and d.prev_path == fs.path() else None
    tools = list(groups)
    while tools:  # lazy Fisher-Yates over tools, then over the tool's forms
        i = r.below(len(tools))
        left = list(tools[i])
        while left:
            j = r.below(len(left))
            a = PLAYS[left[j]](fs, d, prev, r)
            if a is not None:
                return a
            left[j] = left[-1]
            left.pop()
        tools[i] = tools[-1]
        tools.pop()
    return None

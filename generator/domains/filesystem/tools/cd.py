"""cd: one level at a time into an existing folder, or '..' (never above the root)."""
from ...base import DIR, Action, Form, Param, Tool
from ..plays import one, seen
from ..state import valid_name


def check(fs, a):
    f = a.get("folder")
    if f == "..":
        return "cd: already at the root" if fs.at_root() else None
    if not valid_name(f):
        return f"cd: invalid folder name {f!r}"
    return None if fs.is_dir(f) else f"cd: {f}: no such folder here"


def apply(fs, a):
    f = a["folder"]
    path = fs.path()
    if f == "..":
        fs.leave(path.rsplit("/", 1)[0] or "/")
    else:
        fs.enter(fs.here[f], ("" if path == "/" else path) + "/" + f)


def open_step(w, a):
    return w.enter(a.get("folder"))


def play_direct(fs, d, prev, r):
    n = one(r, seen(fs.dirs(), r, fs, d))
    return None if n is None else Action("cd.direct", "cd", {"folder": n}, {"folder": n}, (n, True))


def play_up(fs, d, prev, r):
    return None if fs.at_root() else Action("cd.up", "cd", {"folder": ".."}, {})


def play_it(fs, d, prev, r):
    it = d.it(fs)
    return Action("cd.it", "cd", {"folder": it[0]}, {}, it) if it and it[1] else None


def read(a, is_dir):
    f = a.get("folder")
    if not isinstance(f, str):
        return None
    return ("cd.up", {}) if f == ".." else ("cd.direct", {"folder": f})


TOOL = Tool(
    "cd", "Change the current working directory to the specified folder.",
    (Param("folder", "string", DIR, "The folder of the directory to change to."),),
    check, apply, open_step,
    forms=(
        Form("cd.direct", "direct", play_direct, ("folder",)),
        Form("cd.up", "relative", play_up, setup=(("cd.direct",),)),
        Form("cd.it", "pronoun", play_it, setup=(("mkdir.direct",),)),
    ),
    read=read, order=2, slot_samples={"folder": "reports"}, moves=True)

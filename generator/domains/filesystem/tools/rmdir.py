"""rmdir: remove an empty folder here (a folder with anything in it is refused)."""
from ...base import DIR, Action, Form, Param, Tool
from ..plays import direct_read, one, seen


def _empty(fs, n) -> bool:
    return fs.is_dir(n) and fs.here[n].is_empty()


def check(fs, a):
    n = a.get("dir_name")
    if not (isinstance(n, str) and fs.is_dir(n)):
        return f"rmdir: {n}: no such folder here"
    return None if _empty(fs, n) else f"rmdir: {n}: folder not empty"


def apply(fs, a):
    del fs.here[a["dir_name"]]


def open_step(w, a):
    return w.remove("rmdir", a.get("dir_name"), "dir")


def play_direct(fs, d, prev, r):
    kept = d.kept(fs)  # a folder the conversation made goes only by rmdir.made, which says why
    empty = [n for n in seen(fs.dirs(), r, fs, d) if n not in kept and _empty(fs, n)]
    n = one(r, empty)
    return None if n is None else Action("rmdir.direct", "rmdir", {"dir_name": n}, {"folder": n}, (n, True))


def play_made(fs, d, prev, r):
    n = d.made_folder(fs)
    if n is None or not _empty(fs, n):
        return None
    return Action("rmdir.made", "rmdir", {"dir_name": n}, {}, (n, True))


GONE = (("gone", "dir_name"),)
TOOL = Tool(
    "rmdir", "Remove a directory at current directory.",
    (Param("dir_name", "string", DIR, "The name of the directory to remove. Directory must be local to the "
           "current directory."),),
    check, apply, open_step,
    forms=(
        Form("rmdir.direct", "direct", play_direct, ("folder",), notes=GONE),
        Form("rmdir.made", "description", play_made, (), (), (("mkdir.direct",),), notes=GONE),
    ),
    read=direct_read("rmdir.direct", folder="dir_name"), order=18, slot_samples={"folder": "old"})

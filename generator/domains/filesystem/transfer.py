"""The plays `cp` and `mv` share: into an existing folder, to a new name, "it" into a folder, "the same
for x" into the folder of the previous call, and into the folder we made.  Each makes the play of one
form, which returns one uniformly chosen legal Action or None."""
from __future__ import annotations

from ..base import Action
from .plays import FOCUS, first_legal, movable_into, new_name_for, one, seen, sources, subject
from .state import Dir


def _targets(fs, r, d) -> tuple[list[str], ...]:
    """The folders here to put something into, in the order to try them.  A step of the session fills the
    folder the session made here, else one it spoke of, else nothing: not the clips for 'selects' into 'done'
    (a search had named it), not "move it to photos" while renaming reports by status, not "copy the minutes
    into camera-roll" when the hand-over folder is of another year.  Any other request mostly tries those
    first, then any folder here."""
    every = fs.dirs()
    step = d.focus is not None
    if step or r.random() < FOCUS:
        here, mentioned = fs.path(), d.mentioned
        made, ours = d.made_here(fs), []
        for x in every:  # a loop: a comprehension reading these would make them cells, and a closure per call
            if x in made:
                ours.append(x)
        if ours and step:
            return (ours,)
        for x in every:
            if x not in made and (here, x) in mentioned:
                ours.append(x)
        if step or ours and len(ours) == len(every):
            return (ours,)
        if ours:
            return ours, every
    return (every,)


def _pair(fs, r, d, srcs: list[str]) -> tuple[str, str] | None:
    """A uniformly chosen legal (source, folder) pair, the folder from the first of _targets that takes one.
    Checking a pair looks inside the folder, so only the pairs tried are checked; pair k is
    (srcs[k // nd], dirs[k % nd]), the order of a source-major listing of all pairs."""
    for dirs in _targets(fs, r, d):
        nd = len(dirs)
        k = first_legal(r, len(srcs) * nd, lambda k: movable_into(fs, srcs[k // nd], dirs[k % nd]))
        if k is not None:
            return srcs[k // nd], dirs[k % nd]
    return None


# Each play below is made for one form ("cp.into"), its tool the form's first word: play(fs, d, prev, r).
def into(form: str):
    """'copy x into y': a source here into a folder here."""
    tool = form.split(".", 1)[0]

    def play(fs, d, prev, r):
        p = _pair(fs, r, d, sources(fs, r, d))
        if p is None:
            return None
        src, dst = p
        return Action(form, tool, {"source": src, "destination": dst}, {"src": src, "dst": dst}, subject(fs, src))
    return play


def rename(form: str):
    """'copy x to y' / 'rename x to y': a source here to a new name (a name the user just gave stays)."""
    tool = form.split(".", 1)[0]

    def play(fs, d, prev, r):
        srcs = sources(fs, r, d)
        if tool == "mv" and d.lists.get("renamed"):
            renamed = d.listed_here(fs, "renamed")
            srcs = [s for s in srcs if s not in renamed]
        if not srcs:
            return None
        src = r.choice(srcs)
        is_dir = fs.is_dir(src)
        dst = new_name_for(fs, src, is_dir, r, copy=tool == "cp", gone=d.gone_here(fs), d=d)
        if dst is None:
            return None
        return Action(form, tool, {"source": src, "destination": dst}, {"src": src, "dst": dst}, (src, is_dir))
    return play


def it_into(form: str):
    """'put it into y': what "it" means, into a folder here."""
    tool = form.split(".", 1)[0]

    def play(fs, d, prev, r):
        it = d.it(fs)
        p = _pair(fs, r, d, [it[0]]) if it else None
        return None if p is None else Action(form, tool, {"source": it[0], "destination": p[1]}, {"dst": p[1]}, it)
    return play


def it_rename(form: str):
    """'rename it to y': what "it" means, to a new name."""
    tool = form.split(".", 1)[0]

    def play(fs, d, prev, r):
        it = d.it(fs)
        if not it or tool == "mv" and it[0] in d.listed_here(fs, "renamed"):
            return None
        dst = new_name_for(fs, it[0], it[1], r, copy=tool == "cp", gone=d.gone_here(fs), d=d)
        return None if dst is None else Action(form, tool, {"source": it[0], "destination": dst}, {"dst": dst}, it)
    return play


def same_into(form: str, into_forms: tuple[str, ...]):
    """'the same for x': another source into the folder the previous call (one of `into_forms`) put one into."""
    tool = form.split(".", 1)[0]

    def play(fs, d, prev, r):
        if not (prev and prev.tool == tool and prev.form in into_forms):
            return None
        dst = prev.args["destination"]
        if not fs.is_dir(dst):
            return None
        done = prev.args["source"]
        s = one(r, seen([s for s in fs.names() if s != done and movable_into(fs, s, dst)], r, fs, d, named_first=False))
        return None if s is None else Action(form, tool, {"source": s, "destination": dst}, {"src": s}, subject(fs, s))
    return play


def into_made(form: str):
    """'put x into the folder we made'."""
    tool = form.split(".", 1)[0]

    def play(fs, d, prev, r):
        made = d.made_folder(fs)
        if not made:
            return None
        s = one(r, seen([s for s in fs.files() if movable_into(fs, s, made)], r, fs, d, named_first=False))
        return None if s is None else Action(form, tool, {"source": s, "destination": made}, {"src": s}, (s, False))
    return play


def check(tool: str, fs, a: dict, valid_name) -> str | None:
    src, dst = a.get("source"), a.get("destination")
    c = fs.here
    if not isinstance(src, str) or src not in c:
        return f"{tool}: {src}: no such file or folder"
    if not valid_name(dst):
        return f"{tool}: invalid destination {dst!r}"
    if dst == src:
        return f"{tool}: source and destination are the same"
    if dst in c:
        target = c[dst]
        if not fs.is_dir(dst):
            return f"{tool}: {dst}: exists and is not a folder"
        if src in target.children:
            return f"{tool}: {dst}/{src} already exists"
    return None


def apply(tool: str, fs, a: dict) -> None:
    c = fs.here
    src, dst = a["source"], a["destination"]
    item = c[src]
    target = c.get(dst)
    if isinstance(target, Dir):
        parent, name = target, src
    else:
        parent, name = fs.cwd, dst
    if tool == "mv":
        del c[src]
    if isinstance(item, Dir):
        moved = item if tool == "mv" else item.clone()
        moved.name = name
        parent.children[name] = moved
    else:
        parent.children[name] = item


def read(tool: str, a: dict, is_dir) -> tuple[str, dict] | None:
    src, dst = a.get("source"), a.get("destination")
    if not isinstance(src, str) or not isinstance(dst, str):
        return None
    if is_dir(dst):
        return f"{tool}.into", {"src": src, "dst": dst}
    if "." in dst.lstrip(".") and "." in src.lstrip("."):
        return f"{tool}.rename", {"src": src, "dst": dst}
    return None

"""Plans the next user request as a legal action on the simulated state.

For a form (see forms.py) the planner lists every way it can be played right now — the exact tool call
and the slots its phrasing needs — so that the call is derived from the state and the discourse, never
typed.  A context form is offered only when its referent is unique: "it" names one thing, "the folder we
made" exists only if exactly one folder was made, and so on.  Knows nothing of phrasing or JSON.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .forms import FORMS
from .fs import FileSystem
from .rng import Rand
from .world import new_file_name, new_folder_name


@dataclass(frozen=True)
class Action:
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


def _sources(fs: FileSystem, r: Rand) -> list[str]:
    """What to copy or move: mostly files, sometimes any entry (people move files more than folders)."""
    files = fs.files()
    return files if files and r.chance(0.8) else fs.names()


def candidates(form: str, fs: FileSystem, d: Discourse, r: Rand) -> list[Action]:
    """Every legal way to play `form` now (new names are drawn from r)."""
    f = FORMS[form]
    tool = f.tool
    out: list[Action] = []
    prev = d.prev if d.prev_path == fs.path() else None
    if form == "ls.plain":
        out.append(Action(form, tool, {}, {}))
    elif form == "ls.hidden":
        out.append(Action(form, tool, {"a": True}, {}))
    elif form == "cd.direct":
        out += [Action(form, tool, {"folder": n}, {"folder": n}, (n, True)) for n in fs.dirs()]
    elif form == "cd.up":
        if not fs.at_root():
            out.append(Action(form, tool, {"folder": ".."}, {}))
    elif form == "cd.it":
        it = d.it(fs)
        if it and it[1]:
            out.append(Action(form, tool, {"folder": it[0]}, {}, it))
    elif form == "cat.direct":
        out += [Action(form, tool, {"file_name": n}, {"file": n}, (n, False)) for n in fs.files()]
    elif form == "cat.it":
        it = d.it(fs)
        if it and not it[1] and prev and prev.tool == "touch":
            out.append(Action(form, tool, {"file_name": it[0]}, {}, it))
    elif form == "cat.same":
        if prev and prev.tool == "cat":
            out += [Action(form, tool, {"file_name": n}, {"file": n}, (n, False))
                    for n in fs.files() if n != prev.args["file_name"]]
    elif form == "cat.copy":
        if prev and prev.form in ("cp.rename",) and fs.is_file(prev.args["destination"]):
            n = prev.args["destination"]
            out.append(Action(form, tool, {"file_name": n}, {}, (n, False)))
    elif form in ("mkdir.direct", "mkdir.same"):
        if form == "mkdir.direct" or (prev and prev.tool == "mkdir"):
            n = new_folder_name(fs.cwd.children, r)
            out.append(Action(form, tool, {"dir_name": n}, {"name": n}, (n, True)))
    elif form in ("touch.direct", "touch.same"):
        if form == "touch.direct" or (prev and prev.tool == "touch"):
            like = prev.args["file_name"] if form == "touch.same" else None
            n = new_file_name(fs.cwd.children, r, like)
            out.append(Action(form, tool, {"file_name": n}, {"name": n}, (n, False)))
    elif form == "rm.direct":
        out += [Action(form, tool, {"file_name": n}, {"target": n}, _subject(fs, n)) for n in fs.names()]
    elif form == "rm.it":
        it = d.it(fs)
        if it:
            out.append(Action(form, tool, {"file_name": it[0]}, {}, it))
    elif form == "rm.same":
        if prev and prev.tool == "rm":
            out += [Action(form, tool, {"file_name": n}, {"target": n}, _subject(fs, n)) for n in fs.names()]
    elif form == "rm.ordinal":
        here = fs.path()
        for kind_list, is_dir in ((d.touched, False), (d.made, True)):
            if len(kind_list) < 2 or len({n for _, n in kind_list}) != len(kind_list):
                continue
            for pos, (path, n) in enumerate(kind_list, 1):
                if path == here and (path, n) not in d.gone and fs.has(n) and fs.is_dir(n) == is_dir:
                    out.append(Action(form, tool, {"file_name": n}, {"ordinal": pos}, (n, is_dir)))
    elif form in ("cp.into", "mv.into"):
        for src in _sources(fs, r):
            for dst in fs.dirs():
                if _movable_into(fs, src, dst):
                    out.append(Action(form, tool, {"source": src, "destination": dst},
                                      {"src": src, "dst": dst}, _subject(fs, src)))
    elif form in ("cp.rename", "mv.rename"):
        for src in _sources(fs, r):
            is_dir = fs.is_dir(src)
            dst = new_folder_name(fs.cwd.children, r) if is_dir else new_file_name(fs.cwd.children, r, src)
            out.append(Action(form, tool, {"source": src, "destination": dst},
                              {"src": src, "dst": dst}, (src, is_dir)))
    elif form in ("cp.it_into", "mv.it_into"):
        it = d.it(fs)
        if it:
            out += [Action(form, tool, {"source": it[0], "destination": dst}, {"dst": dst}, it)
                    for dst in fs.dirs() if _movable_into(fs, it[0], dst)]
    elif form == "mv.it_rename":
        it = d.it(fs)
        if it:
            dst = new_folder_name(fs.cwd.children, r) if it[1] else new_file_name(fs.cwd.children, r, it[0])
            out.append(Action(form, tool, {"source": it[0], "destination": dst}, {"dst": dst}, it))
    elif form in ("cp.same", "mv.same"):
        if prev and prev.tool == tool and prev.form in (f"{tool}.into", f"{tool}.it_into", f"{tool}.same",
                                                        "cp.into_made", "mv.copied_into_made"):
            dst = prev.args["destination"]
            if fs.is_dir(dst):
                out += [Action(form, tool, {"source": s, "destination": dst}, {"src": s}, _subject(fs, s))
                        for s in fs.names() if s != prev.args["source"] and _movable_into(fs, s, dst)]
    elif form == "cp.into_made":
        made = d.made_folder(fs)
        if made:
            out += [Action(form, tool, {"source": s, "destination": made}, {"src": s}, _subject(fs, s))
                    for s in fs.files() if _movable_into(fs, s, made)]
    elif form == "mv.copied_into_made":
        made = d.made_folder(fs)
        if made and prev and prev.tool == "cp":
            s = prev.args["source"]
            if fs.has(s) and _movable_into(fs, s, made):
                out.append(Action(form, tool, {"source": s, "destination": made}, {}, _subject(fs, s)))
    else:
        raise KeyError(form)
    return out


def pick(forms: list[str], fs: FileSystem, d: Discourse, r: Rand) -> Action | None:
    """A random legal action among `forms`: first a tool, then a form of it, then a way to play it."""
    by_tool: dict[str, list[list[Action]]] = {}
    for form in forms:
        c = candidates(form, fs, d, r)
        if c:
            by_tool.setdefault(FORMS[form].tool, []).append(c)
    if not by_tool:
        return None
    tool = r.choice(sorted(by_tool))
    return r.choice(r.choice(by_tool[tool]))

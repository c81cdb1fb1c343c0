"""find: names containing a string, anywhere below the current folder.

The results are never shown (closed book), so no later turn acts on them; the string is a part of a
name that really is below here (a stem, an extension, a prefix like IMG_), so the search is grounded."""
from ...base import PATH, PATTERN, Action, Form, Param, Tool
from ..state import Dir


def check(fs, a):
    if a.get("path", ".") != ".":
        return "find: only the current folder ('.') is searched"
    n = a.get("name")
    return None if n is None or (isinstance(n, str) and n) else "find: name must be a non-empty string"


def _fragment(name: str, r) -> str | None:
    stem, dot, ext = name.rpartition(".")
    options = []
    if stem and not stem.startswith("."):
        parts = [p for p in stem.replace("-", "_").split("_") if len(p) >= 3 and not p.isdigit()]
        options += parts
        if dot and ext.isalpha():
            options.append("." + ext)
    elif not dot and len(name) >= 3:
        options.append(name)
    return r.choice(options) if options else None


def _searched(names: dict) -> list[str]:
    """The names in `names` a person searches for: files ("the document I saved last week"), else folders."""
    shown = [k for k in names if not k.startswith(".")]
    return [k for k in shown if not isinstance(names[k], Dir)] or shown


def play_name(fs, d, prev, r):
    here = _searched(fs.here)
    subs = [v for v in fs.here.values() if isinstance(v, Dir)]
    if subs and r.chance(0.5):  # a name one level down: what people search for is often not in plain sight
        sub = r.choice(subs)
        here = _searched(sub.children) or here
    if not here:
        return None
    frag = _fragment(r.choice(here), r)
    return None if frag is None else Action("find.name", "find", {"name": frag}, {"pattern": frag})


def play_all(fs, d, prev, r):
    return Action("find.all", "find", {}, {})


def read(a, is_dir):
    n = a.get("name")
    if isinstance(n, str) and a.get("path", ".") == ".":
        return "find.name", {"pattern": n}
    return ("find.all", {}) if not a else None


TOOL = Tool(
    "find", "Find any file or directories under specific path that contain name in its file name. This method "
    "searches for files and directories within a specified path that match the given name. If no name is "
    "provided, it returns all files and directories in the specified path and its subdirectories.",
    (Param("path", "string", PATH, "The directory path to start the search. Defaults to the current directory (\".\").",
           default="."),
     Param("name", "string", PATTERN, "The name of the file or directory to search for. If None, all items are "
           "returned.", default="None")),
    check,
    forms=(
        Form("find.name", "direct", play_name, ("pattern",)),
        Form("find.all", "direct", play_all),
    ),
    read=read, order=11, slot_samples={"pattern": "report"})

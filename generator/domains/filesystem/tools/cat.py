"""cat: show a text file's contents (media and office files are never read)."""
from ...base import FILE, Action, Form, Param, Tool
from ..openworld import reads_files
from ..plays import a_text_file, direct_read, no_file, one, seen


def check(fs, a):
    return no_file("cat", fs, a.get("file_name"))


def _act(form, n, slots):
    return Action(form, "cat", {"file_name": n}, slots, (n, False))


def play_direct(fs, d, prev, r):
    n = a_text_file(fs, r, d)
    return None if n is None else _act("cat.direct", n, {"file": n})


def play_it(fs, d, prev, r):
    # what the previous call wrote or renamed: a file just made empty has nothing to read
    if prev is None or prev.tool not in ("echo", "mv"):  # first: most calls are neither
        return None
    it = d.it(fs)
    return _act("cat.it", it[0], {}) if it and not it[1] and fs.is_text_file(it[0]) else None


def play_same(fs, d, prev, r):
    if prev is None or prev.tool != "cat":
        return None
    read = d.listed_here(fs, "read")  # the previous file and every other one read here already
    files = seen([n for n in fs.text_files() if n not in read], r, fs, d, named_first=False)
    n = one(r, files)
    return None if n is None else _act("cat.same", n, {"file": n})


def play_copy(fs, d, prev, r):
    n = d.noted("copy", fs)
    return _act("cat.copy", n, {}) if n and fs.is_text_file(n) else None


IT = (("it", "file_name"), ("read", "file_name"))  # "read": what "and what about x?" does not open again
TOOL = Tool(
    "cat", "Display the contents of a file from the current directory.",
    (Param("file_name", "string", FILE, "The name of the file to display."),),
    check, open_step=reads_files("cat", "file_name"),
    forms=(
        Form("cat.direct", "direct", play_direct, ("file",), ("kind",), notes=IT),
        Form("cat.it", "pronoun", play_it, (), ("kind",), (("echo.new",), ("mv.rename",)), notes=IT),
        Form("cat.same", "same", play_same, ("file",), ("kind",), (("cat.direct",),), notes=IT),
        Form("cat.copy", "description", play_copy, (), ("kind",), (("cp.rename",),), notes=IT),
    ),
    read=direct_read("cat.direct", file="file_name"), order=3, slot_samples={"file": "notes.txt", "kind": "file"})

"""sort: a text file's lines in order (shown, not written back)."""
from ...base import FILE, Action, Form, Param, Tool
from ..openworld import reads_files
from ..plays import a_text_file, another_text_file, direct_read, no_file, text_it


def check(fs, a):
    return no_file("sort", fs, a.get("file_name"))


LISTS = ("csv", "notes", "log")  # files whose lines are a list worth sorting (not code or settings)


def _act(form, n, slots):
    return Action(form, "sort", {"file_name": n}, slots, (n, False))


def play_direct(fs, d, prev, r):
    n = a_text_file(fs, r, d, LISTS)
    return None if n is None else _act("sort.direct", n, {"file": n})


def play_it(fs, d, prev, r):
    n = text_it(fs, d, prev, LISTS)
    return None if n is None else _act("sort.it", n, {})


def play_same(fs, d, prev, r):
    n = another_text_file(fs, prev, "sort", r, LISTS)
    return None if n is None else _act("sort.same", n, {"file": n})


IT = (("it", "file_name"),)
TOOL = Tool(
    "sort", "Sort the contents of a file line by line.",
    (Param("file_name", "string", FILE, "The name of the file appeared at current directory to sort."),),
    check, open_step=reads_files("sort", "file_name"),
    forms=(
        Form("sort.direct", "direct", play_direct, ("file",), ("kind",), notes=IT),
        Form("sort.it", "pronoun", play_it, (), ("kind",), (("cat.direct",), ("echo.new",)), notes=IT),
        Form("sort.same", "same", play_same, ("file",), ("kind",), (("sort.direct",),), notes=IT),
    ),
    read=direct_read("sort.direct", file="file_name"), order=13, slot_samples={"file": "names.csv"})

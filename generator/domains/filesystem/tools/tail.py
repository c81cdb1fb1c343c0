"""tail: the last lines of a text file (10 unless the user says how many)."""
from ...base import FILE, NUMBER, Action, Form, Param, Tool
from ..openworld import reads_files
from ..plays import a_text_file, no_file, text_it

COUNTS = (2, 3, 5, 5, 8, 10, 15, 20)  # what people ask for: small, round numbers


def check(fs, a):
    f, n = a.get("file_name"), a.get("lines", 10)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        return "tail: lines must be a positive integer"
    return no_file("tail", fs, f)


def play_direct(fs, d, prev, r):
    n = a_text_file(fs, r, d)
    return None if n is None else Action("tail.direct", "tail", {"file_name": n}, {"file": n}, (n, False))


def play_lines(fs, d, prev, r):
    n = a_text_file(fs, r, d)
    k = r.choice(COUNTS)
    return None if n is None else Action("tail.lines", "tail", {"file_name": n, "lines": k},
                                         {"file": n, "lines": str(k)}, (n, False))


def play_it(fs, d, prev, r):
    n = text_it(fs, d, prev)
    k = r.choice(COUNTS)
    return None if n is None else Action("tail.it", "tail", {"file_name": n, "lines": k}, {"lines": str(k)}, (n, False))


def read(a, is_dir):
    f, k = a.get("file_name"), a.get("lines")
    if not isinstance(f, str):
        return None
    return ("tail.direct", {"file": f}) if k is None else ("tail.lines", {"file": f, "lines": str(k)})


IT = (("it", "file_name"),)
TOOL = Tool(
    "tail", "Display the last part of a file.",
    (Param("file_name", "string", FILE, "The name of the file to display. No path is allowed and you can only "
           "perform on file at local directory."),
     Param("lines", "integer", "number", "The number of lines to display from the end of the file. Defaults to 10.",
           default=10)),
    check, open_step=reads_files("tail", "file_name"),
    forms=(
        Form("tail.direct", "direct", play_direct, ("file",), ("kind",), notes=IT),
        Form("tail.lines", "direct", play_lines, ("file", "lines"), ("kind",), notes=IT),
        Form("tail.it", "pronoun", play_it, ("lines",), ("kind",), (("cat.direct",), ("echo.new",)), notes=IT),
    ),
    read=read, order=16, slot_samples={"file": "server.log", "lines": "5"})

"""wc: count the lines, words or characters of a text file (mode 'l', 'w' or 'c')."""
from ...base import FILE, MODE, Action, Form, Param, Tool
from ..openworld import reads_files
from ..plays import a_text_file, no_file, text_it

MODES = ("l", "w", "c")


def check(fs, a):
    f = a.get("file_name")
    if a.get("mode", "l") not in MODES:
        return f"wc: invalid mode {a.get('mode')!r}"
    return no_file("wc", fs, f)


def _direct(form, mode):
    def play(fs, d, prev, r):
        n = a_text_file(fs, r, d)
        return None if n is None else Action(form, "wc", {"file_name": n, "mode": mode}, {"file": n}, (n, False))
    return play


def play_it(fs, d, prev, r):
    n = text_it(fs, d, prev)
    return None if n is None else Action("wc.it_lines", "wc", {"file_name": n, "mode": "l"}, {}, (n, False))


def read(a, is_dir):
    f, mode = a.get("file_name"), a.get("mode", "l")
    if not isinstance(f, str) or mode not in MODES:
        return None
    return {"l": "wc.lines", "w": "wc.words", "c": "wc.chars"}[mode], {"file": f}


IT = (("it", "file_name"),)
TOOL = Tool(
    "wc", "Count the number of lines, words, and characters in a file from current directory.",
    (Param("file_name", "string", FILE, "Name of the file of current directory to perform wc operation on."),
     Param("mode", "string", MODE, "Mode of operation ('l' for lines, 'w' for words, 'c' for characters).",
           default="l")),
    check, open_step=reads_files("wc", "file_name"),
    forms=(
        Form("wc.lines", "direct", _direct("wc.lines", "l"), ("file",), ("kind",), notes=IT),
        Form("wc.words", "direct", _direct("wc.words", "w"), ("file",), ("kind",), notes=IT),
        Form("wc.chars", "direct", _direct("wc.chars", "c"), ("file",), ("kind",), notes=IT),
        Form("wc.it_lines", "pronoun", play_it, (), ("kind",), (("cat.direct",), ("echo.new",)), notes=IT),
    ),
    read=read, order=12, slot_samples={"file": "server.log"})

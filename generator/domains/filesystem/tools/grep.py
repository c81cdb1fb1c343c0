"""grep: the lines of a text file that contain a string.  The string is taken from the file itself, so
the search finds something, as a user who knows the file would expect."""
from ...base import FILE, PATTERN, Action, Form, Param, Tool
from ..contents import kind_of, pattern_in
from ..openworld import reads_files
from ..plays import a_text_file, direct_read, no_file, seen, text_it


def check(fs, a):
    f, p = a.get("file_name"), a.get("pattern")
    if not isinstance(p, str) or not p:
        return "grep: pattern must be a non-empty string"
    return no_file("grep", fs, f)


def _act(form, n, pattern, slots):
    return Action(form, "grep", {"file_name": n, "pattern": pattern}, {"pattern": pattern, **slots}, (n, False))


def play_direct(fs, d, prev, r):
    n = a_text_file(fs, r, d)
    p = pattern_in(fs.text(n), r, kind_of(n)) if n else None
    return None if p is None else _act("grep.direct", n, p, {"file": n})


def play_it(fs, d, prev, r):
    n = text_it(fs, d, prev)
    p = pattern_in(fs.text(n), r, kind_of(n)) if n else None
    return None if p is None else _act("grep.it", n, p, {})


def play_same(fs, d, prev, r):
    """'look for that in x too': the previous search's string, in another file that contains it."""
    if prev is None or prev.tool != "grep":
        return None
    pattern = prev.args["pattern"]
    files = seen([n for n in fs.text_files() if n != prev.args["file_name"] and pattern in fs.text(n)], r, fs, d,
                 named_first=False)
    if not files:
        return None
    n = r.choice(files)
    return _act("grep.same", n, pattern, {"file": n})


IT = (("it", "file_name"),)
TOOL = Tool(
    "grep", "Search for lines in a file at current directory that contain the specified pattern.",
    (Param("file_name", "string", FILE, "The name of the file to search. No path is allowed and you can only "
           "perform on file at local directory."),
     Param("pattern", "string", PATTERN, "The pattern to search for.")),
    check, open_step=reads_files("grep", "file_name"),
    forms=(
        Form("grep.direct", "direct", play_direct, ("file", "pattern"), ("kind",), notes=IT),
        Form("grep.it", "pronoun", play_it, ("pattern",), ("kind",), (("cat.direct",), ("echo.new",)), notes=IT),
        Form("grep.same", "same", play_same, ("file",), ("kind",), (("grep.direct",),), notes=IT),
    ),
    read=direct_read("grep.direct", file="file_name", pattern="pattern"), order=14,
    slot_samples={"file": "server.log", "pattern": "ERROR"})

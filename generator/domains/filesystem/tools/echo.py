"""echo: write a line of text into a file here (a new file, or replacing a text file's contents).

The content is dictated by the user, so every phrasing quotes it; it fits the file (a config entry for a
.yaml, a note for a .txt)."""
from ...base import NEW_FILE, TEXT, Action, Form, Param, Tool
from ..contents import is_text, kind_of, line_for
from ..plays import one, seen, step_name
from ..state import valid_name
from ..world import new_file_name

NOTE_NAMES = ("notes.txt", "todo.md", "ideas.md", "reminders.txt", "settings.yaml", "changes.log", "expenses.csv")


def check(fs, a):
    n, content = a.get("file_name"), a.get("content")
    if not isinstance(content, str):
        return "echo: content must be a string"
    if not valid_name(n):
        return f"echo: invalid file name {n!r}"
    return f"echo: {n}: is a folder" if fs.is_dir(n) else None


def apply(fs, a):
    fs.here[a["file_name"]] = a["content"]


def open_step(w, a):
    return w.write("echo", a.get("file_name"))


def _act(form, n, content, slots):
    return Action(form, "echo", {"content": content, "file_name": n}, {"content": content, **slots}, (n, False))


def play_new(fs, d, prev, r):
    n = step_name(fs, d, r)
    if n is None or not is_text(n):
        n = new_file_name(fs.here, r, r.choice(NOTE_NAMES))
    return _act("echo.new", n, line_for(n, r), {"name": n})


REPLACEABLE = frozenset({"notes", "config"})  # a note or a setting is replaced by a line; a script, a log, a table not


def play_overwrite(fs, d, prev, r):
    """Replace a note's or a setting's contents; never what this conversation wrote or copied (the entry just
    written, the backup just made), unless it is still empty (a to-do list just created)."""
    kept, here = d.kept(fs), fs.here
    names = [n for n in fs.text_files() if kind_of(n) in REPLACEABLE and (n not in kept or here[n] == "")]
    n = one(r, seen(names, r, fs, d))
    return None if n is None else _act("echo.overwrite", n, line_for(n, r), {"file": n})


def play_it(fs, d, prev, r):
    if prev is None or prev.tool != "touch":  # first: most calls are not
        return None
    it = d.it(fs)
    return _act("echo.it", it[0], line_for(it[0], r), {}) if it and not it[1] and fs.is_text_file(it[0]) else None


def read(a, is_dir):
    return None  # new file or replaced contents cannot be told apart from the call: never re-worded


IT = (("it", "file_name"), ("kept", "file_name"))  # what the user just wrote is kept
TOOL = Tool(
    "echo", "Write content to a file at current directory or display it in the terminal.",
    (Param("content", "string", TEXT, "The content to write or display."),
     Param("file_name", "string", NEW_FILE, "The name of the file at current directory to write the content to. "
           "Defaults to None.", default="None")),
    check, apply, open_step,
    forms=(
        Form("echo.new", "direct", play_new, ("content", "name"), ("kind",), notes=IT),
        Form("echo.overwrite", "direct", play_overwrite, ("content", "file"), ("kind",), notes=IT),
        Form("echo.it", "pronoun", play_it, ("content",), ("kind",), (("touch.direct",),), notes=IT),
    ),
    read=read, order=10, slot_samples={"content": "call the landlord on Monday", "name": "todo.txt",
                                       "file": "notes.txt"})

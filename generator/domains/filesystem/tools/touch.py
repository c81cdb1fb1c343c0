"""touch: a new, empty file here, under a name that does not exist yet."""
from ...base import NEW_FILE, Action, Form, Param, Tool
from ..plays import direct_read, prev_of, step_name
from ..state import valid_name
from ..world import new_file_name


def check(fs, a):
    n = a.get("file_name")
    if not valid_name(n):
        return f"touch: invalid name {n!r}"
    return f"touch: {n}: already exists" if fs.has(n) else None


def apply(fs, a):
    fs.cwd.add_file(a["file_name"], "")


def open_step(w, a):
    return w.create("touch", a.get("file_name"), "file")


def _make(form):
    def play(fs, d, prev, r):
        like = None
        if form.endswith(".same"):
            p = prev_of(prev, "touch")
            if p is None:
                return None
            like = p.args["file_name"]
        n = step_name(fs, d, r) or new_file_name(fs.here, r, like)  # a session's own names first (draft-2.md)
        return Action(form, "touch", {"file_name": n}, {"name": n}, (n, False))
    return play


NOTES = (("it", "file_name"), ("touched", "file_name"), ("kept", "file_name"))
TOOL = Tool(
    "touch", "Create a new file in the current directory.",
    (Param("file_name", "string", NEW_FILE, "The name of the new file to create."),),
    check, apply, open_step,
    forms=(
        Form("touch.direct", "direct", _make("touch.direct"), ("name",), ("kind",), notes=NOTES),
        Form("touch.same", "same", _make("touch.same"), ("name",), ("kind",), (("touch.direct",),), notes=NOTES),
    ),
    read=direct_read("touch.direct", name="file_name"), order=5, slot_samples={"name": "draft.md"})

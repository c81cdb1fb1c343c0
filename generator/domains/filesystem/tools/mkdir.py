"""mkdir: a new folder here, under a name that does not exist yet."""
from ...base import NEW_DIR, Action, Form, Param, Tool
from ..plays import direct_read, prev_of, step_name
from ..state import Dir, valid_name
from ..world import new_folder_name


def check(fs, a):
    n = a.get("dir_name")
    if not valid_name(n):
        return f"mkdir: invalid name {n!r}"
    return f"mkdir: {n}: already exists" if fs.has(n) else None


def apply(fs, a):
    fs.cwd.add_dir(a["dir_name"])


def open_step(w, a):
    return w.create("mkdir", a.get("dir_name"), "dir")


def _make(form):
    def play(fs, d, prev, r):
        if form.endswith(".same") and prev_of(prev, "mkdir") is None:
            return None
        n = step_name(fs, d, r) or new_folder_name(fs.here, r)
        return Action(form, "mkdir", {"dir_name": n}, {"name": n}, (n, True))
    return play


NOTES = (("it", "dir_name"), ("made", "dir_name"), ("kept", "dir_name"))
TOOL = Tool(
    "mkdir", "Create a new directory in the current directory.",
    (Param("dir_name", "string", NEW_DIR, "The name of the new directory to create."),),
    check, apply, open_step,
    forms=(
        Form("mkdir.direct", "direct", _make("mkdir.direct"), ("name",), notes=NOTES),
        Form("mkdir.same", "same", _make("mkdir.same"), ("name",), setup=(("mkdir.direct",),), notes=NOTES),
    ),
    read=direct_read("mkdir.direct", name="dir_name"), order=4, slot_samples={"name": "drafts"})

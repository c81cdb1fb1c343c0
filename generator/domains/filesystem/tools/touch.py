"""touch: a new, empty file here, under a name that does not exist yet."""
from ...base import NEW_FILE, Form, Param, Tool
from ..plays import direct_read, new_name_check, new_thing
from ..world import new_file_name


def apply(fs, a):
    fs.cwd.add_file(a["file_name"], "")


def open_step(w, a):
    return w.create("touch", a.get("file_name"), "file")


NOTES = (("it", "file_name"), ("touched", "file_name"), ("kept", "file_name"))


def _make(form):  # "another one like it": a name made from the last one (notes.md -> notes_v2.md)
    return new_thing(form, "touch", "file_name", False, new_file_name)


TOOL = Tool(
    "touch", "Create a new file in the current directory.",
    (Param("file_name", "string", NEW_FILE, "The name of the new file to create."),),
    new_name_check("touch", "file_name"), apply, open_step,
    forms=(
        Form("touch.direct", "direct", _make("touch.direct"), ("name",), ("kind",), notes=NOTES),
        Form("touch.same", "same", _make("touch.same"), ("name",), ("kind",), (("touch.direct",),), notes=NOTES),
    ),
    read=direct_read("touch.direct", name="file_name"), order=5, slot_samples={"name": "draft.md"})

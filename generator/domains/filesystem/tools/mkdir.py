"""mkdir: a new folder here, under a name that does not exist yet."""
from ...base import NEW_DIR, Form, Param, Tool
from ..plays import direct_read, new_name_check, new_thing
from ..world import new_folder_name


def apply(fs, a):
    fs.cwd.add_dir(a["dir_name"])


def open_step(w, a):
    return w.create("mkdir", a.get("dir_name"), "dir")


NOTES = (("it", "dir_name"), ("made", "dir_name"), ("kept", "dir_name"))


def _make(form):  # "another one called x" is a name of its own, not one made from the last
    return new_thing(form, "mkdir", "dir_name", True, lambda taken, r, like: new_folder_name(taken, r))


TOOL = Tool(
    "mkdir", "Create a new directory in the current directory.",
    (Param("dir_name", "string", NEW_DIR, "The name of the new directory to create."),),
    new_name_check("mkdir", "dir_name"), apply, open_step,
    forms=(
        Form("mkdir.direct", "direct", _make("mkdir.direct"), ("name",), notes=NOTES),
        Form("mkdir.same", "same", _make("mkdir.same"), ("name",), setup=(("mkdir.direct",),), notes=NOTES),
    ),
    read=direct_read("mkdir.direct", name="dir_name"), order=4, slot_samples={"name": "drafts"})

"""ls: list the current folder (dot-names only with a=true)."""
from ...base import FLAG, Action, Form, Param, Tool


def check(fs, a):
    return None if isinstance(a.get("a", False), bool) else "ls: 'a' must be a boolean"


def _listed_here(fs, d) -> bool:
    """Whether this folder was listed (plainly or with its hidden files) since anything last changed: a person
    who has just seen what is here does not ask again, not even for the dot-files ("what's here?", then "a full
    listing, hidden entries and all")."""
    looks = d.looked.get("ls")
    if looks:
        here = fs.path()
        for path, _, _ in looks:
            if path == here:
                return True
    return False


def play_plain(fs, d, prev, r):
    return None if _listed_here(fs, d) else Action("ls.plain", "ls", {}, {})


def play_hidden(fs, d, prev, r):
    return None if _listed_here(fs, d) else Action("ls.hidden", "ls", {"a": True}, {})


def read(a, is_dir):
    return ("ls.hidden" if a.get("a") is True else "ls.plain"), {}


TOOL = Tool(
    "ls", "List the contents of the current directory.",
    (Param("a", "boolean", FLAG, "Show hidden files and directories. Defaults to False.", default=False),),
    check,
    forms=(
        Form("ls.plain", "direct", play_plain),
        Form("ls.hidden", "direct", play_hidden),
    ),
    read=read, order=1)

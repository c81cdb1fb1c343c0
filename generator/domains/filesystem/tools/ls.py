"""ls: list the current folder (dot-names only with a=true)."""
from ...base import FLAG, Action, Form, Param, Tool


def check(fs, a):
    return None if isinstance(a.get("a", False), bool) else "ls: 'a' must be a boolean"


# Nobody lists again right after a listing of this folder (nothing changed in between), except to see the
# hidden files after the plain listing.
def play_plain(fs, d, prev, r):
    return None if prev is not None and prev.tool == "ls" else Action("ls.plain", "ls", {}, {})


def play_hidden(fs, d, prev, r):
    return None if prev is not None and prev.tool == "ls" and prev.args.get("a") is True \
        else Action("ls.hidden", "ls", {"a": True}, {})


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

"""ls: list the current folder (dot-names only with a=true)."""
from ...base import FLAG, Action, Form, Param, Tool


def check(fs, a):
    return None if isinstance(a.get("a", False), bool) else "ls: 'a' must be a boolean"


def _relisting(prev, hidden: bool = False) -> bool:
    """Listing again right after a listing of this folder (nothing changed in between): nobody does that,
    except to see the hidden files after the plain listing."""
    return prev is not None and prev.tool == "ls" and (not hidden or prev.args.get("a") is True)


def read(a, is_dir):
    return ("ls.hidden" if a.get("a") is True else "ls.plain"), {}


TOOL = Tool(
    "ls", "List the contents of the current directory.",
    (Param("a", "boolean", FLAG, "Show hidden files and directories. Defaults to False.", default=False),),
    check,
    forms=(
        Form("ls.plain", "direct", lambda fs, d, prev, r: None if _relisting(prev) else Action("ls.plain", "ls", {}, {})),
        Form("ls.hidden", "direct",
             lambda fs, d, prev, r: None if _relisting(prev, True) else Action("ls.hidden", "ls", {"a": True}, {})),
    ),
    read=read, order=1)

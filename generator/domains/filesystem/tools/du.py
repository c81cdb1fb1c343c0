"""du: the disk usage of the current folder (in bytes, or human-readable)."""
from ...base import FLAG, Action, Form, Param, Tool


def check(fs, a):
    return None if isinstance(a.get("human_readable", False), bool) else "du: 'human_readable' must be a boolean"


def read(a, is_dir):
    return ("du.human" if a.get("human_readable") is True else "du.plain"), {}


TOOL = Tool(
    "du", "Estimate the disk usage of a directory and its contents.",
    (Param("human_readable", "boolean", FLAG, "If True, returns the size in human-readable format (e.g., KB, MB).",
           default=False),),
    check,
    forms=(
        Form("du.plain", "direct", lambda fs, d, prev, r: Action("du.plain", "du", {}, {})),
        Form("du.human", "direct", lambda fs, d, prev, r: Action("du.human", "du", {"human_readable": True}, {})),
    ),
    read=read, order=15)

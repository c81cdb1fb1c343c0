"""pwd: say which folder we are in (changes nothing)."""
from ...base import Action, Form, Tool


def check(fs, a):
    return None


def read(a, is_dir):
    return "pwd.plain", {}


TOOL = Tool(
    "pwd", "Return the current working directory path.", (),
    check,
    forms=(Form("pwd.plain", "direct", lambda fs, d, prev, r: Action("pwd.plain", "pwd", {}, {})),),
    read=read, order=9)

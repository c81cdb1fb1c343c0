"""pwd: say which folder we are in (changes nothing)."""
from ...base import Action, Form, Tool


def check(fs, a):
    return None


def read(a, is_dir):
    return "pwd.plain", {}


def play(fs, d, prev, r):
    # not right after a move: the user just said where they went ("go into src", then "where am I?")
    return None if d.prev is not None and d.prev.tool == "cd" else Action("pwd.plain", "pwd", {}, {})


TOOL = Tool(
    "pwd", "Return the current working directory path.", (),
    check,
    forms=(Form("pwd.plain", "direct", play),),
    read=read, order=9)

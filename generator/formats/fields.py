"""Reading one row of an export format field by field: a row that is not in its format raises RowError
naming the field that is wrong ('messages[2] has no tool_calls', 'conversations[1]: unknown role 'x''), so
`convert` and `validate` can say which field to fix."""
from __future__ import annotations


class RowError(ValueError):
    """A row that is not in its format; the message names the field."""


def field(obj, key: str, where: str):
    """obj[key]; `where` names obj ('the row', 'messages[2]')."""
    if not isinstance(obj, dict):
        raise RowError(f"{where} is not an object")
    if key not in obj:
        raise RowError(f"{where} has no {key}")
    return obj[key]


def entries(obj, key: str, where: str) -> list:
    """obj[key], a non-empty list."""
    v = field(obj, key, where)
    if not isinstance(v, list) or not v:
        raise RowError(f"{_inside(where, key)} is not a non-empty list")
    return v


def json_text(obj, key: str, where: str):
    """obj[key], a string of JSON, decoded."""
    from ..dataset import json_error, loads  # strict JSON, as everywhere rows are read (here: generate only writes)
    v = field(obj, key, where)
    if not isinstance(v, str):
        raise RowError(f"{_inside(where, key)} is not a string of JSON")
    try:
        return loads(v)
    except ValueError as e:
        raise RowError(f"{_inside(where, key)} is not valid JSON ({json_error(e)})") from None


def first_call(message, where: str) -> dict:
    """The `function` of a message's first tool call."""
    calls = entries(message, "tool_calls", where)
    return field(calls[0], "function", f"{where}.tool_calls[0]")


def _inside(where: str, key: str) -> str:
    return key if where == "the row" else f"{where}.{key}"

"""The values a parameter can take and the words a user says for each: from the grammar folder's value
files, else from the schema (enum, number range, boolean).

A value file `values/<param>.txt` serves every tool with a parameter of that name (shared phrases are
written once); `values/<tool>.<param>.txt` is for one tool only and wins.  One value per line:

    living_room = living room | lounge      # the value, then the ways to say it
    kitchen                                 # said as written ('_' read as a space)
    60..80                                  # every whole number in a range
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .settings import SchemaError

MAX_VALUES = 100_000  # per parameter: a range like 1..10**9 is refused, not expanded


@dataclass(frozen=True)
class Values:
    """What one parameter takes: (value, ways to say it) pairs, or nothing the generator can choose."""
    items: tuple[tuple[object, tuple[str, ...]], ...]
    enum: bool  # values the schema fixes (never checked for being said verbatim)

    def __bool__(self) -> bool:
        return bool(self.items)


def _said(v) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return " and ".join(_said(x) for x in v) if v else "nothing"
    if isinstance(v, dict):
        return ", ".join(f"{_said(k)} {_said(x)}" for k, x in v.items()) or "nothing"
    return str(v).replace("_", " ")


def _typed(text: str, schema: dict, where: str):
    t = schema.get("type")
    if t in ("array", "object"):  # written as JSON: ["work", "urgent"], {"floor": 2}
        import json
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, list if t == "array" else dict):
            example = '["work", "urgent"]' if t == "array" else '{"floor": 2}'
            raise SchemaError(f"{where}: {text!r} is not a JSON {t} (write it as JSON, e.g. {example})")
        return value
    try:
        if t == "integer":
            return int(text)
        if t == "number":
            x = float(text)
            return int(x) if x.is_integer() and "." not in text else x
        if t == "boolean":
            if text.lower() not in ("true", "false"):
                raise ValueError
            return text.lower() == "true"
    except ValueError:
        raise SchemaError(f"{where}: {text!r} is not a {t}") from None
    return text


def read_value_file(path: Path, schema: dict) -> tuple[tuple[object, tuple[str, ...]], ...]:
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise SchemaError(f"{path}: cannot read ({getattr(e, 'strerror', None) or e})") from None
    for n, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("\\#") else raw.strip()[1:]
        if not line:
            continue
        where = f"{path}:{n}"
        m = re.fullmatch(r"(-?\d+)\s*\.\.\s*(-?\d+)", line)
        if m:
            lo, hi = int(m.group(1)), int(m.group(2))
            if hi < lo or hi - lo >= MAX_VALUES:
                raise SchemaError(f"{where}: range {line!r} must run upwards and hold at most {MAX_VALUES:,} values")
            for k in (lo, hi):  # a range fits the schema when both its ends do
                why = _invalid(_typed(str(k), schema, where), schema)
                if why:
                    raise SchemaError(f"{where}: range {line!r} does not fit the parameter's schema ({why})")
            items += [(_typed(str(k), schema, where), (str(k),)) for k in range(lo, hi + 1)]
            continue
        if schema.get("type") in ("array", "object"):  # JSON may hold '=': the words follow ' = ' after it
            value, sep, said = line.rpartition(" = ") if " = " in line else (line, "", "")
        else:
            value, sep, said = line.partition("=")
        value = value.strip()
        phrases = tuple(p.strip() for p in said.split("|") if p.strip()) if said else ()
        typed = _typed(value, schema, where)
        why = _invalid(typed, schema)
        if why:
            raise SchemaError(f"{where}: {value!r} does not fit the parameter's schema ({why})")
        items.append((typed, phrases or (_said(typed),)))
    return tuple(items)


def _invalid(value, schema: dict) -> str | None:
    """Why `value` breaks the parameter's JSON schema (range, length, pattern, item type...), or None: every
    value a call can carry is checked once, here, so no generated call fails validation."""
    import jsonschema
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as e:
        return e.message[:200]
    except jsonschema.SchemaError:
        return None  # the job's own schema is broken: validate reports that (J004)
    return None


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(text).lower()).strip()


_DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                "six": "6", "seven": "7", "eight": "8", "nine": "9"}


def _digits(text: str) -> str:
    """Spelled digits as digits, runs joined ('four five 3 2' -> '4532'), as validate reads a number said."""
    tokens = [_DIGIT_WORDS.get(w, w) for w in re.findall(r"[a-z0-9]+", text.lower())]
    return re.sub(r"(?<=\d) (?=\d)", "", " ".join(tokens))


def _check_said(path: Path, items, schema: dict) -> None:
    """A free-text value (no enum) is grounded only if the words say it: 'the lounge' for living_room
    would make a call the user never asked for (validate flags it W001)."""
    if schema.get("type", "string") != "string":
        return
    for value, phrases in items:
        v = _norm(value)
        bad = next((ph for ph in phrases if v not in _norm(ph) and not (v.isdigit() and v in _digits(ph))), None)
        if bad is not None:
            raise SchemaError(f"{path}: {value!r} is said as {bad!r}, which does not contain it: a free-text value "
                              f"must be said (list it as its own value instead)")


def values_for(tool: str, param: str, schema: dict, folder: Path | None) -> Values:
    """The values of `tool`'s `param`: its value file if there is one, else what the schema allows."""
    enum = schema.get("enum")
    if folder is not None:
        for name in (f"{tool}.{param}.txt", f"{param}.txt"):
            path = Path(folder) / "values" / name
            if path.is_file():
                items = read_value_file(path, schema)  # each value checked against the schema (enum included)
                if not isinstance(enum, list):
                    _check_said(path, items, schema)
                return Values(items, isinstance(enum, list))
    if isinstance(enum, list):
        return Values(tuple((v, (_said(v),)) for v in enum), True)
    t = schema.get("type")
    if t == "boolean":
        return Values(((True, ("yes",)), (False, ("no",))), True)
    if t == "integer" and isinstance(schema.get("minimum"), int) and isinstance(schema.get("maximum"), int):
        lo, hi = schema["minimum"], schema["maximum"]
        if hi - lo < MAX_VALUES:
            return Values(tuple((k, (str(k),)) for k in range(lo, hi + 1)), False)
    return Values((), False)

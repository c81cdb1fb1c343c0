"""`mtgen init`: a grammar folder for a job description's tools, ready to generate valid data and meant to
be edited: one phrasing file per tool (a slot per parameter), value files seeded from each parameter's enum,
type, range and description, and a domain.yaml of rules guessed from the tool names.

Everything here is deterministic: the same job description gives the same folder.
"""
from __future__ import annotations

import re

from ...rng import Rand
from .settings import Job

HEADER = """# Phrasings for the tool `{name}`: {description}
# One phrasing per line, under a [section]:
#   [{name}]        a request that says its values; the {{{{ slots }}}} a line uses are the parameters the
#                   call sets, so write lines with different slots for calls with different parameters
#   [{name}.same]   "the same again with one value changed": {{{{ value }}}} is the new value
#   [{name}.it]     values carried over from the previous request (a parameter of the same name): the line
#                   says only the other parameters ("turn them off", "send the same amount to Maria")
# `style:` is plain, polite, terse, question or indirect; (a|b) picks one, [x] is optional (never put a
# {{{{ slot }}}} inside [ ] or ( | ): write two lines instead).  Edit freely: these starters are plain on purpose.
"""


def _words(name: str) -> str:
    return re.sub(r"[_\-]+", " ", name).strip()


def _label(param: str, schema: dict) -> str:
    return _words(param)


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _number_bounds(schema: dict) -> tuple:
    """(the lowest, the highest) a number may come near: its minimum or exclusiveMinimum, and its maximum or
    exclusiveMaximum (the tighter of each pair), None where there is none."""
    lows = [schema[k] for k in ("minimum", "exclusiveMinimum") if _is_number(schema.get(k))]
    highs = [schema[k] for k in ("maximum", "exclusiveMaximum") if _is_number(schema.get(k))]
    return (max(lows) if lows else None), (min(highs) if highs else None)


def _whole_bounds(schema: dict) -> tuple:
    """(the least, the most) whole number a schema allows, None where it has no bound."""
    import math
    lows = [math.ceil(schema["minimum"])] if _is_number(schema.get("minimum")) else []
    lows += [math.floor(schema["exclusiveMinimum"]) + 1] if _is_number(schema.get("exclusiveMinimum")) else []
    highs = [math.floor(schema["maximum"])] if _is_number(schema.get("maximum")) else []
    highs += [math.ceil(schema["exclusiveMaximum"]) - 1] if _is_number(schema.get("exclusiveMaximum")) else []
    return (max(lows) if lows else None), (min(highs) if highs else None)


def _value_lines(tool: str, param: str, schema: dict, r: Rand) -> list[str]:
    """Starter values for a parameter, from its schema and description."""
    enum = schema.get("enum")
    if isinstance(enum, list):
        return [f"{v} = {_words(str(v))}" if isinstance(v, str) and _words(v) != v else str(v).lower()
                if isinstance(v, bool) else str(v) for v in enum]
    t = schema.get("type")
    desc = f"{param} {schema.get('description', '')}".lower()
    if t == "array":
        return ["# JSON arrays, then ' = ' and the words for them", f'["{param}_a"] = {param} a',
                f'["{param}_a", "{param}_b"] = {param} a and {param} b']
    if t == "object":
        return ["# JSON objects, then ' = ' and the words for them", '{"key": "value"} = key value']
    if t == "boolean":
        return ["true = yes | on", "false = no | off"]
    if t == "integer":
        lo, hi = _whole_bounds(schema)
        if lo is not None and hi is not None and hi - lo <= 10_000:
            return [f"{lo}..{hi}"]
        lo = lo if lo is not None else 1 if hi is None or hi >= 1 else hi - 100
        hi = hi if hi is not None else lo + 100
        return list(dict.fromkeys(str(lo + k * (hi - lo) // 11) for k in range(12)))
    if t == "number":
        lo, hi = (b if _is_number(b) else None for b in _number_bounds(schema))
        if any(w in desc for w in ("amount", "dollar", "price", "cost", "pay", "balance")):
            amounts = ["20", "45.50", "100", "150", "250", "75.25", "500", "1200", "60", "89.99", "300", "35"]
            inside = [a for a in amounts if (lo is None or float(a) > lo) and (hi is None or float(a) < hi)]
            if len(inside) >= 4:
                return inside
        lo = lo if lo is not None else 1 if hi is None or hi > 1 else hi - 100
        hi = hi if hi is not None else lo + 100
        # strictly between the bounds (an exclusive bound is not a value), rounded where that stays inside
        values = []
        for k in range(12):
            x = lo + (hi - lo) * (k + 0.5) / 12
            rounded = round(x, 2)
            values.append(repr(rounded if lo < rounded < hi else x).removesuffix(".0"))
        return list(dict.fromkeys(values))
    if re.search(r"\b(last )?(4|four) digits\b|last_four", desc):
        return [f"{1000 + r.below(9000)}" for _ in range(12)]
    if "email" in desc:
        return [f"{n}@example.com" for n in ("maria", "tom", "priya", "chen", "omar", "lena")]
    if any(w in desc for w in ("date", "day")):
        return ["2024-03-01", "2024-06-15", "2024-09-30", "2024-12-24", "2025-01-10", "2025-02-14"]
    if any(w in desc for w in ("payee", "company", "merchant", "vendor")):
        return ["Comcast", "City Water", "Verizon", "PG&E", "State Farm", "Netflix", "AT&T", "Spotify"]
    if any(w in desc for w in ("name", "person", "contact", "recipient")):
        return ["Maria", "Tom", "Priya", "Chen", "Omar", "Lena", "Sam", "Noah"]
    if any(w in desc for w in ("room", "location", "place")):
        return ["kitchen", "bedroom", "living room", "office", "garage", "hallway"]
    if any(w in desc for w in ("city", "address")):
        return ["Boston", "Denver", "Seattle", "Austin", "Chicago", "Portland"]
    return ["# write one value per line (what the user would say, as the call should carry it)",
            f"{param}_one", f"{param}_two", f"{param}_three"]


def _direct_lines(name: str, props: dict, required: set) -> list[str]:
    verb = _words(name)
    cap = verb[:1].upper() + verb[1:]
    params = list(props)
    lines = []
    shapes = [params] + ([[p] for p in params] if len(params) > 1 else []) + ([[]] if not required else [])
    seen = set()
    for shape in shapes:
        if not set(required) <= set(shape) or tuple(shape) in seen:
            continue
        seen.add(tuple(shape))
        said = " and ".join(f"{_label(p, props[p])} {{{{ {p} }}}}" for p in shape)
        with_ = f" with {said}" if shape else ""
        lines += [f"plain: {cap}{with_}.",
                  f"polite: Could you (please |){verb}{with_}?",
                  f"question: Can you {verb}{with_}?",
                  f"indirect: I'd like to {verb}{with_}.",
                  f"terse: {verb}{', ' + said if shape else ''}"]
    return lines


def _same_lines() -> list[str]:
    return ["plain: And {{ value }} too.", "plain: Do the same for {{ value }}.",
            "polite: Could you do the same for {{ value }}, please?", "question: What about {{ value }}?",
            "terse: same for {{ value }}", "indirect: I want the same with {{ value }}."]


def _it_lines(name: str, props: dict) -> list[str]:
    verb = _words(name)
    lines = [f"plain: Now {verb} for that too.", f"polite: Could you {verb} for that as well?",
             f"question: Can you {verb} there too?", f"terse: {verb} that too",
             f"indirect: I'd like to {verb} for that one too."]
    for p in list(props)[:3]:
        label = _label(p, props[p])
        lines += [f"plain: Now {verb} there with {label} {{{{ {p} }}}}.",
                  f"polite: Could you {verb} for that one with {label} {{{{ {p} }}}}?"]
    return lines


def _rules(names: list[str], job: Job) -> list[str]:
    out = ["# Rules for the conversations (all optional; delete what does not fit).",
           "# first: only as the first request   last: only as the final request   not_first: never first",
           "# after: [tools] may only follow these   differ: [[a, b]] parameters that must not take the same value",
           "tools:"]
    any_rule = False
    for entry in job.tools:
        f = entry.function
        n = f.name.lower()
        rule = {}
        if re.search(r"greet|hello|welcome", n):
            rule["first"] = "true"
        elif re.search(r"goodbye|bye|farewell|end_conversation", n):
            rule["last"] = "true"
        elif re.search(r"thank", n):
            rule["not_first"] = "true"
        props = list((f.parameters.get("properties") or {}))
        pairs = [[a, "to_" + a[5:]] for a in props if a.startswith("from_") and "to_" + a[5:] in props]
        if pairs:
            rule["differ"] = "[" + ", ".join(f"[{a}, {b}]" for a, b in pairs) + "]"
        if rule:
            any_rule = True
            out.append(f"  {f.name}: {{" + ", ".join(f"{k}: {v}" for k, v in rule.items()) + "}")
    if not any_rule:
        out[-1] = "tools: {}"
    return out


def scaffold(job: Job) -> dict[str, str]:
    """The grammar folder for `job`: the text of each file, by its path inside the folder (the caller writes
    them all or none)."""
    r = Rand(0x1A17)
    files: dict[str, str] = {}
    names = [t.function.name for t in job.tools]
    # a parameter name shared by tools with the same values gets one file; different enums get one each
    by_param: dict[str, list[tuple[str, dict]]] = {}
    for entry in job.tools:
        for p, s in (entry.function.parameters.get("properties") or {}).items():
            by_param.setdefault(p, []).append((entry.function.name, s if isinstance(s, dict) else {}))
    for p, uses in sorted(by_param.items()):
        first = _value_lines(uses[0][0], p, uses[0][1], r)
        if all(_value_lines(t, p, s, Rand(0x1A17)) == _value_lines(uses[0][0], p, uses[0][1], Rand(0x1A17))
               for t, s in uses):
            value_files = [(f"{p}.txt", first, uses[0][1])]
        else:
            value_files = [(f"{t}.{p}.txt", _value_lines(t, p, s, r), s) for t, s in uses]
        for fname, lines, schema in value_files:
            note = f"# Values of `{p}` ({schema.get('type', 'string')}" + (", from its enum" if "enum" in schema else "") + \
                   "). One per line; `value = said | said` gives the words a user says for it; `lo..hi` a range."
            files[f"values/{fname}"] = note + "\n" + "\n".join(lines) + "\n"
    for entry in job.tools:
        f = entry.function
        props = f.parameters.get("properties") or {}
        required = set(f.parameters.get("required") or ())
        text = HEADER.format(name=f.name, description=(f.description or "").strip().replace("\n", " ")[:200])
        text += f"\n[{f.name}]\n" + "\n".join(_direct_lines(f.name, props, required)) + "\n"
        if props:
            text += f"\n[{f.name}.same]\n" + "\n".join(_same_lines()) + "\n"
            text += f"\n[{f.name}.it]\n" + "\n".join(_it_lines(f.name, props)) + "\n"
        files[f"{f.name}.txt"] = text
    files["domain.yaml"] = "\n".join(_rules(names, job)) + "\n"
    return files

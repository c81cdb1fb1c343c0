"""Sessions with a purpose: scenarios, written as data in a grammar folder's `scenarios.txt`.

A scenario is what a person sits down to do ("tidy the downloads folder", "investigate a log"): where it
happens, what the user says it is for, and its steps in order.  A step names the tools (or forms) it
may use and which objects it acts on; `?` makes it optional, `*` lets it repeat:

    [investigate-log]
    where: logs                      # a theme of the domain's world: the tree always has one
    say: Something crashed (last night|this morning); I want to find out what happened.
    - cd: where                      # into the theme's folder
    - ls?
    - tail|cat: log                  # read a log
    - grep*: log
    - cp?: log

The engine still plans every step as a legal action on the simulated state (the step only narrows which
plays and objects it picks from), so a scenario can never make a wrong call.  Which words an object
filter knows (`log`, `media`, `*.tmp`, `where`...) is the domain's; this module knows no tool by name.
Loaded once per run; every problem names the file and line.
"""
# No `from __future__ import annotations`: the NamedTuples' field types would be strings, each compiled when
# the class is made.

import re
from pathlib import Path
from typing import Callable, NamedTuple

from .grammar import GrammarError, _slots_in, compile_line, expand_aliases

FILE_NAME = "scenarios.txt"
MAX_SAY = 300
# characters no line of the file may hold (tabs are fine): controls, zero-width and direction marks.  The
# patterns here are compiled (by re, once) only when a file is read: a cached start-up reads none.
_CONTROL = "[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060\ufeff]"
# what a say line may name: the folder the session happens in, the first thing it makes, the first file it
# works on (each only when the session has one; a line naming what it lacks is not used)
SAY_SLOTS = frozenset({"place", "made", "object"})
MAX_SCENARIOS = 1000
MAX_STEPS = 40
_KEY = r"^([A-Za-z_][\w.|]*?)([?*]{0,2})$"


class Step(NamedTuple):  # (not a frozen dataclass: that compiles six methods on every start-up)
    forms: tuple[str, ...]  # the forms this step may be played in
    tools: frozenset  # their tools
    on: str  # the object filter as written ('' for any)
    optional: bool
    repeat: bool
    text: str  # the step as written, for messages


class Scenario(NamedTuple):
    name: str
    where: str | None
    say: tuple  # compiled say lines (grammar nodes)
    steps: tuple[Step, ...]
    why: tuple = ()  # compiled why lines: a sentence a later request may add, saying how it serves the session
    why_tools: tuple = ()  # per why line, the tools or forms of the requests it may end (a frozenset), or None: any


def _step(key: str, on: str, forms: dict, check_filter: Callable, where: str | None) -> Step:
    m = re.match(_KEY, key)
    if not m:
        raise ValueError(f"write a step as '- tool', '- tool|tool: objects' or '- tool.form', with ? (optional) "
                         f"or * (may repeat) after the tools; got {key!r}")
    names, flags = m.group(1), m.group(2)
    picked: list[str] = []
    tools = sorted({f.split(".", 1)[0] for f in forms})
    for name in names.split("|"):
        if name in forms:
            picked.append(name)
        elif name in tools:
            picked += [f for f in forms if f.split(".", 1)[0] == name]
        else:
            raise ValueError(f"unknown tool or form {name!r} (tools: {', '.join(tools)})")
    if on:
        problem = check_filter(on, where)
        if problem:
            raise ValueError(problem)
    return Step(tuple(dict.fromkeys(picked)), frozenset(f.split(".", 1)[0] for f in picked), on,
                "?" in flags, "*" in flags, key + (f": {on}" if on else ""))


_WHY_FOR = r"why\s*\(\s*([a-z][a-z_. ]*?)\s*\)"


def _sections(path: Path) -> list[tuple[str, int, dict]]:
    """(name, line, {'where': (line, text), 'say': [(line, text)], 'steps': [(line, text)]}) per [section]."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GrammarError(f"{path}: not UTF-8 text") from None
    except OSError as e:
        raise GrammarError(f"{path}: cannot read ({e.strerror or e})") from None
    if text.startswith("\ufeff"):  # a byte-order mark some editors write
        text = text[1:]
    out: list[tuple[str, int, dict]] = []
    cur = None
    # lines as an editor counts them: split at newlines only (str.splitlines also splits at form feeds,
    # U+2028 and others, which would put every later line number off)
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        bad = re.search(_CONTROL, line)
        if bad:
            raise GrammarError(f"{path}:{n}: a control or invisible character ({bad.group()!r}) in the line")
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip()
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
                raise GrammarError(f"{path}:{n}: name a scenario in lower case with dashes: [tidy-downloads]")
            if any(name == o[0] for o in out):
                raise GrammarError(f"{path}:{n}: scenario [{name}] is written twice")
            cur = {"say": [], "why": [], "steps": []}
            out.append((name, n, cur))
            if len(out) > MAX_SCENARIOS:
                raise GrammarError(f"{path}:{n}: more than {MAX_SCENARIOS} scenarios")
            continue
        if cur is None:
            raise GrammarError(f"{path}:{n}: write a [scenario-name] line before its where, say and steps")
        if line.startswith("- "):
            cur["steps"].append((n, line[2:].strip()))
            continue
        key, colon, value = line.partition(":")
        key = key.strip()
        tools = None
        m = re.fullmatch(_WHY_FOR, key)
        if m:  # why (mv cp): a reason that fits only requests of these tools
            key, tools = "why", frozenset(m.group(1).split())
        if not colon or key not in ("where", "say", "why"):
            raise GrammarError(f"{path}:{n}: expected 'where: THEME', 'say: words', 'why: words', "
                               "'why (tool tool): words' or a step '- tool: objects'")
        if key == "where":
            if "where" in cur:
                raise GrammarError(f"{path}:{n}: a scenario has one 'where:'")
            cur["where"] = (n, value.strip())
        elif key == "why":
            cur[key].append((n, value.strip(), tools))
        else:
            cur[key].append((n, value.strip()))
    return out


def load(directory, forms: dict, check_filter: Callable, places: frozenset | set,
         aliases: dict | None = None) -> tuple[Scenario, ...]:
    """The scenarios of a grammar folder (none when it has no scenarios.txt).  `forms`: the domain's forms;
    `check_filter(words, where)` -> why an object filter is wrong, or None; `places`: the `where` values the
    domain knows.  GrammarError names the file and line."""
    path = Path(directory) / FILE_NAME
    if not path.exists() and not path.is_symlink():
        return ()
    if not path.is_file():
        raise GrammarError(f"{path}: not a regular file")
    out = []
    for name, n, sec in _sections(path):
        where_line, where = sec.get("where", (n, None))
        if where is not None and where not in places:
            raise GrammarError(f"{path}:{where_line}: unknown place {where!r} (known: {', '.join(sorted(places))})")
        if not sec["steps"]:
            raise GrammarError(f"{path}:{n}: scenario [{name}] has no steps ('- tool: objects' lines)")
        if len(sec["steps"]) > MAX_STEPS:
            raise GrammarError(f"{path}:{n}: scenario [{name}] has more than {MAX_STEPS} steps")
        steps = []
        for k, raw in sec["steps"]:
            key, _, on = raw.partition(":")
            try:
                steps.append(_step(key.strip(), on.strip(), forms, check_filter, where))
            except ValueError as e:
                raise GrammarError(f"{path}:{k}: {e}") from None
        if all(s.optional for s in steps):
            raise GrammarError(f"{path}:{n}: every step of [{name}] is optional; a session needs one it always takes")
        known = {f.split(".", 1)[0] for f in forms}
        for k, _, tools in sec["why"]:  # tools, or forms of them (mv.rename: a rename, not a move into a folder)
            if tools is not None and not tools <= known | set(forms):
                raise GrammarError(f"{path}:{k}: unknown tool {sorted(tools - known - set(forms))[0]!r} in "
                                   f"'why (...)' (known: {', '.join(sorted(known))}, or a form such as mv.rename)")
        say, why = [], []
        for k, line, into in [(k, x, say) for k, x in sec["say"]] + [(k, x, why) for k, x, _ in sec["why"]]:
            if not line or len(line) > MAX_SAY:
                raise GrammarError(f"{path}:{k}: a say or why line is a sentence or two (1-{MAX_SAY} characters)")
            try:
                _, _, nodes = compile_line(expand_aliases(line, aliases or {}) if "~[" in line else line)
            except GrammarError as e:
                raise GrammarError(f"{path}:{k}: {e}") from None
            if nodes is None or not _slots_in(nodes) <= SAY_SLOTS:
                raise GrammarError(f"{path}:{k}: a say or why line is plain words with (a|b), [x] and the slots "
                                   "{{ place }}, {{ made }}, {{ object }}, without other slots or Jinja")
            if where is None and "place" in _slots_in(nodes):
                raise GrammarError(f"{path}:{k}: {{{{ place }}}} needs the scenario's 'where:'")
            into.append(nodes)
        out.append(Scenario(name, where, tuple(say), tuple(steps), tuple(why), tuple(t for _, _, t in sec["why"])))
    return tuple(out)

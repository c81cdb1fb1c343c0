"""The declarations a domain is made of: a tool, its parameters and the request forms it can be asked in.

A tool module declares one `TOOL = Tool(...)`: its OpenAI schema comes from `params`; `check`/`apply` are
its semantics on the simulated state; `open_step` what it proves or contradicts in the open-world replay
that `validate` runs (and from which `augment` rebuilds a starting tree); `forms` the ways the planner can
play it, each with what it lets later turns refer to; `read` how a seed's call maps back to a form.
Modelled on Hypothesis' rule-based state machines: rules and preconditions are declared once, beside the
rule, and the engine discovers them.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

# What an argument is, so mutate, augment, validate and stats can treat any tool alike.
FILE = "file"          # an existing file here
DIR = "dir"            # an existing folder here
ENTRY = "entry"        # an existing file or folder here
NEW_FILE = "new_file"  # a name that must not exist yet (or a file to overwrite, for echo)
NEW_DIR = "new_dir"    # a folder name that must not exist yet
TARGET = "target"      # an existing folder to put something into, or a new name
PATH = "path"          # a path to start from ('.')
TEXT = "text"          # free text the user dictates (file content)
PATTERN = "pattern"    # a search string
NUMBER = "number"
FLAG = "flag"
MODE = "mode"          # one of a few letters the user describes in words

NAME_ROLES = frozenset({FILE, DIR, ENTRY, NEW_FILE, NEW_DIR, TARGET})  # arguments that name things here
EXISTING_ROLES = frozenset({FILE, DIR, ENTRY})

NO_DEFAULT = object()


class DomainError(ValueError):
    """A domain that cannot be built from what the user gave (a job description, a grammar folder); the
    message names the file, line or field."""


@dataclass(frozen=True)
class Param:
    """One argument of a tool: its JSON schema type, what it names or holds (its role), and its default."""
    name: str
    type: str  # JSON schema type: string, boolean, integer
    role: str
    description: str
    default: object = NO_DEFAULT

    @property
    def required(self) -> bool:
        return self.default is NO_DEFAULT


# made for every candidate play and read ~55 times a conversation: slots, whose reads the interpreter specialises
# (a NamedTuple's field read takes the generic attribute path); not frozen, as a frozen __init__ is slow
@dataclass(slots=True, eq=False)
class Action:
    """A request as played: its form, the call it makes, and the slots its phrasing receives."""
    form: str
    tool: str
    args: dict
    slots: dict  # slot name -> value the phrasing receives
    subject: tuple[str, bool] | None = None  # (name, is_dir) of the thing the user talks about


@dataclass(frozen=True)
class Form:
    """One way of asking for a call: its reference style, the slots its phrasings receive (`required`
    slots carry argument values, so every phrasing must say them), the forms that make it playable when
    played right before (`setup`), and what it lets later turns refer to (`notes`: discourse key ->
    argument name, e.g. {"it": "file_name"} makes "it" mean that file afterwards)."""
    name: str
    ref: str  # direct, pronoun, relative, same, ordinal, description
    play: Callable  # play(fs, discourse, prev, r) -> Action | None (None: not playable now)
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    setup: tuple[str, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    exact: bool = False  # a phrasing must use exactly the slots the play gives (it decides which arguments are set)
    opening: bool = False  # plays only as a conversation's first request (a greeting): asked for with nothing before
    # what its setup must act on, as a step's focus (a `.test(state, discourse, name)`): "compare it with
    # report_v2.md" needs "it" to be a file with a second version, so its setup opens one of those
    setup_on: object = None

    @property
    def tool(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def slots(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def contextual(self) -> bool:
        """True when the answer can only be worked out from earlier turns."""
        return self.ref != "direct"


def _no_effect(state, args) -> None:
    return None


@dataclass(frozen=True)
class Tool:
    """One tool of a domain, declared by its module (see the module's docstring)."""
    name: str
    description: str
    params: tuple[Param, ...]
    check: Callable  # check(fs, args) -> why the call is illegal here, or None
    apply: Callable = _no_effect  # its effect on the state (after check passed); reading tools have none
    open_step: Callable = lambda world, args: None  # a contradiction with earlier calls in the open-world replay,
    #                                                 or None; a tool that needs nothing to exist proves nothing
    forms: tuple[Form, ...] = ()
    read: Callable = lambda args, is_dir: None  # (form, slots) of a direct request making this call, or None
    order: int = 100  # position in the catalogue (job descriptions list tools in this order)
    moves: bool = False  # changes where later calls act (cd): an unrelated request in a session never does
    slot_samples: dict = field(default_factory=dict)  # example slot values for `grammar check`

    @property
    def schema(self) -> dict:
        props = {}
        for p in self.params:
            props[p.name] = {"type": p.type, "description": p.description}
            if not p.required:
                props[p.name]["default"] = p.default
        return {"type": "function", "function": {
            "name": self.name, "description": self.description,
            "parameters": {"type": "object", "properties": props,
                           "required": [p.name for p in self.params if p.required]}}}

    @property
    def reads_only(self) -> bool:
        """True when a call changes nothing (cat, grep, ls): it cannot undo what a session did."""
        return self.apply is _no_effect

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def args_with(self, *roles: str) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.role in roles)


def discover(package: str) -> dict[str, Tool]:
    """Every `TOOL` declared by a module of `package`, in catalogue order (then by name)."""
    pkg = importlib.import_module(package)
    found = []
    for info in pkgutil.iter_modules(pkg.__path__):
        mod = importlib.import_module(f"{package}.{info.name}")
        tool = getattr(mod, "TOOL", None)
        if isinstance(tool, Tool):
            found.append(tool)
    found.sort(key=lambda t: (t.order, t.name))
    return {t.name: t for t in found}


@dataclass(frozen=True)
class Domain:
    """A kind of world the engine can make conversations in: its tools, presets, and how a conversation
    starts (its state and the discourse memory that later turns refer back through).  The engine asks
    these and knows no tool by name."""
    name: str
    tools: dict  # name -> Tool, in catalogue order
    presets: dict  # preset name -> tool names
    default_preset: str
    task_description: str
    new_state: Callable  # new_state(r, keep_start, where=None, holds=()) -> (state, start): state has path() and
    #                      apply(tool, args); `holds` what a session's place should hold (its steps' Focus.holds)
    new_discourse: Callable  # () -> an object with record(action, path, notes), prev, prev_path, looked
    slot_samples: dict = field(default_factory=dict)
    grammar_dir: object = None  # the phrasings shipped for it (a Path), or None
    on_turn: Callable | None = None  # on_turn(state, turns_left) before each request is planned (0: the last)
    scenarios: tuple = ()  # sessions with a purpose (generator/scenarios.py), from the grammar folder
    object_filter: Callable | None = None  # object_filter(words, where) -> a focus: .test(state, d, name), .shapes
    place_of: Callable | None = None  # place_of(state, where) -> the name of the session's place in it, or None

    @property
    def forms(self) -> dict:
        return {f.name: f for t in self.tools.values() for f in t.forms}

    def parse_tools(self, text: str | None) -> tuple[str, ...]:
        """'spec,grep,wc' -> those tools and the presets' tools in catalogue order; None or '' -> the
        default preset.  ValueError names an unknown one."""
        if text is None or text.strip() == "":
            return self.presets[self.default_preset]
        known = f"known: {', '.join(self.tools)}" + (f"; presets: {', '.join(self.presets)}" if self.presets else "")
        asked = [t.strip() for t in text.split(",") if t.strip()]
        if not asked:
            raise ValueError(f"--tools {text!r} names no tool ({known})")
        wanted: set[str] = set()
        for t in asked:
            if t in self.presets:
                wanted.update(self.presets[t])
            elif t in self.tools:
                wanted.add(t)
            else:
                raise ValueError(f"unknown tool {t!r} in --tools ({known})")
        return tuple(t for t in self.tools if t in wanted)

    def job_description(self, tool_names: tuple[str, ...]) -> dict:
        import copy
        return {"task_description": self.task_description,
                "tools": [copy.deepcopy(self.tools[t].schema) for t in tool_names]}

"""The file-system domain: the benchmark's file-system tools (GorillaFileSystem), one module each under
tools/, over a simulated tree (state.py) seeded with themed folders and text contents (world.py,
contents.py).  This module is the registry: it discovers the tools and derives everything else from them.
"""
from __future__ import annotations

from pathlib import Path

from ..base import Domain, Form, Tool, discover
from .discourse import Discourse
from .state import FileSystem
from .world import THEMES, make_tree  # imported by the tools' modules anyway

TOOLS: dict[str, Tool] = discover(__name__ + ".tools")
FileSystem.tools = TOOLS  # the state dispatches each call to its tool's declared semantics
FileSystem.arg_names = {n: frozenset(p.name for p in t.params) for n, t in TOOLS.items()}

# Presets for --tools.  `spec`: the eight tools of the upload format's own document (the default);
# `all`: every registered tool.
PRESETS: dict[str, tuple[str, ...]] = {
    "spec": ("ls", "cd", "cat", "mkdir", "touch", "rm", "cp", "mv"),
    "all": tuple(TOOLS),
}
DEFAULT_PRESET = "spec"

FORMS: dict[str, Form] = {f.name: f for t in TOOLS.values() for f in t.forms}
SLOT_SAMPLES: dict[str, str] = {"kind": "file"}
for _t in TOOLS.values():
    SLOT_SAMPLES.update(_t.slot_samples)

TASK_DESCRIPTION = (
    "You are an intelligent AI assistant that helps users navigate and manage files in a file system. "
    "Given a command or request from the user, call the appropriate file system function to complete the "
    "request. Use the conversation so far to resolve references such as 'it', 'that folder' or 'go back up'."
)


def _new_state(r, keep_start: bool = True, where: str | None = None, holds: tuple = ()):
    start = make_tree(r, where, holds)
    return FileSystem(start.clone() if keep_start else start), start


DOMAIN = Domain("filesystem", TOOLS, PRESETS, DEFAULT_PRESET, TASK_DESCRIPTION, _new_state, Discourse,
                SLOT_SAMPLES)


def with_scenarios(grammar):
    """The domain with the scenarios of `grammar`'s folder (its scenarios.txt; none without one).  A file read
    before, unchanged, comes from the user's cache (cache.py): parsing and checking it was a tenth of start-up."""
    import dataclasses

    from ... import cache, scenarios
    from .objects import PLACES, compile_filter, held, problem, remember
    aliases = getattr(grammar, "aliases", None)

    def make() -> tuple:
        found = scenarios.load(grammar.directory, FORMS, problem, PLACES, aliases)
        # with what the steps' filters find in their themes' files: working it out is most of compiling them
        return found, held({(st.on, sc.where) for sc in found for st in sc.steps if st.on})

    key = _scenarios_key(Path(grammar.directory) / scenarios.FILE_NAME, aliases)
    found, filters = make() if key is None else cache.cached("scenarios", key, make)
    remember(filters)
    return dataclasses.replace(DOMAIN, scenarios=found, object_filter=compile_filter, place_of=place_of)


def _scenarios_key(path: Path, aliases: dict | None) -> str | None:
    """What the scenarios of `path` depend on: its bytes, the aliases its lines use, the forms and places steps
    may name, and the code that reads and checks them and finds their filters' files (with the vocabulary);
    None when there is no plain file to read (load says what is wrong, or that there are no scenarios)."""
    from ... import cache, grammar, rng, scenarios
    from . import contents, objects, world
    try:
        if not path.is_file():
            return None
        text = path.read_bytes()
    except OSError:
        return None
    code = [Path(m.__file__).read_bytes() for m in (scenarios, grammar, rng, objects, world, contents)]
    code.append(Path(__file__).read_bytes())  # this module: what is kept (make in with_scenarios)
    data = [world.THEMES_FILE.read_bytes(), world.NAMES_FILE.read_bytes()]
    return cache.digest(text, repr(sorted((aliases or {}).items())), repr(sorted(FORMS)),
                        repr(sorted(objects.PLACES)), *code, *data)


def place_of(fs, where: str) -> str | None:
    """The folder at the top of the tree that is the scenario's place (its theme's folder)."""
    names = THEMES[where][0]
    for n in fs.root.children:  # a loop: a generator reading `names` would make it a cell, and itself, per call
        if n in names:
            return n
    return None


def parse_tool_list(text: str | None) -> tuple[str, ...]:
    """'spec,grep,wc' -> the named tools and presets' tools, in catalogue order; ValueError names an unknown
    one.  None or '' is the default preset."""
    return DOMAIN.parse_tools(text)


def job_description(tool_names: tuple[str, ...], task_description: str = TASK_DESCRIPTION) -> dict:
    return {**DOMAIN.job_description(tool_names), "task_description": task_description}


def name_args() -> dict[str, tuple[str, ...]]:
    """tool -> its arguments that name a file or folder here (what augment renames, mutate contradicts)."""
    from ..base import NAME_ROLES
    return {n: t.args_with(*NAME_ROLES) for n, t in TOOLS.items()}


def tool_table() -> str:
    """The catalogue as a Markdown table (the README's table is this text; a test keeps them equal)."""
    rows = ["| tool | arguments (default) | in `spec` | forms | what it does |", "|---|---|---|---|---|"]
    for name, t in TOOLS.items():
        args = ", ".join(f"`{p.name}`" + ("" if p.required else f" ({p.default!r})") for p in t.params) or "none"
        first = t.description.split(". ")[0].rstrip(".") + "."
        rows.append(f"| `{name}` | {args} | {'yes' if name in PRESETS['spec'] else ''} | {len(t.forms)} | {first} |")
    return "\n".join(rows) + "\n"

"""The domain built from any job description and a grammar folder: the user's own tools.

Each tool gets three forms: `<tool>` (a direct request: the grammar line's slots say which parameters it
sets, so a phrasing decides the shape of the call and the planner then draws the values), `<tool>.same`
("sorry, I meant the kitchen", "make it 70", "from checking, please": the previous call again with one
value changed or added) and
`<tool>.it` ("turn them off", "send the same amount to Maria": values of the previous call carried over
where a parameter of the same name, or an alias domain.yaml gives it, has one).  A reference is used only with exactly one referent: the
previous call.  `domain.yaml` in the grammar folder may say which tools open or close a conversation,
which may follow which, how often each is asked for and which parameters must differ.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..base import FLAG, MODE, NO_DEFAULT, NUMBER, TEXT, Action, Domain, Form, Param, Tool
from .settings import DomainSettings, Job, SchemaError, ToolRule, load_job, load_settings
from .values import Values, values_for

__all__ = ["SchemaDomain", "SchemaError", "forms_for", "load"]

VALUE_SLOT = "value"  # what a `.same` phrasing says: the one value that changed


class Session:
    """The state of a conversation with the user's tools: the calls so far (no world to simulate)."""
    __slots__ = ("calls", "turns_left")

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.turns_left = 0

    def path(self) -> str:
        return ""  # one place: every earlier call is "here"

    def apply(self, tool: str, args: dict) -> None:
        self.calls.append((tool, args))

    apply_planned = apply


class Memory:
    """The discourse: the previous call is what "it", "them", "the same" can name."""
    __slots__ = ("prev", "prev_path", "focus")
    looked: dict = {}  # (the planner's record of looks asked: a user's tools declare none)

    def __init__(self) -> None:
        self.prev = None
        self.prev_path = ""
        self.focus = None  # (what a step or a setup acts on: the engine sets it; a user's plays do not read it)

    def record(self, action: Action, path: str, notes) -> None:
        self.prev, self.prev_path = action, path


class SchemaDomain(Domain):
    """A Domain whose job description is the user's own, as given."""

    def job_description(self, tool_names: tuple[str, ...]) -> dict:
        import copy
        return {"task_description": self.task_description,
                "tools": [copy.deepcopy(self.tools[t].original) for t in tool_names]}


@dataclass(frozen=True)
class UserTool(Tool):
    """A Tool declared by a job description; keeps its schema exactly as the user wrote it."""
    original: dict = field(default_factory=dict)
    say: Callable | None = None  # say(args, r) -> slots: words for a call's values (augment re-words seeds)


def forms_for(job: Job) -> dict[str, Form]:
    """The forms of every tool, before the grammar is read (their plays are bound by `load`): all slots
    optional, so any shape a phrasing chooses is accepted."""
    out = {}
    for entry in job.tools:
        f = entry.function
        params = tuple((f.parameters.get("properties") or {}).keys())
        out[f.name] = Form(f.name, "direct", _unbound, (), params, exact=True)
        out[f"{f.name}.same"] = Form(f"{f.name}.same", "same", _unbound, (VALUE_SLOT,), exact=True)
        out[f"{f.name}.it"] = Form(f"{f.name}.it", "pronoun", _unbound, (), params, exact=True)
    return out


def _unbound(*a):
    return None


def _role(schema: dict) -> str:
    t = schema.get("type")
    if "enum" in schema:
        return MODE
    return {"boolean": FLAG, "integer": NUMBER, "number": NUMBER}.get(t, TEXT)


class _Planner:
    """The plays of one tool, bound to its values, the shapes its phrasings take and its rules."""

    def __init__(self, name: str, props: dict, values: dict[str, Values], shapes: dict[str, list[frozenset]],
                 rule: ToolRule) -> None:
        self.name, self.props, self.values, self.shapes, self.rule = name, props, values, shapes, rule

    def _allowed(self, state, d) -> bool:
        rule, prev = self.rule, d.prev
        if rule.first and state.calls:
            return False
        if rule.not_first and not state.calls:
            return False
        if rule.last and state.turns_left > 0:
            return False
        if rule.after is not None and (prev is None or prev.tool not in rule.after):
            return False
        return True

    def _ok(self, args: dict, state=None) -> bool:
        """Whether `args` keep the tool's rules: parameters that must differ, values that go together, and
        (given the session) not setting what is already so."""
        rule = self.rule
        for group in rule.differ:
            given = [repr(args[p]) for p in group if p in args]
            if len(set(given)) != len(given):
                return False
        for t in rule.together:
            if all(p in args and args[p] in vals for p, vals in t.when.items()) and \
                    any(q in args and args[q] not in vals for q, vals in t.then.items()):
                return False
        st = rule.state
        if st is not None and state is not None and st.value in args and all(k in args for k in st.key):
            for tool, before in reversed(state.calls):  # the latest call about the same thing
                if tool == self.name and st.value in before and all(before.get(k) == args[k] for k in st.key):
                    return before[st.value] != args[st.value]
        return True

    def _draw(self, shape, fixed: dict, r, state=None):
        """Values for the parameters of `shape` (fixed ones kept), with the words to say them; None if a
        parameter has no values to choose from or the draw breaks a rule (after a few tries)."""
        for _ in range(6):
            args, slots = dict(fixed), {}
            for p in sorted(shape):
                vals = self.values.get(p)
                if not vals:
                    return None
                v, phrases = vals.items[r.below(len(vals.items))]
                args[p] = v
                slots[p] = phrases[r.below(len(phrases))]
            if self._ok(args, state):
                return args, slots
        return None

    def say(self, args: dict, r) -> dict | None:
        """Words for each value of `args` (a seed's call), or None if a value is not one we know how to say."""
        slots = {}
        for p, v in args.items():
            vals = self.values.get(p)
            phrases = next((ph for x, ph in (vals.items if vals else ()) if x == v and type(x) is type(v)), None)
            if phrases is None:
                return None
            slots[p] = phrases[r.below(len(phrases))]
        return slots

    def direct(self, state, d, prev, r):
        shapes = self.shapes.get(self.name)
        if not shapes or not self._allowed(state, d):
            return None
        drawn = self._draw(r.choice(shapes), {}, r, state)
        if drawn is None:
            return None
        args, slots = drawn
        if prev is not None and prev.tool == self.name and prev.args == args:
            return None  # asking again for what was just done is not a request anyone makes
        return Action(self.name, self.name, _ordered(args, self.props), slots)

    def same(self, state, d, prev, r):
        """The previous call to this tool again, with one value changed or added (and said)."""
        form = f"{self.name}.same"
        if prev is None or prev.tool != self.name or not self.shapes.get(form) or not self._allowed(state, d):
            return None
        # a value changed ("make it 70"), or one the previous call left out, added ("from checking, please")
        keys = [p for p in self.props if p in self.values and
                (len(self.values[p].items) > 1 if p in prev.args else len(self.values[p].items) > 0)]
        if not keys:
            return None
        p = r.choice(keys)
        options = [(v, ph) for v, ph in self.values[p].items if p not in prev.args or v != prev.args[p]]
        v, phrases = options[r.below(len(options))]
        args = {**prev.args, p: v}
        if not self._ok(args, state):
            return None
        return Action(form, self.name, _ordered(args, self.props), {VALUE_SLOT: phrases[r.below(len(phrases))]})

    def it(self, state, d, prev, r):
        """Values of the previous call carried over by name ("turn them off": the bedroom of the question
        before), the phrasing saying only the rest."""
        form = f"{self.name}.it"
        shapes = self.shapes.get(form)
        if prev is None or not shapes or not self._allowed(state, d):
            return None
        carried_all = {}
        for p in self.props:  # a parameter takes the previous call's value of the same name, or of an alias
            source = next((q for q in (p, *self.rule.carry.get(p, ())) if q in prev.args), None)
            if source is not None:
                carried_all[p] = prev.args[source]
        if not carried_all:
            return None
        shape = r.choice(shapes)
        carried = {p: v for p, v in carried_all.items() if p not in shape}
        vals = {p: self.values.get(p) for p in carried}
        if not carried or any(v is not None and v.enum and carried[p] not in [x for x, _ in v.items]
                              for p, v in vals.items()):
            return None
        drawn = self._draw(shape, carried, r, state)
        if drawn is None:
            return None
        args, slots = drawn
        if prev.tool == self.name and args == prev.args:
            return None  # the very same call again is not a request anyone makes
        return Action(form, self.name, _ordered(args, self.props), slots)


def _ordered(args: dict, props: dict) -> dict:
    """Arguments in the order the schema lists its parameters (stable bytes, as a person reads them)."""
    return {p: args[p] for p in props if p in args}


def load(job_path: Path, grammar_dir: Path, scan) -> tuple[SchemaDomain, object]:
    """The domain of the job at `job_path` with the phrasings of `grammar_dir`; `scan(directory, forms,
    slot_samples)` reads a grammar folder (grammar.scan), returning (grammar, errors, warnings)."""
    job = load_job(job_path)
    settings = load_settings(grammar_dir, {t.function.name: tuple((t.function.parameters.get("properties") or {}))
                                           for t in job.tools})
    forms = forms_for(job)
    samples = {VALUE_SLOT: "the kitchen"}
    values: dict[str, dict[str, Values]] = {}
    for entry in job.tools:
        f = entry.function
        props = f.parameters.get("properties") or {}
        values[f.name] = {p: values_for(f.name, p, s if isinstance(s, dict) else {}, grammar_dir) for p, s in props.items()}
        for p, vals in values[f.name].items():
            if vals:
                samples.setdefault(p, vals.items[0][1][0])
            else:
                samples.setdefault(p, "sample")
    _values_named(job, Path(grammar_dir))
    grammar, errors, _ = scan(grammar_dir, forms, samples)
    if errors:
        raise SchemaError(errors[0])
    for entry in job.tools:  # a tool the job lists is one the data asks for
        name = entry.function.name
        if not grammar.by_form.get(name):
            raise SchemaError(f"{grammar_dir}: no [{name}] phrasing, so no row would call {name!r}, which the job "
                              f"lists: write {name}.txt (mtgen init writes one), or leave the tool out of the job")
    tools = {}
    for order, entry in enumerate(job.tools):
        f = entry.function
        props = f.parameters.get("properties") or {}
        required = set(f.parameters.get("required") or ())
        shapes = {}
        for form in (f.name, f"{f.name}.same", f"{f.name}.it"):
            shape_list = []
            for t in grammar.by_form.get(form, ()):
                shape = frozenset(t.slots)
                if form == f.name and not required <= shape:
                    raise SchemaError(f"{t.path}:{t.line}: [{form}] must say the required "
                                      f"parameter(s) {', '.join(sorted(required - shape))}")
                missing = [p for p in shape if p != VALUE_SLOT and not values[f.name].get(p)]
                if missing:
                    raise SchemaError(f"{t.path}:{t.line}: no values for {f.name}.{missing[0]}: write "
                                      f"values/{missing[0]}.txt (one value per line)")
                shape_list.append(shape)
            shapes[form] = shape_list
        plan = _Planner(f.name, props, values[f.name], shapes, settings.tools.get(f.name, ToolRule()))
        params = tuple(Param(p, (s or {}).get("type", "string") if isinstance(s, dict) else "string",
                             _role(s if isinstance(s, dict) else {}), (s or {}).get("description", "")
                             if isinstance(s, dict) else "",
                             NO_DEFAULT if p in required else (s.get("default") if isinstance(s, dict) else None))
                       for p, s in props.items())
        opening = settings.tools.get(f.name, ToolRule()).first
        tool_forms = (
            Form(f.name, "direct", plan.direct, (), tuple(props), exact=True, opening=opening),
            Form(f"{f.name}.same", "same", plan.same, (VALUE_SLOT,), exact=True),
            Form(f"{f.name}.it", "pronoun", plan.it, (), tuple(props), exact=True),
        )
        tools[f.name] = UserTool(
            f.name, f.description, params, check=lambda st, a: None, apply=lambda st, a: None,
            open_step=lambda w, a: None, forms=tool_forms, read=lambda a, is_dir: None, order=order,
            original=entry.model_dump(exclude_none=False), say=plan.say,
        )
    domain = SchemaDomain(
        name=Path(grammar_dir).name, tools=tools, presets={"all": tuple(tools)}, default_preset="all",
        task_description=job.task_description,
        new_state=lambda r, keep, where=None, holds=(): (Session(), None), new_discourse=Memory, slot_samples=samples,
        grammar_dir=Path(grammar_dir), on_turn=_on_turn)
    return domain, grammar


def _values_named(job, grammar_dir: Path) -> None:
    """Refuse a values file that names no parameter of the job (a typo: its values would never be used)."""
    folder = grammar_dir / "values"
    if not folder.is_dir():
        return
    known = set()
    for entry in job.tools:
        for p in entry.function.parameters.get("properties") or {}:
            known |= {p, f"{entry.function.name}.{p}"}
    for f in sorted(folder.iterdir()):
        if f.suffix == ".txt" and f.stem not in known:
            raise SchemaError(f"{f}: names no parameter of the job's tools (values/<parameter>.txt or "
                              f"values/<tool>.<parameter>.txt)")


def _on_turn(state: Session, turns_left: int) -> None:
    state.turns_left = turns_left

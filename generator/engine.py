"""One conversation from (seed, index): world -> planner -> grammar -> fs, turn after turn.

Every conversation draws its randomness from Rand(seed, index) only, so any conversation can be made
alone, in any process, in any order.  Which form the final turn asks for, how many turns come before it
and in which surface style it is phrased follow a seeded schedule over the index: for small n every
form, style and length appears before any repeats (cover before repeating); for large n the mix
stays balanced.

Draws in the per-conversation code are written out: `r.random() < p` is Rand.chance(p) and
`seq[floor(r.random() * len(seq))]` Rand.choice(seq), the same one draw without a call around it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from math import floor
from typing import NamedTuple

from .domains.base import NEW_DIR, NEW_FILE, Action, Domain
from .domains.filesystem import DEFAULT_PRESET, DOMAIN as FILESYSTEM, PRESETS
from .forms import SURFACE_STYLES
from .grammar import Grammar, _slots_in, quote_values, render_nodes
from .planner import LOOKED, choose, menu, pick
from .rng import Rand


@dataclass(frozen=True)
class Settings:
    """A run's options for the engine."""
    seed: int = 1
    tools: tuple[str, ...] = PRESETS[DEFAULT_PRESET]
    min_prior: int = 1  # prior user/assistant exchanges before the final request
    max_prior: int = 5
    context_share: float = 0.4  # share of final requests that can only be answered from earlier turns
    noise: float = 0.08  # share of user turns with a typo or casing noise
    random_turns: float = 0.2  # share of earlier turns that leave the session's scenario for an unrelated request


_new_tuple = tuple.__new__  # _new_tuple(Turn, fields): a Turn without NamedTuple's keyword-binding __new__ (and
#                             without reading tuple.__new__ off the type on every call)


def _with_text(turn: Turn, text: str) -> Turn:
    """`turn` saying `text` (NamedTuple._replace, without its per-call keyword handling)."""
    return _new_tuple(Turn, (text,) + turn[1:])


def _makes(form) -> bool:
    """Whether `form` makes something new (its notes say "made" or "touched"): what a session's say line calls
    {{ made }}."""
    return any(k in ("made", "touched") for k, _ in form.notes)


def _makes_again(form) -> bool:
    """Whether `form` is a making form's "the same again" (touch.same, mkdir.same): a second new thing, which only
    a step that repeats asks for (not "I'd also like 'project-footage' made the same way" in a session about
    one folder, for-edit)."""
    return form.ref == "same" and _makes(form)


def _hosts(st) -> bool:
    """Whether a step can host a session's final request: it does not name things the session's place may
    not have (a pattern no file of the theme matches: its Focus.holds is ())."""
    return getattr(st.focus, "holds", None) != ()


def _setup_step(steps, entry, tools: frozenset) -> int:
    """Where a session whose final request is set up by `tools` ends (see _plan): the index of the first of
    `steps` other than the scenario's `entry` that uses those tools, or len(steps)."""
    for i, st in enumerate(steps):
        if st is not entry and not tools.isdisjoint(st.tools):
            return i
    return len(steps)


def _keeps_its_steps(steps: tuple, k: int, tools: frozenset) -> bool:
    """Whether a session ending at step `k` of `steps`, whose final request is set up by `tools`, plays every
    required step before it."""
    return all(st.optional for st in steps[_setup_step(steps[:k], steps[0], tools) + 1:k])


def _why_fits(line: tuple, tool: str, form: str, subject, said: dict, values, text: str) -> bool:
    """Whether why line `line` (text, slots, slots naming a value, tools or None) may end a request of `tool` in
    `form` with these argument `values`, saying `text`: one written for some tools or forms ("why (mv cp): ...",
    "why (mv.rename): ...") ends only theirs; an untagged one only a request about something (not "list this
    folder. Config files are easy to break."); one naming the session's file or folder only a request about it
    that does not name it already (not the name twice), nor refers to it ("Delete it. 'setup.dmg' was installed
    ages ago." would say what "it" is, and the request would need no earlier turn).  `text` is None for a
    request that refers back."""
    tags = line[3]
    if tags is None:
        if subject is None:
            return False
    elif tool not in tags and form not in tags:
        return False
    return not line[2] or text is not None and all(said[n] in values and said[n] not in text for n in line[2])


def _words(nodes, slots: dict, r: Rand) -> str:
    out: list[str] = []
    render_nodes(nodes, slots, r.random, out)
    return quote_values("".join(out).strip(), slots.values())


class NoLegalRequest(RuntimeError):
    """No request can be planned at some turn: the domain's rules forbid every one (a user's domain.yaml)."""


class Turn(NamedTuple):
    text: str
    tool: str
    args: dict
    form: str
    surface: str
    template: str  # template id
    step: str = ""  # the scenario step it plays ('tail|cat: log'), 'setup...' for what the final request needs
    #                 first (touch a file to move it), '' for an unrelated request
    subject: tuple | None = None  # (name, is_dir) of what it acts on, when it names one thing


# StepPlan and ScenarioPlan are made once per run and read on every turn: classes with slots, as a slot read is
# specialised by the interpreter where a NamedTuple's field read takes the generic attribute path
@dataclass(frozen=True, slots=True, eq=False)
class StepPlan:
    """A scenario step, compiled for this run's tools."""
    menu: tuple
    context_menu: tuple  # its forms that refer back ("search it", "the same for x"), or ()
    focus: object  # what it acts on (the domain's object_filter of its words), or None: anything
    optional: bool
    repeat: bool
    tools: frozenset
    text: str
    forms: frozenset  # its forms' names: a final request of one of them can end the session here
    kin: frozenset  # the run's forms of its tools, which may end the session here when none of its own can


@dataclass(frozen=True, slots=True, eq=False)
class ScenarioPlan:
    """A scenario, compiled for this run's tools."""
    name: str
    where: str | None
    say: tuple  # (line nodes, the slots it names)
    steps: tuple[StepPlan, ...]
    why: tuple  # (line nodes, the slots it names, those besides place, the tools it fits or None): what a later
    #             request may end with
    holds: tuple = ()  # what its place should hold for its steps (the domain's Focus.holds of each)


class Dialogue(NamedTuple):  # NamedTuples here and in Turn: one per conversation, cheap to make
    index: int
    turns: tuple[Turn, ...]  # the last one is the request to answer; its call is the answer
    start: object  # the starting state (a tree), for exports that replay the conversation; None if the domain has none
    scenario: str = ""  # the session's scenario, '' without one

    @property
    def answer(self) -> Turn:
        return self.turns[-1]


class Engine:
    """Compiled once per run; `conversation(index, side)` is then a pure function."""

    # slots: the turn loop reads these all the time, and a slot read is the interpreter's quickest (an instance
    # dict stops sharing its keys past 30 names, and every self.x and self.method() then takes a slower path)
    __slots__ = ("s", "keep_start", "g", "domain", "all_forms", "in_context", "exact", "notes", "forms", "menu",
                 "context_menu", "creating", "removing", "aside_menu", "aside_context_menu", "looking_around",
                 "setup_menus",
                 "_fallback", "_joined", "_say_lines", "_why_lines", "setup", "setup_tools", "scenarios", "sessions_for",
                 "making", "reading", "moving", "changing", "contextual", "direct", "surfaces", "phase", "length_phase")

    def __init__(self, settings: Settings, grammar: Grammar, keep_start: bool = True,
                 domain: Domain = FILESYSTEM) -> None:
        self.s = settings
        self.keep_start = keep_start  # keep an untouched copy of each starting tree (for exports)
        self.g = grammar
        self.domain = domain
        self.all_forms = FORMS = domain.forms
        # per-form facts the loop asks for every turn, looked up once (Form derives them on each access)
        self.in_context = frozenset(f.name for f in FORMS.values() if f.contextual)
        self.exact = frozenset(f.name for f in FORMS.values() if f.exact)
        # tools that only look and stay where they are: what an aside may use, and what is not asked twice
        looking = frozenset(n for n, t in domain.tools.items() if t.reads_only and not t.moves)
        # what a call of each form lets later turns refer to; a call that only looks also notes that it was
        # asked, so the same look is not asked again before anything changes
        self.notes = {f.name: f.notes + (LOOKED,) if f.tool in looking else f.notes for f in FORMS.values()}
        usable = [f for f in FORMS.values() if f.tool in settings.tools and f.name in grammar.forms]
        self.forms = [f.name for f in usable]
        self.menu = menu(usable)
        # earlier turns lean on the conversation as often as final requests do ("and the kitchen too")
        self.context_menu = menu([f for f in usable if f.contextual])
        # forms whose tool takes a new name (touch, mkdir, echo, also when echo rewrites a file): what they act
        # on is not a file the user had before the session
        self.creating = frozenset(f.name for f in FORMS.values() if domain.tools[f.tool].args_with(NEW_FILE, NEW_DIR))
        # forms that remove or move something away (rm, rmdir, mv): a session never ends on one off its own objects
        self.removing = frozenset(f.name for f in FORMS.values() if any(k == "gone" for k, _ in f.notes))
        # what a session never ends on off its own steps ("save a copy of exam_prep.md as exam_prep_v2.md" while
        # collecting notes for revision): a request that removes or makes something
        self.changing = self.removing | self.creating
        # an unrelated request inside a session stays where the session is (no "go back up" in the middle of it)
        # and changes nothing: it only looks (a stray "delete kent_portrait.jpg" in a session that keeps the
        # real photos works against it; a folder 'keep' made in a project skeleton becomes "the new folder";
        # a copy into 'templates' makes that folder one the session filled)
        staying = [f for f in usable if f.tool in looking]
        self.aside_menu = menu(staying) if staying else self.menu
        self.aside_context_menu = menu([f for f in staying if f.contextual])
        # what an unrelated request before a session begins may be: a look around that names nothing (see _aside)
        self.looking_around = menu([f for f in staying if not f.required and not f.contextual]) or self.aside_menu
        self.setup_menus = {f.name: menu([f]) for f in usable}
        self._fallback: dict = {}  # (contextual, test, quiet) -> menu, see _same_kind
        self._joined: dict = {}  # (focus, focus) -> the first with both tests, see _both
        self._say_lines: dict = {}  # (scenario, what a session has) -> say lines, see _finish
        self._why_lines: dict = {}  # (scenario, what a session has) -> the why lines it can use, see _finish
        # the first alternative setup whose forms this run can play (none: the form waits for chance)
        self.setup = {f.name: next((alt for alt in f.setup
                                    if all(FORMS[x].tool in settings.tools and x in grammar.forms for x in alt)), ())
                      for f in usable}
        # tools that change nothing: the only ones an aside may use on what the session works on
        self.reading = frozenset(n for n, t in domain.tools.items() if t.reads_only)
        # the tools of a form's setup, whose steps a session plays it on (see _plan); none for a making form's "the
        # same again": its setup is the first go of the final request's own step, played there; and none for a
        # setup that only reads ("open notes.md" before "copy it into revision"): it reads what the final request
        # acts on, after every step before it (the session's mkdir of 'revision' included)
        self.setup_tools = {f: frozenset() if _makes_again(FORMS[f]) or all(FORMS[x].tool in self.reading for x in alt)
                            else frozenset(FORMS[x].tool for x in alt) for f, alt in self.setup.items()}
        self.scenarios = self._compile_scenarios(domain, {f.name: f for f in usable})
        # final form -> the scenarios to draw from, each with the steps that may host the form (see _steps)
        self.sessions_for = {f: tuple((sc, self._finals(f, sc)) for sc in self._sessions_for(f)) for f in self.forms}
        self.making = frozenset(f.name for f in FORMS.values() if _makes(f))
        # tools that change where later calls act (cd): one of them on nothing in particular (going back up)
        # serves no purpose a session could give, so it never ends with a why line
        self.moving = frozenset(n for n, t in domain.tools.items() if t.moves)
        sched = Rand(settings.seed, 0x5C4ED)
        self.contextual = sched.shuffled(sorted(f.name for f in usable if f.contextual))
        self.direct = sched.shuffled(sorted(f.name for f in usable if not f.contextual))
        self.surfaces = sched.shuffled(list(SURFACE_STYLES))
        self.phase = sched.random()
        self.length_phase = sched.below(1000)
        if not self.forms:
            raise ValueError("no usable forms: the grammar has no phrasings for the chosen tools")

    def target(self, index: int) -> tuple[str, int, str]:
        """(final form, prior exchanges, surface style) for conversation `index`, by schedule."""
        s = self.s
        share = s.context_share if self.contextual else 0.0
        share = share if self.direct else 1.0
        before = int(index * share + self.phase)  # int() is floor here: the values are never negative
        if int((index + 1) * share + self.phase) > before:
            form = self.contextual[before % len(self.contextual)]
        else:
            form = self.direct[(index - before) % len(self.direct)]
        prior = s.min_prior + (index + self.length_phase) % (s.max_prior - s.min_prior + 1)
        return form, prior, self.surfaces[index % len(self.surfaces)]

    STEP_CONTEXT = 0.9  # share of a session's steps asked by referring back, when their forms can
    ASIDE_CONTEXT = 0.9  # share of a session's unrelated requests that refer back (when one can)
    WHY = 0.5  # share of a session's earlier requests that end with one of its why lines (people explain some steps)
    RETRIES = 3  # fresh starts (each from its own stream) when the wanted request cannot be played

    def conversation(self, index: int, side: str = "any") -> Dialogue:
        """side: 'any'; 'train' (never a held-out phrasing); 'test' (final request in a held-out phrasing).
        When the wanted request cannot be played at the end (its setup copied a picture, say, and "open the
        copy" needs a text file), the conversation starts again from a stream of its own, so the schedule's
        share of context-dependent requests holds; and so it does when a session would end removing or moving
        something off its own objects (a placeholder session deleting a folder '2019')."""
        want, prior, surface = self.target(index)
        if side == "test" and not self.g.has_held_out(want):
            want = next((f for f in self.contextual + self.direct if self.g.has_held_out(f)), want)
        in_context = self.in_context
        for attempt in range(self.RETRIES):
            r = Rand(self.s.seed, index) if attempt == 0 else Rand(self.s.seed, index, attempt)
            d = self._attempt(index, side, want, prior, surface, r)
            if (d.turns[-1].form in in_context) == (want in in_context) and \
                    not (d.scenario and not d.turns[-1].step and d.turns[-1].form in self.changing):
                break  # (a session does not end removing or making something it never set out to: started again)
        return d

    def _compile_scenarios(self, domain: Domain, usable: dict):
        """The domain's scenarios with this run's forms: steps whose tools the run lacks are left out, and a
        scenario with none left, or without a step it cannot do without, is too."""
        plans = []
        again = {n for n, f in usable.items() if _makes_again(f)}  # only a step that repeats offers them
        by_tool: dict = {}
        for n, f in usable.items():
            by_tool.setdefault(f.tool, []).append(n)
        for sc in domain.scenarios:
            steps = []
            for st in sc.steps:
                forms = [usable[f] for f in st.forms if f in usable and (st.repeat or f not in again)]
                if not forms and not st.optional:
                    steps = []  # a step the session cannot do without (compare drafts without diff): not this run's
                    break
                if forms:
                    focus = domain.object_filter(st.on, sc.where) if st.on and domain.object_filter else None
                    tools = frozenset(f.tool for f in forms)
                    kin = frozenset(n for t in tools for n in by_tool[t] if st.repeat or n not in again)
                    steps.append(StepPlan(menu(forms), menu([f for f in forms if f.contextual]), focus, st.optional,
                                          st.repeat, tools, st.text, frozenset(f.name for f in forms), kin))
            if steps:  # each say line with the slots it names, worked out once
                holds = tuple(dict.fromkeys(st.focus.holds for st in steps if getattr(st.focus, "holds", None)))
                plans.append(ScenarioPlan(sc.name, sc.where, tuple((x, frozenset(_slots_in(x))) for x in sc.say),
                                          tuple(steps), tuple((x, frozenset(_slots_in(x)),
                                                               tuple(sorted(_slots_in(x) - {"place"})), tools)
                                                              for x, tools in zip(sc.why, sc.why_tools or
                                                                                  (None,) * len(sc.why))), holds))
        return tuple(plans)

    def _sessions_for(self, want: str) -> tuple:
        """The scenarios a session whose last request is form `want` is drawn from: those with a step of that
        form, else of its tool, else any; and of those, when the request needs a setup, the ones whose steps
        use the setup's tools too ("create notes.md, then move it" belongs in a session that makes files), and
        that can end on it without leaving out a step it needs (see _finals)."""
        tool = self.all_forms[want].tool
        with_tool = tuple(sc for sc in self.scenarios if any(tool in st.tools for st in sc.steps))
        found = tuple(sc for sc in with_tool if any(want in st.forms and _hosts(st) for st in sc.steps)) \
            or tuple(sc for sc in with_tool if any(want in st.kin and _hosts(st) for st in sc.steps)) \
            or with_tool or self.scenarios
        needs = {self.all_forms[f].tool for f in self.setup.get(want, ())}
        found = tuple(sc for sc in found if needs <= {t for st in sc.steps for t in st.tools}) or found
        tools = self.setup_tools.get(want)
        if not tools:
            return found
        return tuple(sc for sc in found if any(_keeps_its_steps(sc.steps, i, tools)
                                               for i in self._finals(want, sc))) or found

    def _finals(self, want: str, sc: ScenarioPlan) -> list[int]:
        """The steps of `sc` a session whose last request is form `want` may end at: those of that form (else of
        its tool) that can host it, else any of them, with room before them for the run's shortest conversation
        when some have."""
        steps = sc.steps
        finals = [i for i, st in enumerate(steps) if want in st.forms and _hosts(st)] \
            or [i for i, st in enumerate(steps) if want in st.kin and _hosts(st)] \
            or [i for i, st in enumerate(steps) if want in st.forms] \
            or [i for i, st in enumerate(steps) if want in st.kin]
        # a request set up by a step before it ("go into the folder we made" right after its mkdir) ends the
        # session where that step is played (_plan): not at a step a required one would have had to come before
        # (a paperwork session that makes 'to-file', steps inside and never files anything)
        tools = self.setup_tools.get(want)
        if tools:
            finals = [i for i in finals if _keeps_its_steps(steps, i, tools)] or finals
        return [i for i in finals if i >= self.s.min_prior] or finals

    def _steps(self, want: str, r: Rand):
        """(scenario, the steps before the final request, the final request's step or None) for a session
        whose last request is form `want`, ending at one of its _finals (the end of the scenario without one)."""
        sessions = self.sessions_for[want]
        if not sessions:
            return None, [], None
        sc, finals = sessions[floor(r.random() * len(sessions))]
        steps = sc.steps
        k = finals[floor(r.random() * len(finals))] if finals else len(steps)
        before = []
        for st in steps[:k]:
            if st.optional and r.random() < 0.5:
                continue
            before.append(st)
            if st.repeat and r.random() < 0.5:
                before.append(st)
        return sc, before, steps[k] if k < len(steps) else None

    def _plan(self, sc: ScenarioPlan, steps: list, want: str, r: Rand) -> tuple[list, dict]:
        """A session's earlier turns (its steps, with None for an unrelated request) within the run's length
        bounds, and tool -> the step a setup turn of that tool plays.  The first step the final request's
        setup plays (its mkdir before "go into the folder we made") is played there, on the step's objects,
        and the session's plan ends before it: what came after it in the scenario needed it first ("move the
        papers into the new folder").  Never the scenario's entry step ("go into downloads" starts it)."""
        s = self.s
        setup = self.setup[want]
        tools = self.setup_tools[want]
        by_setup: dict = {}
        if tools:
            entry = sc.steps[0]
            cut = _setup_step(steps, entry, tools)
            planned = set(steps)  # (StepPlans compare by identity)
            for st in steps[cut:] + [x for x in sc.steps if x not in planned]:  # its own steps, then later ones
                if st is not entry and not tools.isdisjoint(st.tools):
                    for tool in st.tools & tools:
                        by_setup.setdefault(tool, st)
            steps = steps[:cut]
        p = s.random_turns
        if p >= 1:  # every earlier turn an unrelated request
            plan = [None] * len(steps)
        else:  # per step a geometric number of unrelated requests (mean p/(1-p)): p of all turns, after the first
            plan = list(steps)
            for _ in steps:
                extra = 0
                while extra < s.max_prior and r.random() < p:
                    extra += 1
                    plan.insert(1 + floor(r.random() * len(plan)), None)
        room = s.max_prior - min(len(setup), s.max_prior)
        while len(plan) > room and None in plan:  # too long: unrelated requests go first
            plan.reverse()
            plan.remove(None)
            plan.reverse()
        if len(plan) > room:  # then optional steps and second goes, earliest first: the steps just before the
            for st in plan[1:]:  # final request are what it builds on (the mkdir of the folder it files into)
                if st.optional or st.repeat and plan.count(st) > 1:
                    plan.remove(st)
                    if len(plan) <= room:
                        break
        del plan[room:]
        while len(plan) + len(setup) < s.min_prior:
            plan.append(None)
        return plan, by_setup

    def _attempt(self, index: int, side: str, want: str, prior: int, surface: str, r: Rand) -> Dialogue:
        FORMS = self.all_forms
        sc, steps, last = self._steps(want, r)
        fs, start = (self.domain.new_state(r, self.keep_start, sc.where, sc.holds) if sc is not None
                     else self.domain.new_state(r, self.keep_start))
        d = self.domain.new_discourse()
        setup = self.setup.get(want, ())
        s = self.s
        place = self.domain.place_of(fs, sc.where) if sc is not None and sc.where and self.domain.place_of else None
        if sc is None:  # the scheduled length, its last turns the setup's
            plan, by_setup = [None] * (max(prior, min(len(setup), s.max_prior)) - min(len(setup), s.max_prior)), {}
        else:
            plan, by_setup = self._plan(sc, steps, want, r)
        prior = len(plan) + min(len(setup), s.max_prior)
        if FORMS[want].opening:
            prior, plan = 0, []  # a request that only opens a conversation is asked with nothing before it
        turns: list[Turn] = []
        whys: list[int] = []  # turns of the session that end with a sentence saying what they are for
        hist_side = "train" if side == "train" else "any"
        on_turn = self.domain.on_turn
        context_share = s.context_share
        notes = self.notes
        # a session's requests use phrasings without a story of their own (see below)
        bare = True if sc is not None else None
        final = None
        for t in range(prior):
            if on_turn is not None:
                on_turn(fs, prior - t)
            if t == len(plan) and sc is not None and last is not None and turns:
                # the session may already have given the final request what it needs ("it" is the log it
                # just read): then it is asked now, without a setup of its own
                if on_turn is not None:
                    on_turn(fs, 0)
                final = self._final_on(want, last, fs, d, r)
                if final is not None:
                    break
                if on_turn is not None:
                    on_turn(fs, prior - t)
            action = None
            step = ""
            if t >= len(plan):  # the final request's setup, on its objects (or on those of the step it plays)
                form = setup[len(setup) - (prior - t)]
                tool = FORMS[form].tool
                # a setup that only reads ("open x" before "delete it") reads what the final request acts on;
                # one that makes something makes it as the scenario's step that makes such things does
                st = last if last is not None and tool in self.reading else by_setup.get(tool, last)
                needs = FORMS[want].setup_on
                if needs is not None:
                    d.focus = needs
                elif st is not None and st is not last and last is not None and FORMS[want].tool in self.reading:
                    # made by its own step for a request that then reads it ("copy notes.md as notes_v2.md", "open
                    # the copy"): on what both steps act on (not a copy of the slides a step files away)
                    d.focus = self._both(st.focus, last.focus)
                elif st is not None:
                    d.focus = st.focus
                action = pick(self.setup_menus[form], fs, d, r)
                if action is not None and st is not None and action.tool in st.tools \
                        and not self._fits(action, st.focus, fs, d):
                    # off the step's objects (a new file written where the session fills the to-do list it
                    # made): the step itself, with the same tool, sets the final request up on them instead
                    own = self._play(st, fs, d, r)
                    action = own if own is not None and own.tool == action.tool else action
                if action is not None:  # planned for the final request: part of the session, on its objects or not
                    step = ("" if st is None else st.text if action.tool in st.tools
                            and self._fits(action, st.focus, fs, d) else "setup for " + st.text)
                    step = step or "setup"
            elif plan[t] is not None:
                st = plan[t]
                d.focus = st.focus
                action = self._play(st, fs, d, r)
                step = st.text
                if action is None and turns:
                    d.focus = None
                    continue  # a step this tree does not allow (no second draft to compare): skipped, not replaced
            d.focus = None
            if action is None:
                step = ""
                if sc is not None:  # the first turn too: a session's unrelated request only looks
                    action = self._aside(fs, d, r, turns)
                    if action is None:
                        continue  # no aside fits the session here: one turn fewer
                else:
                    if t > 0 and r.random() < context_share:
                        action = pick(self.context_menu, fs, d, r)
                    if action is None:
                        action = pick(self.menu, fs, d, r)
            if action is None:
                break  # nothing legal is left for these tools: the conversation ends here
            # a session says what it is for in its own words (say and why lines): its requests use phrasings
            # without a story of their own, which would contradict it ("a place for the backups" for 'tests')
            turn = self._say(action, SURFACE_STYLES[floor(r.random() * len(SURFACE_STYLES))], r, hist_side, step, bare)
            if turns and step and not step.startswith("setup") and self.g.is_bare(turn.template) \
                    and r.random() < self.WHY:
                whys.append(len(turns))
            turns.append(turn)
            path = fs.path()
            fs.apply_planned(action.tool, action.args)
            d.record(action, path, notes[action.form])
        if on_turn is not None:
            on_turn(fs, 0)
        if final is None and last is not None:  # the final request on the objects of its step, or on any
            final = self._final_on(want, last, fs, d, r)
            if final is None and want in self.in_context and side != "test":
                # else another request of its step that builds on earlier turns ("the same for x" where there is
                # no "it" to move: the office drafts are not read first): the session still does what it is for
                final = self._step_on(last, pick, last.context_menu, fs, d, r)
        step = last.text if final is not None else ""
        if final is None:  # off the session's objects: sparing what it made or worked on, as an aside does
            final = (self._sparing(turns, choose, FORMS[want], fs, d, r) if sc is not None
                     else choose(FORMS[want], fs, d, r))
        if final is None:
            same_kind = self._same_kind(want in self.in_context, side == "test")
            if sc is not None:  # like an aside: a request that makes or removes nothing ("open x", "go back up"),
                # sparing what the session made or worked on when it can (no new 'recipe-app.md' in a temp clean-up)
                quiet = self._same_kind(want in self.in_context, side == "test", quiet=True)
                final = self._sparing(turns, pick, quiet, fs, d, r) \
                    or self._sparing(turns, pick, same_kind, fs, d, r) \
                    or self._sparing(turns, pick, self.menu, fs, d, r)
            final = final or pick(same_kind, fs, d, r) or pick(self.menu, fs, d, r)
        if final is None:
            raise NoLegalRequest(f"conversation {index}: no request can be made at its last turn: the chosen tools "
                                 f"(or the rules in a job's domain.yaml) leave none legal there; choose more tools")
        # the request a model must answer, in a session in a bare line with the session's own reason, as every
        # request before it: a line with a story of its own would disagree with the session one time in two
        # ("I went one folder too deep" ending a hand-over, "a home for the grant application" for 'drafts')
        turns.append(self._say(final, surface, r, "heldout" if side == "test" else hist_side, step, bare))
        # a held-out test request (--split-by template) is all held-out words: no say or why line of the session
        held_out = side == "test"
        if len(turns) > 1 and step and not held_out and self.g.is_bare(turns[-1].template):
            whys.append(len(turns) - 1)  # a bare final request always says why: it is the one a model reads
        if sc is not None:
            self._finish(turns, sc, place, whys, r, held_out)
        return Dialogue(index, tuple(turns), start, sc.name if sc is not None else "")

    def _fits(self, a: Action, focus, fs, d) -> bool:
        """Whether action `a` acts on what a step's focus names (plays that pick from their own lists, such as
        "the same for x", do not all ask the focus).  What a making form creates does not exist yet to be
        tested: its name came from the step's shapes."""
        test = focus.test if focus is not None else None
        return test is None or a.subject is None or a.form in self.making or test(fs, d, a.subject[0])

    def _final_on(self, want: str, last: StepPlan, fs, d, r: Rand):
        """The final request played on the objects of its step (`last`), or None."""
        return self._step_on(last, choose, self.all_forms[want], fs, d, r)

    def _both(self, first, second):
        """Focus `first` acting only on what `second` acts on too (None: no focus; made once per pair)."""
        if first is None or second is None or second.test is None:
            return first or second
        got = self._joined.get((first, second))
        if got is None:
            a, b = first.test, second.test
            test = b if a is None else lambda fs, d, n: a(fs, d, n) and b(fs, d, n)
            got = self._joined[first, second] = replace(first, test=test)
        return got

    def _step_on(self, st: StepPlan, draw, what, fs, d, r: Rand):
        """draw(what, fs, d, r) (pick from a menu, or choose a form) on the objects of step `st`, or None."""
        d.focus = st.focus
        a = draw(what, fs, d, r)
        d.focus = None
        return a if a is not None and self._fits(a, st.focus, fs, d) else None

    def _aside(self, fs, d, r: Rand, turns: list):
        """An unrelated request in a session: it stays in the session's folder, only looks, and mostly builds
        on what is there ("and what's at the end of it?").  Before the session has begun, it only looks around
        ("what's in here?", then "something in my settings is off; into 'config'"), not into a file of no
        concern to what comes ("show me .npmrc" before the session says what it is for)."""
        for t in turns:
            if t.step:
                break
        else:
            return pick(self.looking_around, fs, d, r)
        return (r.random() < self.ASIDE_CONTEXT and pick(self.aside_context_menu, fs, d, r)) \
            or pick(self.aside_menu, fs, d, r)

    def _sparing(self, turns: list, draw, *args):
        """The first of up to three draws, draw(*args), that changes nothing the session's own steps made or
        worked on, other than by reading it (no "delete the folder we made" while building it, no overwriting
        the log under investigation): what a final request off the session's plan may do.  None when none does."""
        ours = {t.subject[0] for t in turns if t.step and t.subject is not None}
        for _ in range(3):  # draw and its arguments, not a lambda: one would make _attempt's locals cells
            a = draw(*args)
            if a is None or a.tool in self.reading:
                return a
            # nor put anything into them (no .DS_Store copied into the folder made for the accountant)
            for v in a.args.values():  # a loop: a generator reading `ours` would make it a cell, and a closure
                if v.__class__ is str and v in ours:
                    break
            else:
                return a
        return None

    def _play(self, st: StepPlan, fs, d, r: Rand):
        """A legal action of step `st` on its objects, or None."""
        if st.context_menu and r.random() < self.STEP_CONTEXT:  # in a session people say "now search it"
            a = pick(st.context_menu, fs, d, r)
            if a is not None and self._fits(a, st.focus, fs, d):
                return a
        for _ in range(3):
            a = pick(st.menu, fs, d, r)
            if a is None:
                return None
            if self._fits(a, st.focus, fs, d):
                return a
        return None

    def _finish(self, turns: list, sc: ScenarioPlan, place: str | None, whys: list, r: Rand,
                held_out: bool = False) -> None:
        """Say what the session is for: its first request led by a say line naming what the user already
        knows the session will be about (its place, the first thing it makes, the first file it works on:
        "Old documents like budget.pdf go into 'archive_2024'. ..."), and the turns in `whys` ended by a why
        line of the scenario ("That folder is for everything from last year.")."""
        said = {"place": place} if place else {}  # what the session's lines may name: slot -> its value
        making, creating = self.making, self.creating
        named: set = set()  # names earlier calls gave besides their subject: new copies, new names
        at = None  # the first request of the session's own (an aside may come first when the first step cannot be played)
        looked = None  # the first file of the session's that a step only read: its object when none acts on one
        reading = self.reading
        # (each turn unpacked once: a Turn's field read takes the generic attribute path)
        for i, (_, tool, args, form, _, _, step, subject) in enumerate(turns):
            # only what the session's own steps act on after its first request is what the user set out to do
            later = False
            if step and step[:5] != "setup":
                if at is None:
                    at = i
                else:
                    later = True
            if subject is None:
                for v in args.values():
                    if v.__class__ is str:
                        named.add(v)
                continue
            name = subject[0]
            if later:
                if form in making:
                    said.setdefault("made", name)
                elif not subject[1] and name not in named:  # a file the user had before the session
                    # the one the session acts on first ("renaming the notes, starting with standup.md" renames
                    # it), else the first it reads
                    if tool not in reading:
                        said.setdefault("object", name)
                    elif looked is None:
                        looked = name
            for v in args.values():
                if v.__class__ is str and v != name:
                    named.add(v)
            if not step or form in creating:
                # made here (or rewritten), or what an unrelated request was about: not the session's own file
                named.add(name)
        if at is None and turns[0].step:
            at = 0  # a session of setups only: its first
        if looked is not None and "object" not in said:
            said["object"] = looked
        have = frozenset(said)
        if sc.say and at is not None and not (held_out and at == len(turns) - 1):
            key = (sc.name, have)
            found = self._say_lines.get(key)
            if found is None:  # the lines a session with these things can say, and those naming all of them
                lines = [x for x in sc.say if x[1] <= have]
                most = max((len(x[1]) for x in lines), default=0)
                found = self._say_lines[key] = (lines, [x for x in lines if len(x[1]) == most])
            lines, richest = found
            if lines:
                if r.random() < 0.9:  # mostly a line that names all the session knows: people say what they are after
                    lines = richest
                turns[at] = self._lead(turns[at], _words(lines[floor(r.random() * len(lines))][0], said, r))
        if whys and sc.why:
            key = (sc.name, have)
            lines = self._why_lines.get(key)
            if lines is None:
                lines = self._why_lines[key] = tuple(x for x in sc.why if x[1] <= have)
            used: set = set()  # never the same reason twice in a session
            moving = self.moving
            for t in whys:
                if t == at or len(used) == len(lines):
                    continue  # it says what the session is for already
                text, tool, args, form, _, _, _, subject = turn = turns[t]
                says = None if form in self.in_context else text  # (see _why_fits)
                if subject is None and tool in moving:
                    continue  # "go back up. I need the disk space back." gives a reason for nothing
                values = args.values()
                x = None
                for _ in range(4):  # a uniform draw among the lines that fit: drawn and kept if it fits, ...
                    k = floor(r.random() * len(lines))
                    y = lines[k]
                    if k not in used and _why_fits(y, tool, form, subject, said, values, says):
                        x = y
                        break
                else:  # ... else drawn from the list of those that fit (seldom made)
                    fit = [k for k, y in enumerate(lines) if k not in used
                           and _why_fits(y, tool, form, subject, said, values, says)]
                    if fit:
                        k = fit[floor(r.random() * len(fit))]
                        x = lines[k]
                if x is None:
                    continue
                used.add(k)
                if text[-1:] not in (".", "?", "!"):
                    text += "."
                turns[t] = _with_text(turn, f"{text} {_words(x[0], said, r)}")

    @staticmethod
    def _lead(turn: Turn, lead: str) -> Turn:
        text = turn.text
        if text[:1].islower():  # capitalised after the lead, unless it starts with a name
            first = text.split(" ", 1)[0]
            for v in turn.args.values():  # a loop: a generator reading `first` would make it a cell, and a closure
                if v.__class__ is str and v and v in first:
                    break
            else:
                text = text[0].upper() + text[1:]
        return _with_text(turn, f"{lead} {text}")

    def _same_kind(self, contextual: bool, test: bool, quiet: bool = False):
        """The menu of this run's contextual (or direct) forms, only those with a held-out phrasing for test
        requests, and with `quiet` only those that make and remove nothing: what a final request falls back
        to when the scheduled form cannot be played (made once)."""
        got = self._fallback.get((contextual, test, quiet))
        if got is None:
            got = self._fallback[contextual, test, quiet] = menu([
                self.all_forms[f] for f in (self.contextual if contextual else self.direct)
                if (not test or self.g.has_held_out(f)) and not (quiet and (f in self.removing or f in self.creating))])
        return got

    def _say(self, a: Action, surface: str, r: Rand, side: str, step: str = "", bare: bool | None = None) -> Turn:
        noise = "none"
        if r.random() < self.s.noise:
            noise = ("typo", "casing")[floor(r.random() * 2)]
        # an exact form's phrasing must set exactly the arguments the play chose
        only = frozenset(a.slots) if a.form in self.exact else None
        text, tmpl = self.g.render(a.form, surface, a.slots, r, side, noise, a.subject, only, bare)
        return _new_tuple(Turn, (text, a.tool, a.args, a.form, tmpl.surface, tmpl.id, step, a.subject))

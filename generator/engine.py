"""One conversation from (seed, index): world -> planner -> grammar -> fs, turn after turn.

Every conversation draws its randomness from Rand(seed, index) only, so any conversation can be made
alone, in any process, in any order.  Which form the final turn asks for, how many turns come before it
and in which surface style it is phrased follow a seeded schedule over the index: for small n every
form, style and length appears before any repeats (cover before repeating); for large n the mix
stays balanced.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .domains.base import Action, Domain
from .domains.filesystem import DEFAULT_PRESET, DOMAIN as FILESYSTEM, PRESETS
from .forms import SURFACE_STYLES
from .grammar import Grammar
from .planner import choose, menu, pick, record
from .rng import Rand


@dataclass(frozen=True)
class Settings:
    seed: int = 1
    tools: tuple[str, ...] = PRESETS[DEFAULT_PRESET]
    min_prior: int = 1  # prior user/assistant exchanges before the final request
    max_prior: int = 5
    context_share: float = 0.4  # share of final requests that can only be answered from earlier turns
    noise: float = 0.08  # share of user turns with a typo or casing noise


class NoLegalRequest(RuntimeError):
    """No request can be planned at some turn: the domain's rules forbid every one (a user's domain.yaml)."""


class Turn(NamedTuple):
    text: str
    tool: str
    args: dict
    form: str
    surface: str
    template: str  # template id


class Dialogue(NamedTuple):  # NamedTuples here and in Turn: one per conversation, cheap to make
    index: int
    turns: tuple[Turn, ...]  # the last one is the request to answer; its call is the answer
    start: object  # the starting state (a tree), for exports that replay the conversation; None if the domain has none

    @property
    def answer(self) -> Turn:
        return self.turns[-1]


class Engine:
    """Compiled once per run; `conversation(index, side)` is then a pure function."""

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
        usable = [f for f in FORMS.values() if f.tool in settings.tools and f.name in grammar.forms]
        self.forms = [f.name for f in usable]
        self.menu = menu(usable)
        # earlier turns lean on the conversation as often as final requests do ("and the kitchen too")
        self.context_menu = menu([f for f in usable if f.contextual])
        self.setup_menus = {f.name: menu([f]) for f in usable}
        self._fallback: dict = {}  # (contextual, test) -> menu, see _same_kind
        # the first alternative setup whose forms this run can play (none: the form waits for chance)
        self.setup = {f.name: next((alt for alt in f.setup
                                    if all(FORMS[x].tool in settings.tools and x in grammar.forms for x in alt)), ())
                      for f in usable}
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

    RETRIES = 3  # fresh starts (each from its own stream) when the wanted request cannot be played

    def conversation(self, index: int, side: str = "any") -> Dialogue:
        """side: 'any'; 'train' (never a held-out phrasing); 'test' (final request in a held-out phrasing).
        When the wanted request cannot be played at the end (its setup copied a picture, say, and "open the
        copy" needs a text file), the conversation starts again from a stream of its own, so the schedule's
        share of context-dependent requests holds."""
        want, prior, surface = self.target(index)
        if side == "test" and not self.g.has_held_out(want):
            want = next((f for f in self.contextual + self.direct if self.g.has_held_out(f)), want)
        in_context = self.in_context
        for attempt in range(self.RETRIES):
            r = Rand(self.s.seed, index) if attempt == 0 else Rand(self.s.seed, index, attempt)
            d = self._attempt(index, side, want, prior, surface, r)
            if (d.turns[-1].form in in_context) == (want in in_context):
                break
        return d

    def _attempt(self, index: int, side: str, want: str, prior: int, surface: str, r: Rand) -> Dialogue:
        FORMS = self.all_forms
        fs, start = self.domain.new_state(r, self.keep_start)
        d = self.domain.new_discourse()
        setup = self.setup.get(want, ())
        prior = max(prior, min(len(setup), self.s.max_prior))  # room for the whole setup before the request
        if FORMS[want].opening:
            prior = 0  # a request that only opens a conversation is asked with nothing before it
        turns: list[Turn] = []
        hist_side = "train" if side == "train" else "any"
        on_turn = self.domain.on_turn
        context_share = self.s.context_share
        for t in range(prior):
            if on_turn is not None:
                on_turn(fs, prior - t)
            forced = len(setup) > 0 and prior - t <= len(setup)
            action = None
            if forced:
                action = pick(self.setup_menus[setup[len(setup) - (prior - t)]], fs, d, r)
            if action is None and t > 0 and r.chance(context_share):
                action = pick(self.context_menu, fs, d, r)
            if action is None:
                action = pick(self.menu, fs, d, r)
            if action is None:
                break  # nothing legal is left for these tools: the conversation ends here
            turns.append(self._say(action, r.choice(SURFACE_STYLES), r, hist_side))
            path = fs.path()
            fs.apply(action.tool, action.args)
            record(d, action, path, FORMS[action.form])
        if on_turn is not None:
            on_turn(fs, 0)
        final = choose(FORMS[want], fs, d, r)
        if final is None:
            same_kind = self._same_kind(want in self.in_context, side == "test")
            final = pick(same_kind, fs, d, r) or pick(self.menu, fs, d, r)
        if final is None:
            raise NoLegalRequest(f"conversation {index}: no request can be made at its last turn (the rules in "
                                 f"domain.yaml forbid every tool there)")
        turns.append(self._say(final, surface, r, "heldout" if side == "test" else hist_side))
        return Dialogue(index, tuple(turns), start)

    def _same_kind(self, contextual: bool, test: bool):
        """The menu of this run's contextual (or direct) forms, only those with a held-out phrasing for test
        requests: what a final request falls back to when the scheduled form cannot be played (made once)."""
        got = self._fallback.get((contextual, test))
        if got is None:
            got = self._fallback[contextual, test] = menu([
                self.all_forms[f] for f in (self.contextual if contextual else self.direct)
                if not test or self.g.has_held_out(f)])
        return got

    def _say(self, a: Action, surface: str, r: Rand, side: str) -> Turn:
        noise = "none"
        if r.chance(self.s.noise):
            noise = r.choice(("typo", "casing"))
        # an exact form's phrasing must set exactly the arguments the play chose
        only = frozenset(a.slots) if a.form in self.exact else None
        text, tmpl = self.g.render(a.form, surface, a.slots, r, side, noise, a.subject, only)
        return Turn(text, a.tool, a.args, a.form, tmpl.surface, tmpl.id)

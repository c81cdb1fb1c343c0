"""Plans the next user request as a legal action on the simulated state.

For a form the planner asks the form's own play (declared with its tool) for one legal way to play it
right now, chosen uniformly, so that the call is derived from the state and the discourse, never typed.
A context form plays only when its referent is unique.  Knows no tool by name, nothing of phrasing or JSON.
"""
from __future__ import annotations

from math import floor

from .domains.base import Action, Form
from .rng import Rand

__all__ = ["Action", "LOOKED", "choose", "menu", "pick"]

# a note of every call that only looks (the engine adds it to such forms' notes): the discourse keeps these
# calls, as d.looked (tool -> [(folder path, arguments, subject)]), until a call that may change what they show
LOOKED = ("looked", "")


def _again(a: Action, prev, looked, path: str) -> bool:
    """Whether `a` names the same things as the previous call of its tool, in the same folder, or asks again a
    look asked here since anything last changed: it would tell the user nothing new ("open server.log", then
    "read server.log to me"; "compare a.json and b.json", then "b.json vs a.json, what's different?"; "what's
    in exam_prep.md?" twice, a listing between) or take it back (a move, then the move back)."""
    args = a.args
    if prev is not None and a.tool == prev.tool and (args == prev.args or len(args) > 1 and sorted(
            map(str, args.values())) == sorted(map(str, prev.args.values()))):
        return True
    if looked:
        for p, asked, _ in looked.get(a.tool, ()):
            if p == path and asked == args:
                return True
    return False


def choose(form: Form, state, d, r: Rand) -> Action | None:
    """One legal way to play `form` now, chosen uniformly, or None (also when it would repeat the previous
    call)."""
    path = state.path()
    prev = d.prev if d.prev_path == path else None  # "the same for x" refers to it only in its own folder
    a = form.play(state, d, prev, r)
    return None if a is None or _again(a, prev, d.looked, path) else a


Menu = tuple  # plays grouped by tool, tools in name order: what pick() draws from (see menu())


def menu(forms) -> Menu:
    """The plays of `forms` (Form objects) grouped by tool, once: pick() runs for every turn and should not
    regroup them each time."""
    by_tool: dict[str, list] = {}
    for form in forms:
        by_tool.setdefault(form.tool, []).append(form.play)
    return tuple(tuple(by_tool[t]) for t in sorted(by_tool))


def pick(groups: Menu, state, d, r: Rand) -> Action | None:
    """A random legal action from a menu(): a tool uniformly among those with a legal form, then a form
    of it uniformly among the playable ones.  Trying them in a random order and taking the first that
    plays gives the same distribution as listing all, at a fraction of the cost.  A play that would repeat
    the previous call counts as not playable."""
    path = state.path()
    prev = d.prev if d.prev_path == path else None  # as in choose()
    looked = d.looked
    rnd = r.random  # r.below(n) is floor(rnd() * n), inlined: this loop runs for every request
    # lazy Fisher-Yates over tools, then over the tool's forms: the first n (m) are those not tried yet, one
    # that fails is overwritten by the last untried one (in a copy, made at the first failure: most picks
    # play their first try)
    tools = groups
    n = len(tools)
    while n:
        i = floor(rnd() * n)
        left = tools[i]
        m = len(left)
        while m:
            j = floor(rnd() * m)
            a = left[j](state, d, prev, r)
            if a is not None and not _again(a, prev, looked, path):
                return a
            m -= 1
            if left.__class__ is tuple:
                left = list(left)
            left[j] = left[m]
        n -= 1
        if tools is groups:
            tools = list(groups)
        tools[i] = tools[n]
    return None

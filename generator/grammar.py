"""User phrasings as data: load, check and render the template files under grammars/.

A grammar folder holds one `<tool>.txt` per tool plus `lexicon.txt`.  In a tool file, `[form]` opens a
section (forms are listed in generator/forms.py) and every other non-blank, non-# line is one phrasing:

    polite: could you (show|print) [me ]what's in {{ file }}?

`style:` (plain, polite, terse, question, indirect; default plain) tags the surface style.  `(a|b)` picks
one alternative, `[x]` is optional, `{{ slot }}` inserts a slot, `\\(` etc. write a literal bracket.
`~[name]` inserts a shared phrase written once in the folder's `aliases.txt` (`could_you = (Could|Would)
you[ please]`), as Chatette's aliases do.
Each line is compiled once to a Jinja2 template and rendered in Jinja2's immutable sandbox, because a
grammar file is untrusted input.  This module knows nothing of file systems or JSON.
"""
from __future__ import annotations

import hashlib
import operator
import os
import re
import sys
from dataclasses import dataclass, field, fields
from math import floor
from pathlib import Path


from . import cache
from .forms import FORMS as _FS_FORMS, SLOT_SAMPLES, SURFACE_STYLES
from .rng import Rand


class GrammarError(ValueError):
    """A grammar folder that cannot be used; the message names file and line."""


@dataclass(eq=False)
class Template:
    """One phrasing line of a grammar folder, compiled."""
    id: str  # stable across edits elsewhere in the file: hash of form and text
    form: str
    surface: str
    source: str  # the line as written
    path: str
    line: int
    jinja_source: str
    nodes: tuple | None = None  # the direct renderer's tree, for lines that need no Jinja of their own
    uses_kind: bool = True  # whether the line says {{ kind }} (worked out from the subject only then)
    _compiled: "jinja2.Template | None" = field(default=None, repr=False)
    slots: frozenset = frozenset()  # the slots the line says (for forms whose phrasing decides the call's shape)
    bare: bool = False  # a short line that gives no reason of its own (fits a session that has said its purpose)

    def __reduce__(self):
        """(cache.py) Unpickled by __init__, as a line compiled here is made: an instance whose attributes pickle
        restores lives on a dict of its own, whose reads the interpreter does not specialise (read on every
        request, they cost four times as much).  A compiled Jinja template is not pickled: compiled again on use."""
        return Template, tuple(None if f.name == "_compiled" else getattr(self, f.name) for f in fields(self))

    @property
    def jinja(self) -> "jinja2.Template":
        """The line as a template of Jinja2's immutable sandbox (compiled on first use)."""
        if self._compiled is None:
            self._compiled = compile_jinja(self.jinja_source)
        return self._compiled


# ---- the line syntax: (a|b) alternatives, [x] optional, {{ }} / {% %} passed through to Jinja ------
# A line is parsed into Jinja source (what the sandbox renders and `grammar check` verifies) and, when it
# uses nothing but this syntax and plain {{ slot }}s, into a small node tree that `render` walks directly:
# the same text from the same random draws, without Jinja's per-render set-up in the hot loop.  Nodes:
# a str, ("s", slot), ("a", [branch nodes, ...]) for alternatives, ("o", nodes) for an optional part.
_PLAIN_RUN = r"[^\\{}()\[\]|]+"  # text with none of the syntax's characters
# (This pattern and the others only scanning and checking a grammar use are strings, compiled by re on first
# use: a run whose grammar comes from the cache (cache.py) scans nothing and compiles none of them.)


class _Parser:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.n_groups = 0
        self.simple = True  # no Jinja beyond plain slots
        self.plain_run = re.compile(_PLAIN_RUN).match

    def fail(self, msg: str) -> None:
        raise GrammarError(f"column {self.i + 1}: {msg}")

    def parse(self, closers: str = "", opened_at: int = 0, depth: int = 0):
        """Parse until one of `closers`; returns the branches (split on top-level '|'), each as
        (Jinja text, slots it always renders, nodes).  `depth` counts the groups around this one: the
        recursion (here, in Jinja and in the renderers) stays shallow on any input."""
        if depth > MAX_DEPTH:
            self.fail(f"(groups) and [optional parts] nested deeper than {MAX_DEPTH}")
        jin, sure, nodes = [[]], [set()], [[]]
        s = self.s
        while self.i < len(s):
            plain = self.plain_run(s, self.i)
            if plain:  # a run of ordinary text at once (checking it character by character was most of load())
                jin[-1].append(plain.group())
                nodes[-1].append(plain.group())
                self.i = plain.end()
                continue
            c = s[self.i]
            if c == "\\" and self.i + 1 < len(s):
                jin[-1].append(s[self.i + 1])
                nodes[-1].append(s[self.i + 1])
                self.i += 2
            elif s.startswith("{{", self.i) or s.startswith("{%", self.i) or s.startswith("{#", self.i):
                end = {"{{": "}}", "{%": "%}", "{#": "#}"}[s[self.i:self.i + 2]]
                j = s.find(end, self.i + 2)
                if j < 0:
                    self.fail(f"'{s[self.i:self.i + 2]}' is never closed with '{end}'")
                chunk = s[self.i:j + 2]
                if _bracket_depth(chunk) > MAX_DEPTH:
                    self.fail(f"brackets inside '{s[self.i:self.i + 2]}' nested deeper than {MAX_DEPTH}")
                m = re.fullmatch(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}", chunk)
                if m:
                    sure[-1].add(m.group(1))
                    nodes[-1].append(("s", m.group(1)))
                else:
                    self.simple = False
                jin[-1].append(chunk)
                self.i = j + 2
            elif c == "(":
                self.i += 1
                inner = self.parse(")", self.i, depth + 1)
                if len(inner) == 1:  # plain parentheses in the text
                    jin[-1].append("(" + inner[0][0] + ")")
                    sure[-1] |= inner[0][1]
                    nodes[-1] += ["("] + inner[0][2] + [")"]
                else:
                    self.n_groups += 1
                    v = f"_g{self.n_groups}"
                    out = f"{{% with {v} = _k({len(inner)}) %}}"
                    for k, b in enumerate(inner):
                        out += ("{% if " if k == 0 else "{% elif ") + f"{v} == {k} %}}{b[0]}"
                    out += "{% endif %}{% endwith %}"
                    jin[-1].append(out)
                    sure[-1] |= set.intersection(*(b[1] for b in inner))
                    nodes[-1].append(("a", [b[2] for b in inner]))
            elif c == "[":
                self.i += 1
                inner = self.parse("]", self.i, depth + 1)
                if len(inner) != 1:
                    self.fail("'|' inside [optional] text; use [(a|b)]")
                jin[-1].append("{% if _k(2) %}" + inner[0][0] + "{% endif %}")
                nodes[-1].append(("o", inner[0][2]))
            elif c in closers:
                self.i += 1
                return [("".join(j), su, n) for j, su, n in zip(jin, sure, nodes)]
            elif c in ")]":
                self.fail(f"unmatched '{c}'")
            elif c == "|" and closers == ")":
                jin.append([])
                sure.append(set())
                nodes.append([])
                self.i += 1
            else:
                jin[-1].append(c)
                nodes[-1].append(c)
                self.i += 1
        if closers:
            self.i = opened_at - 1
            self.fail(f"'{'(' if closers == ')' else '['}' is never closed with '{closers}'")
        return [("".join(j), su, n) for j, su, n in zip(jin, sure, nodes)]


def _merge(nodes: list) -> tuple:
    """Join neighbouring characters into strings: fewer nodes to walk."""
    out: list = []
    for n in nodes:
        if isinstance(n, str):
            if out and isinstance(out[-1], str):
                out[-1] += n
            else:
                out.append(n)
        elif n[0] == "a":
            out.append(("a", tuple(_merge(b) for b in n[1])))
        elif n[0] == "o":
            out.append(("o", _merge(n[1])))
        else:
            out.append(n)
    return tuple(out)


def compile_line(text: str) -> tuple[str, set[str], tuple | None]:
    """Template line -> (Jinja source, slots present in every rendering, nodes for the direct renderer
    or None when the line needs Jinja itself)."""
    p = _Parser(text)
    branches = p.parse()
    if len(branches) != 1:
        raise GrammarError("column 1: '|' outside of a (group)")
    jinja_src, sure, nodes = branches[0]
    return jinja_src, sure, (_merge(nodes) if p.simple else None)


def _slots_in(nodes) -> set[str]:
    out: set[str] = set()
    for n in nodes:
        if n.__class__ is str:
            continue
        if n[0] == "s":
            out.add(n[1])
        elif n[0] == "a":
            for b in n[1]:
                out |= _slots_in(b)
        else:
            out |= _slots_in(n[1])
    return out


def render_nodes(nodes: tuple, slots: dict, rnd, out: list) -> None:
    """Walk a node tree: the direct renderer for lines that need no Jinja.  `rnd` is a Rand's random: its
    draws are those of the Jinja line's _k = Rand.below, written out (below(n) is floor(rnd() * n), so
    below(2) is 1 exactly when rnd() >= 0.5)."""
    for n in nodes:
        if n.__class__ is str:
            out.append(n)
        elif n[0] == "s":
            out.append(str(slots[n[1]]))
        elif n[0] == "a":
            branches = n[1]
            render_nodes(branches[floor(rnd() * len(branches))], slots, rnd, out)
        elif rnd() >= 0.5:
            render_nodes(n[1], slots, rnd, out)


_SLOT = r"\{\{[^}]*\}\}"
_FIRST_READING = lambda m: m.group(1).partition("|")[0]  # noqa: E731 - a group as its first alternative
_INNER_GROUP = r"[(\[]([^()\[\]]*)[)\]]"
_REASON = (r"(?i)[;:]|[.?!] \S|, (so|because|since|as|where|then|I|my|we|our|it|the|that|time)\b|\b(because|since|"
           r"so|so that|unless|in case|ahead of|figuring|for (the|my|our|a|an)|before|after|otherwise|while|until|when|if|"
           r"to (hold|put|keep|collect)|"
           r"drafts|receipts|band|tax|conference|chore|desktop|finished|project|client|team)\b|"
           r"\b(?!(?:what|that|it|let|there|here|who|where|how)'s)\w+'s\b")  # Maria's, not what's


def is_bare(body: str) -> bool:
    """Whether a phrasing is short and gives no reason of its own ("Create a folder called {{ name }}."), as
    opposed to one that brings its own story ("... for the tax receipts"): in a session that has said what it
    is for, a request with another story would contradict it."""
    # the line's first reading: its innermost groups, then the ones around them, each as its first
    # alternative; every group's alternatives are kept, so that none may tell a story either, at any depth
    # ("(?|? The current name was only a placeholder.)", "folder(.|; (I want to|I'm keen to) go ... lunch.)")
    text = re.sub(_SLOT, "X", body)
    groups: list[str] = []
    for _ in range(MAX_DEPTH):
        found = re.findall(_INNER_GROUP, text)
        if not found:
            break
        groups += found
        text = re.sub(_INNER_GROUP, _FIRST_READING, text)
    if len(text.split()) > 11 or re.search(_REASON, text):
        return False  # (most lines stop here: checked first, it saves grammar loading a third of its time)
    return not any(re.search(_REASON, piece) for group in groups for piece in group.split("|"))


_STYLE_TAG = r"^([a-z]+):\s+(.*)$"
_SPACES = re.compile(r"\s+")
_SPACE_PUNCT = re.compile(r"\s+([?.!,;])(?=\s|$)")  # not the dot of ".env"
_GROUP_1 = operator.itemgetter(1)  # a match -> its group 1
# a word said twice because a name starts with it ("move it to to-edit", "into the the-rivers folder"): the
# name is quoted, as a person would write it ("move it to 'to-edit'")
_LEADS = frozenset({"to", "the", "in", "into", "for", "on", "my", "a"})


def quote_values(text: str, values) -> str:
    """`text` saying `values` as a person writes them: a name that starts with the word before it is quoted
    ("to 'to-edit'"), and a value with double quotes in it ({"theme": "dark"}) is not put in double quotes.
    (The values are looked at first: a search of every text would cost more than the rest of its rendering.)"""
    for v in values:
        if v.__class__ is not str:
            continue
        if "-" in v:
            lead = v.partition("-")[0]
            if lead in _LEADS:  # the word on its own ("to to-sort", not "into to-sort"), or opening the text
                if f" {lead} {v}" in text:
                    text = text.replace(f" {lead} {v}", f" {lead} '{v}'")
                said = f"{lead.capitalize()} {v}"
                if text.startswith(said):
                    text = f"{lead.capitalize()} '{v}'" + text[len(said):]
        if '"' in v and f'"{v}"' in text:
            text = text.replace(f'"{v}"', f"`{v}`" if "'" in v else f"'{v}'")
    return text


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for c in text:
        if c in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in ")]}":
            depth -= 1
    return deepest


# ---- a sandbox that also bounds the work and the size of what a line renders --------------------------
# Jinja's sandbox stops a template from reaching Python's internals, not from running forever or filling
# memory ({{ 9**(9**9) }}, {% for i in range(30000000) %}, "x"*10**10).  Grammar lines are phrasings:
# each rendering may take MAX_STEPS calls, filter uses and loop iterations, no number or string it makes
# may be bigger than MAX_INT_BITS / MAX_TEXT, and its output is cut off at MAX_TEXT characters.
MAX_DEPTH = 50  # (groups), [optional parts] and brackets inside {{ }} nested in one another
MAX_TEXT = 2000  # characters of a grammar line, of one rendering, of any string made while rendering
MAX_STEPS = 2000  # calls, filter uses and loop iterations of one rendering
MAX_INT_BITS = 4096
MAX_GRAMMAR_FILE = 4 << 20  # bytes; the shipped files are a few kilobytes
# Filters that cannot make more than they are given (after the checks below); 'random' is left out
# because it would make the output depend on more than the seed, 'center'/'indent' etc. for their widths.
_FILTERS = ("abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "format", "int",
            "join", "last", "length", "list", "lower", "max", "min", "replace", "reverse", "round", "sort",
            "string", "sum", "title", "trim", "truncate", "unique", "upper", "wordcount", "map", "select",
            "reject", "attr")
_NUMBER = r"\d+"
_NESTED_FIELD = r"\{[^{}]*\{"


def _refuse(why: str):
    from jinja2.exceptions import SecurityError

    raise SecurityError(why)


def _check_size(value) -> None:
    if isinstance(value, (str, list, tuple, dict, range)) and len(value) > MAX_TEXT:
        _refuse(f"makes a value of {len(value)} items or characters (the limit is {MAX_TEXT})")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        _refuse(f"makes a number of more than {MAX_INT_BITS} bits")


def _check_format(fmt) -> None:
    """A width or precision in a format string ('%9999999d', '{:>9999999}') makes a string that big."""
    if isinstance(fmt, str):
        for m in re.findall(_NUMBER, fmt):
            if len(m) > 6 or int(m) > MAX_TEXT:
                _refuse(f"formats with a width of {m} (the limit is {MAX_TEXT})")


def _check_args(args, kwargs) -> None:
    for a in (*args, *kwargs.values()):
        if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_TEXT:
            _refuse(f"calls with the number {a} (the limit is {MAX_TEXT})")


def _size(x) -> int:
    return len(x) if isinstance(x, (str, list, tuple)) else 0


_ENV = None


def _env():
    """The bounded immutable sandbox (Jinja is imported only when a line needs it: plain lines never do)."""
    global _ENV
    if _ENV is None:
        _ENV = _make_env()
    return _ENV


def _make_env():
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class BoundedTemplate(jinja2.Template):
        def new_context(self, *args, **kwargs):
            self.environment.steps = 0  # one budget per rendering (renders never run concurrently)
            return super().new_context(*args, **kwargs)

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        template_class = BoundedTemplate
        intercepted_binops = frozenset({"*", "**", "+", "%"})
        steps = 0

        def step(self) -> None:
            self.steps += 1
            if self.steps > MAX_STEPS:
                _refuse(f"takes more than {MAX_STEPS} steps to render")

        def call_binop(self, context, op, left, right):
            self.step()
            ints = isinstance(left, int) and isinstance(right, int)
            if op == "**" and ints and abs(left) > 1 and right > 0 and left.bit_length() * right > MAX_INT_BITS:
                _refuse(f"makes a number of more than {MAX_INT_BITS} bits")
            if op == "*" and ints and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                _refuse(f"makes a number of more than {MAX_INT_BITS} bits")
            if op == "*" and not ints and isinstance(left, int) != isinstance(right, int):
                count, seq = (left, right) if isinstance(left, int) else (right, left)
                if isinstance(count, int) and count > 0 and _size(seq) * count > MAX_TEXT:
                    _refuse(f"makes a value of {_size(seq) * count} items or characters (the limit is {MAX_TEXT})")
            if op == "+" and _size(left) + _size(right) > MAX_TEXT:
                _refuse(f"makes a value of {_size(left) + _size(right)} items or characters (the limit is {MAX_TEXT})")
            if op == "%" and isinstance(left, str):
                _check_format(left)
                if "*" in left:  # '%*d' % (width, x): the width is an argument
                    _check_args(right if isinstance(right, tuple) else (right,), {})
            result = self.binop_table[op](left, right)
            _check_size(result)
            return result

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
            __self.step()
            target = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
            fmt = getattr(target, "__self__", None)
            if isinstance(fmt, str) and getattr(target, "__name__", "") in ("format", "format_map"):
                _check_format(fmt)
                if re.search(_NESTED_FIELD, fmt):  # '{:>{}}'.format(x, width): a width among the arguments
                    _check_args(args, kwargs)
                    for mapping in args:  # format_map({'w': width})
                        if isinstance(mapping, dict):
                            _check_args((), mapping)
            else:  # 'x'.ljust(n), 'x'.zfill(n), range(n), ...
                _check_args(args, kwargs)
            result = super().call(__context, __obj, *args, **kwargs)
            _check_size(result)
            return result

    env = BoundedSandbox(undefined=jinja2.StrictUndefined, autoescape=False)

    def bounded(name, f):
        given = 2 if getattr(f, "jinja_pass_arg", None) else 1  # (context,) value: not parameters

        def run(*args, **kwargs):
            env.step()
            if name == "format":  # '%5s'|format(x): the format string is the value
                _check_format(args[0] if args else None)
                if args and isinstance(args[0], str) and "*" in args[0]:
                    _check_args(args[1:], kwargs)
            else:  # truncate(n), join(d), ...: a size among the parameters
                _check_args(args[given:], kwargs)
            result = f(*args, **kwargs)
            _check_size(result)
            return result
        run.jinja_pass_arg = getattr(f, "jinja_pass_arg", None)  # pass_context / pass_environment
        if run.jinja_pass_arg is None:
            del run.jinja_pass_arg
        return run

    env.filters = {name: bounded(name, env.filters[name]) for name in _FILTERS}

    def loop_items(items):
        for x in items:
            env.step()
            yield x

    def text_join(*parts):
        total = sum(len(p) for p in parts)
        if total > MAX_TEXT:
            _refuse(f"makes a value of {total} items or characters (the limit is {MAX_TEXT})")
        return "".join(parts)

    def bounded_range(*args):
        r = range(*args)
        _check_size(r)
        return r

    env.globals = {"range": bounded_range, "dict": dict, "_loop_items": loop_items, "_join": text_join}
    return env


def _bounded_ast(ast):
    """Route every loop through the step budget and every '~' through the size check."""
    from jinja2 import nodes

    for loop in ast.find_all(nodes.For):
        loop.iter = nodes.Call(nodes.Name("_loop_items", "load"), [loop.iter], [], None, None,
                               lineno=loop.lineno)
    for concat in list(ast.find_all(nodes.Concat)):
        parts = [nodes.Filter(p, "string", [], [], None, None, lineno=concat.lineno) for p in concat.nodes]
        concat.nodes = [nodes.Call(nodes.Name("_join", "load"), parts, [], None, None, lineno=concat.lineno)]
    return ast


def compile_jinja(source: str):
    """A line's Jinja source as a template of the bounded sandbox."""
    env = _env()
    env.steps = 0  # the compiler folds constant filters, which count their steps
    return env.from_string(_bounded_ast(env.parse(source)))


def render_jinja(template, slots: dict, k) -> str:
    """Render with the output cut off past MAX_TEXT characters; raises on any failure or limit."""
    out: list[str] = []
    size = 0
    for chunk in template.generate(slots, _k=k):
        size += len(chunk)
        if size > MAX_TEXT:
            _refuse(f"renders more than {MAX_TEXT} characters")
        out.append(chunk)
    return "".join(out)


@dataclass
class Lexicon:
    """lexicon.txt: the noun said for each kind of file, and the words for ordinals."""
    kinds: dict[str, str] = field(default_factory=dict)  # extension -> noun ('pdf' -> 'document')
    ordinals: dict[int, str] = field(default_factory=dict)

    def __reduce__(self):  # (cache.py) unpickled by __init__: see Template.__reduce__
        return Lexicon, (self.kinds, self.ordinals)

    def kind(self, name: str, is_dir: bool) -> str:
        if is_dir:
            return self.kinds.get("/", "folder")
        whole = self.kinds.get(name.lower())  # a name of its own (requirements.txt: a file, not a note)
        if whole is not None and "." in name:
            return whole
        ext = name.rsplit(".", 1)[1].lower() if "." in name.lstrip(".") else ""
        return self.kinds.get(ext, self.kinds.get("*", "file"))


def default_grammar_dir() -> Path:
    here = Path(__file__).resolve().parent.parent / "grammars" / "filesystem" / "en"
    if here.is_dir():
        return here
    return Path(sys.prefix) / "share" / "mtgen" / "grammars" / "filesystem" / "en"


class Grammar:
    """All templates of one grammar folder, compiled once."""

    def __init__(self, templates: list[Template], lexicon: Lexicon, directory: str) -> None:
        self.directory = directory
        self.templates = templates
        self.lexicon = lexicon
        self.by_form: dict[str, list[Template]] = {}
        for t in templates:
            self.by_form.setdefault(t.form, []).append(t)
        self.held_out: frozenset[str] = frozenset()
        self.aliases: dict[str, str] = {}
        # is_bare(template id): whether the template with this id is a bare line (short, no reason of its own);
        # the set's own lookup, without a method around it (asked for every request of a session)
        self.is_bare = frozenset(t.id for t in templates if t.bare).__contains__
        self._pools: dict[tuple, list[Template]] = {}

    # (cache.py) unpickled by __init__ (see Template.__reduce__), the rest set by __setstate__; its pools are made
    # again on use
    def __reduce__(self):
        return Grammar, (self.templates, self.lexicon, self.directory), (self.aliases, self.held_out)

    def __setstate__(self, state: tuple) -> None:
        self.aliases, self.held_out = state

    @property
    def forms(self) -> set[str]:
        return set(self.by_form)

    # ---- split by template: a seeded share of each form's phrasings is kept for the test side --------
    def hold_out(self, fraction: float, seed: int) -> None:
        held = set()
        for form in sorted(self.by_form):
            ts = sorted(self.by_form[form], key=lambda t: t.id)
            if len(ts) < 2:
                continue
            k = min(len(ts) - 1, max(1, round(len(ts) * fraction)))
            r = Rand(seed, 0x7E57, int(hashlib.sha1(form.encode()).hexdigest()[:8], 16))
            held.update(t.id for t in r.sample(ts, k))
        self.held_out = frozenset(held)
        self._pools.clear()

    def has_held_out(self, form: str) -> bool:
        return any(t.id in self.held_out for t in self.by_form.get(form, ()))

    def _pool(self, form: str, surface: str, side: str, only: frozenset | None = None,
              bare: bool | None = None) -> list[Template]:
        key = (form, surface, side, only, bare)
        pool = self._pools.get(key)
        if pool is None:
            ts = self.by_form[form]
            if only is not None:
                ts = [t for t in ts if t.slots == only]
            if side == "train":
                ts = [t for t in ts if t.id not in self.held_out]
            elif side == "heldout":
                # a form with a single phrasing holds none out; the engine avoids it for test requests,
                # and should nothing else be playable, its one phrasing is better than no row
                ts = [t for t in ts if t.id in self.held_out] or ts
            if bare is not None:  # a preference within the side's lines, never a reason to cross the split
                ts = [t for t in ts if t.bare == bare] or ts
            pool = [t for t in ts if t.surface == surface] or ts
            self._pools[key] = pool
        return pool

    def render(self, form: str, surface: str, slots: dict, r: Rand, side: str = "any",
               noise: str = "none", subject: tuple[str, bool] | None = None,
               only: frozenset | None = None, bare: bool | None = None) -> tuple[str, Template]:
        """User words for `form` with `slots`; side 'train' avoids held-out phrasings, 'heldout' uses only them.
        `subject` (name, is_dir) gives the {{ kind }} slot ('document', 'folder') to lines that use it; an
        int `ordinal` slot is said as a word ('second').  `only`: use only lines that say exactly these slots
        (a form whose phrasing decides which arguments the call sets).  `bare`: prefer short lines that give
        no reason of their own (True), lines that tell one (False), or neither (None)."""
        pool = self._pools.get((form, surface, side, only, bare)) or self._pool(form, surface, side, only, bare)
        if not pool:
            raise GrammarError(f"{self.directory}: no [{form}] phrasing says exactly {', '.join(sorted(only))}")
        t = pool[floor(r.random() * len(pool))]  # r.choice(pool), inlined: a render for every request
        if subject is not None and t.uses_kind and "kind" not in slots:  # a play may say it (rm.ordinal: "file")
            slots = {**slots, "kind": self.lexicon.kind(*subject)}
        if "ordinal" in slots and slots["ordinal"].__class__ is int:
            n = slots["ordinal"]
            slots = {**slots, "ordinal": self.lexicon.ordinals.get(n, f"number {n}")}
        if t.nodes is not None:
            out: list[str] = []
            render_nodes(t.nodes, slots, r.random, out)
            text = "".join(out)
        else:
            try:
                text = render_jinja(t.jinja, slots, r.below)
            except Exception as e:  # noqa: BLE001 - an untrusted line failing on values the check did not try
                raise GrammarError(f"{t.path}:{t.line}: template fails to render: {_why(e)}") from None
        if "  " in text or "\t" in text or "\n" in text:
            text = _SPACES.sub(" ", text)
        # (a mark's own search first where it is seldom in a line: a one-character search is a fraction of the
        # cost of a two-character one)
        if " ." in text or ("?" in text and " ?" in text) or ("," in text and " ," in text) \
                or ("!" in text and " !" in text) or (";" in text and " ;" in text):
            text = _SPACE_PUNCT.sub(_GROUP_1, text)  # a function, not r"\1": re parses a template on every call
        text = text.strip()
        text = quote_values(text, slots.values())
        if noise != "none":
            text = add_noise(text, noise, [str(v) for v in slots.values()], r)
        return text, t


# ---- typo and casing noise that never touches a slot value -----------------------------------------
def _protected(text: str, values: list[str]) -> list[tuple[int, int]]:
    """The spans of `text` that say a slot value (merged, in order): noise never touches them."""
    spans = []
    for v in values:
        if not v:
            continue
        start = text.find(v)
        while start >= 0:
            spans.append((start, start + len(v)))
            start = text.find(v, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


_TYPO_WORD = re.compile(r"[A-Za-z]{5,}")


def add_noise(text: str, kind: str, values: list[str], r: Rand) -> str:
    spans = _protected(text, values)
    if kind == "casing":
        out, at = [], 0
        for a, b in spans:  # lower case between the slot values, the values as they are
            out.append(text[at:a].lower())
            out.append(text[a:b])
            at = b
        out.append(text[at:].lower())
        lowered = "".join(out)
        end = len(lowered)
        guarded = spans[-1][1] if spans else 0  # a trailing '.' or '!' inside a value stays
        while end > guarded and lowered[end - 1] in ".!":
            end -= 1
        return lowered[:end]
    if kind == "typo":
        words = [(m.start(), m.end()) for m in _TYPO_WORD.finditer(text)
                 if not any(a < m.end() and m.start() < b for a, b in spans)]
        if words:
            a, b = r.choice(words)
            k = a + 1 + r.below(b - a - 3)  # swap two inner letters, keep first and last
            return text[:k] + text[k + 1] + text[k] + text[k + 2:]
        return text
    raise ValueError(f"unknown noise kind {kind!r}")


# ---- loading and checking ---------------------------------------------------------------------------
def _why(e: BaseException) -> str:
    """An exception as a short one-line reason."""
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text[:300]}" if text else type(e).__name__


def _read_lines(path: Path) -> list[str]:
    # is_file() first: opening a FIFO would wait for a writer forever, a folder cannot be read
    if not path.is_file():
        raise GrammarError(f"{path}: not a regular file")
    try:
        if path.stat().st_size > MAX_GRAMMAR_FILE:
            raise GrammarError(f"{path}: larger than {MAX_GRAMMAR_FILE >> 20} MB; a grammar file is a few kilobytes")
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as e:
        raise GrammarError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise GrammarError(f"{path}: cannot read ({e.strerror or e})") from None


# ---- aliases: shared phrases written once (like Chatette's), used as ~[name] in any line -------------
_ALIAS_USE = r"~\[([A-Za-z_][A-Za-z0-9_]*)\]"
_ALIAS_DEF = r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)"
MAX_ALIAS_DEPTH = 5


def _data_lines(path: Path, problems: list[str]) -> list[tuple[int, str]]:
    """The numbered, stripped lines of one of the folder's optional data files (lexicon.txt, aliases.txt),
    without blanks and # comments; [] when it is absent, and its problem noted when it cannot be read."""
    if not path.exists() and not path.is_symlink():
        return []
    try:
        lines = _read_lines(path)
    except GrammarError as e:
        problems.append(str(e))
        return []
    return [(n, line.strip()) for n, line in enumerate(lines, 1) if line.strip() and not line.strip().startswith("#")]


def _load_aliases(path: Path, problems: list[str]) -> dict[str, str]:
    """aliases.txt: `name = phrase` per line (the phrase in the line syntax: (a|b), [x]; no slots)."""
    aliases: dict[str, str] = {}
    for n, line in _data_lines(path, problems):
        m = re.fullmatch(_ALIAS_DEF, line)
        if not m or not m.group(2).strip():
            problems.append(f"{path}:{n}: write an alias as 'name = phrase'")
        elif "{{" in m.group(2) or "{%" in m.group(2):
            problems.append(f"{path}:{n}: an alias is a phrase, without {{{{ slots }}}} or Jinja")
        elif m.group(1) in aliases:
            problems.append(f"{path}:{n}: alias '{m.group(1)}' is defined twice")
        else:
            aliases[m.group(1)] = m.group(2).strip()
    return aliases


def expand_aliases(text: str, aliases: dict[str, str]) -> str:
    """`text` with every ~[name] replaced by its phrase (aliases may use aliases, MAX_ALIAS_DEPTH deep);
    GrammarError names an unknown alias, a cycle, or a line grown past MAX_TEXT."""
    for _ in range(MAX_ALIAS_DEPTH + 1):
        names = re.findall(_ALIAS_USE, text)
        if not names:
            return text
        unknown = next((x for x in names if x not in aliases), None)
        if unknown is not None:
            known = ", ".join(sorted(aliases)) or "none: write them in aliases.txt"
            raise GrammarError(f"unknown alias ~[{unknown}] (aliases: {known})")
        text = re.sub(_ALIAS_USE, lambda m: aliases[m.group(1)], text)
        if len(text) > MAX_TEXT:
            raise GrammarError(f"with its aliases the line is longer than {MAX_TEXT} characters")
    raise GrammarError(f"aliases nested deeper than {MAX_ALIAS_DEPTH} (does one use itself?)")


def _load_lexicon(path: Path, problems: list[str]) -> Lexicon:
    lex = Lexicon()
    section = None
    for n, line in _data_lines(path, problems):
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            if section not in ("kinds", "ordinals"):
                problems.append(f"{path}:{n}: unknown lexicon section [{section}] (use [kinds] or [ordinals])")
            continue
        if ":" not in line:
            problems.append(f"{path}:{n}: expected 'keys: word'")
            continue
        keys, word = (x.strip() for x in line.split(":", 1))
        if section == "kinds":
            for k in keys.split():
                lex.kinds[k.lower()] = word
        elif section == "ordinals":
            if not keys.isdigit():
                problems.append(f"{path}:{n}: ordinal key must be a number, got {keys!r}")
                continue
            lex.ordinals[int(keys)] = word
        else:
            problems.append(f"{path}:{n}: entry outside a [kinds] or [ordinals] section")
    return lex


# Values like those generation passes, to reach the branches of lines with Jinja of their own.
_NAME_SAMPLES = ("notes.txt", "q3_report.pdf", "main.py", ".env", "backup.tar.gz", "README", "data 2024.csv",
                 "Photo.JPG", "reports", "src", "My Documents", "x")
_FOLDER_SAMPLES = ("reports", "archive", "src", "My Documents", ".config", "2024", "old_logs", "a")
_ORDINAL_SAMPLES = ("first", "second", "third", "tenth", "number 12")
TRIAL_RENDERS = 64


def _trial_slots(slots: tuple[str, ...], i: int, lexicon: Lexicon, samples: dict | None = None) -> dict:
    if i < 2:
        samples = SLOT_SAMPLES if samples is None else samples
        return {s: samples.get(s, "sample") for s in slots}
    r = Rand(i, 0x5107)
    pools = {"folder": _FOLDER_SAMPLES, "dst": _FOLDER_SAMPLES, "ordinal": _ORDINAL_SAMPLES,
             "kind": sorted({*lexicon.kinds.values(), "file", "folder"})}
    return {s: r.choice(pools.get(s, _NAME_SAMPLES)) for s in slots}


def _always_fails(source: str) -> str | None:
    """Why an expression of the line fails whatever the values and choices ({{ 1/0 }} in a branch the trial
    renderings may not reach), or None."""
    from jinja2 import nodes

    env = _env()
    env.steps = 0  # constant filters run here; the budget is a rendering's, not the whole scan's
    ctx = nodes.EvalContext(env)
    for node in env.parse(source).find_all(nodes.Expr):
        try:
            node.as_const(ctx)
        except nodes.Impossible as e:  # not constant, or constant and failing (then the cause says why)
            if e.__cause__ is not None and not isinstance(e.__cause__, nodes.Impossible):
                return _why(e.__cause__)
        except Exception as e:  # noqa: BLE001
            return _why(e)
    return None


def _trial_renders(template, spec, lexicon: Lexicon, samples: dict | None = None) -> str | None:
    """Render a line on TRIAL_RENDERS sets of choices and slot values, as generation would; returns why the
    first failing one failed (an error, a sandbox or size limit, a required value left out) or None."""
    for i in range(TRIAL_RENDERS):
        slots = _trial_slots(spec.slots, i, lexicon, samples)
        k = (lambda n: n - 1) if i == 0 else (lambda n: 0) if i == 1 else Rand(i, 0x6A7).below
        try:
            text = render_jinja(template, slots, k)
        except Exception as e:  # noqa: BLE001 - any failure of an untrusted template is a report
            return _why(e)
        for s in spec.required:
            if str(slots[s]) not in text:
                return f"with {s} = {slots[s]!r} it says {' '.join(text.split())[:80]!r}, leaving out the {s}"
    return None


def _shared(value, pool: dict):
    """`value` with every string, tuple and frozenset in it replaced by the first equal one in `pool`: the
    ~3,000 lines repeat their styles, slot sets and most pieces of their node trees, and the cached grammar
    (cache.py) pickles a shared object once and unpickles it once (a fifth less work to load)."""
    if value.__class__ is tuple:
        value = tuple([_shared(v, pool) for v in value])
    elif value.__class__ not in (str, frozenset):
        return value
    return pool.setdefault(value, value)


def scan(directory: str | os.PathLike, forms: dict | None = None,
         slot_samples: dict | None = None) -> tuple[Grammar | None, list[str], list[str]]:
    """Load a grammar folder; returns (grammar or None, errors, warnings), each 'file:line: message'.
    `forms` (name -> Form) and `slot_samples` are the file-system domain's unless given (a user's tools)."""
    FORMS = forms if forms is not None else _FS_FORMS
    d = Path(directory)
    errors: list[str] = []
    warnings: list[str] = []
    if not d.is_dir():
        return None, [f"{d}: grammar folder not found"], []
    templates: list[Template] = []
    lexicon = _load_lexicon(d / "lexicon.txt", errors)
    aliases = _load_aliases(d / "aliases.txt", errors)
    files = sorted(p for p in d.glob("*.txt") if p.name not in ("lexicon.txt", "aliases.txt", "scenarios.txt"))
    if not files:
        return None, [f"{d}: no grammar files (*.txt) found"], []
    seen: dict[tuple[str, str], str] = {}
    pool: dict = {}  # for _shared
    for path in files:
        try:
            lines = _read_lines(path)
        except GrammarError as e:
            errors.append(str(e))
            continue
        form = None
        for n, raw in enumerate(lines, 1):
            line = raw.strip()
            where = f"{path}:{n}"
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]") and re.fullmatch(r"\[[\w.]+\]", line):
                form = line[1:-1]
                if form not in FORMS:
                    errors.append(f"{where}: unknown form [{form}] (known: {', '.join(FORMS)})")
                    form = "?"
                continue
            if form is None:
                errors.append(f"{where}: phrasing before any [form] section")
                continue
            if form == "?":
                continue
            surface, body = "plain", line
            m = re.match(_STYLE_TAG, line)
            if m:
                if m.group(1) not in SURFACE_STYLES:
                    errors.append(f"{where}: unknown style '{m.group(1)}:' (known: {', '.join(SURFACE_STYLES)})")
                    continue
                surface, body = m.group(1), m.group(2)
            if len(body) > MAX_TEXT:
                errors.append(f"{where}: phrasing longer than {MAX_TEXT} characters")
                continue
            try:
                source, sure, nodes = compile_line(expand_aliases(body, aliases) if "~[" in body else body)
            except GrammarError as e:
                errors.append(f"{where}: {e}")
                continue
            spec = FORMS[form]
            jt = None
            if nodes is not None:  # plain line: its slots are in its nodes, no Jinja needed to check it
                used = _slots_in(nodes)
            else:
                from jinja2 import TemplateSyntaxError, meta
                env = _env()
                try:
                    used = {v for v in meta.find_undeclared_variables(env.parse(source))
                            if v != "_k" and not v.startswith("_g") and v not in env.globals}
                    jt = compile_jinja(source)
                except TemplateSyntaxError as e:
                    errors.append(f"{where}: template syntax error: {e.message}")
                    continue
                except Exception as e:  # noqa: BLE001 - e.g. blocks nested too deep for Python to compile
                    errors.append(f"{where}: template cannot be compiled: {_why(e)}")
                    continue
            unknown = sorted(used - set(spec.slots))
            if unknown:
                errors.append(f"{where}: unknown slot '{unknown[0]}' for [{form}] "
                              f"(slots: {', '.join(spec.slots) or 'none'})")
                continue
            if spec.exact and set(used) != set(sure):
                errors.append(f"{where}: a slot inside [ ] or ( | ) here would set an argument only sometimes: "
                              f"write one line with it and one without")
                continue
            missing = [s for s in spec.required if s not in sure]
            if missing:
                errors.append(f"{where}: [{form}] phrasing must always say '{{{{ {missing[0]} }}}}' "
                              f"(it carries an argument value); it is missing or only optional here")
                continue
            key = (form, body)
            if key in seen:
                errors.append(f"{where}: duplicate of the phrasing at {seen[key]}")
                continue
            seen[key] = where
            if jt is not None:
                problem = _always_fails(source) or _trial_renders(jt, spec, lexicon, slot_samples)
                if problem:
                    errors.append(f"{where}: template fails to render: {problem}")
                    continue
            tid = hashlib.sha1(f"{form}\x00{body}".encode()).hexdigest()[:10]
            templates.append(Template(tid, form, _shared(surface, pool), body, str(path), n, source,
                                      _shared(nodes, pool), "kind" in used, jt, _shared(frozenset(used), pool),
                                      is_bare(body)))
    present = {t.form for t in templates}
    absent = [f for f in FORMS if f not in present]
    if absent:
        warnings.append(f"{d}: no phrasings for {len(absent)} form(s), which the generator will not use: "
                        + ", ".join(absent))
    if errors:
        return None, errors, warnings
    g = Grammar(templates, lexicon, str(d))
    g.aliases = aliases  # scenarios.txt's say lines use them too
    return g, errors, warnings


def scan_for(directory: str | os.PathLike, forms: dict, slot_samples: dict) -> tuple[Grammar | None, list[str], list[str]]:
    """scan() for another domain's forms (a user's tools): its errors and warnings, as scan's."""
    return scan(directory, forms, slot_samples)


def load(directory: str | os.PathLike | None = None) -> Grammar:
    """Load and check a grammar folder; raises GrammarError with the first problem.  A folder loaded before,
    unchanged, comes from the user's cache (cache.py): parsing and checking it is most of start-up."""
    d = Path(directory or default_grammar_dir())

    def make() -> Grammar:
        g, errors, _ = scan(d)
        if errors:
            more = f" (and {len(errors) - 1} more; run 'mtgen grammar check')" if len(errors) > 1 else ""
            raise GrammarError(errors[0] + more)
        return g

    key = _cache_key(d)
    return make() if key is None else cache.cached("grammar", key, make)


def _cache_key(d: Path) -> str | None:
    """What a loaded folder depends on: its path (templates keep it), every *.txt in it, this module's code
    and the forms' declarations; None when a file is not plain and small (scan says what is wrong)."""
    parts: list = [str(d), Path(__file__).read_bytes(),
                   repr(sorted((f.name, f.ref, f.required, f.optional, f.exact) for f in _FS_FORMS.values())),
                   repr(sorted(SLOT_SAMPLES.items()))]
    try:
        for path in sorted(d.glob("*.txt")):
            if not path.is_file() or path.stat().st_size > MAX_GRAMMAR_FILE:
                return None
            parts += [path.name, path.read_bytes()]
    except OSError:
        return None
    return cache.digest(*parts)

"""Grammar files: the shipped set is sound, and bad templates are reported with file and line."""
import re

from generator.forms import FORMS
from generator.grammar import Grammar, compile_line, load, scan
from generator.rng import Rand
from generator.tools import TOOL_NAMES
# exit codes and output read the same from the entry point run in this process (helpers.mtgen_in_process)
from helpers import mtgen_in_process as mtgen


def test_shipped_grammar_checks_clean_with_25_shapes_per_tool():
    g, errors, warnings = scan(load().directory)
    assert errors == [] and warnings == []
    per_tool = {t: 0 for t in TOOL_NAMES}
    for tmpl in g.templates:
        per_tool[FORMS[tmpl.form].tool] += 1
    assert min(per_tool.values()) >= 25, per_tool
    assert set(g.forms) == set(FORMS)


def _expansions(g: Grammar, form: str, n: int = 60):
    r = Rand(0, 1)
    from generator.forms import SLOT_SAMPLES
    slots = {s: SLOT_SAMPLES[s] for s in FORMS[form].slots}
    for t in g.by_form[form]:
        for _ in range(n // 10):
            yield t.jinja.render(slots, _k=r.below)


def test_ls_plain_and_hidden_cannot_be_confused():
    g = load()
    hidden_words = re.compile(r"hidden|dot-?files|-a\b|\ball\b|every", re.I)
    assert not any(hidden_words.search(s) for s in _expansions(g, "ls.plain"))
    assert all(hidden_words.search(s) for s in _expansions(g, "ls.hidden"))


def test_copy_and_move_phrasings_cannot_be_confused():
    g = load()
    copy_words = re.compile(r"cop(y|ied)|duplicate|\bclon(e|ed|ing)\b|\bdupe\b|\bcp\b", re.I)
    move_words = re.compile(r"\bmov|relocat|renam|relabel|retitle|\bmv\b|\bnamed?\b|\bcall(ed|ing)?\b|\bgo by\b|"
                            r"\bbecomes\b", re.I)
    for form in FORMS:
        if form.startswith("cp.") and not form.endswith(".same"):
            assert all(copy_words.search(s) for s in _expansions(g, form)), form
        if form.startswith("mv.") and not form.endswith(".same"):
            for s in _expansions(g, form):
                assert move_words.search(s), (form, s)
                assert not copy_words.search(s) or form == "mv.copied_into_made", (form, s)


def test_a_request_that_says_how_many_lines_sets_them():
    """"the last ten lines" is tail(lines=10) as much as "the last 10 lines": a phrasing of the default (no
    lines argument) names no number, so the same words never come with two different calls."""
    g = load()
    number = re.compile(r"\b(\d+|one|two|three|five|ten|twenty|fifty|hundred)\s+lines\b", re.I)
    for form in FORMS:
        if FORMS[form].tool == "tail" and "lines" not in FORMS[form].slots:
            for s in _expansions(g, form):
                assert not number.search(s.replace("{{ file }}", "")), (form, s)


def test_line_syntax_alternatives_optional_and_literal_brackets():
    src, sure, _ = compile_line("(show|print) [me ]{{ file }} \\(now\\) (please)")
    assert sure == {"file"}
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    t = ImmutableSandboxedEnvironment().from_string(src)
    outs = {t.render(file="x.txt", _k=lambda n, c=iter(range(10)): next(c) % n) for _ in range(1)}
    assert all("x.txt (now) (please)" in o for o in outs)
    _, sure, _ = compile_line("(open {{ file }}|show it)")
    assert sure == set()  # the slot is not in every alternative


def test_grammar_check_reports_each_problem_with_file_and_line(tmp_path):
    d = tmp_path / "g"
    d.mkdir()
    (d / "cat.txt").write_text(
        "# comment\n"
        "before any section\n"
        "[cat.direct]\n"
        "Show {{ file }}\n"
        "Show (me {{ file }}\n"
        "[Show] me {{ file }}\n"
        "Open [{{ file }}]\n"
        "Show {{ file }} {{ file.__class__.__mro__ }}\n"
        "shout: OPEN {{ file }}\n"
        "Show {{ file }}\n"
        "[cat.nonsense]\n"
        "Read {{ file }}\n"
        "[cat.it]\n"
        "Read {{ kind | nosuchfilter }}\n"
    )
    r = mtgen("grammar", "check", d)
    assert r.returncode == 1
    out = r.stdout
    p = str(d / "cat.txt")
    assert f"{p}:2: phrasing before any [form] section" in out
    assert f"{p}:5: column 6: '(' is never closed with ')'" in out
    assert f"{p}:7: [cat.direct] phrasing must always say '{{{{ file }}}}'" in out
    assert f"{p}:8: template fails to render" in out  # the sandbox refuses dunder access
    assert f"{p}:9: unknown style 'shout:'" in out
    assert f"{p}:10: duplicate of the phrasing at {p}:4" in out
    assert f"{p}:11: unknown form [cat.nonsense]" in out
    assert f"{p}:14: template syntax error: No filter named 'nosuchfilter'" in out
    assert f"{p}:6:" not in out and f"{p}:13:" not in out  # '[Show] me' is a valid optional part


def test_grammar_check_on_shipped_grammar_exits_0():
    r = mtgen("grammar", "check")
    assert r.returncode == 0 and "phrasings OK" in r.stdout


def test_custom_grammar_adds_a_phrasing_by_adding_a_line(tmp_path):
    import shutil
    d = tmp_path / "g"
    shutil.copytree(load().directory, d)
    with open(d / "cat.txt", "a") as f:
        f.write("\n[cat.direct]\nterse: peek at {{ file }} zzz\n")
    assert mtgen("grammar", "check", d).returncode == 0
    r = mtgen("generate", "--n", "400", "--out", tmp_path / "out", "--grammars", d, "--tools", "cat,cd,ls")
    assert r.returncode == 0, r.stderr
    assert "zzz" in (tmp_path / "out" / "train.jsonl").read_text()


def test_direct_renderer_matches_the_jinja_sandbox_on_every_shipped_line():
    """Lines without Jinja of their own are rendered by walking their nodes; the text must be exactly
    what the sandboxed Jinja template gives for the same random draws."""
    from generator.forms import SLOT_SAMPLES
    from generator.grammar import render_nodes
    g = load()
    direct = 0
    for t in g.templates:
        if t.nodes is None:
            continue
        direct += 1
        slots = {s: SLOT_SAMPLES[s] for s in FORMS[t.form].slots}
        for i in range(12):
            a, b = Rand(i, 7), Rand(i, 7)
            out = []
            render_nodes(t.nodes, slots, a.random, out)
            assert "".join(out) == t.jinja.render(slots, _k=b.below), t.source
            assert a.random() == b.random()  # the same number of draws was used
    assert direct == len(g.templates)  # every shipped line takes the fast path


def test_a_line_with_its_own_jinja_goes_through_the_sandbox():
    _, _, nodes = compile_line("Show {{ file | upper }}")
    assert nodes is None
    _, _, nodes = compile_line("Show {{ file }}")
    assert nodes == ("Show ", ("s", "file"))


def test_a_bare_line_tells_no_story_in_any_alternative_and_every_style_has_ten():
    """A session phrases its requests in bare lines: short, and no reason in any alternative at any depth
    ("Open the x folder; I want to go through it before lunch." hides in a nested group).  Every style of
    every spec form has ten of them, so a session's requests do not repeat a few sentences."""
    from collections import Counter
    from generator.domains.filesystem import FORMS, PRESETS
    from generator.grammar import is_bare
    assert is_bare("Open the '{{ folder }}' folder(.|, please.)")
    assert not is_bare("Open the '{{ folder }}' folder(.|; (I want to|I'm keen to) go through it before lunch.)")
    assert not is_bare("Move {{ src }}(.| (because|since) (it's old|nobody uses it).)")
    assert is_bare("What's in it?") and not is_bare("Open Maria's notes.")
    g = load()
    per = Counter((t.form, t.surface) for t in g.templates if t.bare)
    spec = [f for f in FORMS if FORMS[f].tool in PRESETS["spec"]]
    short = {(f, s): per[f, s] for f in spec for s in ("plain", "polite", "terse", "question", "indirect")
             if per[f, s] < 10}
    assert not short, short

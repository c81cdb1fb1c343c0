"""Grammar files are untrusted input: nesting, rendering work and output size are bounded, every failure
is one 'file:line: why', and `grammar check` refuses what generation would choke on (issue 14: 9, 11)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from generator.forms import FORMS
from generator.grammar import (MAX_DEPTH, MAX_TEXT, Grammar, GrammarError, Lexicon, Template, compile_jinja,
                               compile_line, default_grammar_dir, load, scan)
from generator.rng import Rand
from helpers import ROOT
from test_cli_robust import assert_one_error_line, run_cli


def _grammar(tmp_path, *lines: str, form: str = "cat.direct"):
    d = tmp_path / "g"
    d.mkdir(exist_ok=True)
    (d / "cat.txt").write_text(f"[{form}]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return d


def _errors(tmp_path, *lines: str) -> list[str]:
    _, errors, _ = scan(_grammar(tmp_path, *lines))
    return errors


# ---- nesting depth ------------------------------------------------------------------------------------
def test_30000_nested_groups_are_one_error_not_a_recursion_error():
    for text in ("(" * 30000, "(a|" * 30000 + ")" * 30000, "[" * 30000 + "]" * 30000):
        with pytest.raises(GrammarError, match=f"nested deeper than {MAX_DEPTH}"):
            compile_line(text)


def test_nesting_limit_is_reported_with_file_and_line(tmp_path):
    deep = "Show {{ file }} " + "(a|" * (MAX_DEPTH + 5) + "b" + ")" * (MAX_DEPTH + 5)
    brackets = "Show {{ file }} {{ " + "(" * 200 + "1" + ")" * 200 + " }}"
    errors = _errors(tmp_path, "Show {{ file }} ((a|b)|c)", deep, brackets)
    p = tmp_path / "g" / "cat.txt"
    assert any(e.startswith(f"{p}:3: column ") and "nested deeper than 50" in e for e in errors), errors
    assert any(e.startswith(f"{p}:4: column ") and "nested deeper than 50" in e for e in errors), errors
    assert not any(e.startswith(f"{p}:2:") for e in errors)


@pytest.mark.parametrize("line", [
    "Show {{ file }} " + "(a|" * 30000 + ")" * 30000,
    "Show {{ file }} {{ " + "(" * 30000 + "1" + ")" * 30000 + " }}",
    "Show {{ file }} " + "{% for x in file %}" * 30 + "{% endfor %}" * 30,  # too deep for Python to compile
])
def test_hostile_nesting_gives_one_line_in_generate_and_check(tmp_path, line):
    g = _grammar(tmp_path, line)
    r = run_cli("grammar", "check", g)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    assert r.stdout.startswith(f"{g / 'cat.txt'}:2: ")
    r = run_cli("generate", "--n", "30", "--out", tmp_path / "d", "--grammars", g)
    assert_one_error_line(r, f"bad grammar: {g / 'cat.txt'}:2: ")
    assert not (tmp_path / "d").exists()


# ---- rendering work and size --------------------------------------------------------------------------
@pytest.mark.parametrize("jinja,why", [
    ("{{ 9**(9**9) }}", "more than 4096 bits"),
    ("{% for i in range(30000000) %}x{% endfor %}", "calls with the number 30000000"),
    # (small enough that the unbounded sandbox finishes them quickly: their only fault is going over the budget)
    ("{% for a in range(100) %}{% for b in range(100) %}{% endfor %}{% endfor %}", "steps"),
    ("{% for a in 'x' * 100 %}{% for b in 'y' * 100 %}{% endfor %}{% endfor %}", "steps"),
    ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(12) }}", "steps"),
    ("{{ 'x' * 10000000 }}", "makes a value of 10000000"),
    ("{% set a = 'x' * 1500 %}{{ a ~ a }}", "makes a value of 3000"),
    ("{{ '%9999999d' % 1 }}", "width of 9999999"),
    ("{{ '%*d' % (9999999, 1) }}", "calls with the number 9999999"),
    ("{{ '%*d'|format(9999999, 1) }}", "calls with the number 9999999"),
    ("{{ '{:{}}'.format(1, 9999999) }}", "calls with the number 9999999"),
    ("{{ '{:>{w}}'.format(1, w=9999999) }}", "calls with the number 9999999"),
    ("{{ '{x:>{w}}'.format_map({'x': 1, 'w': 9999999}) }}", "calls with the number 9999999"),
    ("{{ '%9999999d' | format(1) }}", "width of 9999999"),
    ("{{ '{:>9999999}'.format(1) }}", "width of 9999999"),
    ("{{ 'x'.ljust(10000000) }}", "calls with the number 10000000"),
    ("{% for i in range(1500) %}ab{% endfor %}", f"renders more than {MAX_TEXT} characters"),
])
def test_runaway_rendering_is_refused_by_check(tmp_path, jinja, why):
    errors = _errors(tmp_path, "Show {{ file }} " + jinja)
    assert len(errors) == 1 and errors[0].startswith(f"{tmp_path / 'g' / 'cat.txt'}:2: template fails to render")
    assert why in errors[0], errors[0]


@pytest.mark.parametrize("jinja", ["{{ 'x'|center(1000000000) }}", "{{ [1, 2]|random }}", "{{ lipsum(5) }}",
                                   "{% set ns = namespace(a=1) %}{{ ns.a }}"])
def test_filters_and_globals_that_amplify_or_are_not_seeded_are_unavailable(tmp_path, jinja):
    errors = _errors(tmp_path, "Show {{ file }} " + jinja)
    assert len(errors) == 1 and ":2: " in errors[0]


def test_well_behaved_jinja_still_works(tmp_path):
    d = _grammar(tmp_path, "Show {{ file }}{% if file.endswith('.py') %} (the script){% endif %}",
                 "Show {{ file }} {{ kind | upper }} {% for i in range(3) %}{{ i }}{% endfor %} {{ 'a' ~ 'b' }}",
                 "Read {{ file }} {{ '%5s' % 'x' }} {{ 2 ** 10 }}",
                 "Read {{ file }} {{ file ~ 5000 }} {{ '%d' % 5000 }} {{ '%d'|format(5000) }} {{ '{}'.format(5000) }}"
                 " {{ 5000|abs }}")
    g, errors, _ = scan(d)
    assert errors == []
    t = g.by_form["cat.direct"][1]
    assert compile_jinja(t.jinja_source).render(file="a.py", kind="file") == "Show a.py FILE 012 ab"
    t = g.by_form["cat.direct"][3]
    assert compile_jinja(t.jinja_source).render(file="a") == "Read a a5000 5000 5000 5000 5000"


def test_branches_check_cannot_reach_are_still_checked(tmp_path):
    """{{ 1/0 }} behind any condition: it fails whatever the values, so the check refuses it."""
    errors = _errors(tmp_path, "Show {{ file }}{% if file|length == 11 %}{{ 1/0 }}{% endif %}",
                     "Show {{ file }}{% if file.endswith('.gz') %}{{ file.nope() }}{% endif %}",
                     "Show {{ file }}{% if _k(7) == 5 %}{{ file + 1 }}{% endif %}")
    p = tmp_path / "g" / "cat.txt"
    for n in (2, 3, 4):
        assert any(e.startswith(f"{p}:{n}: template fails to render") for e in errors), (n, errors)


def test_a_required_value_left_out_by_a_branch_is_refused(tmp_path):
    errors = _errors(tmp_path, "Show {% if _k(2) %}{{ file }}{% endif %}")
    assert len(errors) == 1 and "leaving out the file" in errors[0]


def test_generation_turns_a_failure_the_check_missed_into_a_grammar_error():
    source, _, _ = compile_line("Show {{ file }}{% if file == 'zz.qq' %}{{ file.nope() }}{% endif %}")
    t = Template("x", "cat.direct", "plain", "", "/g/cat.txt", 7, source, None, False)
    g = Grammar([t], Lexicon(), "/g")
    assert g.render("cat.direct", "plain", {"file": "a.txt"}, Rand(1))[0] == "Show a.txt"
    with pytest.raises(GrammarError, match=r"^/g/cat.txt:7: template fails to render: "):
        g.render("cat.direct", "plain", {"file": "zz.qq"}, Rand(1))


def test_overlong_lines_are_refused(tmp_path):
    errors = _errors(tmp_path, "Show {{ file }} " + "x" * MAX_TEXT)
    assert len(errors) == 1 and f"longer than {MAX_TEXT} characters" in errors[0]


def test_shipped_grammar_is_untouched_by_the_bounds():
    g, errors, _ = scan(default_grammar_dir())
    assert errors == [] and all(t.nodes is not None for t in g.templates)
    assert len(g.templates) == len(load().templates)


# ---- item 11: grammar files that are folders or FIFOs -------------------------------------------------
def test_a_grammar_txt_that_is_a_folder_is_an_error_line(tmp_path):
    d = tmp_path / "g"
    shutil.copytree(default_grammar_dir(), d)
    (d / "zz.txt").mkdir()
    r = run_cli("grammar", "check", d)
    assert r.returncode == 1 and f"{d / 'zz.txt'}: not a regular file" in r.stdout
    r = run_cli("generate", "--n", "30", "--out", tmp_path / "o", "--grammars", d)
    assert_one_error_line(r, f"bad grammar: {d / 'zz.txt'}: not a regular file")


def test_a_lexicon_that_is_a_folder_is_an_error_line(tmp_path):
    d = tmp_path / "g"
    shutil.copytree(default_grammar_dir(), d)
    (d / "lexicon.txt").unlink()
    (d / "lexicon.txt").mkdir()
    _, errors, _ = scan(d)
    assert errors == [f"{d / 'lexicon.txt'}: not a regular file"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("name", ["zz.txt", "lexicon.txt"])
def test_a_fifo_in_the_grammar_folder_does_not_block(tmp_path, name):
    d = tmp_path / "g"
    shutil.copytree(default_grammar_dir(), d)
    if (d / name).exists():
        (d / name).unlink()
    os.mkfifo(d / name)
    # a real process with a timeout: opening a FIFO without a writer would block this test forever
    r = subprocess.run([sys.executable, "-m", "generator", "generate", "--n", "30", "--out", str(tmp_path / "o"),
                        "--grammars", str(d)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert f"bad grammar: {d / name}: not a regular file" in r.stderr


def test_check_of_a_missing_folder_is_a_usage_error(tmp_path):
    assert_one_error_line(run_cli("grammar", "check", tmp_path / "nope"), f"{tmp_path / 'nope'}: no such grammar folder")
    (tmp_path / "file").write_text("x")
    assert_one_error_line(run_cli("grammar", "check", tmp_path / "file"), "no such grammar folder")


def test_a_grammar_with_no_phrasing_for_the_tools_is_one_line(tmp_path):
    """Found by the fuzz test: the engine's 'no usable forms' was a traceback."""
    g = _grammar(tmp_path, "Show {{ file }}")
    r = run_cli("generate", "--n", "20", "--tools", "ls", "--out", tmp_path / "d", "--grammars", g)
    assert_one_error_line(r, "no usable forms")
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())

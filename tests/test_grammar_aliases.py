"""Shared phrases written once (aliases.txt, used as ~[name]), as untrusted input like every grammar line."""
import pytest

from generator.grammar import GrammarError, expand_aliases, load, scan
from generator.rng import Rand
from helpers import ROOT


def _folder(tmp_path, aliases: str, line: str):
    g = tmp_path / "g"
    g.mkdir()
    (g / "aliases.txt").write_text(aliases)
    (g / "pwd.txt").write_text(f"[pwd.plain]\npolite: {line}\n")
    return g


def test_an_alias_is_written_once_and_expands_everywhere(tmp_path):
    g = _folder(tmp_path, "ask = (Could|Would) you[ please]\nwhere = ~[ask] tell me where I am\n", "~[where]?")
    grammar, errors, _ = scan(g)
    assert errors == []
    said = {grammar.render("pwd.plain", "polite", {}, Rand(1, i))[0] for i in range(60)}
    assert said == {"Could you tell me where I am?", "Would you tell me where I am?",
                    "Could you please tell me where I am?", "Would you please tell me where I am?"}


@pytest.mark.parametrize("aliases,line,message", [
    ("ask = Could you\n", "~[nope] go", "unknown alias ~[nope]"),
    ("a = ~[b]\nb = ~[a]\n", "~[a]", "nested deeper than"),
    ("a = x\na = y\n", "~[a]", "defined twice"),
    ("a = show {{ file }}\n", "~[a]", "without {{ slots }}"),
    ("just words\n", "hello", "write an alias as 'name = phrase'"),
    ("a = " + "(x|y) " * 300 + "\n", "~[a] ~[a]", "longer than"),
])
def test_bad_aliases_are_reported_with_file_and_line(tmp_path, aliases, line, message):
    _, errors, _ = scan(_folder(tmp_path, aliases, line))
    assert errors and message in errors[0], errors


def test_the_shipped_grammar_uses_its_aliases():
    g = load()
    assert (ROOT / "grammars" / "filesystem" / "en" / "aliases.txt").is_file()
    assert any("~[" in t.source for t in g.templates)
    with pytest.raises(GrammarError):
        expand_aliases("~[x]", {})

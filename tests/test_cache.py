"""The cache of compiled grammars and scenarios (generator/cache.py): a cached load is the same grammar, an
edited file is never served stale, and a broken or unwritable cache only means compiling again."""
import os
import shutil
import stat

import pytest

from generator import cache, grammar
from generator.engine import Engine, Settings
from generator.domains import load as load_domain
from generator.serialize import to_row


def _same(a: grammar.Grammar, b: grammar.Grammar) -> None:
    assert [(t.id, t.form, t.surface, t.source, t.path, t.line, t.jinja_source, t.nodes, t.uses_kind, t.slots, t.bare)
            for t in a.templates] == \
           [(t.id, t.form, t.surface, t.source, t.path, t.line, t.jinja_source, t.nodes, t.uses_kind, t.slots, t.bare)
            for t in b.templates]
    assert (a.lexicon, a.aliases, a.directory) == (b.lexicon, b.aliases, b.directory)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A copy of the shipped grammar folder and an empty cache of its own."""
    d = tmp_path / "en"
    shutil.copytree(grammar.default_grammar_dir(), d)
    monkeypatch.setenv("MTGEN_CACHE_DIR", str(tmp_path / "cache"))
    return d


def _entries(tmp_path):
    return sorted((tmp_path / "cache").glob("grammar-*.pickle"))


def test_a_cached_load_is_the_same_grammar_and_the_same_rows(folder, tmp_path):
    first = grammar.load(folder)
    assert len(_entries(tmp_path)) == 1
    again = grammar.load(folder)  # from the cache
    assert again is not first
    _same(first, again)
    from generator.domains.filesystem import objects
    rows, scenarios = [], []
    for _ in range(2):  # the scenarios compiled, then from the cache
        # as in a new process: nothing the scenarios' filters found is remembered but what the cache keeps
        objects._held.clear(), objects.compile_filter.cache_clear(), objects._samples.cache_clear()
        domain, g = load_domain(None, folder)
        e = Engine(Settings(seed=3), g, keep_start=False, domain=domain)
        rows.append([to_row(e.conversation(i)) for i in range(40)])
        scenarios.append(domain.scenarios)
        assert len(list((tmp_path / "cache").glob("scenarios-*.pickle"))) == 1
    assert rows[0] == rows[1]
    assert scenarios[0] == scenarios[1] and scenarios[0] is not scenarios[1] and len(scenarios[0]) > 10
    assert objects._samples.cache_info().currsize == 0  # the filters' files came from the cache


def test_an_edited_line_is_never_served_from_the_cache(folder, tmp_path):
    grammar.load(folder)
    path = folder / "cat.txt"
    path.write_text(path.read_text().replace("[cat.direct]", "[cat.direct]\nShow me the lines of {{ file }}, cache test.", 1))
    g = grammar.load(folder)
    assert any(t.source == "Show me the lines of {{ file }}, cache test." for t in g.templates)
    assert len(_entries(tmp_path)) == 2
    path.write_text(path.read_text().replace("[cat.direct]\n", "[cat.direct]\n(", 1))  # now broken
    with pytest.raises(grammar.GrammarError, match=r"cat\.txt:\d+: column"):
        grammar.load(folder)  # the error of the file as it is, not the grammar cached before


def test_an_edited_scenario_is_never_served_from_the_cache(folder, tmp_path):
    from generator.domains.filesystem import with_scenarios

    def names():
        return [s.name for s in with_scenarios(grammar.load(folder)).scenarios]
    path = folder / "scenarios.txt"
    before = names()
    path.write_text(path.read_text().replace(f"[{before[0]}]", "[renamed-in-test]", 1))
    assert names() == ["renamed-in-test", *before[1:]]
    assert len(list((tmp_path / "cache").glob("scenarios-*.pickle"))) == 2
    path.write_text(path.read_text().replace("[renamed-in-test]", "[Renamed]", 1))  # now broken
    with pytest.raises(grammar.GrammarError, match=r"scenarios\.txt:\d+: name a scenario"):
        names()


def test_a_corrupt_entry_is_compiled_again_and_replaced(folder, tmp_path):
    first = grammar.load(folder)
    (entry,) = _entries(tmp_path)
    entry.write_bytes(entry.read_bytes()[:1000])  # cut short, as by a crash in the middle of writing
    _same(first, grammar.load(folder))
    _same(first, grammar.load(folder))
    assert entry.stat().st_size > 1000


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a user the permissions apply to")
def test_an_unwritable_cache_folder_changes_nothing(folder, tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache").chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        _same(grammar.load(folder), grammar.load(folder))
        assert _entries(tmp_path) == []
    finally:
        (tmp_path / "cache").chmod(stat.S_IRWXU)


def test_a_cache_folder_that_is_a_file_changes_nothing(folder, tmp_path):
    (tmp_path / "cache").write_text("not a folder")
    _same(grammar.load(folder), grammar.load(folder))


def test_off_writes_nothing(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("MTGEN_CACHE_DIR", "off")
    assert cache.folder() is None
    grammar.load(folder)
    assert not (tmp_path / "cache").exists()


def test_the_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("MTGEN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.folder() == tmp_path / "mtgen"


def test_old_entries_are_dropped(folder, tmp_path):
    path = folder / "cat.txt"
    text = path.read_text()
    for i in range(cache.KEEP + 3):
        path.write_text(text.replace("[cat.direct]", f"[cat.direct]\nShow me {{{{ file }}}} now, take {i}.", 1))
        grammar.load(folder)
    assert len(_entries(tmp_path)) == cache.KEEP

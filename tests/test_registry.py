"""The tool registry: every registered tool is complete, and everything else reads it."""
import json
import re
from collections import Counter

import pytest

from generator.domains.base import EXISTING_ROLES, NAME_ROLES, Tool
from generator.domains.filesystem import FORMS, PRESETS, TOOLS, job_description, parse_tool_list
from generator.domains.filesystem.state import Dir, FileSystem, IllegalCall
from generator.grammar import load
from helpers import ROOT, mtgen, read_rows

CATALOGUE = ("pwd", "ls", "cd", "mkdir", "touch", "echo", "cat", "find", "wc", "sort", "grep", "du", "tail",
             "diff", "mv", "rm", "rmdir", "cp")


def test_the_benchmarks_whole_file_system_catalogue_is_registered():
    assert set(TOOLS) == set(CATALOGUE)
    assert PRESETS["spec"] == ("ls", "cd", "cat", "mkdir", "touch", "rm", "cp", "mv")
    assert set(PRESETS["all"]) == set(CATALOGUE)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_tool_is_one_complete_declaration(name):
    """Semantics, open-world step, plays, referent rules and a reader, all declared by the tool itself."""
    t = TOOLS[name]
    assert isinstance(t, Tool) and t.name == name
    for hook in (t.check, t.apply, t.open_step, t.read):
        assert callable(hook)
    params = {p.name for p in t.params}
    assert t.forms, "no planner plays"
    for f in t.forms:
        assert f.tool == name and FORMS[f.name] is f and callable(f.play)
        for key, arg in f.notes:  # referent rules name real arguments
            assert arg in params and key in ("it", "copy", "gone", "made", "touched", "kept", "renamed", "read", "copied"), (f.name, key, arg)
        for alternative in f.setup:
            assert all(x in FORMS for x in alternative), (f.name, alternative)
        for slot in f.slots:
            assert slot == "kind" or slot in t.slot_samples or slot == "ordinal", (f.name, slot)
    # referent rules: a tool that names things either lets later turns refer to what it touched, or is
    # itself asked for by reference; a tool that names nothing (pwd, ls, du, find) has nothing to refer to
    names_things = any(p.role in NAME_ROLES for p in t.params)
    takes_part = any(f.notes for f in t.forms) or any(f.contextual for f in t.forms)
    assert takes_part == names_things, name
    schema = t.schema["function"]
    assert schema["name"] == name and set(schema["parameters"]["properties"]) == params


def test_every_tool_has_at_least_25_phrasings_and_every_form_some():
    g = load()
    per_tool = Counter(FORMS[t.form].tool for t in g.templates)
    assert set(per_tool) == set(TOOLS) and min(per_tool.values()) >= 25, per_tool
    assert set(g.forms) == set(FORMS)


def test_tool_sets_take_names_and_presets():
    assert parse_tool_list(None) == PRESETS["spec"]
    assert parse_tool_list("all") == tuple(TOOLS)
    assert parse_tool_list("spec,grep,wc") == tuple(t for t in TOOLS if t in PRESETS["spec"] + ("grep", "wc"))
    for bad in ("xargs", ",", "spec,nope"):
        with pytest.raises(ValueError):
            parse_tool_list(bad)


def test_gorilla_parameter_names_and_defaults():
    """Parameter names, required sets and defaults as in GorillaFileSystem's function documentation."""
    want = {"pwd": ({}, []), "ls": ({"a": False}, []), "cd": ({}, ["folder"]), "mkdir": ({}, ["dir_name"]),
            "touch": ({}, ["file_name"]), "echo": ({"file_name": "None"}, ["content"]),
            "cat": ({}, ["file_name"]), "find": ({"path": ".", "name": "None"}, []),
            "wc": ({"mode": "l"}, ["file_name"]), "sort": ({}, ["file_name"]),
            "grep": ({}, ["file_name", "pattern"]), "du": ({"human_readable": False}, []),
            "tail": ({"lines": 10}, ["file_name"]), "diff": ({}, ["file_name1", "file_name2"]),
            "mv": ({}, ["source", "destination"]), "rm": ({}, ["file_name"]), "rmdir": ({}, ["dir_name"]),
            "cp": ({}, ["source", "destination"])}
    for name, (defaults, required) in want.items():
        p = TOOLS[name].schema["function"]["parameters"]
        assert p["required"] == required, name
        assert {k: v["default"] for k, v in p["properties"].items() if "default" in v} == defaults, name


def _fs():
    root = Dir("home")
    root.add_file("notes.txt", "alpha\nbeta\n")
    root.add_file("photo.jpg", "")
    root.add_dir("docs").add_file("a.md", "x\n")
    root.add_dir("empty")
    return FileSystem(root)


@pytest.mark.parametrize("tool,args,legal", [
    ("pwd", {}, True), ("du", {"human_readable": True}, True), ("find", {"name": "not"}, True),
    ("find", {"path": "docs", "name": "a"}, False),  # GorillaFileSystem searches the current folder only
    ("echo", {"content": "hi", "file_name": "new.txt"}, True), ("echo", {"content": "hi", "file_name": "docs"}, False),
    ("wc", {"file_name": "notes.txt", "mode": "w"}, True), ("wc", {"file_name": "notes.txt", "mode": "x"}, False),
    ("wc", {"file_name": "docs"}, False), ("sort", {"file_name": "nope.txt"}, False),
    ("grep", {"file_name": "notes.txt", "pattern": "beta"}, True), ("grep", {"file_name": "notes.txt", "pattern": ""}, False),
    ("tail", {"file_name": "notes.txt", "lines": 1}, True), ("tail", {"file_name": "notes.txt", "lines": 0}, False),
    ("diff", {"file_name1": "notes.txt", "file_name2": "photo.jpg"}, True),
    ("diff", {"file_name1": "notes.txt", "file_name2": "notes.txt"}, False),
    ("rmdir", {"dir_name": "empty"}, True), ("rmdir", {"dir_name": "docs"}, False),
    ("rmdir", {"dir_name": "notes.txt"}, False),
])
def test_new_tools_legality(tool, args, legal):
    fs = _fs()
    assert (fs.check(tool, args) is None) == legal, fs.check(tool, args)
    if not legal:
        with pytest.raises(IllegalCall):
            fs.apply(tool, args)


def test_new_tools_effects():
    fs = _fs()
    fs.apply("echo", {"content": "gamma", "file_name": "notes.txt"})
    assert fs.text("notes.txt") == "gamma"
    fs.apply("echo", {"content": "x", "file_name": "new.txt"})
    assert fs.is_file("new.txt")
    fs.apply("rmdir", {"dir_name": "empty"})
    assert not fs.has("empty")
    before = fs.root.to_gorilla()
    for tool, args in [("pwd", {}), ("du", {}), ("find", {}), ("wc", {"file_name": "notes.txt"}),
                       ("sort", {"file_name": "notes.txt"}), ("grep", {"file_name": "notes.txt", "pattern": "g"}),
                       ("tail", {"file_name": "notes.txt"}), ("diff", {"file_name1": "notes.txt", "file_name2": "new.txt"})]:
        fs.apply(tool, args)
    assert fs.root.to_gorilla() == before  # reading tools change nothing


@pytest.fixture(scope="module")
def all_tools_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("all") / "d"
    r = mtgen("generate", "--n", "2000", "--seed", "1", "--tools", "all", "--emit-state", "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def test_all_tools_every_tool_answers_and_every_row_replays(all_tools_run):
    from test_generate import tree_from_gorilla
    used = Counter()
    for split in ("train", "test"):
        states = read_rows(all_tools_run / f"{split}.state.jsonl")
        rows = read_rows(all_tools_run / f"{split}.jsonl")
        assert len(states) == len(rows)
        for state, row in zip(states, rows):
            fs = FileSystem(tree_from_gorilla(state["root"], state["initial_config"]))
            turns = json.loads(row["question"])
            for t in turns:
                if t["role"] == "assistant":
                    f = t["tool_calls"][0]["function"]
                    fs.apply(f["name"], f["arguments"])
            ans = json.loads(row["answer"])
            fs.apply(ans["name"], ans["parameters"])  # raises IllegalCall on an illegal answer
            used[ans["name"]] += 1
    assert set(used) == set(CATALOGUE), used


def test_all_tools_validate_clean_and_the_job_lists_every_tool(all_tools_run):
    job = json.loads((all_tools_run / "job_description.json").read_text())
    assert [t["function"]["name"] for t in job["tools"]] == list(TOOLS)
    r = mtgen("validate", all_tools_run)
    assert r.returncode == 0 and "no problems found" in r.stdout + r.stderr, r.stdout + r.stderr


def test_reading_requests_only_read_text_and_grep_finds_its_pattern(all_tools_run):
    """read/search/count/sort/tail/diff act on text files only; a grep pattern occurs in its file."""
    from generator.domains.filesystem.contents import kind_of
    from test_generate import tree_from_gorilla
    states = read_rows(all_tools_run / "train.state.jsonl")
    for state, row in zip(states, read_rows(all_tools_run / "train.jsonl")):
        ans = json.loads(row["answer"])
        args = ans["parameters"]
        for key in ("file_name", "file_name1", "file_name2"):
            if ans["name"] in ("cat", "wc", "sort", "grep", "tail", "diff") and key in args:
                assert kind_of(args[key]) is not None, (ans, row["question"][-200:])
        if ans["name"] == "grep" and len(json.loads(row["question"])) == 1:
            fs = FileSystem(tree_from_gorilla(state["root"], state["initial_config"]))
            assert args["pattern"] in fs.text(args["file_name"])


def test_readme_tool_table_is_the_registry():
    """The README's tool table lists every registered tool with its parameters, from the registry."""
    from generator.domains.filesystem import tool_table
    readme = (ROOT / "README.md").read_text()
    assert tool_table() in readme

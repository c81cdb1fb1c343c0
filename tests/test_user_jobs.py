"""A job description of your own tools that init, generate --job and grammar check --job cannot use is refused
where the job is read: one line naming the job file, the tool and the parameter, exit 2, nothing written."""
import json
import resource
import signal
import subprocess
import sys

import pytest

# exit codes and messages read the same from the entry point run in this process (the tests with a file-size
# limit set in the child stay real processes)
from helpers import ROOT
from helpers import mtgen_in_process as mtgen

GRAMMARS = ROOT / "grammars" / "smart-home"
SMART_HOME = ROOT / "tests" / "fixtures" / "augment_smart_home" / "job_description.json"


def _job(tmp_path, properties: dict, extra: dict | None = None):
    """A job of one tool `ok` with these parameters (`extra`: more keys of its parameters schema)."""
    path = tmp_path / "job.json"
    params = {"type": "object", "properties": properties, **(extra or {})}
    path.write_text(json.dumps({"task_description": "Do things.",
                                "tools": [{"type": "function", "function": {"name": "ok", "parameters": params}}]}))
    return path


def _refused_everywhere(tmp_path, job, *words):
    """init, generate --job and grammar check --job each refuse `job` with one line holding `words`, and init
    writes nothing."""
    runs = {"init": mtgen("init", "--job", job, "--out", tmp_path / "g"),
            "generate": mtgen("generate", "--job", job, "--grammars", GRAMMARS, "--out", tmp_path / "d"),
            "grammar check": mtgen("grammar", "check", GRAMMARS, "--job", job)}
    for command, r in runs.items():
        said = (r.stderr + r.stdout).strip()
        assert r.returncode == 2, (command, r.returncode, said)  # bad input, for the checker too
        assert len(said.splitlines()) == 1 and str(job) in said, (command, said)
        assert all(w in said for w in words), (command, said)
    assert not (tmp_path / "g").exists() and not (tmp_path / "d").exists()


@pytest.mark.parametrize("name", ["../../victim", "/ABSOLUTE", "", "a b", ".", "a\nb", "a/b", "my-param", "x.y",
                                  "1st", "x" * 65])
def test_a_parameter_name_that_is_no_file_name_or_slot_is_refused(tmp_path, name):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    name = name.replace("ABSOLUTE", str(tmp_path / "abs"))
    job = _job(tmp_path, {name: {"type": "string"}})
    _refused_everywhere(tmp_path, job, "ok", repr(name), "parameter")
    assert victim.read_text() == "precious\n" and not (tmp_path / "abs.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.json", "victim.txt"]


def test_parameter_names_a_slot_can_say_are_taken(tmp_path):
    job = _job(tmp_path, {"in": {"type": "string"}, "café": {"type": "boolean"}, "_n2": {"type": "integer"}})
    assert mtgen("init", "--job", job, "--out", tmp_path / "g").returncode == 0
    r = mtgen("grammar", "check", tmp_path / "g", "--job", job)
    assert r.returncode == 0, r.stdout + r.stderr



def test_a_job_nested_too_deeply_is_one_line(tmp_path):
    job = tmp_path / "deep.json"
    job.write_text('{"a":' * 100_000 + "1" + "}" * 100_000)
    _refused_everywhere(tmp_path, job, "nested deeper than")


@pytest.mark.parametrize("schema,words", [
    ({"type": "string", "pattern": "(unclosed"}, ["J004", "properties/p/pattern", "is not a 'regex'"]),
    ({"$ref": "#/defs/x"}, ["J006", "'#/defs/x' cannot be resolved"]),
    ({"type": "string", "minLength": "two"}, ["J004", "properties/p/minLength"]),
])
def test_a_parameter_schema_validate_would_refuse_is_refused_up_front(tmp_path, schema, words):
    _refused_everywhere(tmp_path, _job(tmp_path, {"p": schema}), "tools[0] (ok)", *words)


@pytest.mark.parametrize("schema,why", [
    ({"type": "integer", "minimum": 10, "maximum": 1}, "minimum 10 is above maximum 1"),
    ({"type": "number", "exclusiveMinimum": 5, "maximum": 5}, "exclusiveMinimum 5 is not below maximum 5"),
    ({"type": "integer", "minimum": 1.2, "maximum": 1.8}, "no whole number lies within minimum 1.2, maximum 1.8"),
    ({"type": "string", "minLength": 3, "maxLength": 1}, "minLength 3 is above maxLength 1"),
    ({"type": "string", "enum": []}, "its enum is empty"),
    (False, "it is false"),
])
def test_a_parameter_no_value_fits_is_refused_up_front(tmp_path, schema, why):
    _refused_everywhere(tmp_path, _job(tmp_path, {"p": schema}), "tool 'ok'", "parameter 'p'", why)


def test_bounds_a_value_fits_are_taken(tmp_path):
    job = _job(tmp_path, {"p": {"type": "integer", "minimum": 3, "maximum": 3},
                          "q": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.5}})
    assert mtgen("init", "--job", job, "--out", tmp_path / "g").returncode == 0


def _limit_file_size():
    """(in the child) Files may not grow past 2,000 bytes: a write beyond fails (EFBIG), as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))


def test_init_that_cannot_write_every_file_leaves_nothing(tmp_path):
    # the value files fit under the limit, most phrasing files do not: the write fails half-way through
    out = tmp_path / "g"
    r = subprocess.run([sys.executable, "-m", "generator", "init", "--job", str(SMART_HOME), "--out", str(out)],
                       capture_output=True, text=True, cwd=ROOT, preexec_fn=_limit_file_size)
    assert r.returncode == 2 and f"{out}: cannot write the grammar folder (File too large)" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not out.exists()
    assert mtgen("init", "--job", SMART_HOME, "--out", out).returncode == 0  # and a later init is not refused


def test_init_with_force_that_fails_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "g"
    out.mkdir()
    (out / "mine.txt").write_text("keep\n")
    r = subprocess.run([sys.executable, "-m", "generator", "init", "--job", str(SMART_HOME), "--out", str(out),
                        "--force"], capture_output=True, text=True, cwd=ROOT, preexec_fn=_limit_file_size)
    assert r.returncode == 2 and "nothing was written" in r.stderr, r.stderr
    assert [p.name for p in out.iterdir()] == ["mine.txt"]


@pytest.mark.parametrize("schema", [{"$ref": "#/$defs/room"},
                                    {"type": "array", "items": {"$ref": "#/$defs/room"}, "default": [{"$ref": 1}]}])
def test_a_parameter_with_a_ref_is_refused_up_front(tmp_path, schema):
    # the $ref resolves (validate takes it), but values are checked against the parameter's schema alone
    job = _job(tmp_path, {"p": schema}, {"$defs": {"room": {"type": "string", "enum": ["kitchen", "hall"]}}})
    _refused_everywhere(tmp_path, job, "tool 'ok'", "parameter 'p'", "a $ref is not supported")


def test_a_ref_inside_data_or_naming_a_property_is_no_ref(tmp_path):
    job = _job(tmp_path, {"p": {"type": "object", "properties": {"$ref": {"type": "string"}},
                                "default": {"$ref": "x"}}, "q": {"type": "string", "enum": ["$ref"]}})
    assert mtgen("init", "--job", job, "--out", tmp_path / "g").returncode == 0
    r = mtgen("grammar", "check", tmp_path / "g", "--job", job)
    assert r.returncode == 0, r.stdout + r.stderr


def test_init_guesses_numbers_inside_every_kind_of_bound(tmp_path):
    """init wrote 0 for exclusiveMinimum 0 and 1..100 for a maximum of -5: values grammar check then refused.
    Its guesses now lie within exclusive, fractional and negative bounds, so the scaffold checks clean and its
    data validates."""
    props = {"a": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.5},
             "b": {"type": "integer", "exclusiveMinimum": 3, "exclusiveMaximum": 9},
             "e": {"type": "integer", "maximum": -5},
             "f": {"type": "number", "exclusiveMaximum": 0.001},
             "c": {"type": "number", "minimum": 10, "maximum": 20, "description": "amount to pay"}}
    job = _job(tmp_path, props, {"required": list(props)})
    assert mtgen("init", "--job", job, "--out", tmp_path / "g").returncode == 0
    r = mtgen("grammar", "check", tmp_path / "g", "--job", job)
    assert r.returncode == 0, r.stdout + r.stderr
    r = mtgen("generate", "--job", job, "--grammars", tmp_path / "g", "--n", "120", "--out", tmp_path / "d")
    assert r.returncode == 0, r.stderr
    v = mtgen("validate", tmp_path / "d")
    assert v.returncode == 0, v.stdout + v.stderr


@pytest.mark.parametrize("edit, says", [
    (lambda g: (g / "lock_door.txt").unlink(), "no [lock_door] phrasing, so no row would call 'lock_door'"),
    (lambda g: (g / "values" / "romm.txt").write_text("kitchen\n"), "romm.txt: names no parameter"),
])
def test_a_grammar_folder_that_leaves_a_tool_out_or_names_no_parameter_is_refused(tmp_path, edit, says):
    """A folder without a tool's phrasings made rows that never call it while the job lists it, and a values
    file with a typo in its name was never read: both passed grammar check."""
    assert mtgen("init", "--job", SMART_HOME, "--out", tmp_path / "g").returncode == 0
    edit(tmp_path / "g")
    r = mtgen("grammar", "check", tmp_path / "g", "--job", SMART_HOME)
    assert r.returncode == 1 and says in r.stdout + r.stderr, r.stdout + r.stderr
    r = mtgen("generate", "--job", SMART_HOME, "--grammars", tmp_path / "g", "--n", "40", "--out", tmp_path / "d")
    assert r.returncode == 2 and says in r.stderr and not (tmp_path / "d").exists(), r.stderr

"""`mtgen stats` on our data and on anyone's."""
import json

import pytest

from generator.stats import compute, reference_style
# exit codes and output read the same from the entry point run in this process (helpers.mtgen_in_process)
from helpers import SHARED
from helpers import mtgen_in_process as mtgen

REALDATA = SHARED / "realdata"


def test_stats_of_generated_data(tmp_path):
    out = tmp_path / "d"
    assert mtgen("generate", "--n", "300", "--seed", "2", "--out", out).returncode == 0
    s = compute(out)
    tr = s["splits"]["train"]
    assert tr["rows"] + s["splits"]["test"]["rows"] == 300
    assert set(tr["answer_tools"]) == {"ls", "cd", "cat", "mkdir", "touch", "rm", "cp", "mv"}
    assert set(tr["user_turns"]) == {"2", "3", "4", "5", "6"}
    assert 0.3 <= tr["context_dependent_share"] <= 0.6
    assert tr["duplicates"] == 0 and s["leakage"] == 0
    assert tr["distinct_phrasing_shapes"] > 50
    r = mtgen("stats", out, "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["splits"]["train"]["rows"] == tr["rows"]
    r = mtgen("stats", out)
    assert r.returncode == 0 and "context-dependent" in r.stdout and "answer tool" in r.stdout


def test_leakage_and_duplicates_are_counted(tmp_path):
    out = tmp_path / "d"
    assert mtgen("generate", "--n", "100", "--seed", "2", "--out", out).returncode == 0
    train = (out / "train.jsonl").read_text().splitlines()
    test = (out / "test.jsonl").read_text().splitlines()
    (out / "train.jsonl").write_text("\n".join(train + [train[0], test[0], test[1]]) + "\n")
    s = compute(out)
    assert s["splits"]["train"]["duplicates"] == 1 and s["leakage"] == 2


@pytest.mark.skipif(not REALDATA.is_dir(), reason=f"{REALDATA} is missing")
@pytest.mark.parametrize("name", ["distil-smart-home", "distil-voice-assistant-banking"])
def test_stats_work_on_other_domains(name):
    r = mtgen("stats", REALDATA / name, "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["splits"]["train"]["rows"] == 50 and s["splits"]["test"]["rows"] == 50


def test_reference_styles_from_words():
    assert reference_style("Open it.", {"name": "cat", "parameters": {"file_name": "a.txt"}}) == "pronoun"
    assert reference_style("Go back up.", {"name": "cd", "parameters": {"folder": ".."}}) == "relative"
    assert reference_style("Delete the second file we made.", {"name": "rm", "parameters": {"file_name": "b"}}) == "ordinal"
    assert reference_style("Now the same for x.md", {"name": "cat", "parameters": {"file_name": "x.md"}}) == "same"
    assert reference_style("cat x.md", {"name": "cat", "parameters": {"file_name": "x.md"}}) == "direct"


def test_stats_errors(tmp_path):
    r = mtgen("stats", tmp_path / "nope")
    assert r.returncode == 2 and "not a dataset folder" in r.stderr
    (tmp_path / "e").mkdir()
    r = mtgen("stats", tmp_path / "e")
    assert r.returncode == 2 and "no train/test files" in r.stderr

"""`mtgen augment` under a new user's hands (issue 14, items 1, 14, 15, 18): the input is never overwritten,
other people's tools keep their vocabulary and their mix, a dataset folder keeps its test split and config."""

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from generator import augment as aug
from generator import stats
from generator.rng import Rand
from generator.validate import load_job, validate
# exit codes and output read the same from the entry point run in this process (helpers.mtgen_in_process)
from helpers import ROOT, SHARED, calls_of, read_rows
from helpers import mtgen_in_process as mtgen

HOME = ROOT / "tests" / "fixtures" / "augment_smart_home"  # 25 train + 12 test rows of the smart-home example
REAL_HOME = SHARED / "realdata" / "distil-smart-home"


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    for f in dst.iterdir():
        f.chmod(0o644)
    return dst


def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# ---- item 1: --out on or in the input --------------------------------------------------------------
@pytest.mark.parametrize("seeds, out", [("file", "."), ("file", ".."), ("folder", "."), ("folder", "aug"),
                                        ("folder", "..")])
def test_out_overlapping_the_input_is_refused_and_the_input_kept(tmp_path, seeds, out):
    """--out equal to the input, inside an input folder, or around the input: one line, exit 2, nothing
    touched (a seed *file*'s neighbours may share its folder: `augment seeds.jsonl --out augmented/`)."""
    d = _copy(HOME, tmp_path / "d")
    before = _snapshot(d)
    src = d / "train.jsonl" if seeds == "file" else d
    r = mtgen("augment", src, "--job", d / "job_description.json", "--out", (d / out).resolve(), "--n", "40",
              "--force")
    assert r.returncode == 2, r.stdout
    assert len(r.stderr.splitlines()) == 1 and "--out" in r.stderr and "Traceback" not in r.stderr
    assert _snapshot(d) == before
    assert not (d / "aug").exists()


# ---- item 14: other people's tools ---------------------------------------------------------------------
def _vocabulary(folder: Path, job: dict) -> dict:
    """(tool, parameter) -> the values a row may use: the enum, else what the seed rows use."""
    props = {t["function"]["name"]: t["function"]["parameters"]["properties"] for t in job["tools"]}
    vocab: dict = {}
    for split in ("train", "test"):
        if not (folder / f"{split}.jsonl").exists():
            continue
        for row in read_rows(folder / f"{split}.jsonl"):
            _, calls, answer = calls_of(row)
            for tool, args in calls + [answer]:
                for k, v in args.items():
                    vocab.setdefault((tool, k), set()).add(json.dumps(v))
    for tool, ps in props.items():
        for k, schema in ps.items():
            if "enum" in schema:
                vocab[(tool, k)] = {json.dumps(v) for v in schema["enum"]}
    return vocab


def _values_outside(out: Path, vocab: dict) -> list:
    bad = []
    for split in ("train", "test"):
        for row in read_rows(out / f"{split}.jsonl"):
            _, calls, answer = calls_of(row)
            bad += [(t, k, v) for t, a in calls + [answer] for k, v in a.items()
                    if json.dumps(v) not in vocab.get((t, k), set())]
    return bad


def test_values_stay_in_their_parameters_vocabulary(tmp_path):
    out = tmp_path / "o"
    res, _ = aug.run(HOME / "train.jsonl", HOME / "job_description.json", out, n=300, seed=5)
    assert res.by_technique["rename"] > 100
    job = json.loads((HOME / "job_description.json").read_text())
    assert _values_outside(out, _vocabulary(HOME, job)) == []
    assert validate([out]).problems == []


def test_the_kind_a_follow_up_refers_to_is_never_renamed():
    """'Are the bedroom lights on? / Turn them off' must keep 'lights': 'them' means lights."""
    specs = load_job(HOME / "job_description.json", [])
    seed = aug.Seed(1, ["Are the bedroom lights on?", "Turn them off please"],
                    [("get_device_status", {"device_type": "lights", "room": "bedroom"}),
                     ("toggle_lights", {"room": "bedroom", "state": "off"})], False)
    other = aug.Seed(2, ["Are the kitchen lights on?", "And the office?"],
                     [("get_device_status", {"device_type": "lights", "room": "kitchen"}),
                      ("get_device_status", {"device_type": "lights", "room": "office"})], False)
    pools = aug.value_pools([seed, other], specs)
    renamed = [r for r in (aug.rename(seed, specs, Rand(3, i), pools) for i in range(30)) if r is not None]
    assert len(renamed) > 10
    for r in renamed:
        assert r.calls[0][1]["device_type"] == "lights" and "lights" in r.users[0]
        room = r.calls[0][1]["room"]
        assert room in ("kitchen", "office") and r.calls[1][1]["room"] == room and room in r.users[0]


def test_renamed_numbers_keep_their_order():
    """'Set the heat to 76 / That's too warm, try 72': the second number stays below the first."""
    specs = load_job(HOME / "job_description.json", [])
    seed = aug.Seed(1, ["Set the heat to 76", "That's too warm, try 72"],
                    [("set_thermostat", {"temperature": 76, "mode": "heat"}),
                     ("set_thermostat", {"temperature": 72, "mode": "heat"})], False)
    pools = {("set_thermostat", "temperature"): (60, 64, 66, 68, 70, 72, 74, 76, 78, 80),
             ("set_thermostat", "mode"): ("heat", "cool", "auto")}
    changed = 0
    for i in range(40):
        r = aug.rename(seed, specs, Rand(9, i), pools)
        if r is None:
            continue
        a, b = r.calls[0][1]["temperature"], r.calls[1][1]["temperature"]
        assert a > b and str(a) in r.users[0] and str(b) in r.users[1]
        changed += (a, b) != (76, 72)
    assert changed >= 5


def _mix(folder: Path, split: str) -> tuple[dict, float]:
    s = stats.compute(folder)["splits"][split]
    return {t: c / s["rows"] for t, c in s["answer_tools"].items()}, s["context_dependent_share"]


def _assert_mix_kept(seeds: Path, seed_split: str, out: Path, out_split: str) -> None:
    tools, ctx = _mix(seeds, seed_split)
    got_tools, got_ctx = _mix(out, out_split)
    for t in set(tools) | set(got_tools):
        assert abs(tools.get(t, 0) - got_tools.get(t, 0)) <= 0.10, (t, tools, got_tools)
    assert abs(ctx - got_ctx) <= 0.10, (ctx, got_ctx)


def test_answer_tool_mix_and_context_share_are_kept(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(HOME / "train.jsonl", seeds / "train.jsonl")
    out = tmp_path / "o"
    res, _ = aug.run(seeds / "train.jsonl", HOME / "job_description.json", out, n=250, seed=1, test_fraction=0)
    assert res.rows["train"] >= 150
    _assert_mix_kept(seeds, "train", out, "train")


@pytest.mark.skipif(not REAL_HOME.is_dir(), reason=f"{REAL_HOME} is missing")
def test_real_smart_home_keeps_its_mix_and_vocabulary(tmp_path):
    out = tmp_path / "o"
    res, _ = aug.run(REAL_HOME, REAL_HOME / "job_description.json", out, n=1000, seed=1)
    assert res.rows == {"train": 500, "test": 500}
    for split in ("train", "test"):
        _assert_mix_kept(REAL_HOME, split, out, split)
    job = json.loads((REAL_HOME / "job_description.json").read_text())
    assert _values_outside(out, _vocabulary(REAL_HOME, job)) == []


# ---- item 15: a dataset folder keeps its test split and its config ---------------------------------
def test_a_folder_keeps_its_test_split_and_config(tmp_path):
    out = tmp_path / "o"
    r = mtgen("augment", HOME, "--job", HOME / "job_description.json", "--out", out, "--n", "150", "--seed", "2")
    assert r.returncode == 0, r.stderr
    assert (out / "config.yaml").read_bytes() == (HOME / "config.yaml").read_bytes()
    train = {x["question"] for x in read_rows(out / "train.jsonl")}
    test = {x["question"] for x in read_rows(out / "test.jsonl")}
    assert not train & test
    seed_train = {x["question"] for x in read_rows(HOME / "train.jsonl")}
    seed_test = {x["question"] for x in read_rows(HOME / "test.jsonl")}
    assert seed_train <= train and seed_test - seed_train <= test
    assert not seed_train & test
    assert len(test) == round(150 * 12 / 37) and len(train) + len(test) == 150
    _assert_mix_kept(HOME, "test", out, "test")
    assert validate([out]).problems == []


def test_a_folder_config_takes_a_new_student(tmp_path):
    out = tmp_path / "o"
    aug.run(HOME, None, out, n=60, seed=1, student="Qwen3-4B")
    import yaml
    cfg = yaml.safe_load((out / "config.yaml").read_text())
    assert cfg["base"]["student_model_name"] == "Qwen3-4B"
    assert cfg["base"]["teacher_model_name"] == "openai.gpt-oss-120b" and cfg["synthgen"]


def test_small_splits_are_warned_about(tmp_path):
    r = mtgen("augment", HOME / "train.jsonl", "--job", HOME / "job_description.json", "--out", tmp_path / "o",
              "--n", "40", "--seed", "1")
    assert r.returncode == 0, r.stderr
    test_rows = len(read_rows(tmp_path / "o" / "test.jsonl"))
    assert test_rows < 20
    assert f"mtgen: warning: test split has {test_rows} rows; the platform needs at least 20" in r.stderr
    assert "train split has" not in r.stderr


# ---- item 18: progress ------------------------------------------------------------------------------------
def test_long_runs_show_progress(tmp_path, monkeypatch):
    seen = Counter()

    class Recorder:
        def advance(self, k: int = 1) -> None:
            seen["rows"] += k

    from contextlib import contextmanager

    @contextmanager
    def fake(label, total=None):
        seen[label] = total
        yield Recorder()

    monkeypatch.setattr(aug, "progress", fake)
    res, _ = aug.run(HOME / "train.jsonl", HOME / "job_description.json", tmp_path / "o", n=80, seed=1)
    assert seen["augmenting"] == 80
    assert seen["rows"] == res.rows["train"] + res.rows["test"] == 80

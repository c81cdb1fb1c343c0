"""`mtgen mutate` under bad input and hostile options (issue 14): the input is never overwritten, the
--check scoreboard shows only what it measured and never runs a file name as code, odd rows give no
traceback, memory stays flat, and other formats are sent to `mtgen convert`."""
import json
import shlex
import shutil
import sys
import tracemalloc
from pathlib import Path

import pytest

from generator import mutate as mut
from generator.validate import validate
# exit codes and output read the same from the entry point run in this process (helpers.mtgen_in_process);
# the tests about worker processes, a fresh process's determinism or a process group stay real processes
from helpers import REALDATA_SMALL
from helpers import mtgen as mtgen_process
from helpers import mtgen_in_process as mtgen

HOME = REALDATA_SMALL / "distil-smart-home"
BANK = REALDATA_SMALL / "distil-voice-assistant-banking"


def copy_of(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_error_line(r) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    return lines[0]


# ---- item 1: --out equal to, inside or around the input ------------------------------------------------
def test_out_overlapping_the_input_is_refused_and_the_input_kept(tmp_path):
    from generator.outdir import OutputError
    d = copy_of(HOME, tmp_path / "d")
    before = snapshot(d)
    line = one_error_line(mtgen("mutate", d, "--out", d, "--force"))  # replaced d/train.jsonl before
    assert "--out" in line and snapshot(d) == before
    for src, out in ((d, d / "sub"), (d / "train.jsonl", d), (d / "train.jsonl", d / "train.jsonl")):
        with pytest.raises((mut.MutateError, OutputError), match="--out"):
            mut.run(src, out, force=True)
        assert snapshot(d) == before and not (d / "sub").exists()


# ---- item 6: --check reports only what it measured, and never runs a file name -------------------------
def test_check_that_cannot_run_is_an_error_not_a_perfect_score(tmp_path):
    r = mtgen("mutate", HOME, "--out", tmp_path / "o", "--check", "no-such-validator-xyz {file}")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    (line,) = [x for x in r.stderr.splitlines() if "error" in x]
    assert "could not run" in line and "127" in line
    assert "100%" not in r.stdout and "false positives: 0" not in r.stdout


@pytest.mark.parametrize("command", [
    "false {file}",  # fails on every file, clean or not
    f"{sys.executable} -c \"import sys; sys.exit(open(sys.argv[1]).read(0) + 1/0)\" {{file}}",  # crashes
])
def test_check_failing_on_the_clean_input_scores_nothing(tmp_path, command):
    res = mut.run(HOME, tmp_path / "o", seed=3, rate=0.4)
    s = mut.score(res, command)
    assert s.per_kind == {}  # no recall figure: its verdict on a corrupted file says nothing
    assert s.false_positives is None and s.unscored == len(res.mutations) > 0
    assert len(s.clean_failures) == 2 and any("clean input" in n for n in s.notes)


def test_check_flagging_clean_lines_counts_them_as_false_positives(tmp_path):
    flag_first = tmp_path / "flag_first.py"
    flag_first.write_text("import sys\nprint(f'{sys.argv[1]}:1: looks wrong')\n")
    res = mut.run(HOME, tmp_path / "o", seed=3, rate=0.4)
    s = mut.score(res, f"{sys.executable} {flag_first} {{file}}")
    assert s.false_positives == 2 and s.clean_lines == 50  # line 1 of each clean input file
    assert any("clean input" in n for n in s.notes)


@pytest.mark.parametrize("name", ["y$(touch PWN).jsonl", "it's `touch PWN` \"$(touch PWN)\".jsonl"])
def test_file_name_is_one_argument_wherever_the_placeholder_stands(tmp_path, monkeypatch, name):
    d = tmp_path / "d"
    d.mkdir()
    shutil.copy(HOME / "train.jsonl", d / name)
    shutil.copy(HOME / "job_description.json", d)
    res = mut.run(d / name, tmp_path / "o", seed=1, rate=0.5)
    probe = tmp_path / "probe.py"  # exit 0 only when argv[1] is the file itself
    probe.write_text("import os, sys\nsys.exit(0 if os.path.isfile(sys.argv[1]) and "
                     "os.path.basename(sys.argv[1]) == sys.argv[2] else 3)\n")
    monkeypatch.chdir(tmp_path)  # where an injected `touch PWN` would land
    for place in ('"{file}"', "'{file}'", "{file}"):
        s = mut.score(res, f"{sys.executable} {probe} {place} {shlex.quote(name)}")
        assert not (tmp_path / "PWN").exists(), place
        assert s.false_positives == 0 and s.clean_failures == [], (place, s.notes)  # the probe found the file
        assert s.per_kind and all(hit == 0 for _, hit in s.per_kind.values())  # measured: it passed them all
    for place in ("{file}", 'x"{file}"y', "x'{file}'y"):
        assert len(shlex.split(mut.fill(place, f"/t/{name}"))) == 1


# ---- item 11: deep nesting, lone surrogates, a folder named like a data file: no traceback ------------------
def test_deep_nesting_and_lone_surrogates_are_carried_without_a_traceback(tmp_path):
    d = copy_of(HOME, tmp_path / "d")
    lines = (d / "train.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = '{"question": ' + "[" * 100_000 + "]" * 100_000 + ', "answer": "{}"}\n'
    lines[2] = json.dumps({"question": "[" * 100_000 + "]" * 100_000, "answer": "{}"}) + "\n"
    for i in range(3, len(lines)):  # a lone surrogate, escaped as JSON allows, in every other row
        row = json.loads(lines[i])
        turns = json.loads(row["question"])
        turns[0]["content"] += " \ud800"
        lines[i] = json.dumps({"question": json.dumps(turns), "answer": row["answer"]}) + "\n"
    (d / "train.jsonl").write_text("".join(lines), encoding="utf-8")
    r = mtgen_process("mutate", d, "--out", tmp_path / "o1", "--rate", "1", "--seed", 1)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    for seed in (1, 2, 3):
        if seed > 1:
            mut.run(d, tmp_path / f"o{seed}", seed=seed, rate=1.0)
        out = (tmp_path / f"o{seed}" / "train.jsonl").read_bytes()
        out.decode("utf-8")  # every line written is UTF-8
        assert out.split(b"\n")[1:3] == [x.encode().rstrip(b"\n") for x in lines[1:3]]  # carried as they were


def test_a_folder_named_like_a_data_file_is_one_error_line(tmp_path):
    d = copy_of(HOME, tmp_path / "d")
    (d / "test.jsonl").unlink()
    (d / "test.jsonl").mkdir()
    line = one_error_line(mtgen("mutate", d, "--out", tmp_path / "o"))
    assert "test.jsonl" in line and not (tmp_path / "o").exists()


# ---- item 13: memory flat in the input size --------------------------------------------------------------
def test_memory_is_flat_in_the_input_size(tmp_path):
    mut.run(HOME, tmp_path / "warm-up", seed=2)  # first-use imports and caches are not the input's doing
    peaks, sizes = [], []
    for copies in (8, 80):  # about 0.12 MB and 1.2 MB of rows
        d = tmp_path / f"x{copies}"
        d.mkdir()
        for split in ("train", "test"):
            (d / f"{split}.jsonl").write_bytes((HOME / f"{split}.jsonl").read_bytes() * copies)
        shutil.copy(HOME / "job_description.json", d)
        sizes.append(sum(p.stat().st_size for p in d.iterdir()))
        tracemalloc.start()
        try:
            res = mut.run(d, tmp_path / f"o{copies}", seed=2, rate=0.3)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert len(res.mutations) > copies * 10
    # the old code held every row several times over (peak ~5x the input); a stream holds a few offsets
    assert peaks[1] - peaks[0] < 0.25 * (sizes[1] - sizes[0]), (peaks, sizes)


# ---- item 16: another format is sent to `mtgen convert` ----------------------------------------------------
FOREIGN_ROWS = {  # the first row of each format, as `mtgen convert` tells them apart
    "messages": {"messages": [{"role": "user", "content": "ls"}]},
    "openai": {"messages": [{"role": "user", "content": "ls"}], "parallel_tool_calls": False},
    "sharegpt": {"conversations": [{"from": "human", "value": "ls"}]},
    "bfcl": {"id": "multi_turn_0", "question": [[{"role": "user", "content": "ls"}]]},
}


@pytest.mark.parametrize("fmt", list(FOREIGN_ROWS))
def test_a_dataset_in_another_format_is_sent_to_convert(tmp_path, fmt):
    d = tmp_path / "d"
    d.mkdir()
    (d / "train.jsonl").write_text(json.dumps(FOREIGN_ROWS[fmt]) + "\n")
    shutil.copy(HOME / "job_description.json", d)
    if fmt == "bfcl":
        (d / "possible_answer").mkdir()
    for src in (d, d / "train.jsonl"):
        with pytest.raises(mut.MutateError, match=f"a {fmt} dataset.*mtgen convert"):
            mut.run(src, tmp_path / "o")
        assert not (tmp_path / "o").exists()
    if fmt == "sharegpt":
        line = one_error_line(mtgen("mutate", d, "--out", tmp_path / "o"))
        assert "mtgen convert" in line and not (tmp_path / "o").exists()


# ---- item 18: progress over every line -------------------------------------------------------------------
def test_progress_counts_every_line(tmp_path, monkeypatch):
    seen = []

    class Bar:
        done = 0

        def advance(self, n=1):
            self.done += n

    from contextlib import contextmanager

    @contextmanager
    def fake(label, total=None):
        bar = Bar()
        yield bar
        seen.append((label, total, bar.done))

    monkeypatch.setattr(mut, "progress", fake)
    mut.run(HOME, tmp_path / "o", seed=1)
    lines = sum(len((HOME / f).read_bytes().splitlines()) for f in ("train.jsonl", "test.jsonl"))
    assert seen == [("mutating", lines, lines)]


# ---- item 19: the shipped samples of the real data -----------------------------------------------------------
@pytest.mark.parametrize("src", [HOME, BANK], ids=lambda p: p.name)
def test_shipped_real_data_samples_are_valid(src):
    assert {p.name for p in src.iterdir()} == {"train.jsonl", "test.jsonl", "job_description.json", "config.yaml"}
    v = validate([src])
    assert v.problems == [] and [len((src / f).read_bytes().splitlines()) for f in ("train.jsonl", "test.jsonl")] == [25, 25]


def test_shipped_smart_home_sample_exercises_enums(tmp_path):
    """The file-system schemas have no enum: without the sample, nothing in a plain clone tests that kind."""
    res = mut.run(HOME, tmp_path / "o", seed=1, rate=1.0, kinds=["enum_violation"])
    assert len(res.mutations) == 50 and {m.kind for m in res.mutations} == {"enum_violation"}


def test_a_check_that_never_ends_is_stopped(tmp_path):
    """`--check 'sleep 1000; echo {file}'` kept mtgen waiting for ever: a check has --check-timeout seconds per
    file; then it and everything it started are killed, and mtgen fails in one line."""
    import time
    from helpers import ROOT
    marker = f"sleep {1000 + tmp_path.stat().st_ino % 1000}"  # a command line of this test's own, to look for after
    start = time.monotonic()
    p = mtgen_process("mutate", ROOT / "tests" / "fixtures" / "spec_example", "--out", tmp_path / "m",
              "--check", f"{marker}; echo {{file}}", "--check-timeout", "1")
    assert time.monotonic() - start < 30
    assert p.returncode == 2 and "--check took longer than 1 s" in p.stderr, p.stderr
    assert len([x for x in p.stderr.splitlines() if x.startswith("mtgen: error")]) == 1, p.stderr
    import subprocess
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.strip()
    assert left == "", "the check's child processes were left running"
    assert mtgen_process("mutate", ROOT / "tests" / "fixtures" / "spec_example", "--out", tmp_path / "n", "--check",
                 "true {file}", "--check-timeout", "0").returncode == 2

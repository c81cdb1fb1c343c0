"""`mtgen mutate`: labelled corruptions, byte-identical elsewhere, and every one caught by `mtgen validate`."""
import json
import sys

import pytest

from generator import mutate as mut
from generator.validate import validate
# exit codes and output read the same from the entry point run in this process (helpers.mtgen_in_process)
from helpers import REALDATA
from helpers import mtgen_in_process as mtgen

VALIDATE = f"{sys.executable} -m generator validate {{file}}"


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    out = tmp_path_factory.mktemp("ours") / "d"
    assert mtgen("generate", "--n", "200", "--seed", "21", "--out", out).returncode == 0
    return out


@pytest.fixture(scope="module")
def ours_csv(tmp_path_factory):
    out = tmp_path_factory.mktemp("ours_csv") / "d"
    assert mtgen("generate", "--n", "120", "--seed", "22", "--format", "csv", "--out", out).returncode == 0
    return out


def sources(ours, ours_csv):
    srcs = [ours, ours_csv]
    if REALDATA.is_dir():
        srcs += sorted(REALDATA.iterdir())
    return srcs


def test_catalogue_has_at_least_20_kinds_with_known_codes():
    from generator.validate import CODES
    assert len(mut.KINDS) >= 20
    for code, csv_code, _ in mut.KINDS.values():
        assert code in CODES and (csv_code is None or csv_code in CODES)


def test_every_corruption_is_reported_at_its_line_with_its_code(tmp_path, ours, ours_csv):
    seen_kinds = set()
    for i, src in enumerate(sources(ours, ours_csv)):
        for seed in (1, 2, 3):
            out = tmp_path / f"{i}-{seed}"
            res = mut.run(src, out, seed=seed, rate=0.4)
            assert res.mutations
            for f in res.files:
                v = validate([f], min_rows=1)
                got = {(p.line, p.code) for p in v.problems}
                lines = {p.line for p in v.problems if p.line}
                bad = {m.line for m in res.mutations if m.file == f.name}
                for m in res.mutations:
                    if m.file == f.name:
                        assert (m.line, m.expected_code) in got, (src.name, seed, m)
                assert lines <= bad, f"false positives in {f}: {sorted(lines - bad)}"
            seen_kinds |= {m.kind for m in res.mutations}
    # every kind was exercised somewhere (our file-system schemas have no enum: that kind needs the real data)
    assert seen_kinds == set(mut.KINDS) - (set() if REALDATA.is_dir() else {"enum_violation"})


def test_scoreboard_with_mtgen_validate_is_perfect(tmp_path, ours):
    srcs = [ours] + ([REALDATA / "distil-voice-assistant-banking"] if REALDATA.is_dir() else [])
    for i, src in enumerate(srcs):
        res = mut.run(src, tmp_path / str(i), seed=5, rate=0.3)
        s = mut.score(res, VALIDATE)
        assert s.false_positives == 0
        assert all(hit == n for n, hit in s.per_kind.values()), s.per_kind
        assert s.clean_lines > 0


def test_scoreboard_notices_a_weak_validator(tmp_path, ours):
    """A validator that only checks JSON syntax misses most kinds: the scoreboard must say so."""
    weak = tmp_path / "weak.py"
    weak.write_text("import json,sys\nfor i,l in enumerate(open(sys.argv[1]),1):\n"
                    "    try: json.loads(l)\n    except Exception: print(f'line {i}: bad')\n")
    res = mut.run(ours, tmp_path / "o", seed=5, rate=0.3)
    s = mut.score(res, f"{sys.executable} {weak} {{file}}")
    assert s.per_kind["unknown_tool"][1] == 0 and s.per_kind["broken_json"][1] == 0  # strings stay valid JSON lines
    assert sum(h for _, h in s.per_kind.values()) < sum(n for n, _ in s.per_kind.values())


def test_untouched_lines_are_byte_identical_and_manifest_is_exact(tmp_path, ours):
    res = mut.run(ours, tmp_path / "o", seed=9, rate=0.3)
    for split in ("train", "test"):
        before = (ours / f"{split}.jsonl").read_bytes().split(b"\n")
        after = (tmp_path / "o" / f"{split}.jsonl").read_bytes().split(b"\n")
        assert len(before) == len(after)
        changed = {m.line for m in res.mutations if m.file == f"{split}.jsonl"}
        for n, (a, b) in enumerate(zip(before, after), 1):
            assert (a != b) == (n in changed), (split, n)
    manifest = [json.loads(x) for x in (tmp_path / "o" / "manifest.jsonl").read_text().splitlines()]
    assert manifest == [m.__dict__ for m in res.mutations]
    assert set(manifest[0]) == {"file", "line", "kind", "change", "expected_code"}


def test_deterministic_per_seed(tmp_path, ours):
    for name, seed in (("a", 4), ("b", 4), ("c", 5)):
        assert mtgen("mutate", ours, "--out", tmp_path / name, "--seed", seed).returncode == 0
    for f in ("train.jsonl", "test.jsonl", "manifest.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    assert (tmp_path / "a" / "manifest.jsonl").read_bytes() != (tmp_path / "c" / "manifest.jsonl").read_bytes()


def test_kinds_option_and_csv_multiline_line_numbers(tmp_path, ours_csv):
    res = mut.run(ours_csv, tmp_path / "o", seed=2, rate=0.5, kinds=["over_length", "broken_json", "leakage"])
    assert {m.kind for m in res.mutations} == {"over_length", "broken_json", "leakage"}
    v = validate([tmp_path / "o" / "train.csv"], min_rows=1)
    got = {(p.line, p.code) for p in v.problems}
    for m in res.mutations:
        if m.file == "train.csv":
            assert (m.line, m.expected_code) in got


@pytest.mark.parametrize("args,message", [
    (["--rate", "0"], "--rate must be in (0, 1]"),
    (["--kinds", "explode"], "unknown kind 'explode'"),
    (["--check", "true"], "--check needs '{file}'"),
])
def test_bad_options(tmp_path, ours, args, message):
    r = mtgen("mutate", ours, "--out", tmp_path / "o", *args)
    assert r.returncode == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_missing_input(tmp_path):
    r = mtgen("mutate", tmp_path / "nope", "--out", tmp_path / "o")
    assert r.returncode == 2 and "no such file or folder" in r.stderr


def test_cli_scoreboard(tmp_path, ours):
    r = mtgen("mutate", ours, "--out", tmp_path / "o", "--check", VALIDATE)
    assert r.returncode == 0, r.stderr
    assert "false positives: 0 reported line(s)" in r.stdout and "100%" in r.stdout


def test_same_bytes_as_before_streaming(tmp_path):
    """Reading the input as a stream (issue 14) kept every output byte: digests of the whole-file version's
    output for the shipped samples, as JSONL and as multi-line CSV records with CRLF endings.  (Pinned again
    when rng.Rand's seeding changed: the same inputs, another stream.)"""
    import csv
    import hashlib
    import shutil

    from helpers import REALDATA_SMALL

    def digest(folder):
        h = hashlib.sha256()
        for p in sorted(folder.iterdir()):
            h.update(p.name.encode() + b"\0" + p.read_bytes())
        return h.hexdigest()[:16]

    home = REALDATA_SMALL / "distil-smart-home"
    c = tmp_path / "csv"
    c.mkdir()
    for split in ("train", "test"):
        with open(c / f"{split}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["question", "answer"])
            for line in (home / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                w.writerow([json.dumps(json.loads(row["question"]), indent=1), row["answer"]])
    shutil.copy(home / "job_description.json", c)
    for src, seed, want in ((home, 3, "5dcf096363ad24f6"), (REALDATA_SMALL / "distil-voice-assistant-banking", 5,
                            "d632e3e6d0fc7f06"), (c, 2, "f30c776884c37b5d")):  # csv: pwd and find are now known tools
        mut.run(src, tmp_path / f"{src.name}-out", seed=seed, rate=0.5)
        assert digest(tmp_path / f"{src.name}-out") == want, src.name

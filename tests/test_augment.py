"""`mtgen augment`: seeds grow into a larger, varied, still-correct dataset."""

import pytest

from generator import augment as aug
from generator.domains.filesystem.state import FileSystem
from generator.validate import validate
# exit codes and output read the same from the entry point run in this process (helpers.mtgen_in_process)
from helpers import REALDATA, ROOT, read_rows
from helpers import mtgen_in_process as mtgen

SPEC = ROOT / "tests" / "fixtures" / "spec_example"


def test_invalid_seed_lines_are_reported_by_number(tmp_path):
    r = mtgen("augment", SPEC / "train.jsonl", "--job", SPEC / "job_description.json", "--out", tmp_path / "o")
    assert r.returncode == 1
    assert f"{SPEC / 'train.jsonl'}:2: S001 turn 1 calls unknown tool 'pwd'" in r.stderr
    assert "--skip-invalid" in r.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_spec_seeds_grow_into_a_clean_dataset(tmp_path):
    out = tmp_path / "o"
    r = mtgen("augment", SPEC / "train.jsonl", "--job", SPEC / "job_description.json", "--out", out,
              "--n", "300", "--seed", "3", "--skip-invalid")
    assert r.returncode == 0, r.stderr
    assert "skipped:" in r.stderr and ":2: S001" in r.stderr
    assert "rows per technique: original 4, prefix" in r.stdout
    v = validate([out])
    assert v.problems == [], [p.human() for p in v.problems[:5]]
    rows = read_rows(out / "train.jsonl") + read_rows(out / "test.jsonl")
    assert len(rows) == 300
    assert len({x["question"] for x in rows}) == 300
    counts = dict(part.rsplit(" ", 1) for part in r.stdout.split("rows per technique: ")[1].splitlines()[0].split(", "))
    assert all(int(counts[t]) > 0 for t in ("original", "prefix", "rename", "rephrase", "continue")), counts


def test_rows_of_one_seed_stay_on_one_side(tmp_path):
    res, _ = aug.run(SPEC / "train.jsonl", SPEC / "job_description.json", tmp_path / "o", n=200, seed=2,
                     test_fraction=0.3, skip_invalid=True)
    assert all(len(s) == 1 for s in res.sides_of_seed.values())
    assert {next(iter(s)) for s in res.sides_of_seed.values()} == {"train", "test"}


def test_deterministic(tmp_path):
    for name in ("a", "b"):
        res, _ = aug.run(SPEC / "train.jsonl", SPEC / "job_description.json", tmp_path / name, n=120, seed=7,
                         skip_invalid=True)
    for f in ("train.jsonl", "test.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def test_renaming_is_consistent_across_turns():
    seed = aug.Seed(1, ["Go to reports.", "Copy q3.pdf into archive.", "Now open q3.pdf please."],
                    [("cd", {"folder": "reports"}), ("cp", {"source": "q3.pdf", "destination": "archive"}),
                     ("cat", {"file_name": "q3.pdf"})], True)
    from generator.validate import load_job
    specs = load_job(SPEC / "job_description.json", [])
    from generator.rng import Rand
    for i in range(20):
        out = aug.rename(seed, specs, Rand(1, i))
        new_pdf = out.calls[1][1]["source"]
        assert new_pdf.endswith(".pdf") and new_pdf != "q3.pdf"
        assert out.calls[2][1]["file_name"] == new_pdf
        assert new_pdf in out.users[1] and new_pdf in out.users[2]
        import re
        said = " ".join(out.users)
        assert out.calls[0][1]["folder"] in out.users[0] and not re.search(r"(?<![\w-])reports\b", said)
        assert not re.search(r"(?<![\w-])archive(?![\w-])", said) and out.calls[1][1]["destination"] in out.users[1]


def test_continuation_replays_legally_on_the_implied_tree():
    from generator.rng import Rand
    seeds, specs, _ = aug.load_seeds(SPEC / "train.jsonl", SPEC / "job_description.json", skip_invalid=True)
    from generator.grammar import load
    from generator.planner import menu
    g = load()
    from generator.forms import FORMS
    forms = menu([FORMS[f] for f in sorted(g.forms)])
    made = 0
    for s in seeds:
        for i in range(10):
            out = aug.continuation(s, g, forms, Rand(4, i))
            assert out is not None and len(out.calls) > len(s.calls)
            tree = aug.implied_tree(s, Rand(4, i))
            fs = FileSystem(tree)
            for tool, args in out.calls[:-1]:
                fs.apply(tool, args)
            assert fs.check(*out.calls[-1]) is None
            made += 1
    assert made == 40


@pytest.mark.skipif(not REALDATA.is_dir(), reason=f"{REALDATA} is missing")
@pytest.mark.parametrize("name", ["distil-smart-home", "distil-voice-assistant-banking"])
def test_other_domains_get_prefix_and_rename_only(tmp_path, name):
    src = REALDATA / name
    out = tmp_path / "o"
    r = mtgen("augment", src / "train.jsonl", "--job", src / "job_description.json", "--out", out, "--n", "150")
    assert r.returncode == 0, r.stderr
    assert "rephrase 0, continue 0" in r.stdout
    assert "use tools the simulator does not model: prefix expansion and renaming only" in r.stdout
    v = validate([out])
    assert v.problems == [], [p.human() for p in v.problems[:5]]


def test_csv_seeds_and_bad_options(tmp_path):
    csv_dir = tmp_path / "c"
    assert mtgen("generate", "--n", "30", "--format", "csv", "--out", csv_dir).returncode == 0
    r = mtgen("augment", csv_dir / "train.csv", "--job", csv_dir / "job_description.json", "--out", tmp_path / "o",
              "--n", "100", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert validate([tmp_path / "o"], min_rows=1).problems == []
    r = mtgen("augment", csv_dir / "train.csv", "--job", csv_dir / "job_description.json", "--out", tmp_path / "p",
              "--n", "0")
    assert r.returncode == 2 and "--n must be a positive number" in r.stderr
    r = mtgen("augment", tmp_path / "missing.jsonl", "--job", csv_dir / "job_description.json", "--out", tmp_path / "p")
    assert r.returncode == 2 and "no such file" in r.stderr

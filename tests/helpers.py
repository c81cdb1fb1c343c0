"""Shared test helpers: run the CLI in-process and read datasets back."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
# The two real example datasets (smart home, banking) live in ../shared/realdata, beside the checkout; a plain
# clone has 25-row samples of each in tests/fixtures/realdata_small, so the tests on them always run.
# MTGEN_REALDATA=<folder> picks either one explicitly (e.g. to run the samples where the real data exists).
REALDATA_FULL = SHARED / "realdata"
REALDATA_SMALL = ROOT / "tests" / "fixtures" / "realdata_small"
REALDATA = Path(os.environ.get("MTGEN_REALDATA") or (REALDATA_FULL if REALDATA_FULL.is_dir() else REALDATA_SMALL))


def mtgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `mtgen` as a user would (a real process: exit codes and stderr as scripts see them)."""
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT)


def run_every_command(out: Path, env: dict[str, str]) -> None:
    """Run each command that writes data (generate, augment, mutate, convert) into `out`, with `env`
    added to the environment: tests compare what two environments write, byte for byte."""
    import os
    spec = ROOT / "tests" / "fixtures" / "spec_example"
    gen = out / "gen"
    commands = {
        "gen": ["generate", "--n", "120", "--seed", "3", "--split-by", "template", "--emit-state"],
        "aug": ["augment", spec / "train.jsonl", "--job", spec / "job_description.json", "--n", "150", "--seed", "7",
                "--skip-invalid"],
        "mut": ["mutate", gen, "--seed", "2"],  # mutate and convert read this run's own generated dataset
        "bfcl": ["convert", gen, "--to", "bfcl"],
    }
    for name, args in commands.items():
        r = subprocess.run([sys.executable, "-m", "generator", *map(str, args), "--out", str(out / name)],
                           capture_output=True, text=True, env={**os.environ, **env})
        assert r.returncode == 0, r.stderr


def assert_same_files(a: Path, b: Path) -> None:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert len(files) > 15
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def read_rows(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def calls_of(row: dict) -> tuple[list[dict], list[tuple[str, dict]], tuple[str, dict]]:
    """(turns, earlier calls, answer call) of one row."""
    turns = json.loads(row["question"])
    calls = [(t["tool_calls"][0]["function"]["name"], t["tool_calls"][0]["function"]["arguments"])
             for t in turns if t["role"] == "assistant"]
    ans = json.loads(row["answer"])
    return turns, calls, (ans["name"], ans["parameters"])

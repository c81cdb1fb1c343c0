"""Shared test helpers: run the CLI (as a process or in this one) and read datasets back."""
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


# Python's default warning filters, which a fresh `mtgen` process runs with (pytest installs its own)
_PROCESS_WARNING_FILTERS = [("default", DeprecationWarning, "__main__"), ("ignore", DeprecationWarning, None),
                            ("ignore", PendingDeprecationWarning, None), ("ignore", ImportWarning, None),
                            ("ignore", ResourceWarning, None)]


def mtgen_in_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`mtgen` through the same entry point (generator.__main__.run) inside the test process, as `mtgen()` reports
    it: the exit code and all that reaches file descriptors 1 and 2, which are files here (not a terminal), as
    with capture_output.  It saves a process start-up and import per call (0.2-0.5 s).  What only a real process
    shows (a signal's exit, interpreter shutdown, output written at exit) stays with `mtgen()`."""
    import tempfile
    import warnings

    from generator.__main__ import run
    saved_argv, saved_cwd, saved_streams = sys.argv, os.getcwd(), (sys.stdout, sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    saved_fds = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, warnings.catch_warnings():
        warnings.resetwarnings()
        for action, category, module in reversed(_PROCESS_WARNING_FILTERS):
            warnings.filterwarnings(action, category=category, module=module or "")
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)  # line-buffered, as Python's stderr
        sys.argv = ["mtgen", *map(str, args)]
        code = 0
        try:
            os.chdir(cwd or ROOT)
            run()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 0 if e.code is None else 1
            if isinstance(e.code, str):
                print(e.code, file=sys.stderr)  # as the interpreter does with sys.exit("message")
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass  # a closed or failing stdout is what the command saw; its output so far is kept
            sys.stdout, sys.stderr = saved_streams
            os.dup2(saved_fds[0], 1)
            os.dup2(saved_fds[1], 2)
            for fd in saved_fds:
                os.close(fd)
            sys.argv = saved_argv
            os.chdir(saved_cwd)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(["mtgen", *map(str, args)], code,
                                           out.read().decode("utf-8"), err.read().decode("utf-8"))


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

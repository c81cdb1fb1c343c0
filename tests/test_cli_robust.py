"""The command line under a demanding user's hands: one seed range everywhere, user data printed as text,
help and --version, and no option combination that silently does less than asked (issue 14: 8, 11, 12, 17)."""
from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

import pytest

from helpers import ROOT

SPEC = ROOT / "tests" / "fixtures" / "spec_example"


class Result:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = code, stdout, stderr

    def error_lines(self) -> list[str]:
        return self.stderr.strip().splitlines()


def run_cli(*args) -> Result:
    """`mtgen ARGS` in this process (as fast as a function call): generator.cli.main with sys.argv set,
    its exit code taken from SystemExit; an exception escaping main() is a traceback for the user."""
    from generator import cli

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["mtgen", *map(str, args)]
    code = None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            cli.main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        sys.argv = argv
    return Result(code, out.getvalue(), err.getvalue())


def assert_one_error_line(r: Result, *needles: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.error_lines()
    assert len(lines) == 1 and lines[0].startswith("mtgen: error: "), r.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert "Traceback" not in r.stderr + r.stdout


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("robust") / "data"
    r = run_cli("generate", "--n", "40", "--seed", "5", "--out", out)
    assert r.returncode == 0, r.stderr
    return out


# ---- item 8: one documented seed range, 0 <= SEED < 2**64, in every command ---------------------------
def _seed_commands(tmp_path: Path, dataset: Path) -> dict[str, list]:
    return {
        "generate": ["generate", "--n", "30", "--out", tmp_path / "g"],
        "augment": ["augment", SPEC / "train.jsonl", "--job", SPEC / "job_description.json", "--skip-invalid",
                    "--n", "30", "--out", tmp_path / "a"],
        "mutate": ["mutate", dataset, "--out", tmp_path / "m"],
    }


@pytest.mark.parametrize("seed", [str(2**64), "-1", str(2**64 + 5), "9" * 40])
@pytest.mark.parametrize("command", ["generate", "augment", "mutate"])
def test_seed_outside_the_documented_range_is_refused_alike(tmp_path, small_dataset, command, seed):
    args = _seed_commands(tmp_path, small_dataset)[command]
    r = run_cli(*args, "--seed", seed)
    assert_one_error_line(r, "--seed", "0 <= SEED < 2**64", f"got {seed}")
    assert not any(p.is_dir() and any(p.iterdir()) for p in tmp_path.iterdir())  # nothing written


def test_largest_seed_is_accepted_and_differs_from_seed_0(tmp_path):
    top, zero = tmp_path / "top", tmp_path / "zero"
    assert run_cli("generate", "--n", "30", "--seed", str(2**64 - 1), "--out", top).returncode == 0
    assert run_cli("generate", "--n", "30", "--seed", "0", "--out", zero).returncode == 0
    assert (top / "train.jsonl").read_bytes() != (zero / "train.jsonl").read_bytes()


@pytest.mark.parametrize("command", ["generate", "augment", "mutate"])
def test_help_documents_the_seed_range(command):
    r = run_cli(command, "--help")
    assert r.returncode == 0 and "0 <= SEED < 2**64" in " ".join(r.stdout.split())


# ---- item 11: --tools that names no tool ------------------------------------------------------------------
@pytest.mark.parametrize("tools", [",", " , ,", ""])
def test_tools_naming_no_tool_is_one_line(tmp_path, tools):
    r = run_cli("generate", "--n", "30", "--tools", tools, "--out", tmp_path / "d")
    assert_one_error_line(r, "--tools names no tool")
    assert not (tmp_path / "d").exists()


# ---- item 12: user data is printed as text, never as markup or terminal control sequences ---------------
def test_clean_strips_escape_sequences_and_control_characters():
    from generator.cli import _clean
    assert _clean("a\x1b[31mb\x1b[0m\x1b]0;title\x07c\x1b]8;;http://x\x1b\\d\x00\x07\x08e\x9b2Jf\r\n\tg") \
        == "abcdef\n\tg"
    assert _clean("[red]x[/] [link=http://e.vil]y[/link] [/bold]") == "[red]x[/] [link=http://e.vil]y[/link] [/bold]"


def test_markup_in_folder_names_is_printed_literally_by_the_validate_summary(tmp_path, small_dataset, monkeypatch):
    import shutil
    monkeypatch.setenv("COLUMNS", "400")  # no wrapping of the table's cells
    d = tmp_path / "[" / "bold][red]x[link=http://e.vil]y"  # the path says '[/bold]', '[red]' and '[link=...]'
    shutil.copytree(small_dataset, d)
    r = run_cli("validate", d)
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stderr
    assert f"{d / 'train.jsonl'}" in r.stderr


def test_escape_sequences_in_a_path_do_not_reach_the_terminal(tmp_path):
    bad = tmp_path / "a\x1b[2J\x1b]0;pwned\x07b"
    r = run_cli("validate", bad)
    assert_one_error_line(r, "no such file or folder")
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr
    assert "a[2J" not in r.stderr  # the whole sequence goes, not only its ESC


def test_escape_sequences_in_problem_lines_are_stripped(tmp_path, small_dataset):
    import shutil
    d = tmp_path / "d"
    shutil.copytree(small_dataset, d)
    (d / "train.jsonl").write_text((d / "train.jsonl").read_text() + '{"question": "\x1b[31mred", "x": 1}\n')
    weird = d / "tr\x1b[2Jain.jsonl"
    (d / "train.jsonl").rename(weird)
    r = run_cli("validate", weird, "--job", d / "job_description.json")
    assert r.returncode in (1, 2), r.stderr
    assert "\x1b" not in r.stdout + r.stderr and "Traceback" not in r.stderr


def test_scoreboard_prints_kind_names_and_notes_as_text(capsys):
    from types import SimpleNamespace

    from generator.cli import _scoreboard
    s = SimpleNamespace(per_kind={"[/bold]": (2, 1), "[red]k[/]": (1, 1), "[link=http://e.vil]z": (0, 0)},
                        false_positives=0, clean_lines=3, notes=["file [/bold] \x1b[31mred [red]x[/]"])
    _scoreboard(s)
    out = capsys.readouterr().out
    flat = "".join(out.split())
    assert "[/bold]" in flat and "[red]k[/]" in flat and "[link=http://e.vil]z" in flat
    assert "note: file [/bold] red [red]x[/]" in out and "\x1b" not in out


def test_fail_message_is_one_clean_line(capsys):
    import typer

    from generator.cli import fail
    with pytest.raises(typer.Exit):
        fail("bad [/bold] name\nsecond\x1b[31m line")
    err = capsys.readouterr().err
    assert err == "mtgen: error: bad [/bold] name second line\n"


# ---- item 17: a new user's first commands ---------------------------------------------------------------
def test_no_arguments_prints_help_and_exits_0():
    r = run_cli()
    assert r.returncode == 0 and r.stderr == ""
    assert "Usage: mtgen" in r.stdout and "generate" in r.stdout and "validate" in r.stdout
    r = run_cli("grammar")
    assert r.returncode == 0 and r.stderr == "" and "check" in r.stdout


def test_version_prints_the_package_version():
    import generator
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"mtgen {generator.__version__}"
    assert "--version" in run_cli("--help").stdout


def _rows(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.strip())


def test_train_alone_adds_test_rows_at_the_test_fraction(tmp_path):
    r = run_cli("generate", "--train", "100", "--out", tmp_path / "a")
    assert r.returncode == 0, r.stderr
    assert _rows(tmp_path / "a" / "train.jsonl") == 100 and _rows(tmp_path / "a" / "test.jsonl") == 25
    assert "100 train + 25 test rows" in r.stdout
    # exactly what the explicit options give, byte for byte
    assert run_cli("generate", "--train", "100", "--test", "25", "--out", tmp_path / "b").returncode == 0
    for name in ("train.jsonl", "test.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_test_alone_adds_train_rows_and_explicit_zero_still_means_zero(tmp_path):
    r = run_cli("generate", "--test", "10", "--test-fraction", "0.25", "--out", tmp_path / "a")
    assert r.returncode == 0, r.stderr
    assert _rows(tmp_path / "a" / "train.jsonl") == 30 and _rows(tmp_path / "a" / "test.jsonl") == 10
    r = run_cli("generate", "--train", "30", "--test", "0", "--out", tmp_path / "b")
    assert r.returncode == 0, r.stderr
    assert _rows(tmp_path / "b" / "train.jsonl") == 30 and _rows(tmp_path / "b" / "test.jsonl") == 0


def test_help_says_what_train_alone_does():
    text = " ".join(run_cli("generate", "--help").stdout.split())
    assert "Alone, it adds test rows at --test-fraction" in text



@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["stats", SPEC, "--json"], ["tools"], ["show", SPEC]])
def test_a_report_to_a_full_disk_is_one_line(args):
    """`mtgen stats DIR --json > /dev/full` was "internal error: OSError ... this is a bug" (exit 70)."""
    import subprocess
    with open("/dev/full", "w") as full:
        p = subprocess.run([sys.executable, "-m", "generator", *map(str, args)], stdout=full, stderr=subprocess.PIPE,
                           text=True, cwd=ROOT)
    assert p.returncode == 2, p.stderr
    assert p.stderr.strip() == "mtgen: error: standard output: No space left on device", p.stderr


def test_ctrl_c_while_starting_is_one_line():
    """Ctrl-C in the first tenth of a second, while the modules load, printed a traceback."""
    import subprocess
    code = ("import builtins\nreal = builtins.__import__\n"
            "def imp(name, *a, **k):\n"
            "    if name == 'cli' or name == 'generator.cli':\n        raise KeyboardInterrupt\n"
            "    return real(name, *a, **k)\n"
            "builtins.__import__ = imp\nfrom generator.__main__ import run\nrun()\n")
    p = subprocess.run([sys.executable, "-c", code, "tools"], capture_output=True, text=True, cwd=ROOT)
    assert (p.returncode, p.stderr) == (130, "mtgen: interrupted\n")


@pytest.mark.parametrize("args, says", [
    (["generate", "--n", "5", "--out", ""], "--out: an empty string names no folder"),
    (["convert", SPEC, "--to", "csv", "-o", ""], "--out: an empty string names no folder"),
    (["validate", SPEC, "--min-rows", "-1"], "--min-rows must be 0 or more"),
    (["mutate", SPEC, "--out", "{tmp}/m", "--kinds", " , "], "--kinds names no kind"),
    (["augment", SPEC / "train.jsonl", "--job", SPEC / "job_description.json", "--n", "1000000000", "--out", "{tmp}/a"],
     "at most 100,000,000"),
])
def test_values_that_would_do_something_else_are_refused(tmp_path, args, says):
    """An empty --out was the current folder, --min-rows -1 and --kinds '' were taken, and augment set off on
    a billion rows: each is one line and exit 2, and nothing is written."""
    from helpers import mtgen
    args = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
    p = mtgen(*args, cwd=tmp_path)
    assert p.returncode == 2 and says in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert list(tmp_path.iterdir()) == []

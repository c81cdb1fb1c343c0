"""Bad input gets one clear line on stderr and exit code 2; nothing half-written is left behind."""
import os

import pytest

# exit codes and output read the same from the entry point run in this process (helpers.mtgen_in_process)
from helpers import ROOT
from helpers import mtgen_in_process as mtgen


@pytest.mark.parametrize("args,message", [
    (["--n", "0"], "--n must be a positive number of rows (got 0)"),
    (["--n", "-5"], "--n must be a positive number of rows (got -5)"),
    (["--n", "abc"], "--n"),
    (["--test-fraction", "1.5"], "--test-fraction must be in [0, 1) (got 1.5)"),
    (["--test-fraction", "-0.1"], "--test-fraction must be in [0, 1) (got -0.1)"),
    (["--context-share", "2"], "--context-share must be in [0, 1] (got 2.0)"),
    (["--tools", "ls,xargs"], "unknown tool 'xargs' in --tools"),
    (["--format", "xml"], "--format must be one of distil, jsonl, csv, messages, openai, sharegpt, bfcl (got 'xml')"),
    (["--split-by", "tool"], "--split-by must be 'conversation' or 'template'"),
    (["--n", "10", "--train", "5"], "give either --n or --train/--test, not both"),
    (["--train", "0", "--test", "0"], "--train and --test must be >= 0 and not both 0"),
    (["--min-turns", "4", "--max-turns", "2"], "--min-turns/--max-turns must satisfy"),
    (["--student", "Mistral-7B"], "student model 'Mistral-7B' is not supported"),
    (["--teacher", "gpt-4o"], "teacher model 'gpt-4o' is not supported"),
    (["--bogus"], "No such option: --bogus"),
    (["--workers", "0"], "--workers must be >= 1 (got 0)"),
    (["--shard", "4/3"], "--shard must be K/N with 1 <= K <= N (got 4/3)"),
    (["--shard", "half"], "--shard must look like K/N"),
])
def test_bad_options_exit_2_with_one_line(tmp_path, args, message):
    out = tmp_path / "out"
    r = mtgen("generate", "--out", out, *args)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtgen: error: "), r.stderr
    assert message in lines[0]
    assert "Traceback" not in r.stderr
    assert not out.exists() or not any(out.iterdir())


def test_non_empty_output_folder_needs_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    r = mtgen("generate", "--n", "30", "--out", out)
    assert r.returncode == 2 and "folder is not empty (use --force to overwrite)" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    r = mtgen("generate", "--n", "30", "--out", out, "--force")
    assert r.returncode == 0, r.stderr
    assert (out / "keep.txt").read_text() == "mine" and (out / "train.jsonl").exists()


def test_output_path_that_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = mtgen("generate", "--n", "30", "--out", f)
    assert r.returncode == 2 and "exists and is not a folder" in r.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere; permissions cannot be tested as root")
def test_unwritable_output_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    r = mtgen("generate", "--n", "30", "--out", ro / "d")
    assert r.returncode == 2 and "cannot write there" in r.stderr


def test_unwritable_output_folder_under_a_file(tmp_path):
    """Works as root too: a path below a regular file can never be created."""
    f = tmp_path / "file"
    f.write_text("x")
    r = mtgen("generate", "--n", "30", "--out", f / "d")
    assert r.returncode == 2 and "cannot write there" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_bad_grammar_folder_is_a_one_line_error(tmp_path):
    g = tmp_path / "g"
    g.mkdir()
    (g / "cat.txt").write_text("[cat.direct]\nShow me {{ fil }}\n")
    r = mtgen("generate", "--n", "30", "--out", tmp_path / "d", "--grammars", g)
    assert r.returncode == 2
    assert f"bad grammar: {g / 'cat.txt'}:2: unknown slot 'fil'" in r.stderr
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())
    spec = ROOT / "tests" / "fixtures" / "spec_example"
    r = mtgen("augment", spec / "train.jsonl", "--job", spec / "job_description.json", "--skip-invalid",
              "--out", tmp_path / "a", "--grammars", g)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert f"mtgen: error: bad grammar: {g / 'cat.txt'}:2:" in r.stderr


def test_help_documents_every_option_with_defaults():
    r = mtgen("generate", "--help")
    assert r.returncode == 0
    for opt in ("--n", "--seed", "--out", "--train", "--test", "--test-fraction", "--split-by", "--format",
                "--tools", "--min-turns", "--max-turns", "--context-share", "--noise", "--student", "--teacher",
                "--grammars", "--force", "--emit-state", "--workers", "--shard"):
        assert opt in r.stdout, opt
    assert "default: 0.2" in r.stdout.replace("[", "").replace("]", "")


def test_wheel_ships_every_module_and_data_file(tmp_path):
    """A plain (non-editable) install gets every module, sub-package and data file (an editable install
    hides a package missing from the build configuration)."""
    import shutil
    import subprocess
    import sys
    import zipfile
    from helpers import ROOT
    src = tmp_path / "src"  # a copy: building writes build/ and *.egg-info beside the sources
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("generator", "grammars"):
        shutil.copytree(ROOT / name, src / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(src)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    wheel = zipfile.ZipFile(next((tmp_path / "dist").glob("*.whl")))
    names = set(wheel.namelist())
    pkg = ROOT / "generator"
    wanted = {p.relative_to(ROOT).as_posix() for p in [*pkg.rglob("*.py"), *pkg.rglob("data/*.txt")]
              if "__pycache__" not in p.parts}
    assert wanted <= names, sorted(wanted - names)
    assert any(n.endswith("share/mtgen/grammars/filesystem/en/lexicon.txt") for n in names)


def test_outputs_do_not_depend_on_the_hash_seed(tmp_path):
    """Byte-identical output on any machine: no command may let set or dict-of-set iteration order (which
    PYTHONHASHSEED changes from process to process) reach the files it writes."""
    from helpers import assert_same_files, run_every_command
    run_every_command(tmp_path / "1", {"PYTHONHASHSEED": "1"})
    run_every_command(tmp_path / "2", {"PYTHONHASHSEED": "2"})
    assert_same_files(tmp_path / "1", tmp_path / "2")


@pytest.mark.parametrize("student,teacher", [
    (None, None),
    ("meta-llama/Llama-3.2-1B-Instruct", "openai.gpt-oss-120b"),
    ("Qwen3-4B-Instruct-2507", "Qwen3-235B-A22B-Instruct-2507"),
    ("qwen3-my model: v2 # test", "Llama-3.1-405B-Instruct"),  # written quoted (by PyYAML)
])
def test_config_yaml_reads_back_as_the_model_names(student, teacher):
    import yaml

    from generator.config import TASK, config_yaml
    want = {"task": TASK, **({"student_model_name": student} if student else {}),
            **({"teacher_model_name": teacher} if teacher else {})}
    assert yaml.safe_load(config_yaml(student, teacher)) == {"base": want}

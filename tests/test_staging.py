"""The output folder under faults (issue 14, items 1, 3, 4, 5, 11, 18): overlapping input, a second run
into the same folder, a target that cannot be replaced, signals, kill -9, a full disk, extreme options."""
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import generate, outdir, produce
from generator import progress as progress_mod
from generator.generate import GenerateOptions, UsageError
from generator.outdir import OutputError
from helpers import ROOT, mtgen

LINUX_PROC = Path("/proc/self/stat").exists()


def hidden(folder: Path) -> list[str]:
    """Temporary, set-aside and lock files anywhere under `folder`."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*")) if folder.exists() else []


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def start(*args, limit_memory: int | None = None) -> subprocess.Popen:
    """`mtgen generate ...` in the background (its own process group, so that a test kills only it)."""
    def setup():
        os.setsid()
        if limit_memory:
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (limit_memory, limit_memory))
    return subprocess.Popen([sys.executable, "-m", "generator", "generate", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=setup)


def signal_when(run: subprocess.Popen, ready, what: str, sig) -> str:
    """Send `sig` to a run once `ready()` holds; its stderr (the run is killed if it does not stop)."""
    try:
        wait_for(ready, run, what)
        run.send_signal(sig)
        run.wait(60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    return run.stderr.read()


def wait_for(condition, proc: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}: {proc.stderr.read()}")
        assert time.monotonic() < deadline, f"no {what} after {seconds} s"
        time.sleep(0.05)


def staged(out: Path) -> bool:
    return any(".tmp-" in p.name for p in out.glob(".*")) if out.exists() else False


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def workers_of(pid: int) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            st = _proc_stat(int(d.name))
            try:
                cmd = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if st and st[1] == pid and b"spawn_main" in cmd:
                found.append(int(d.name))
    return found


def running(pids: list[int]) -> list[int]:
    return [p for p in pids if (st := _proc_stat(p)) is not None and st[0] != "Z"]


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


# ---- item 1: the output must not overlap the input -----------------------------------------------------
def test_prepare_refuses_an_output_that_is_in_or_around_an_input(tmp_path):
    src = tmp_path / "d"
    src.mkdir()
    (src / "train.jsonl").write_text("{}\n")
    (tmp_path / "link").symlink_to(src)
    cases = [(src, [src], "--out must differ from the input folder"),
             (tmp_path / "link", [src], "--out must differ from the input folder"),  # symlinks resolved
             (src / "sub", [src], "--out must not be inside the input folder"),
             (tmp_path, [src / "train.jsonl"], "--out must not contain the input file"),
             (src, [tmp_path / "job.json", src / "train.jsonl"], "--out must not contain the input file")]
    for out, inputs, message in cases:
        with pytest.raises(OutputError, match=message):
            outdir.prepare(out, True, inputs=inputs)
    assert (src / "train.jsonl").read_text() == "{}\n" and not (src / "sub").exists() and hidden(tmp_path) == []
    outdir.prepare(tmp_path / "elsewhere", False, inputs=[src])  # no overlap: accepted, still backward compatible
    outdir.Staged(tmp_path / "elsewhere").discard()
    assert not (tmp_path / "elsewhere").exists()


# ---- item 3: one run holds the folder ------------------------------------------------------------------
@pytest.mark.skipif(not LINUX_PROC, reason="finds the worker processes through /proc")
def test_second_run_into_the_same_folder_refuses_and_sigterm_cleans_up(tmp_path):
    out = tmp_path / "d"
    first = start("--n", "2000000", "--workers", "2", "--out", out)
    try:
        wait_for(lambda: staged(out) and len(workers_of(first.pid)) == 2, first, "staged files and two workers")
        workers = workers_of(first.pid)
        second = mtgen("generate", "--n", "300", "--seed", "2", "--out", out, "--force")
        assert second.returncode == 2
        line = one_error_line(second.stderr)
        assert line.startswith("mtgen: error: ") and f"another mtgen run (pid {first.pid})" in line
        assert staged(out), "the refused run must not touch the first run's files"
        first.send_signal(signal.SIGTERM)
        first.wait(60)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert first.returncode == 143
    line = one_error_line(first.stderr.read())
    assert "terminated by SIGTERM" in line and "train.jsonl" in line and "test.jsonl" in line
    assert not out.exists()  # the run made the folder; nothing of it is left
    assert running(workers) == []


def test_lock_file_is_gone_after_a_run_and_does_not_make_the_folder_non_empty(tmp_path):
    out = tmp_path / "d"
    generate.run(GenerateOptions(out=out, n=60, workers=1))
    assert hidden(out) == []
    empty = tmp_path / "e"
    empty.mkdir()
    (empty / ".mtgen.lock").write_text("4194304\n")  # left by a killed run: nobody holds it
    generate.run(GenerateOptions(out=empty, n=60, workers=1))  # no --force needed
    assert hidden(empty) == [] and (empty / "train.jsonl").exists()


# ---- item 4: the final renames as a set ----------------------------------------------------------------
def test_a_target_that_is_a_folder_fails_before_anything_is_replaced(tmp_path):
    out = tmp_path / "d"
    generate.run(GenerateOptions(out=out, n=60, workers=1))
    (out / "config.yaml").unlink()
    (out / "config.yaml").mkdir()
    before = snapshot(out)
    r = mtgen("generate", "--n", "60", "--seed", "2", "--out", out, "--force")
    assert r.returncode == 2
    assert "config.yaml: is a folder" in one_error_line(r.stderr)
    assert snapshot(out) == before and (out / "config.yaml").is_dir() and hidden(out) == []


def test_a_rename_that_fails_midway_puts_the_old_files_back(tmp_path, monkeypatch):
    out = tmp_path / "d"
    generate.run(GenerateOptions(out=out, n=60, workers=1, emit_state=True))
    before = snapshot(out)
    real_replace = os.replace

    def failing(src, dst):
        if Path(src).name.startswith(".test.jsonl.tmp-"):  # after train.jsonl is already in place
            raise PermissionError(errno.EACCES, "Permission denied", str(src))
        real_replace(src, dst)

    monkeypatch.setattr(outdir.os, "replace", failing)
    with pytest.raises(OutputError, match=r"test\.jsonl: cannot be replaced .*nothing was changed"):
        generate.run(GenerateOptions(out=out, n=60, seed=2, workers=1, emit_state=True, force=True))
    assert snapshot(out) == before and hidden(out) == []


def test_files_of_another_format_go_in_the_same_set(tmp_path, monkeypatch):
    out = tmp_path / "d"
    out.mkdir()
    (out / "train.csv").write_text("old csv")
    (out / "train.jsonl").write_text("old jsonl")
    (out / "possible_answer").mkdir()
    (out / "possible_answer" / "train.jsonl").write_text("old answers")
    before = snapshot(out)
    real_replace = os.replace

    def failing(src, dst):
        if Path(src).name.startswith(".train.jsonl.tmp-"):
            raise OSError(errno.EIO, "Input/output error", str(src))
        real_replace(src, dst)

    for broken in (True, False):
        outdir.prepare(out, True)
        stage = outdir.Staged(out)
        stage.text("train.jsonl", "new jsonl")
        with monkeypatch.context() as m:
            if broken:  # the other format's files come back too
                m.setattr(outdir.os, "replace", failing)
                with pytest.raises(OutputError, match="nothing was changed"):
                    stage.commit(obsolete=["train.csv", "possible_answer/train.jsonl"])
                stage.discard()
                assert snapshot(out) == before and hidden(out) == []
            else:
                stage.commit(obsolete=["train.csv", "possible_answer/train.jsonl"])
                assert snapshot(out) == {"train.jsonl": b"new jsonl"} and hidden(out) == []
    assert not (out / "possible_answer").exists()


def test_an_old_file_set_aside_by_a_killed_run_goes_back(tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    (out / ".config.yaml.old-4194304").write_text("student: mine\n")  # killed between the two renames
    (out / ".train.jsonl.tmp-4194304").write_text("half")
    with pytest.raises(OutputError, match="folder is not empty"):
        outdir.prepare(out, False)
    assert snapshot(out) == {"config.yaml": b"student: mine\n"} and hidden(out) == []


# ---- item 5: signals, kill -9, a full disk -------------------------------------------------------------
def test_sighup_cleans_up_and_a_huge_run_does_not_claim_its_memory_up_front(tmp_path):
    # 100 million rows once meant a 1.07 GB digest table before the first row: under a 700 MB address
    # space limit that run died with MemoryError; now the table grows as it fills
    out = tmp_path / "d"
    run = start("--n", "100000000", "--workers", "1", "--out", out, limit_memory=700 << 20)
    stderr = signal_when(run, lambda: staged(out) and any(p.stat().st_size for p in out.glob(".train.jsonl.tmp-*")),
                         "rows written", signal.SIGHUP)
    assert run.returncode == 129, stderr
    assert "terminated by SIGHUP: removed the unfinished train.jsonl, test.jsonl" in one_error_line(stderr)
    assert not out.exists()


def test_ctrl_c_says_what_it_removed(tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    run = start("--n", "1000000", "--workers", "1", "--out", out)
    stderr = signal_when(run, lambda: staged(out), "staged files", signal.SIGINT)
    assert run.returncode == 130, stderr
    assert f"interrupted: removed the unfinished train.jsonl, test.jsonl from {out}" in one_error_line(stderr)
    assert out.is_dir() and list(out.iterdir()) == []  # the folder was the user's: kept, and empty again


@pytest.mark.skipif(not LINUX_PROC, reason="finds the worker processes through /proc")
def test_kill_9_ends_the_workers_and_the_next_run_removes_the_leftovers(tmp_path):
    out = tmp_path / "d"
    run = start("--n", "2000000", "--workers", "2", "--emit-state", "--out", out)
    try:
        wait_for(lambda: staged(out) and len(workers_of(run.pid)) == 2, run, "staged files and two workers")
        workers = workers_of(run.pid)
    finally:
        os.kill(run.pid, signal.SIGKILL)
        run.wait(60)
    deadline = time.monotonic() + 30
    while running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    orphans = running(workers)
    for pid in orphans:  # not to leave them running when the test fails
        os.kill(pid, signal.SIGKILL)
    assert orphans == [], "workers outlived their parent"
    left = hidden(out)
    assert ".mtgen.lock" in left and any(".tmp-" in name for name in left)
    r = mtgen("generate", "--n", "60", "--out", out)  # no --force needed: the leftovers are not data
    assert r.returncode == 0, r.stderr
    assert f"removed {len(left) - 1} file(s) left in {out} by an interrupted run" in r.stderr
    assert hidden(out) == [] and (out / "train.jsonl").exists()


def test_a_full_disk_gives_one_error_and_leaves_nothing(tmp_path, monkeypatch):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    real_init = outdir.RowWriter.__init__

    def onto_a_full_disk(self, path, fmt):
        real_init(self, path, fmt)  # the staged file exists, as on a real disk; its bytes go nowhere
        self.f.close()
        self.f = open("/dev/full", "w", encoding="utf-8", newline="")

    monkeypatch.setattr(outdir.RowWriter, "__init__", onto_a_full_disk)
    out = tmp_path / "d"
    with pytest.raises(OutputError, match="cannot write the dataset .the disk is full.; nothing was written"):
        generate.run(GenerateOptions(out=out, n=300, workers=1))
    assert not out.exists()


def test_a_full_disk_on_close_gives_one_error_and_leaves_nothing(tmp_path, monkeypatch):
    real_close = outdir.RowWriter.close

    def close_on_a_full_disk(self):  # every close fails, as flushing onto a full disk does
        real_close(self)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outdir.RowWriter, "close", close_on_a_full_disk)
    out = tmp_path / "d"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OutputError, match="the disk is full"):
        generate.run(GenerateOptions(out=out, n=60, workers=1, force=True))
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


# ---- item 11: extreme sizes and worker counts ----------------------------------------------------------
def test_n_beyond_the_documented_limit_is_refused_in_one_line(tmp_path):
    out = tmp_path / "d"
    # a memory limit makes the old behaviour (a 10.7 GB table allocated up front) fail fast, not swap
    r = subprocess.run([sys.executable, "-m", "generator", "generate", "--n", "1000000000", "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120,
                       preexec_fn=lambda: __import__("resource").setrlimit(
                           __import__("resource").RLIMIT_AS, (2 << 30, 2 << 30)))
    assert r.returncode == 2
    assert "--n must be at most 100,000,000 rows" in one_error_line(r.stderr)  # the documented limit
    assert not out.exists()
    with pytest.raises(UsageError, match="at most 100,000,000 rows"):
        GenerateOptions(out=out, train=100_000_000, test=1).quotas()


def test_workers_are_bounded(tmp_path, monkeypatch):
    asked = []
    real_rows = produce.rows

    def rows(job, workers=1, grammar=None):
        asked.append(workers)
        return real_rows(job, 1, grammar)

    monkeypatch.setattr(produce, "rows", rows)
    s = generate.run(GenerateOptions(out=tmp_path / "d", n=60, workers=1000))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert asked == [min(4 * cpus, 64)]
    assert any(w.startswith(f"--workers 1000 reduced to {asked[0]}") for w in s.warnings)
    with pytest.raises(UsageError):
        GenerateOptions(out=tmp_path / "e", workers=0).quotas()


# ---- item 18: progress ---------------------------------------------------------------------------------
def test_generate_reports_progress_through_the_shared_display(tmp_path, monkeypatch):
    opened = []

    class FakeBar:
        def advance(self, task, n):
            opened[-1][2] += n

        def stop(self):
            pass

    def fake_open(self):
        opened.append([self.label, self.total, self.done - self._pending])
        self._bar, self._task = FakeBar(), 0

    monkeypatch.setattr(progress_mod, "SHOW_AFTER", 0.0)
    monkeypatch.setattr(progress_mod.Progress, "_open", fake_open)
    real_init = progress_mod.Progress.__init__
    monkeypatch.setattr(progress_mod.Progress, "__init__",
                        lambda self, label, total, enabled: real_init(self, label, total, True))  # a terminal
    generate.run(GenerateOptions(out=tmp_path / "d", n=1200, workers=1))
    assert len(opened) == 1 and opened[0][:2] == ["generating", 1200] and opened[0][2] == 1200


def test_generate_never_writes_into_what_it_reads(tmp_path):
    """`generate --job J --grammars G --out G --force` filled the grammar folder with data, and `--out` the
    folder holding the job replaced its job_description.json: both are refused, as augment refuses its input."""
    from helpers import REALDATA_SMALL
    job = REALDATA_SMALL / "distil-smart-home" / "job_description.json"
    grammar = tmp_path / "g"
    assert mtgen("init", "--job", job, "--out", grammar).returncode == 0
    before = sorted(p.name for p in grammar.rglob("*"))
    p = mtgen("generate", "--job", job, "--grammars", grammar, "--n", "30", "--out", grammar, "--force")
    assert p.returncode == 2 and "--out must differ from the input folder" in p.stderr, p.stderr
    assert sorted(p.name for p in grammar.rglob("*")) == before
    own = tmp_path / "job"
    own.mkdir()
    (own / "job_description.json").write_bytes(job.read_bytes())
    p = mtgen("generate", "--job", own / "job_description.json", "--grammars", grammar, "--n", "30", "--out", own,
              "--force")
    assert p.returncode == 2 and "must not contain the input file" in p.stderr, p.stderr
    assert (own / "job_description.json").read_bytes() == job.read_bytes() and len(list(own.iterdir())) == 1


def test_a_full_disk_at_the_lock_leaves_nothing(tmp_path, monkeypatch):
    """On a full disk the lock file is made (an empty file needs no data block) but its pid cannot be written:
    the run failed in one line and left the folder it made, with .mtgen.lock in it."""
    real_write = os.write

    def full(fd, data):
        if data.endswith(b"\n") and data[:-1].isdigit():  # the pid, into the lock file
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)
    monkeypatch.setattr(outdir.os, "write", full)
    out = tmp_path / "new" / "data"
    with pytest.raises(outdir.OutputError, match="No space left on device"):
        outdir.prepare(out, force=False)
    assert not (tmp_path / "new").exists() and not outdir._LOCKS

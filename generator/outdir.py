"""The output folder of a run.  A run refuses a folder that overlaps its input, holds a lock on it (a
second run into the same folder refuses), writes every file beside its final name under a hidden
temporary name, and renames them into place as one set only when the whole run succeeded.  A failed,
interrupted or terminated run leaves the folder as it was; what a killed run (kill -9) left behind is
recognised and removed by the next run into the folder, which holds the lock and so knows its writer
is gone."""
from __future__ import annotations

import atexit
import csv
import errno
import os
import re
import signal
import sys
import threading
from pathlib import Path
from typing import Iterable

try:
    import fcntl
except ImportError:  # Windows has no flock: runs there are not locked against each other
    fcntl = None

from .serialize import jsonl_line

LOCK_NAME = ".mtgen.lock"  # inside the folder; holds the pid of the run writing there
# the hidden files a run makes beside its outputs (the number is its pid): new files being written,
# old files set aside while the new ones are renamed in, and the write probe of earlier versions
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<kind>tmp|old)-\d+|\.mtgen-probe-\d+")


class OutputError(Exception):
    """The output folder cannot be used; the message says why."""


def write_error(out: Path, e: OSError) -> OutputError:
    """The one line for a run whose writing failed (a full disk, a file system gone read-only); raise it
    after discarding the staged files."""
    reason = "the disk is full" if e.errno in (errno.ENOSPC, errno.EDQUOT) else (e.strerror or str(e))
    return OutputError(f"{out}: cannot write the dataset ({reason}); nothing was written")


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived during a run: unwinds like Ctrl-C, so that staged files are discarded on
    the way out, and exits with 128 + the signal number, as a shell reports a process it killed."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


_CREATED: set[Path] = set()  # folders prepare() made, which a failed run removes again if still empty
_LOCKS: dict[Path, tuple[int, Path]] = {}  # resolved folder -> (lock file descriptor, lock file)
_LIVE: set[Staged] = set()  # stages neither committed nor discarded: discarded at exit, whatever happens
_REMOVED: dict[Path, list[str]] = {}  # folder -> staged files discarded, for the line a signal's exit prints
_SAVED_HANDLERS: dict[int, object] = {}
_signalled: int | None = None


def prepare(out: Path, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Make `out` ready for a run and lock it until the run's Staged commits or discards (or the process
    ends).  Refuses (OutputError) when `out` is, is inside or contains one of `inputs`, when another run
    holds it, or when it is not empty without `force`."""
    refuse_overlap(out, inputs)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder")
    _catch_signals()
    made = []  # the folders mkdir makes here, deepest first: a failure removes them again
    for p in (out, *out.parents):
        if p.exists():
            break
        made.append(p)
    try:
        try:
            if made:
                _CREATED.add(out)
            out.mkdir(parents=True, exist_ok=True)
            removed = _remove_leftovers(out) if _lock(out) else 0  # unlocked, they may be another run's
        except OSError as e:
            raise OutputError(f"{out}: cannot write there ({e.strerror or e})") from None
        if removed:
            print(f"mtgen: warning: removed {removed} file(s) left in {out} by an interrupted run",
                  file=sys.stderr)
        if not force and any(p.name != LOCK_NAME for p in out.iterdir()):
            raise OutputError(f"{out}: folder is not empty (use --force to overwrite)")
    except BaseException:
        release(out)
        _CREATED.discard(out)
        for p in made:  # what this run made is removed again (a full disk leaves nothing behind)
            try:
                p.rmdir()
            except OSError:
                break
        raise


def refuse_overlap(out: Path, inputs: Iterable[Path]) -> None:
    """Writing into (or around) the input would replace what is being read, with --force even the input
    itself: refuse as `convert` does.  Symbolic links are resolved first."""
    target = _real(out)
    for given in inputs:
        src = _real(Path(given))
        what = "folder" if src.is_dir() else "file"
        if target == src:
            raise OutputError(f"--out must differ from the input {what} ({given})")
        if src in target.parents:
            raise OutputError(f"--out must not be inside the input folder ({given})")
        if target in src.parents:
            raise OutputError(f"--out must not contain the input {what} ({given})")


def _real(p: Path) -> Path:
    try:
        return p.resolve()
    except (OSError, RuntimeError):  # a symlink loop: compare what was given
        return p.absolute()


# ---- the lock -------------------------------------------------------------------------------------------
def _lock(out: Path) -> bool:
    """An exclusive flock on `out`/.mtgen.lock; True once held.  The kernel drops it when the holder dies,
    however it dies, so a lock file left by a killed run is simply taken over."""
    key = _real(out)
    if key in _LOCKS:
        return True  # this process holds it already (a library caller starting its next run)
    path = out / LOCK_NAME
    if fcntl is None:  # no flock: just make sure the folder takes files
        path.write_bytes(b"")
        path.unlink()
        return False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            raise OutputError(f"{out}: another mtgen run{f' (pid {holder})' if holder.isdigit() else ''} is "
                              f"writing to this folder; wait for it to end or choose another --out") from None
        except OSError:  # a file system without flock: write unlocked rather than not at all
            os.close(fd)
            path.unlink(missing_ok=True)
            return False
        try:  # the holder may have removed the file between our open and our lock: lock the new one then
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    _LOCKS[key] = (fd, path)  # held from here on: release() removes the file even if writing the pid fails (a full disk)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    return True


def release(out: Path) -> None:
    """Give up the lock on `out` (if this process holds it) and remove the lock file."""
    held = _LOCKS.pop(_real(out), None)
    if held is not None:
        fd, path = held
        try:
            path.unlink(missing_ok=True)  # before unlocking: a run waiting on this file sees it is gone
        except OSError:
            pass
        os.close(fd)
    if not _LOCKS:
        _restore_signals()


def _remove_leftovers(out: Path) -> int:
    """Remove the hidden files of runs that died without cleaning up (only called with the lock held, so
    their writers are gone); an old file set aside by a run killed while renaming goes back in place."""
    removed = 0
    for folder in [out, *(p for p in out.iterdir() if p.is_dir() and not p.is_symlink())]:
        found = False
        for p in list(folder.iterdir()):
            m = _LEFTOVER.fullmatch(p.name)
            if not m or not p.is_file():
                continue
            found = True
            if m["kind"] == "old" and not os.path.lexists(folder / m["name"]):
                os.replace(p, folder / m["name"])
                continue
            p.unlink()
            removed += 1
        if found and folder != out and not any(folder.iterdir()):
            folder.rmdir()  # a subfolder the killed run made for its files
    return removed


# ---- signals and exit -----------------------------------------------------------------------------------
def _catch_signals() -> None:
    """While a run writes, SIGTERM and SIGHUP unwind it like Ctrl-C instead of killing it on the spot, and
    all three are remembered for the line printed at exit.  A signal the caller ignores (nohup) stays
    ignored."""
    if _SAVED_HANDLERS or threading.current_thread() is not threading.main_thread():
        return
    for name, handler in (("SIGINT", _on_interrupt), ("SIGTERM", _on_signal), ("SIGHUP", _on_signal)):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        current = signal.getsignal(signum)
        if current in (signal.SIG_DFL, signal.default_int_handler):
            _SAVED_HANDLERS[signum] = signal.signal(signum, handler)


def _restore_signals() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    while _SAVED_HANDLERS:
        signum, handler = _SAVED_HANDLERS.popitem()
        signal.signal(signum, handler)


def _on_signal(signum: int, frame) -> None:
    global _signalled
    if _signalled is None:  # a second signal must not interrupt the clean-up of the first
        _signalled = signum
        raise Terminated(signum)


def _on_interrupt(signum: int, frame) -> None:
    global _signalled
    _signalled = _signalled or signum
    raise KeyboardInterrupt  # Ctrl-C as before (exit 130; a second one too), only remembered


@atexit.register
def _at_exit() -> None:
    """However the process ends (short of kill -9): no staged file and no lock is left behind, and a run
    ended by a signal says what it removed."""
    for stage in list(_LIVE):
        try:
            stage.discard()
        except OSError:
            pass
    for key in list(_LOCKS):
        release(key)
    if _signalled is not None:
        how = "interrupted" if _signalled == signal.SIGINT else f"terminated by {signal.Signals(_signalled).name}"
        what = "; ".join(f"removed the unfinished {', '.join(names)} from {folder}"
                         for folder, names in _REMOVED.items()) or "nothing had been written"
        print(f"mtgen: {how}: {what}", file=sys.stderr)


# ---- staged files ---------------------------------------------------------------------------------------
class Staged:
    """Files staged in `out` under temporary names; `commit()` renames them all, `discard()` removes them.
    Either one ends the run's hold on the folder."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.files: dict[str, Path] = {}
        _LIVE.add(self)

    def path(self, name: str) -> Path:
        """A temporary path for `name` (which may be in a subfolder: 'possible_answer/test.jsonl')."""
        final = self.out / name
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.parent / f".{final.name}.tmp-{os.getpid()}"
        self.files[name] = tmp
        return tmp

    def text(self, name: str, content: str) -> None:
        with open(self.path(name), "w", encoding="utf-8", newline="\n") as f:
            f.write(content)

    def binary(self, name: str, content: bytes) -> None:
        self.path(name).write_bytes(content)

    def commit(self, obsolete: Iterable[str] = ()) -> None:
        """Put every staged file in place, and remove the `obsolete` files an earlier run left (another
        format's), as one set: each target is checked before the first rename, the old files are set aside
        and only deleted once all new ones are in; on any failure the old ones go back and the folder is
        as it was (OutputError; the staged files are then for discard())."""
        finals = {name: self.out / name for name in self.files}
        for final in finals.values():
            if final.is_dir() and not final.is_symlink():
                raise OutputError(f"{final}: is a folder, cannot be replaced; nothing was changed")
        gone = [self.out / name for name in obsolete if name not in finals]
        aside: dict[Path, Path] = {}  # final -> the old file, set aside
        placed: list[str] = []
        target = self.out
        try:
            for target in [*finals.values(), *gone]:
                if os.path.lexists(target) and not (target.is_dir() and not target.is_symlink()):
                    old = target.parent / f".{target.name}.old-{os.getpid()}"
                    os.replace(target, old)
                    aside[target] = old
            for name, tmp in self.files.items():
                target = finals[name]
                os.replace(tmp, target)
                placed.append(name)
        except BaseException as e:
            for name in placed:  # the new ones back to their temporary names, for discard()
                os.replace(finals[name], self.files[name])
            for final, old in aside.items():
                os.replace(old, final)
            if isinstance(e, OSError):
                raise OutputError(f"{target}: cannot be replaced ({e.strerror or e}); nothing was changed") from None
            raise
        for old in aside.values():
            old.unlink(missing_ok=True)
        for folder in {p.parent for p in gone if p.parent != self.out}:
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()  # another format's subfolder (possible_answer/), now empty
        self._end()

    def discard(self) -> None:
        for name, tmp in self.files.items():
            try:
                tmp.unlink()
            except OSError:
                continue
            _REMOVED.setdefault(self.out, []).append(name)
        self._end()  # the lock file goes first, so that a folder this run made is empty again
        for folder in sorted({t.parent for t in self.files.values()} | {self.out}, key=lambda p: -len(p.parts)):
            try:
                if (folder in _CREATED or folder != self.out) and folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()  # a failed run leaves nothing behind, not even the folder it made
            except OSError:
                pass  # another run has started there meanwhile

    def _end(self) -> None:
        _LIVE.discard(self)
        release(self.out)


class RowWriter:
    """question/answer rows as JSONL or CSV."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.f = open(path, "w", encoding="utf-8", newline="")
        self.fmt = fmt
        self.rows = 0
        if fmt == "csv":
            self.csv = csv.writer(self.f, lineterminator="\n")
            self.csv.writerow(["question", "answer"])

    def write(self, question: str, answer: str) -> None:
        if self.fmt == "csv":
            self.csv.writerow([question, answer])
        else:
            self.f.buffer.write(jsonl_line(question, answer))  # already UTF-8: past the text layer (CSV's)
        self.rows += 1

    def close(self) -> None:
        self.f.close()  # closed even when flushing fails (a full disk): a second close does nothing

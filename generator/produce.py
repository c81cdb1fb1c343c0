"""Rows in index order, from one process or many.

Conversation i depends only on (seed, i), so workers can make any range of indices; results are taken
back in index order, which makes the output byte-identical for every worker count.  A worker rebuilds
the engine once from a picklable Job.
"""
# No `from __future__ import annotations`: the NamedTuples' field types would be strings, each compiled when
# the class is made.

import gc
import itertools
import os
from collections import deque
from typing import Iterator, NamedTuple

from .domains import load as load_domain
from .engine import Engine, Settings
from .serialize import to_row
from .split import sides

CHUNK = 500


class WorkerDied(RuntimeError):
    """A worker process ended in the middle of the run (killed, or out of memory)."""


class Job(NamedTuple):  # (not a frozen dataclass: that compiles six methods on every start-up)
    settings: Settings
    grammar_dir: str | None
    test_fraction: float
    by_template: bool
    emit_state: bool  # keep each starting tree (for --emit-state and the bfcl format)
    job_path: str | None = None  # a job description: the user's own tools (grammar_dir then holds their phrasings)


class Row(NamedTuple):
    index: int
    side: str
    question: str
    answer: str
    contextual: bool
    state: dict | None  # index, root name and starting tree (GorillaFileSystem layout), when kept


_engine: Engine | None = None
_job: Job | None = None


def _init(job: Job, loaded: tuple | None = None) -> None:
    """Build the engine; `loaded` is (domain, grammar) when the caller has them already."""
    global _engine, _job
    domain, g = loaded or load_domain(job.job_path, job.grammar_dir)
    if job.by_template:
        g.hold_out(max(job.test_fraction, 0.05), job.settings.seed)
    _engine, _job = Engine(job.settings, g, keep_start=job.emit_state, domain=domain), job
    # the grammar and the engine live as long as the process: the garbage collector, which still runs now
    # and then (a conversation's objects are made faster than they are freed), need not walk them again
    gc.freeze()


def _make(start: int, end: int | None = None) -> Iterator[Row]:
    """The rows of indices [start, end), or from start on without an end."""
    job, engine = _job, _engine
    seed, fraction, by_template, emit_state = job.settings.seed, job.test_fraction, job.by_template, job.emit_state
    forms, conversation, new = engine.all_forms, engine.conversation, tuple.__new__
    indices = itertools.count(start) if end is None else range(start, end)
    for i, side in zip(indices, sides(seed, fraction, start)):
        d = conversation(i, side if by_template else "any")
        q, a = to_row(d)
        state = {"index": i, "root": d.start.name, "initial_config": d.start.to_gorilla()} if emit_state else None
        yield new(Row, (i, side, q, a, forms[d.turns[-1].form].contextual, state))  # without Row's Python __new__


def make_rows(start: int, end: int) -> list[Row]:
    """A worker's task: the rows of indices [start, end)."""
    return list(_make(start, end))


def _init_worker(job: Job, parent: int) -> None:
    import signal

    # Ctrl-C and a closed terminal reach the whole process group: they are the parent's to handle (it
    # shuts the pool down and removes its files).  SIGTERM still ends a worker sent it on its own.
    for name in ("SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    _exit_with_parent(parent)
    _init(job)


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent is gone (kill -9) has nobody to send rows to, and its queue never closes
    (every worker holds both ends): make it end too.  Linux does it at once (PR_SET_PDEATHSIG, tied to the
    parent thread that started the worker: the parent's main thread, or the pool's own thread that lives
    as long as the pool); elsewhere a thread polls the parent's pid."""
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            pr_set_pdeathsig = 1
            if ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0:
                if os.getppid() != parent:  # it died before the request was in place
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="mtgen-parent-watch", daemon=True).start()


def rows(job: Job, workers: int = 1, loaded: tuple | None = None) -> Iterator[Row]:
    """Every row from index 0 on, in order, forever (the caller stops).  `loaded` (domain, grammar), already
    loaded by the caller, saves loading them again in a single process; workers load their own."""
    if workers <= 1:
        _init(job, loaded)
        yield from _make(0)  # one at a time: the caller stops exactly where it needs to
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    ctx = mp.get_context("spawn")  # no fork: the parent may hold threads (progress bar)
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(job, os.getpid()))
    pending: deque = deque()
    start = 0
    try:
        while True:
            while len(pending) < 2 * workers:  # bounded read-ahead keeps memory flat
                pending.append(pool.submit(make_rows, start, start + CHUNK))
                start += CHUNK
            try:
                chunk = pending.popleft().result()
            except BrokenProcessPool:
                raise WorkerDied("a worker process ended unexpectedly (killed, or out of memory)") from None
            yield from chunk
    finally:
        # when the caller stops (or fails): drop the chunks not started and let running ones finish;
        # terminating a worker while it sends a result can leave the parent waiting forever on the pipe
        pool.shutdown(wait=True, cancel_futures=True)

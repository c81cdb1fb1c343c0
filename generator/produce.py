"""Rows in index order, from one process or many.

Conversation i depends only on (seed, i), so workers can make any range of indices; results are taken
back in index order, which makes the output byte-identical for every worker count.  A worker rebuilds
the engine once from a picklable Job.
"""
from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass
from typing import Iterator, NamedTuple

from . import grammar as grammar_mod
from .engine import Engine, Settings
from .forms import CONTEXTUAL
from .serialize import to_row
from .split import side_of

CHUNK = 500


@dataclass(frozen=True)
class Job:
    settings: Settings
    grammar_dir: str | None
    test_fraction: float
    by_template: bool
    emit_state: bool  # keep each starting tree (for --emit-state and the bfcl format)


class Row(NamedTuple):
    index: int
    side: str
    question: str
    answer: str
    contextual: bool
    state: dict | None  # index, root name and starting tree (GorillaFileSystem layout), when kept


_engine: Engine | None = None
_job: Job | None = None


def _init(job: Job, g: grammar_mod.Grammar | None = None) -> None:
    global _engine, _job
    g = g or grammar_mod.load(job.grammar_dir)
    if job.by_template:
        g.hold_out(max(job.test_fraction, 0.05), job.settings.seed)
    _engine, _job = Engine(job.settings, g, keep_start=job.emit_state), job


def _make(indices) -> Iterator[Row]:
    job, engine = _job, _engine
    seed, fraction = job.settings.seed, job.test_fraction
    for i in indices:
        side = side_of(i, seed, fraction)
        d = engine.conversation(i, side if job.by_template else "any")
        q, a = to_row(d)
        state = {"index": i, "root": d.start.name, "initial_config": d.start.to_gorilla()} \
            if job.emit_state else None
        yield Row(i, side, q, a, d.turns[-1].form in CONTEXTUAL, state)


def make_rows(start: int, end: int) -> list[Row]:
    """A worker's task: the rows of indices [start, end)."""
    return list(_make(range(start, end)))


def _init_worker(job: Job) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (it shuts the pool down)
    _init(job)


def rows(job: Job, workers: int = 1, grammar: grammar_mod.Grammar | None = None) -> Iterator[Row]:
    """Every row from index 0 on, in order, forever (the caller stops).  `grammar`, already loaded by the
    caller, saves loading it again in a single process; workers load their own."""
    if workers <= 1:
        _init(job, grammar)
        yield from _make(itertools.count())  # one at a time: the caller stops exactly where it needs to
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("spawn")  # no fork: the parent may hold threads (progress bar)
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(job,))
    pending: deque = deque()
    start = 0
    try:
        while True:
            while len(pending) < 2 * workers:  # bounded read-ahead keeps memory flat
                pending.append(pool.submit(make_rows, start, start + CHUNK))
                start += CHUNK
            yield from pending.popleft().result()
    finally:
        # when the caller stops (or fails): drop the chunks not started and let running ones finish;
        # terminating a worker while it sends a result can leave the parent waiting forever on the pipe
        pool.shutdown(wait=True, cancel_futures=True)

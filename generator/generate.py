"""`mtgen generate`: conversations -> deduplicated, split rows -> an upload-ready folder."""
# No `from __future__ import annotations`: GenerateOptions' field types would be strings, each compiled
# when the class is made.

import json
import os
from pathlib import Path
from typing import Literal, NamedTuple

from .config import config_yaml
from . import produce
from .engine import NoLegalRequest, Settings
from .hashset import DigestSet
from .formats.writer import DatasetWriter, canonical
from .outdir import OutputError, Staged, prepare, write_error
from .produce import Job, WorkerDied
from .progress import progress

MIN_SPLIT_ROWS = 20  # the platform refuses a split with fewer rows
MAX_ROWS = 100_000_000  # per run (or shard set): the de-duplication table alone needs ~1 GB there
FIRST_TABLE_ROWS = 1 << 22  # digests sized for up front (45 MB); a larger run grows the table as it fills
MAX_WORKERS_PER_CPU, MAX_WORKERS = 4, 64  # more processes only add start-up time and memory


class UsageError(ValueError):
    """Bad options; the message is one line for the user."""


class GenerateOptions(NamedTuple):
    """The command's options, already typed by the CLI.  A NamedTuple: a frozen dataclass of 22 fields compiles
    six methods on every start-up (~1% of a 200-row run), a pydantic model would import pydantic."""
    out: Path
    n: int | None = None
    train: int | None = None
    test: int | None = None
    seed: int = 1
    format: Literal["distil", "jsonl", "csv", "messages", "openai", "sharegpt", "bfcl"] = "distil"
    tools: str | None = None
    test_fraction: float = 0.2
    split_by: Literal["conversation", "template"] = "conversation"
    min_turns: int = 1
    max_turns: int = 5
    context_share: float = 0.4
    random_turns: float = 0.2
    noise: float = 0.08
    student: str | None = None
    teacher: str | None = None
    grammars: Path | None = None
    job: Path | None = None  # a job description: generate for the user's own tools (phrasings in --grammars)
    force: bool = False
    emit_state: bool = False
    workers: int | None = None  # None: one per core, or one for small runs
    shard: tuple[int, int] = (0, 1)  # (k, n): write the k-th (from 0) of n slices

    def quotas(self) -> tuple[int | None, int | None, int | None, float]:
        """(total, train, test, test fraction) after checking the options; raises UsageError."""
        if self.n is not None and (self.train is not None or self.test is not None):
            raise UsageError("give either --n or --train/--test, not both")
        if self.seed < 0:
            raise UsageError(f"--seed must be >= 0 (got {self.seed})")
        if not 0.0 <= self.test_fraction < 1.0:
            raise UsageError(f"--test-fraction must be in [0, 1) (got {self.test_fraction})")
        if not 0.0 <= self.context_share <= 1.0:
            raise UsageError(f"--context-share must be in [0, 1] (got {self.context_share})")
        if not 0.0 <= self.random_turns <= 1.0:
            raise UsageError(f"--random-turns must be in [0, 1] (got {self.random_turns})")
        if not 0.0 <= self.noise <= 1.0:
            raise UsageError(f"--noise must be in [0, 1] (got {self.noise})")
        if self.workers is not None and self.workers < 1:
            raise UsageError(f"--workers must be >= 1 (got {self.workers})")
        if not (self.shard[1] >= 1 and 0 <= self.shard[0] < self.shard[1]):
            raise UsageError(f"--shard must be K/N with 1 <= K <= N (got {self.shard[0] + 1}/{self.shard[1]})")
        if self.min_turns < 0 or self.max_turns < self.min_turns or self.max_turns > 50:
            raise UsageError(f"--min-turns/--max-turns must satisfy 0 <= min <= max <= 50 "
                             f"(got {self.min_turns}, {self.max_turns})")
        if self.train is not None or self.test is not None:
            tr, te = self.train or 0, self.test or 0
            if tr < 0 or te < 0 or tr + te <= 0:
                raise UsageError(f"--train and --test must be >= 0 and not both 0 (got {tr}, {te})")
            if tr + te > MAX_ROWS:
                raise UsageError(f"--train plus --test must be at most {MAX_ROWS:,} rows (got {tr + te:,})")
            return None, tr, te, te / (tr + te)
        n = 500 if self.n is None else self.n
        if n <= 0:
            raise UsageError(f"--n must be a positive number of rows (got {n})")
        if n > MAX_ROWS:
            raise UsageError(f"--n must be at most {MAX_ROWS:,} rows (got {n:,})")
        return n, None, None, self.test_fraction


class Summary:
    """What a run wrote (a plain class: a dataclass is made at every start-up, at a cost)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.rows: dict[str, int] = {"train": 0, "test": 0}
        self.contextual = 0  # rows whose answer needs an earlier turn
        self.skipped_duplicates = 0
        self.warnings: list[str] = []


def _worker_count(requested: int | None, rows: int) -> tuple[int, str | None]:
    """Worker processes for a run of `rows` rows, and a warning when a request was cut down."""
    try:
        cpus = len(os.sched_getaffinity(0))  # the CPUs this process may use (a batch job's share)
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if requested is None:  # a pool costs more than it saves on small runs
        return (cpus if rows >= 2000 else 1), None
    bound = min(MAX_WORKERS_PER_CPU * cpus, MAX_WORKERS)
    if requested <= bound:
        return requested, None
    return bound, (f"--workers {requested} reduced to {bound} (at most {MAX_WORKERS_PER_CPU} per CPU and "
                   f"{MAX_WORKERS} in all; the output is the same for any number)")


def _close_all(writers) -> None:
    """Close every writer of a failed run, even when closing fails (a full disk fails every close)."""
    for w in writers:
        try:
            w.close()
        except OSError:
            pass


def run(opts: GenerateOptions) -> Summary:
    total, want_train, want_test, fraction = opts.quotas()
    from .domains import load as load_domain
    from .domains.base import DomainError
    try:  # fail early, in this process, on a bad job description or grammar
        domain, grammar = load_domain(opts.job, opts.grammars)
    except DomainError as e:
        raise UsageError(str(e)) from None
    try:
        tools = domain.parse_tools(opts.tools)
    except ValueError as e:
        raise UsageError(str(e)) from None
    if opts.job and (opts.emit_state or canonical(opts.format) == "bfcl"):
        raise UsageError("--emit-state and the bfcl format need starting file-system trees; a job's own tools "
                         "have none")
    from .config import check_student, check_teacher
    try:
        if opts.student:
            check_student(opts.student)
        if opts.teacher:
            check_teacher(opts.teacher)
    except ValueError as e:
        raise UsageError(str(e)) from None
    settings = Settings(seed=opts.seed, tools=tools, min_prior=max(opts.min_turns, 0),
                        max_prior=opts.max_turns, context_share=opts.context_share, noise=opts.noise,
                        random_turns=opts.random_turns)
    needs_state = opts.emit_state or canonical(opts.format) == "bfcl"
    job = Job(settings, str(opts.grammars) if opts.grammars else None, fraction, opts.split_by == "template",
              needs_state, str(opts.job) if opts.job else None)
    goal = total if total is not None else want_train + want_test
    k, n_shards = opts.shard
    lo, hi = goal * k // n_shards, goal * (k + 1) // n_shards  # this shard's slice of the output rows
    summary = Summary(opts.out)
    workers, cut = _worker_count(opts.workers, goal)
    if cut:
        summary.warnings.append(cut)
    jd = domain.job_description(tools)
    quota = {"train": want_train, "test": want_test}
    taken = {"train": 0, "test": 0}
    # sized up front for most runs (no moment with two tables); a huge run grows it as it fills instead of
    # claiming all its memory at the start.  It answers the same either way, so the bytes are the same.
    seen = DigestSet(capacity=min(hi, FIRST_TABLE_ROWS))
    # the grammar folder and the job are read while the run writes: never into them (with --force, the job's
    # job_description.json would be replaced, a grammar folder filled with data)
    prepare(opts.out, opts.force, inputs=[p for p in (opts.grammars, opts.job) if p is not None])

    stage = Staged(opts.out)
    files: list = []  # every file the run has open, to close on failure even when closing fails
    stream = produce.rows(job, workers, (domain, grammar))
    try:
        data = DatasetWriter(stage, opts.format, jd["tools"], jd["task_description"])
        files += [*data.rows.values(), *data.files.values()]
        states = {s: open(stage.path(f"{s}.state.jsonl"), "w", encoding="utf-8") for s in ("train", "test")} \
            if opts.emit_state else {}
        files += states.values()
        with progress("generating", hi - lo) as bar:
            position = 0  # rows accepted so far, across both splits: the unsharded output's row number
            limit = 50 * goal + 1000
            digest, add, write, advance = DigestSet.digest, seen.add, data.write, bar.advance
            for index, side, question, answer, contextual, state in stream if hi > 0 else ():  # a Row
                if index >= limit:
                    raise UsageError(f"only {position} distinct conversations found in {limit} tries; "
                                     f"allow more tools or longer conversations (--max-turns)")
                if quota[side] is not None and taken[side] >= quota[side]:
                    continue
                if not add(digest(question)):
                    summary.skipped_duplicates += 1
                    continue
                taken[side] += 1
                position += 1
                if position <= lo:
                    continue  # before this shard's slice: counted and remembered, not written
                write(side, question, answer, state, index)
                if states:
                    states[side].write(json.dumps(state) + "\n")
                summary.contextual += contextual
                advance()
                if position >= hi:
                    break
        for w in states.values():
            w.close()
        data.complete(json.dumps(jd, indent=2) + "\n", config_yaml(opts.student, opts.teacher))
    except BaseException as e:
        _close_all(files)
        stage.discard()  # every staged file: rows, state files, job description and config
        if isinstance(e, WorkerDied):
            raise OutputError(f"{opts.out}: nothing written: {e}") from None
        if isinstance(e, NoLegalRequest):
            raise UsageError(f"{e}; nothing written") from None
        if isinstance(e, OSError):  # a full disk, a file system gone read-only: one line, nothing left
            raise write_error(opts.out, e) from None
        raise
    finally:
        stream.close()
    for s in ("train", "test"):
        summary.rows[s] = data.count[s]
        if data.count[s] < MIN_SPLIT_ROWS and n_shards == 1:
            summary.warnings.append(f"{s} split has {data.count[s]} rows; the platform needs at least "
                                    f"{MIN_SPLIT_ROWS}")
    return summary

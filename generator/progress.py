"""Progress for long runs: rows done, rate and ETA on standard error, shown only on a terminal and only
once a run has lasted 2 s (short runs and pipes stay quiet).  Every command that loops over rows uses it:

    with progress("validating", total=None) as p:
        for row in rows:
            ...
            p.advance()
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator

SHOW_AFTER = 2.0  # seconds
_CHECK_EVERY = 512  # advances between clock reads: advance() runs once per row


class Progress:
    def __init__(self, label: str, total: int | None, enabled: bool) -> None:
        self.label, self.total, self.enabled = label, total, enabled
        self.done = 0
        self._pending = 0
        self._start = time.monotonic()
        self._bar = None
        self._task = None

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        self._pending += n
        if self._bar is None:
            if self._pending < _CHECK_EVERY:
                return
            self._pending = 0
            if time.monotonic() - self._start < SHOW_AFTER:
                return
            self._open()
        self._bar.advance(self._task, self._pending)
        self._pending = 0

    def _open(self) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TaskProgressColumn,
                                   TextColumn, TimeRemainingColumn)
        from rich.progress import ProgressColumn
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f} rows/s" if speed else "")

        columns = [TextColumn("{task.description}", markup=False)]
        if self.total:
            columns += [BarColumn(), MofNCompleteColumn(), TaskProgressColumn(), Rate(), TimeRemainingColumn()]
        else:
            columns += [TextColumn("{task.completed:,} rows"), Rate()]
        self._bar = Bar(*columns, console=Console(file=sys.stderr), transient=True)
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=self.total, completed=self.done - self._pending)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


@contextmanager
def progress(label: str, total: int | None = None) -> Iterator[Progress]:
    """A progress display for `label` (total rows when known); quiet unless stderr is a terminal."""
    p = Progress(label, total, enabled=sys.stderr.isatty())
    try:
        yield p
    finally:
        p.close()

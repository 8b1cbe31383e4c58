"""Progress bars on stderr for work that runs longer than about a second.

Nothing is drawn for quick work or when stderr is not a terminal, so scripts
and tests see only the command's own output.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich loads when a command shows progress, not with the ledger
    from rich.console import Console
    from rich.progress import Progress, TaskID

DELAY = 1.0  # seconds of quiet before a bar appears
# The name of every thread that only draws progress: it never touches a ledger,
# so a process may fork while one runs (see `rebuild_split.start_workers`).
DISPLAY_THREAD = "ledger-display"


class Steps:
    """Counts steps; shows a bar once the work has taken longer than DELAY."""

    def __init__(self, description: str, console: Console) -> None:
        self.description = description
        self.console = console
        self.started = time.monotonic()
        self.done = 0
        self.total: int | None = None
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        self.lock = threading.Lock()

    def _show(self) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        with self.lock:
            if self.progress is not None or not self.console.is_terminal:
                return
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}" if self.total else ""),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.task = self.progress.add_task(
                self.description, total=self.total, completed=self.done
            )
            self.progress.start()
            refresh = getattr(self.progress.live, "_refresh_thread", None)
            if refresh is not None:
                refresh.name = DISPLAY_THREAD

    def advance(self, total: int | None = None, what: str | None = None) -> None:
        self.done += 1
        if total is not None:
            self.total = total
        if self.progress is None and time.monotonic() - self.started > DELAY:
            self._show()
        if self.progress is not None and self.task is not None:
            description = f"{self.description}: {what}" if what else self.description
            self.progress.update(
                self.task, completed=self.done, total=self.total, description=description
            )

    def stop(self) -> None:
        with self.lock:
            if self.progress is not None:
                self.progress.stop()
                self.progress = None


@contextmanager
def working(description: str) -> Iterator[Steps]:
    """A spinner (or a bar, when the caller counts steps) after DELAY seconds."""
    from rich.console import Console

    steps = Steps(description, Console(stderr=True))
    timer = threading.Timer(DELAY, steps._show)
    timer.daemon = True
    timer.name = DISPLAY_THREAD
    timer.start()
    try:
        yield steps
    finally:
        timer.cancel()
        steps.stop()

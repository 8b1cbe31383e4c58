"""The rows of a `rebuild`, computed by several processes, for a large SQLite ledger.

Most of a rebuild is computing each competition's rows (decoding its events,
folding them, its tables and brackets), and each competition's rows depend on
its own events only. Forked workers compute the rows of their share of the
competitions, each over its own read of the ledger, and send them to the
process that started them, which drops the old tables meanwhile and writes every
row in its one transaction (see `readmodel.rebuild`). The workers leave out the
events after the position fixed before they start: the next catch-up applies those.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from events.catalogue import Recorded
from ledger.errors import LedgerError
from ledger.progress import DISPLAY_THREAD
from ledger.store import EventStore
from projections.readmodel import StreamRows, stream_rows

# Rows a worker gathers before sending them (a few competitions' worth).
_SEND_EVERY = 5000
# Seconds without a word from any worker after which the rebuild gives up (one
# competition's rows take seconds at most; a stuck worker must not hold the
# ledger's write lock for ever).
_SILENCE = 300.0
# Workers started at most, whatever the machine.
MAX_WORKERS = 8


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


class RebuildFailed(LedgerError):
    """A process computing rows for the rebuild failed; the old tables stand."""


def rows_of(records: Sequence[Recorded], last: int) -> StreamRows | None:
    """A competition's rows from its events up to position `last`, if it has any."""
    kept = [r for r in records if r.position <= last]
    return stream_rows(kept) if kept else None


def start_workers(
    path: str, shares: Sequence[Sequence[str]], last: int
) -> list[tuple[Any, Connection]] | None:
    """One forked worker per share of competitions; None where this platform or
    process cannot fork, or should not: a process running threads other than the
    command's progress display (one of them inside SQLite, or holding any lock,
    would leave it held for ever in the copy). The caller then computes every
    row itself."""
    here = threading.current_thread()
    if any(t is not here and t.name != DISPLAY_THREAD for t in threading.enumerate()):
        return None
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return None
    started: list[tuple[Any, Connection]] = []
    try:
        for share in shares:
            receive, send = context.Pipe(duplex=False)
            worker = context.Process(target=_work, args=(path, share, last, send), daemon=True)
            worker.start()
            send.close()
            started.append((worker, receive))
    except (AssertionError, OSError):  # e.g. inside a daemon process: no children
        stop_workers(started)
        return None
    return started


def stop_workers(started: Sequence[tuple[Any, Connection]]) -> None:
    """Collect the workers: those done have exited; any still busy (the rebuild
    failed) are stopped, killed if they do not stop within a second."""
    for _, receive in started:
        receive.close()
    for signal in ("terminate", "kill"):
        deadline = time.monotonic() + 1.0
        for worker, _ in started:
            worker.join(timeout=max(0.0, deadline - time.monotonic()))
        busy = [worker for worker, _ in started if worker.is_alive()]
        if not busy:
            return
        for worker in busy:
            getattr(worker, signal)()
    for worker, _ in started:
        worker.join(timeout=1.0)


def rows_from(started: Sequence[tuple[Any, Connection]]) -> Iterator[StreamRows]:
    """The rows the started workers send, as they come; all of them, or
    RebuildFailed."""
    silence = _SILENCE
    pipes = [receive for _, receive in started]
    while pipes:
        ready = wait(pipes, timeout=silence)
        if not ready:
            raise RebuildFailed(
                f"no process computing read-model rows has answered for {silence:g} s; "
                "the read models were left as they were"
            )
        for pipe in ready:
            assert isinstance(pipe, Connection)
            try:
                kind, payload = pipe.recv()
            except EOFError:
                raise RebuildFailed(
                    "a process computing read-model rows stopped before it finished; "
                    "the read models were left as they were"
                ) from None
            if kind == "rows":
                yield from payload
            elif kind == "done":
                pipes.remove(pipe)
            else:
                first = (str(payload).strip().splitlines() or ["no reason given"])[0]
                raise RebuildFailed(
                    f"computing read-model rows failed ({first}); "
                    "the read models were left as they were"
                )


def _work(path: str, share: Sequence[str], last: int, send: Connection) -> None:
    """A worker: the rows of its competitions, sent a few thousand at a time."""
    try:
        with EventStore(path, read_only=True) as store:
            batch: list[StreamRows] = []
            size = 0
            for slug in share:
                rows = rows_of(store.read_stream(slug, positions=True), last)
                if rows is None:
                    continue
                batch.append(rows)
                size += sum(map(len, rows[0].values()))
                if size >= _SEND_EVERY:
                    send.send(("rows", batch))
                    batch, size = [], 0
            if batch:
                send.send(("rows", batch))
        send.send(("done", None))
    except BaseException as exc:  # said to the parent, which fails the rebuild
        with contextlib.suppress(OSError):
            send.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()
        # Leave at once: the copy must not flush the standard streams or run exit
        # handlers, whose locks a display thread of the parent may have held.
        os._exit(0)

"""Decide every stored fact again: `ledger verify --decisions`.

A hash chain proves that the stored events were not changed; it cannot prove that
each one passed the decisions when it was appended. Whoever can append by hand (a
database owner, or a clerk calling the append function from plain SQL) can store a
correctly chained event that no command would have allowed: a second result for a
match already played, a qualifier for a team that holds no berth. Here each event
of each competition is decided again, as an imported export is, against the
competition as the events before it leave it, and every refusal is named.
"""

from __future__ import annotations

from collections.abc import Iterator

from events.catalogue import Recorded
from ledger.commands import Meta, Replay, decide
from ledger.errors import LedgerError
from ledger.store import EventStore
from ledger.verify import Problem
from projections.model import CompetitionState, fold, in_order


def redecide(store: EventStore) -> list[Problem]:
    """Every stored fact the decisions refuse, in ledger order."""
    problems: list[Problem] = []
    for stream in store.streams():
        problems.extend(_stream_problems(stream, store.read_stream(stream, positions=True)))
    problems.sort(key=lambda p: (p.position, p.version))
    return problems


def _stream_problems(stream: str, records: list[Recorded]) -> Iterator[Problem]:
    state = CompetitionState()
    for index, record in enumerate(records):
        event = record.event
        if not in_order(state.last_on, (event,)):
            # A fact dated before one already applied: decide it against a fresh
            # fold, as the ledger did when it was appended.
            state = fold(records[:index])
        try:
            accepted = decide(state, Replay(event=event, on=event.occurred_on), Meta())
        except LedgerError as exc:
            yield Problem(
                record.position, stream, record.version, f"the decisions refuse it: {exc}"
            )
            state = fold(records[: index + 1])  # later facts were decided with it on record
            continue
        if not accepted:
            yield Problem(
                record.position, stream, record.version, "it repeats a fact already on record"
            )

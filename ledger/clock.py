"""Recorded time only moves forward: the check the store runs inside its append.

The store stamps every event with the time it records it. A clerk whose clock
went backwards would make `--known-at` lie, so an append whose recorded time
is earlier than the ledger's last event's is refused, inside the transaction
that holds the write lock (the previous event cannot change under it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec

from events.catalogue import Instant
from ledger.errors import ClockBehind


class _At(msgspec.Struct):
    recorded_at: Instant


class _Stamped(msgspec.Struct):
    body: _At


_decoder = msgspec.json.Decoder(_Stamped)


def recorded_at(state: bytes) -> dt.datetime | None:
    """The recorded time in a stored envelope (None when it cannot be read)."""
    try:
        return _decoder.decode(state).body.recorded_at
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def refuse_going_back(previous: bytes | None, states: Sequence[bytes]) -> None:
    """Raise ClockBehind when a new state is recorded before the one it follows."""
    last = None if previous is None else recorded_at(previous)
    for state in states:
        at = recorded_at(state)
        if at is None:
            continue
        if last is not None and at < last:
            raise ClockBehind(
                f"the time to record, {at:%Y-%m-%d %H:%M:%S}Z, is earlier than the ledger's "
                f"last event's, {last:%Y-%m-%d %H:%M:%S}Z: recorded time cannot go back "
                "(is this machine's clock wrong?); nothing was written",
                last=last,
            )
        last = at

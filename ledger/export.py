"""The ledger's own export: JSON Lines carrying every stored event byte for byte.

Line 1 is a header; each further line is `{"position", "hash", "body"}` where
`body` is the stored body exactly as hashed, so an import reproduces identical
events and hashes. Importing into a ledger that already holds a prefix of the
same streams appends only the rest; a conflicting history is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import msgspec

from events.catalogue import decode_body
from ledger.commands import Replay
from ledger.errors import InvalidInput, LedgerError
from ledger.service import Ledger
from ledger.store import (
    GENESIS,
    EventStore,
    Pending,
    envelope,
    open_envelope,
    recorded_from_state,
    stream_id,
)

FORMAT = "results-ledger-export"


class Header(msgspec.Struct):
    format: str
    version: int
    events: int


class Line(msgspec.Struct):
    position: int
    hash: str
    body: msgspec.Raw


_header = msgspec.json.Decoder(Header)
_line = msgspec.json.Decoder(Line)


def export_lines(store: EventStore, *, stream: str | None = None) -> Iterator[bytes]:
    rows = []
    for position, state in store.read_raw():
        rec = recorded_from_state(position, state)  # an unreadable row is refused here
        if stream is not None and rec.stream != stream:
            continue
        rows.append((position, rec.hash, open_envelope(state)[1]))
    yield msgspec.json.encode(Header(format=FORMAT, version=1, events=len(rows)))
    for position, digest, raw in rows:
        yield b'{"position":%d,"hash":"%s","body":%s}' % (position, digest.encode(), raw)


def is_export(text: str) -> bool:
    return text.lstrip().startswith("{") and f'"{FORMAT}"' in text.split("\n", 1)[0]


def import_export(ledger: Ledger, text: str, *, filename: str) -> int:
    """Append the exported events that the ledger lacks; returns how many.

    Every new event is decided again, in order, against the competition as the
    ledger and the export's earlier events leave it: a fact the decisions refuse
    fails the whole import with its line and the reason. Events that pass are
    stored with their original bytes and hashes.
    """
    store = ledger.store
    lines = text.splitlines()
    try:
        header = _header.decode(lines[0])
    except (msgspec.DecodeError, msgspec.ValidationError, IndexError) as exc:
        raise InvalidInput(f"{filename}:1: not a ledger export header: {exc}") from exc
    if header.format != FORMAT or header.version != 1:
        raise InvalidInput(f"{filename}:1: unsupported export {header.format} v{header.version}")
    incoming: dict[str, list[tuple[int, str, bytes]]] = defaultdict(list)
    order: list[tuple[str, int]] = []
    line_of: dict[tuple[str, int], int] = {}
    recorded: dict[tuple[str, int], dt.datetime] = {}
    previous: tuple[int, dt.datetime] | None = None
    for number, text_line in enumerate(lines[1:], start=2):
        if not text_line.strip():
            continue
        try:
            line = _line.decode(text_line)
            raw = bytes(line.body)
            body = decode_body(raw)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise InvalidInput(f"{filename}:{number}: unreadable event: {exc}") from exc
        if hashlib.sha256(raw).hexdigest() != line.hash:
            raise InvalidInput(f"{filename}:{number}: hash does not match the event (altered?)")
        if previous is not None and body.recorded_at < previous[1]:
            raise InvalidInput(
                f"{filename}:{number}: recorded at {body.recorded_at:%Y-%m-%d %H:%M:%S}Z, before "
                f"the event on line {previous[0]}: recorded time cannot go back"
            )
        previous = (number, body.recorded_at)
        incoming[body.stream].append((body.version, line.hash, raw))
        order.append((body.stream, body.version))
        line_of[(body.stream, body.version)] = number
        recorded[(body.stream, body.version)] = body.recorded_at
    if len(order) != header.events:
        raise InvalidInput(f"{filename}: header says {header.events} events, found {len(order)}")
    pending: dict[tuple[str, int], Pending] = {}
    for stream, events in incoming.items():
        events.sort()
        existing = store.read_stream(stream)
        prev = GENESIS
        for expected, (version, digest, raw) in enumerate(events, start=1):
            body = decode_body(raw)
            if version != expected or body.prev_hash != prev:
                raise InvalidInput(f"{filename}: stream {stream} event {version}: chain broken")
            prev = digest
            if version <= len(existing):
                if existing[version - 1].hash != digest:
                    raise LedgerError(
                        f"{filename}: the ledger already holds a different event {version} "
                        f"of {stream}; nothing was imported"
                    )
                continue
            pending[(stream, version)] = Pending(
                stream_id(stream), version, body.event_type, envelope(raw, digest)
            )
    to_store = [key for key in order if key in pending]
    if to_store:
        last = _last_recorded(store)
        if last is not None and recorded[to_store[0]] < last:
            raise InvalidInput(
                f"{filename}:{line_of[to_store[0]]}: recorded at "
                f"{recorded[to_store[0]]:%Y-%m-%d %H:%M:%S}Z, before the ledger's last event "
                f"({last:%Y-%m-%d %H:%M:%S}Z): recorded time cannot go back; nothing was imported"
            )
    _redecide(
        ledger,
        [(key, decode_body(bytes(_envelope_body(pending[key])))) for key in to_store],
        line_of,
        filename,
    )
    if to_store:
        store.save_pending([pending[key] for key in to_store])
        if ledger.auto_catch_up:
            ledger.refresh_read_models()
    return len(to_store)


def _last_recorded(store: EventStore) -> dt.datetime | None:
    last = store.max_position()
    for rec in store.read_all(after=max(last - 1, 0)):
        return rec.recorded_at
    return None


def _envelope_body(p: Pending) -> bytes:
    return open_envelope(p.state)[1]


def _redecide(
    ledger: Ledger,
    bodies: list[tuple[tuple[str, int], Any]],
    line_of: dict[tuple[str, int], int],
    filename: str,
) -> None:
    """Decide each new event again; any refusal names its line in the file."""
    commands = [Replay(event=body.event, on=body.event.occurred_on) for _, body in bodies]
    streams = [body.stream for _, body in bodies]
    by_stream: dict[str, list[int]] = defaultdict(list)
    for i, stream in enumerate(streams):
        by_stream[stream].append(i)
    for stream, indexes in by_stream.items():
        batch = [commands[i] for i in indexes]
        try:
            decided = ledger.decide(*batch, competition=stream)
        except LedgerError as exc:
            at = indexes[exc.index] if exc.index is not None else indexes[0]
            key = bodies[at][0]
            raise type(exc)(
                f"{filename}:{line_of[key]}: the event is refused: {exc}; nothing was imported"
            ) from exc
        accepted = {e.event_id for events in decided.values() for e in events}
        for i in indexes:
            key, body = bodies[i]
            if body.event.event_id not in accepted:
                raise InvalidInput(
                    f"{filename}:{line_of[key]}: the event repeats a fact already on record; "
                    "nothing was imported"
                )

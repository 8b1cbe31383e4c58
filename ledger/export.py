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

import msgspec

from events.catalogue import Body, Recorded, decode_body
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
    recorded_of,
    stream_id,
)
from projections.model import CompetitionState, fold_events

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


def import_export(ledger: Ledger, text: str, *, filename: str, dry_run: bool = False) -> int:
    """Append the exported events that the ledger lacks; returns how many.

    Every new event is decided again, in order, against the competition as the
    ledger and the export's earlier events leave it: a fact the decisions refuse
    fails the whole import with its line and the reason. Events that pass are
    stored with their original bytes and hashes. A dry run checks all of that
    and stores nothing.
    """
    store = ledger.store
    lines = text.splitlines()
    try:
        header = _header.decode(lines[0])
    except (msgspec.DecodeError, msgspec.ValidationError, IndexError) as exc:
        raise InvalidInput(f"{filename}:1: not a ledger export header: {exc}") from exc
    if header.format != FORMAT or header.version != 1:
        raise InvalidInput(f"{filename}:1: unsupported export {header.format} v{header.version}")
    # Each line is decoded once; the body is kept for the chain and the decisions.
    incoming: dict[str, list[tuple[int, str, bytes, Body]]] = defaultdict(list)
    order: list[tuple[str, int]] = []
    line_of: dict[tuple[str, int], int] = {}
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
        incoming[body.stream].append((body.version, line.hash, raw, body))
        order.append((body.stream, body.version))
        line_of[(body.stream, body.version)] = number
    if len(order) != header.events:
        raise InvalidInput(f"{filename}: header says {header.events} events, found {len(order)}")
    new: dict[tuple[str, int], tuple[Pending, Body, str]] = {}
    for stream, events in incoming.items():
        events.sort(key=lambda item: item[0])
        existing = store.read_stream(stream)
        prev = GENESIS
        sid = stream_id(stream)
        for expected, (version, digest, raw, body) in enumerate(events, start=1):
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
            new[(stream, version)] = (
                Pending(sid, version, body.event_type, envelope(raw, digest)),
                body,
                digest,
            )
    to_store = [key for key in order if key in new]
    if to_store:
        last = _last_recorded(store)
        first = new[to_store[0]][1].recorded_at
        if last is not None and first < last:
            raise InvalidInput(
                f"{filename}:{line_of[to_store[0]]}: recorded at "
                f"{first:%Y-%m-%d %H:%M:%S}Z, before the ledger's last event "
                f"({last:%Y-%m-%d %H:%M:%S}Z): recorded time cannot go back; nothing was imported"
            )
    states = _redecide(ledger, [(key, new[key][1]) for key in to_store], line_of, filename)
    if to_store and not dry_run:
        start = store.save_sealed([new[key][0] for key in to_store])
        # The competitions as the decisions left them are the stored ones: the read
        # models start from them instead of folding every imported event again.
        heads = {stream: (version, new[(stream, version)][2]) for stream, version in to_store}
        for stream, head in heads.items():
            state = states.get(stream)
            if state is None:
                # Facts out of date order: a fresh fold, of the events at hand (the
                # export holds the whole stream, its stored prefix matched hash for
                # hash) rather than of the stream read back and decoded again.
                state = fold_events(item[3].event for item in incoming[stream])
            ledger.adopt(stream, head, state)
        if ledger.auto_catch_up:
            # The read models take the stored events from here, not read back.
            stored = [] if start is None else _as_recorded(start, [new[key] for key in to_store])
            ledger.refresh_read_models(stored)
    return len(to_store)


def _as_recorded(first: int, stored: list[tuple[Pending, Body, str]]) -> list[Recorded]:
    """The imported events as stored, from position `first` on."""
    return [recorded_of(first + n, body, digest) for n, (_, body, digest) in enumerate(stored)]


def _last_recorded(store: EventStore) -> dt.datetime | None:
    last = store.max_position()
    for rec in store.read_all(after=max(last - 1, 0)):
        return rec.recorded_at
    return None


def _redecide(
    ledger: Ledger,
    bodies: list[tuple[tuple[str, int], Body]],
    line_of: dict[tuple[str, int], int],
    filename: str,
) -> dict[str, CompetitionState]:
    """Decide each new event again; any refusal names its line in the file. Returns
    each competition as the decisions leave it (where a fresh fold gives the same)."""
    commands = [Replay(event=body.event, on=body.event.occurred_on) for _, body in bodies]
    streams = [body.stream for _, body in bodies]
    by_stream: dict[str, list[int]] = defaultdict(list)
    for i, stream in enumerate(streams):
        by_stream[stream].append(i)
    states: dict[str, CompetitionState] = {}
    for stream, indexes in by_stream.items():
        batch = [commands[i] for i in indexes]
        try:
            decided, decided_states = ledger.decide_states(*batch, competition=stream)
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
        states.update(decided_states)
    return states

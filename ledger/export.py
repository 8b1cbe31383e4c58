"""The ledger's own export: JSON Lines carrying every stored event byte for byte.

Line 1 is a header; each further line is `{"position", "hash", "body"}` where
`body` is the stored body exactly as hashed, so an import reproduces identical
events and hashes. Importing into a ledger that already holds a prefix of the
same streams appends only the rest; a conflicting history is refused.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator

import msgspec

from events.catalogue import decode_body
from ledger.errors import InvalidInput, LedgerError
from ledger.store import GENESIS, EventStore, Pending, envelope, open_envelope, stream_id

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
        digest, raw = open_envelope(state)
        if stream is not None and decode_body(raw).stream != stream:
            continue
        rows.append((position, digest, raw))
    yield msgspec.json.encode(Header(format=FORMAT, version=1, events=len(rows)))
    for position, digest, raw in rows:
        yield b'{"position":%d,"hash":"%s","body":%s}' % (position, digest.encode(), raw)


def is_export(text: str) -> bool:
    return text.lstrip().startswith("{") and f'"{FORMAT}"' in text.split("\n", 1)[0]


def import_export(store: EventStore, text: str, *, filename: str) -> int:
    """Append the exported events that the ledger lacks; returns how many."""
    lines = text.splitlines()
    try:
        header = _header.decode(lines[0])
    except (msgspec.DecodeError, msgspec.ValidationError, IndexError) as exc:
        raise InvalidInput(f"{filename}:1: not a ledger export header: {exc}") from exc
    if header.format != FORMAT or header.version != 1:
        raise InvalidInput(f"{filename}:1: unsupported export {header.format} v{header.version}")
    incoming: dict[str, list[tuple[int, str, bytes]]] = defaultdict(list)
    order: list[tuple[str, int]] = []
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
        incoming[body.stream].append((body.version, line.hash, raw))
        order.append((body.stream, body.version))
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
    to_store = [pending[key] for key in order if key in pending]
    if to_store:
        store.save_pending(to_store)
    return len(to_store)

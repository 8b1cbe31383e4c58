"""`verify` in two processes, for a large SQLite ledger.

The first process checks each row's hash and follows the chains, the clock and
the seals through the bodies' headers only; a second, forked over its own read
snapshot (taken after the first's), decodes every event and checks each row's
columns against its body. A ledger both find clean is reported from that; any
fault at all, or a row the second did not see, and `ledger.verify` checks the
ledger again in one process, which names every problem.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import multiprocessing
import sqlite3
from typing import Any

import msgspec

from events.catalogue import Instant, decode_body
from ledger.store import GENESIS, EventStore, read_only_uri, stream_id
from ledger.verify import ROW_FAULTS, BadRow, Report, as_stored, sealed_body


class _Header(msgspec.Struct):
    """What the chain, the clock and the seals need of a body (its event skipped)."""

    stream: str
    version: int
    recorded_at: Instant
    prev_hash: str
    event_type: str


_header = msgspec.json.Decoder(_Header)


def verify_split(store: EventStore) -> Report | None:
    """The ledger's report when both processes find it clean; None otherwise (a
    problem, or a row the second process did not see)."""
    recorder: Any = store.app.recorder
    table = recorder.events_table_name
    with recorder.datastore.transaction(commit=False) as c:
        connection = c.sqlite_cursor.connection
        events, heads = connection.cursor(), connection.cursor()
        events.row_factory = heads.row_factory = None
        events.execute(f"SELECT rowid, state FROM {table} ORDER BY rowid")
        heads.execute("SELECT stream_id, version, hash FROM ledger_heads ORDER BY rowid")
        # This read snapshot is taken: the second process's, taken after it, holds
        # every row this one reads, as it is here or changed since (which it faults).
        try:
            context = multiprocessing.get_context("fork")
            receive, send = context.Pipe(duplex=False)
            worker = context.Process(
                target=_rows_on_their_own,
                args=(read_only_uri(store.sqlite_path), table, send),
                daemon=True,
            )
            worker.start()
        except (ValueError, AssertionError, OSError):
            return None  # no second process here (no fork, or inside a daemon)
        send.close()
        try:
            clean = _chains_clean(events, heads)
            if clean is None:
                return None
            checked, streams, last = clean
            try:
                checked_up_to, bad = receive.recv()
            except EOFError:
                return None
            if checked_up_to < last or any(position <= last for position in bad):
                return None  # a row it did not see, or one that fails
            return Report(checked=checked, streams=streams, problems=[])
        finally:
            receive.close()
            worker.join(timeout=5)
            if worker.is_alive():
                worker.kill()


def _chains_clean(events: Any, heads: Any) -> tuple[int, int, int] | None:
    """Check every row's hash and follow every chain, the clock and the seals
    through the rows' headers only; (rows, streams, last position) when all is as
    the store writes it, else None.
    The seals come in the order they were written, which is ledger order."""
    tails: dict[str, tuple[int, str]] = {}
    ids: dict[str, str] = {}
    decode, sha256 = _header.decode, hashlib.sha256
    last_at: dt.datetime | None = None
    checked = last = 0
    for position, state in events:
        last = position
        stored = as_stored(state) if type(state) is bytes else None
        if stored is None:
            return None
        raw, digest = stored
        if sha256(raw).hexdigest() != digest:
            return None
        try:
            header = decode(raw)
        except ROW_FAULTS:
            return None
        stream, version = header.stream, header.version
        tail = tails.get(stream)
        if tail is None:
            if version != 1 or header.prev_hash != GENESIS:
                return None
        elif version != tail[0] + 1 or header.prev_hash != tail[1]:
            return None
        at = header.recorded_at
        if last_at is not None and at < last_at:
            return None
        last_at = at
        tails[stream] = (version, digest)
        sid = ids.get(stream)
        if sid is None:
            sid = ids[stream] = str(stream_id(stream))
        if heads.fetchone() != (sid, version, digest):
            return None
        checked += 1
    if heads.fetchone() is not None:
        return None  # a seal without its row
    return checked, len(tails), last


def _rows_on_their_own(uri: str, table: str, send: Any) -> None:
    """In the second process: each row's whole event, and that its columns agree
    with its body, in one snapshot (the first process checks the hashes). Sends
    (the last position checked, the positions of rows that fail)."""
    bad: list[int] = []
    last = 0
    ids: dict[str, str] = {}
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            for position, originator, version, topic, state in conn.execute(
                f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "
                "ORDER BY rowid"
            ):
                last = position
                try:
                    if not isinstance(state, bytes):
                        raise BadRow
                    body = decode_body(sealed_body(state)[0])
                    sid = ids.get(body.stream)
                    if sid is None:
                        sid = ids[body.stream] = stream_id(body.stream).hex
                    if (originator, version, topic) != (sid, body.version, body.event_type):
                        raise BadRow
                except ROW_FAULTS:
                    bad.append(position)
    except sqlite3.Error:
        bad.append(0)  # could not read: let the one-process check say what
    send.send((last, bad))
    send.close()

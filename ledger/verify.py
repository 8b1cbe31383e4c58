"""Recompute every stream's hash chain and compare it with the sealed heads.

Also: every row decodes (a known event_version, an event_type that matches its
event), and recorded times never go back in ledger order. Every problem is
named with its position; nothing here raises on a bad row.

Verify streams the ledger in pages and holds, per stream, only its last event
(version, hash, position): memory follows the number of competitions, not of
events. The seal rows are read alongside, in the order they were written (which
is ledger order), so matching them with the events holds only what does not pair
up. A stream whose versions are out of ledger order (rows deleted and inserted
again behind the ledger's back) sends the check to the in-memory reference, which
names the same problems in the same order.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, NamedTuple

import msgspec

from events.catalogue import decode_body
from ledger.clock import recorded_at
from ledger.store import (
    GENESIS,
    EventStore,
    RawRow,
    StoredRow,
    open_envelope,
    stream_id,
)


class Problem(msgspec.Struct, frozen=True):
    position: int  # ledger order of the bad row; heads-only problems sort last
    stream: str
    version: int
    reason: str

    def __str__(self) -> str:
        where = f"position {self.position}" if self.position else "no stored row"
        return f"event {self.version} of stream {self.stream} ({where}): {self.reason}"


class Report(msgspec.Struct, frozen=True):
    checked: int
    streams: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_row(row: StoredRow) -> tuple[str, str, int, str, str | None]:
    """(stream, hash, version, prev_hash, problem) for one stored row."""
    try:
        digest, raw = open_envelope(row.state)
    except msgspec.DecodeError:
        return (
            row.originator_id,
            "",
            row.originator_version,
            "",
            "the stored bytes are not an event",
        )
    if hashlib.sha256(raw).hexdigest() != digest:
        return (
            row.originator_id,
            digest,
            row.originator_version,
            "",
            "content altered: hash mismatch",
        )
    try:
        body = decode_body(raw)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return row.originator_id, digest, row.originator_version, "", f"cannot be read: {exc}"
    if str(stream_id(body.stream)) != row.originator_id or body.version != row.originator_version:
        return (
            body.stream,
            digest,
            row.originator_version,
            body.prev_hash,
            (f"moved: the body says event {body.version} of {body.stream}"),
        )
    if body.event_type != row.topic:
        return body.stream, digest, body.version, body.prev_hash, "topic column altered"
    return body.stream, digest, body.version, body.prev_hash, None


class _Sealed(msgspec.Struct):
    """A stored envelope, as the store writes it."""

    hash: str
    body: msgspec.Raw


_sealed = msgspec.json.Decoder(_Sealed)
# The store writes `{"hash":"<64 hex digits>","body":<body>}`. A row in that layout
# whose body hashes to the digest and decodes is a JSON object with exactly those two
# keys, so slicing it gives what decoding it would; anything else is decoded.
_HEAD, _BODY = b'{"hash":"', b'","body":'


def as_stored(state: bytes) -> tuple[memoryview, str] | None:
    """(body bytes, digest) of an envelope in the layout the store writes (the body
    is the bytes between), without decoding it; None for any other bytes."""
    if state[:9] == _HEAD and state[73:82] == _BODY and state[-1:] == b"}":
        return memoryview(state)[82:-1], state[9:73].decode()
    return None


def sealed_body(state: bytes) -> tuple[Any, str]:
    """(body bytes, digest) of a stored envelope; raises DecodeError when it is not one."""
    stored = as_stored(state)
    if stored is not None:
        return stored
    env = _sealed.decode(state)
    return env.body, env.hash


class _Disordered(Exception):
    """A stream's versions are not in ledger order: only the reference can tell."""


class BadRow(Exception):
    """A row fails a check: `_check_row` says which."""


# What reading a row that is not what the store writes can raise.
ROW_FAULTS = (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, BadRow)


_Seal = tuple[str, int, str]  # (stream id, version, hash)


class _Scan:
    """The streaming check: per stream, only its last event; seals paired as read."""

    def __init__(self) -> None:
        self.checked = 0
        self.last_position = 0  # of the last row read
        self.row_problems: list[Problem] = []
        self.chain_problems: list[Problem] = []
        self.seal_problems: list[Problem] = []
        # stream id -> (version, hash) of its last event
        self.tails: dict[str, tuple[int, str]] = {}
        self.names: dict[str, str] = {}
        # events without their seal yet (-> position, hash), and seals without
        # their event yet (-> hash)
        self.unsealed: dict[tuple[str, int], tuple[int, str]] = {}
        self.unmatched: dict[tuple[str, int], str] = {}

    def run(self, rows: Iterator[RawRow], seal_pages: Iterator[list[_Seal]], batch: int) -> None:
        """Check every row in ledger order. With `batch`, the seal pages hold the
        seals in the same order, `batch` at a time: each is paired with its rows
        as they are read. Without it, the seals are paired once every row is read."""
        tails, names = self.tails, self.names
        ids: dict[str, str] = {}  # stream name -> stream id, for the intact rows
        sha256 = hashlib.sha256
        row_problems, chain_problems = self.row_problems, self.chain_problems
        last_at: dt.datetime | None = None
        last_position = 0
        stored: list[_Seal] = []
        positions: list[int] = []
        for row in rows:
            position, sid, seen_version, topic, state = row
            tail = tails.get(sid)
            if tail is not None and seen_version <= tail[0]:
                raise _Disordered
            # The row checks, decoding the row once: `_check_row` names what fails.
            problem: str | None = None
            at: dt.datetime | None
            try:
                raw, digest = sealed_body(state)
                if sha256(raw).hexdigest() != digest:
                    raise BadRow
                body = decode_body(raw)
                stream = body.stream
                known = ids.get(stream)
                if known is None:
                    known = ids[stream] = str(stream_id(stream))
                if known != sid or body.version != seen_version or body.event_type != topic:
                    raise BadRow
                prev, at = body.prev_hash, body.recorded_at
                version = seen_version
            except ROW_FAULTS:
                stream, digest, version, prev, problem = _check_row(StoredRow(*row))
                at = recorded_at(state)
            if at is not None:
                if last_at is None or at >= last_at:
                    last_at, last_position = at, position
                else:
                    row_problems.append(
                        Problem(
                            position,
                            stream,
                            version,
                            f"recorded at {at:%Y-%m-%d %H:%M:%S}Z, before the event ahead of "
                            f"it in ledger order (position {last_position}, "
                            f"{last_at:%Y-%m-%d %H:%M:%S}Z): recorded time went back",
                        )
                    )
            if problem is not None:
                row_problems.append(Problem(position, stream, version, problem))
            elif sid not in names:  # only an intact row can be trusted to name its stream
                names[sid] = stream
            # The chain, in version order (which is ledger order here).
            if tail is None:
                expected_version, expected_prev = 1, GENESIS
            else:
                expected_version, expected_prev = tail[0] + 1, tail[1]
            if seen_version != expected_version:
                chain_problems.append(
                    Problem(
                        position,
                        stream,
                        seen_version,
                        f"events {expected_version}..{seen_version - 1} are missing (deleted)",
                    )
                )
            elif prev != expected_prev:
                chain_problems.append(
                    Problem(
                        position,
                        stream,
                        seen_version,
                        "chain broken: previous hash does not match "
                        "(event forged, swapped or removed before it)",
                    )
                )
            tails[sid] = (seen_version, digest)
            stored.append((sid, seen_version, digest))
            positions.append(position)
            if batch and len(stored) == batch:
                self.last_position = position
                self._pair(stored, positions, next(seal_pages, []))
                stored, positions = [], []
        if positions:
            self.last_position = positions[-1]
        self._pair(stored, positions, [])
        for seals in seal_pages:
            self._pair([], [], seals)

    def _pair(self, stored: list[_Seal], positions: list[int], seals: list[_Seal]) -> None:
        """Pair the rows just checked with their seals; what does not pair waits."""
        self.checked += len(stored)
        if stored == seals and not self.unsealed and not self.unmatched:
            return  # every row sealed as it is, in the order written
        unsealed, unmatched = self.unsealed, self.unmatched
        for (sid, version, digest), position in zip(stored, positions, strict=True):
            key = (sid, version)
            sealed = unmatched.pop(key, None)
            if sealed is None:
                unsealed[key] = (position, digest)
            else:
                self._compare(position, key, digest, sealed)
        for sid, version, sealed in seals:
            # as the reference reads them (a row written behind the ledger's back
            # may hold other types)
            key = (str(sid), int(version))
            found = unsealed.pop(key, None)
            if found is None:
                unmatched[key] = str(sealed)
            else:
                self._compare(found[0], key, found[1], str(sealed))

    def _compare(self, position: int, key: tuple[str, int], digest: str, sealed: str) -> None:
        if digest != sealed:
            self.seal_problems.append(
                Problem(
                    position, key[0], key[1], "differs from the hash sealed when it was appended"
                )
            )

    def report(self) -> Report:
        missing = [
            Problem(
                0,
                sid,
                version,
                "sealed when appended but missing now (tail truncated or event deleted)",
            )
            for sid, version in self.unmatched
        ]
        not_sealed = [
            Problem(position, sid, version, "not sealed: inserted outside the ledger")
            for (sid, version), (position, _) in self.unsealed.items()
        ]
        # In the reference's order before sorting, so that ties sort alike. Differing
        # seals sort by position and missing events last (position 0): those two never tie.
        problems = [
            *self.row_problems,
            *self.chain_problems,
            *self.seal_problems,
            *missing,
            *not_sealed,
        ]
        names = self.names
        problems = [
            msgspec.structs.replace(p, stream=names.get(p.stream, p.stream)) for p in problems
        ]
        problems.sort(key=lambda p: (p.position == 0, p.position, p.version))
        return Report(checked=self.checked, streams=len(self.tails), problems=problems)


_BATCH = 5000
_SPLIT_FROM = 50_000  # events: a second process pays only on a large ledger


def verify(store: EventStore, *, processes: int | None = None) -> Report:
    """Every problem in the ledger, in ledger order.

    On SQLite with a second core, a second process checks each row on its own (its
    hash, its whole event) while this one follows the chains, the clock and the
    seals. A clean ledger is reported from that; any problem at all, and the
    ledger is checked again in one process, which names every problem exactly."""
    if processes is None:
        # A second process pays only on a large ledger.
        large = store.max_position() >= _SPLIT_FROM
        processes = (os.cpu_count() or 1) if large else 1
    if not store.is_postgres and processes > 1:
        from ledger.verify_split import verify_split

        report = verify_split(store)
        if report is not None and report.ok:
            return report
    return _verify_streaming(store)


def _verify_streaming(store: EventStore) -> Report:
    scan = _Scan()
    report = _scanned(store, scan)
    return _verify_in_memory(store) if report is None else report


def _scanned(store: EventStore, scan: _Scan) -> Report | None:
    """Run the scan over one snapshot; None when a stream is out of ledger order."""
    # The scan makes and drops a few objects per row and keeps none: the cyclic
    # garbage collector would only walk the heap again and again meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with store.snapshot(batch=_BATCH) as (rows, seal_pages):
            # The seals come in ledger order: pair them a page at a time.
            scan.run(rows, seal_pages, _BATCH)
    except _Disordered:
        return None
    finally:
        if collecting:
            gc.enable()
    return scan.report()


class _Seen(NamedTuple):
    """What the chain checks need of a row, without its bytes."""

    position: int
    originator_version: int


def _verify_in_memory(store: EventStore) -> Report:
    """The whole ledger held in memory: the reference the streaming scan follows, and
    what it falls back to when a stream's versions are out of ledger order."""
    problems: list[Problem] = []
    by_stream: dict[str, list[tuple[_Seen, str, str, str]]] = defaultdict(list)
    stored: dict[tuple[str, int], int] = {}  # (stream id, version) -> position
    checked = 0
    names: dict[str, str] = {}
    digests: dict[tuple[str, int], str] = {}
    last_at: dt.datetime | None = None
    last_position = 0
    for row in store.iter_rows():
        checked += 1
        stored[(row.originator_id, row.originator_version)] = row.position
        stream, digest, version, prev, problem = _check_row(row)
        at = recorded_at(row.state)
        if at is not None and last_at is not None and at < last_at:
            problems.append(
                Problem(
                    row.position,
                    stream,
                    version,
                    f"recorded at {at:%Y-%m-%d %H:%M:%S}Z, before the event ahead of it in "
                    f"ledger order (position {last_position}, {last_at:%Y-%m-%d %H:%M:%S}Z): "
                    "recorded time went back",
                )
            )
        if at is not None and (last_at is None or at >= last_at):
            last_at, last_position = at, row.position
        digests[(row.originator_id, row.originator_version)] = digest
        if problem is not None:
            problems.append(Problem(row.position, stream, version, problem))
        if problem is None:  # only an intact row can be trusted to name its stream
            names.setdefault(row.originator_id, stream)
        seen = _Seen(row.position, row.originator_version)
        by_stream[row.originator_id].append((seen, stream, digest, prev))

    for items in by_stream.values():
        items.sort(key=lambda item: item[0].originator_version)
        expected_prev, expected_version, last_position = GENESIS, 1, 0
        for seen, stream, digest, prev in items:
            if seen.originator_version != expected_version:
                problems.append(
                    Problem(
                        seen.position,
                        stream,
                        seen.originator_version,
                        f"events {expected_version}..{seen.originator_version - 1} "
                        "are missing (deleted)",
                    )
                )
            elif prev != expected_prev:
                problems.append(
                    Problem(
                        seen.position,
                        stream,
                        seen.originator_version,
                        "chain broken: previous hash does not match "
                        "(event forged, swapped or removed before it)",
                    )
                )
            if seen.position < last_position:
                problems.append(
                    Problem(
                        seen.position,
                        stream,
                        seen.originator_version,
                        "out of ledger order (rows swapped)",
                    )
                )
            expected_prev, expected_version = digest, seen.originator_version + 1
            last_position = seen.position

    sealed = {(sid, version): digest for sid, version, digest in store.heads()}
    for (sid, version), digest in sealed.items():
        kept = stored.get((sid, version))
        stream = names.get(sid, sid)
        if kept is None:
            problems.append(
                Problem(
                    0,
                    stream,
                    version,
                    "sealed when appended but missing now (tail truncated or event deleted)",
                )
            )
        elif digests[(sid, version)] != digest:
            problems.append(
                Problem(
                    kept,
                    stream,
                    version,
                    "differs from the hash sealed when it was appended",
                )
            )
    for key, position in stored.items():
        if key not in sealed:
            problems.append(
                Problem(
                    position,
                    names.get(key[0], key[0]),
                    key[1],
                    "not sealed: inserted outside the ledger",
                )
            )

    # Name streams by their competition, learnt from the intact rows of the stream.
    problems = [msgspec.structs.replace(p, stream=names.get(p.stream, p.stream)) for p in problems]
    problems.sort(key=lambda p: (p.position == 0, p.position, p.version))
    return Report(checked=checked, streams=len(by_stream), problems=problems)

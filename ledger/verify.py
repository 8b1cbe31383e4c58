"""Recompute every stream's hash chain and compare it with the sealed heads.

Also: every row decodes (a known event_version, an event_type that matches its
event), and recorded times never go back in ledger order. Every problem is
named with its position; nothing here raises on a bad row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from typing import NamedTuple

import msgspec

from events.catalogue import decode_body
from ledger.clock import recorded_at
from ledger.store import GENESIS, EventStore, StoredRow, open_envelope, stream_id


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


class _Seen(NamedTuple):
    """What the chain checks need of a row, without its bytes."""

    position: int
    originator_version: int


def verify(store: EventStore) -> Report:
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

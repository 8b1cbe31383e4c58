"""The one module that writes read models: plain SQLite tables via sqlite-utils.

`catch_up` applies the events after the last position it recorded and stores
the new position in the same transaction as the rows; `rebuild` drops every
read-model table and catches up from the start. Both give identical tables.
Tables: rm_events (the log with both clocks, indexed), rm_stages,
rm_standings, rm_bracket, rm_qualifiers, rm_position.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, get_args, get_type_hints

import msgspec
import sqlite_utils

from events.catalogue import Recorded, tag_of
from projections.model import fold
from projections.qualifiers import QualifierEntry, qualifiers
from projections.views import (
    BracketMatch,
    StageRow,
    TableRow,
    bracket_matches,
    stage_rows,
    table_rows,
)

TABLES = ("rm_events", "rm_stages", "rm_standings", "rm_bracket", "rm_qualifiers", "rm_position")
_PKS: dict[str, tuple[str, ...]] = {
    "rm_events": ("position",),
    "rm_stages": ("competition", "slug"),
    "rm_standings": ("competition", "stage", "group", "team"),
    "rm_bracket": ("competition", "stage", "key"),
    "rm_qualifiers": ("competition", "path", "entry"),
}
READER = "ledger"


def position(db: sqlite_utils.Database) -> int:
    if not db["rm_position"].exists():
        return 0
    rows = list(db.query("SELECT position FROM rm_position WHERE reader = ?", [READER]))
    return int(rows[0]["position"]) if rows else 0


def _plain(obj: Any) -> dict[str, Any]:
    data = msgspec.to_builtins(obj)
    assert isinstance(data, dict)
    return data


def competition_rows(records: Sequence[Recorded]) -> dict[str, list[dict[str, Any]]]:
    """Every read-model row of one competition, from its events."""
    state = fold(records)
    comp = state.slug
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in _PKS if name != "rm_events"}
    for stage in stage_rows(state):
        out["rm_stages"].append({"competition": comp, **_plain(stage)})
        if stage.format == "group":
            for row in table_rows(state, stage.slug):
                out["rm_standings"].append({"competition": comp, **_plain(row)})
        for match in bracket_matches(state, stage.slug):
            key = match.fixture or f"bye:{match.round}:{match.home}"
            out["rm_bracket"].append({"competition": comp, "key": key, **_plain(match)})
    _, entries = qualifiers(state)
    for n, entry in enumerate(entries, start=1):
        out["rm_qualifiers"].append({"competition": comp, "entry": n, **_plain(entry)})
    return out


def _event_row(rec: Recorded) -> dict[str, Any]:
    return {
        "position": rec.position,
        "stream": rec.stream,
        "version": rec.version,
        "event_id": rec.event.event_id,
        "type": tag_of(rec.event),
        "occurred_on": rec.event.occurred_on.isoformat(),
        "recorded_at": rec.recorded_at.isoformat(),
        "hash": rec.hash,
        "prev_hash": rec.prev_hash,
        "source": rec.event.source,
    }


def _column_type(annotation: Any) -> type:
    """SQLite column type of a row field: integers stay integers even when the
    first row holds None (sqlite-utils would otherwise guess TEXT from it)."""
    kinds = set(get_args(annotation)) or {annotation}
    kinds.discard(type(None))
    if kinds <= {int, bool}:
        return int
    return str


def _columns(row_type: type, extra: dict[str, type]) -> dict[str, type]:
    hints = get_type_hints(row_type)
    return {**extra, **{name: _column_type(hint) for name, hint in hints.items()}}


_ROW_TYPES: dict[str, tuple[type, dict[str, type]]] = {
    "rm_stages": (StageRow, {"competition": str}),
    "rm_standings": (TableRow, {"competition": str}),
    "rm_bracket": (BracketMatch, {"competition": str, "key": str}),
    "rm_qualifiers": (QualifierEntry, {"competition": str, "entry": int}),
}


def _ensure_tables(db: sqlite_utils.Database) -> None:
    for table, (row_type, extra) in _ROW_TYPES.items():
        if not db.table(table).exists():
            db.table(table).create(_columns(row_type, extra), pk=_PKS[table])
    if not db["rm_position"].exists():
        db.table("rm_position").create({"reader": str, "position": int}, pk="reader")
    if not db["rm_events"].exists():
        db.table("rm_events").create(
            {
                "position": int,
                "stream": str,
                "version": int,
                "event_id": str,
                "type": str,
                "occurred_on": str,
                "recorded_at": str,
                "hash": str,
                "prev_hash": str,
                "source": str,
            },
            pk="position",
        )
        db.table("rm_events").create_index(["stream", "occurred_on"])
        db.table("rm_events").create_index(["recorded_at"])


def catch_up(
    db: sqlite_utils.Database,
    *,
    read_after: Callable[[int], Iterable[Recorded]],
    read_stream: Callable[[str], Sequence[Recorded]],
) -> int:
    """Apply the events after the recorded position; returns how many were new.

    The position is read inside a write transaction taken up front, so two
    readers catching up at once take turns and each event is applied once.
    """
    with _write_lock(db):
        return _apply(db, read_after=read_after, read_stream=read_stream)


def _apply(
    db: sqlite_utils.Database,
    *,
    read_after: Callable[[int], Iterable[Recorded]],
    read_stream: Callable[[str], Sequence[Recorded]],
) -> int:
    """Catch up inside the caller's transaction."""
    _ensure_tables(db)
    last = position(db)
    new = list(read_after(last))
    if not new:
        return 0
    changed = list(dict.fromkeys(rec.stream for rec in new))
    db.table("rm_events").insert_all([_event_row(r) for r in new], pk="position")
    for stream in changed:
        rows = competition_rows(read_stream(stream))
        for table, items in rows.items():
            db.table(table).delete_where("competition = ?", [stream])
            if items:
                db.table(table).insert_all(items, pk=_PKS[table])
    db.table("rm_position").upsert({"reader": READER, "position": new[-1].position}, pk="reader")
    return len(new)


@contextlib.contextmanager
def _write_lock(db: sqlite_utils.Database) -> Iterator[None]:
    """BEGIN IMMEDIATE: hold SQLite's write lock for the whole catch-up."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def rebuild(
    db: sqlite_utils.Database,
    *,
    read_after: Callable[[int], Iterable[Recorded]],
    read_stream: Callable[[str], Sequence[Recorded]],
) -> int:
    """Drop every read-model table and refill it, in one transaction: a crash or
    an error half-way leaves the old tables as they were."""
    with _write_lock(db):
        for table in TABLES:
            if db[table].exists():
                db.table(table).drop()
        return _apply(db, read_after=read_after, read_stream=read_stream)


def differences(db: sqlite_utils.Database, fresh: sqlite_utils.Database) -> list[str]:
    """Every row of the read-model tables in `db` that differs from `fresh`,
    a build from the events: `table: row (key) is missing / differs in ...`."""
    out: list[str] = []
    for table in TABLES:
        pk = _PKS.get(table, ("reader",))
        mine = _keyed(db, table, pk)
        theirs = _keyed(fresh, table, pk)
        if mine is None:
            out.append(f"{table}: the table is missing (run `ledger rebuild`)")
            continue
        for key in sorted(set(mine) | set(theirs or {}), key=repr):
            want = (theirs or {}).get(key)
            have = mine.get(key)
            name = ", ".join(f"{c}={v!r}" for c, v in zip(pk, key, strict=True))
            if have is None:
                out.append(f"{table}: row ({name}) is missing")
            elif want is None:
                out.append(f"{table}: row ({name}) is not in a fresh build")
            elif have != want:
                cols = sorted(c for c in set(have) | set(want) if have.get(c) != want.get(c))
                out.append(f"{table}: row ({name}) differs in {', '.join(cols)}")
    return out


def _keyed(
    db: sqlite_utils.Database, table: str, pk: tuple[str, ...]
) -> dict[tuple[Any, ...], dict[str, Any]] | None:
    if not db[table].exists():
        return None
    return {tuple(row[c] for c in pk): dict(row) for row in db[table].rows}


def dump(db: sqlite_utils.Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model table as sorted rows, for comparing two builds."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in TABLES:
        if db[table].exists():
            rows = [tuple(row.values()) for row in db[table].rows]
            out[table] = sorted(rows, key=repr)
    return out

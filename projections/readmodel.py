"""The one module that writes read models: plain SQLite tables via sqlite-utils.

`catch_up` applies the events after the last position it recorded and stores
the new position in the same transaction as the rows; `rebuild` drops every
read-model table and catches up from the start. Both give identical tables.
Tables: rm_events (the log with both clocks, indexed), rm_stages,
rm_standings, rm_bracket, rm_qualifiers, rm_position, and rm_snapshots (see
`projections.snapshots`). Which rows a catch-up rewrites: `projections.reach`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sqlite3
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, Union, get_args, get_origin, get_type_hints

import msgspec
import sqlite_utils

from events.catalogue import Event, Recorded, tag_of
from projections.model import CompetitionState, fold
from projections.qualifiers import QualifierEntry, qualifiers
from projections.reach import Reach, touched
from projections.resolve import Resolver
from projections.snapshots import SNAPSHOTS_TABLE, Current, save_snapshot
from projections.views import (
    BracketMatch,
    StageRow,
    TableRow,
    bracket_match,
    bracket_matches,
    group_rows,
    stage_row,
    stage_rows,
    table_rows,
)

TABLES = (
    "rm_events",
    "rm_stages",
    "rm_standings",
    "rm_bracket",
    "rm_qualifiers",
    "rm_position",
    "rm_snapshots",
)
_PKS: dict[str, tuple[str, ...]] = {
    "rm_events": ("position",),
    "rm_stages": ("competition", "slug"),
    "rm_standings": ("competition", "stage", "group", "team"),
    "rm_bracket": ("competition", "stage", "key"),
    "rm_qualifiers": ("competition", "path", "entry"),
}
READER = "ledger"


def position(db: sqlite_utils.Database) -> int:
    try:
        row = db.conn.execute(
            "SELECT position FROM rm_position WHERE reader = ?", [READER]
        ).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return 0  # never caught up
        raise
    return int(row[0]) if row else 0


def _cell(value: Any) -> Any:
    """A row field as SQLite stores it: lists, tuples, structs and dicts as JSON
    text (as msgspec turns them into plain data), dates as ISO text, booleans as
    0/1."""
    kind = type(value)
    if value is None or kind is int or kind is str or kind is float:
        return value
    if kind is bool:
        return int(value)
    plain = msgspec.to_builtins(value)
    if isinstance(plain, (list, dict)):
        return _json.encode(plain).decode()
    return plain


def _row(prefix: tuple[Any, ...], obj: msgspec.Struct) -> tuple[Any, ...]:
    """A table row: its leading key columns, then the struct's fields in order
    (only fields that may hold more than a number or text need converting:
    SQLite stores a bool as 0/1 itself)."""
    values = msgspec.structs.astuple(obj)
    convert = _converted_fields(type(obj))
    if convert:
        cells = list(values)
        for i in convert:
            cells[i] = _cell(cells[i])
        values = tuple(cells)
    return (*prefix, *values)


_SCALARS = {int, str, bool, float, type(None)}


@functools.cache
def _converted_fields(row_type: type) -> tuple[int, ...]:
    """Where the fields of a row type may hold lists, structs or dates."""
    hints = get_type_hints(row_type)
    fields: tuple[str, ...] = row_type.__struct_fields__  # type: ignore[attr-defined]
    out = []
    for n, name in enumerate(fields):
        hint = hints[name]
        union = get_origin(hint) in (Union, types.UnionType)
        kinds = set(get_args(hint)) if union else {hint}
        if not kinds <= _SCALARS:
            out.append(n)
    return tuple(out)


Rows = dict[str, list[tuple[Any, ...]]]


def competition_rows(state: CompetitionState) -> Rows:
    """Every read-model row of one competition, from its state, as stored."""
    comp = state.slug
    resolver = Resolver(state)  # one for every table: each outcome is worked out once
    out: Rows = {name: [] for name in _PKS if name != "rm_events"}
    for stage in stage_rows(state, resolver):
        out["rm_stages"].append(_row((comp,), stage))
        if stage.format == "group":
            for row in table_rows(state, stage.slug, resolver, outlook=False):
                out["rm_standings"].append(_row((comp,), row))
        for match in bracket_matches(state, stage.slug, resolver):
            key = match.fixture or f"bye:{match.round}:{match.home}"
            out["rm_bracket"].append(_row((comp, key), match))
    _, entries = qualifiers(state, resolver)
    for n, entry in enumerate(entries, start=1):
        out["rm_qualifiers"].append(_row((comp, n), entry))
    return out


_EVENT_COLUMNS = (
    "position",
    "stream",
    "version",
    "event_id",
    "type",
    "occurred_on",
    "recorded_at",
    "hash",
    "prev_hash",
    "source",
)


def _event_row(rec: Recorded) -> tuple[Any, ...]:
    return (
        rec.position,
        rec.stream,
        rec.version,
        rec.event.event_id,
        tag_of(rec.event),
        _iso_date(rec.event.occurred_on),
        _iso_time(rec.recorded_at, rec.recorded_at.utcoffset()),
        rec.hash,
        rec.prev_hash,
        rec.event.source,
    )


# The facts of one append share their recorded time, and many share a date.
@functools.lru_cache(maxsize=1024)
def _iso_date(day: dt.date) -> str:
    return day.isoformat()


@functools.lru_cache(maxsize=64)
def _iso_time(moment: dt.datetime, offset: dt.timedelta | None) -> str:
    # The offset is part of the key: equal instants in other zones print otherwise.
    return moment.isoformat()


def _insert_events(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        names = ", ".join(_EVENT_COLUMNS)
        marks = ", ".join("?" for _ in _EVENT_COLUMNS)
        conn.executemany(f"INSERT INTO rm_events ({names}) VALUES ({marks})", rows)


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


def _ensure_tables(db: sqlite_utils.Database, *, indexes: bool = True) -> None:
    # One look at the catalogue: this runs on every append.
    marks = ", ".join("?" for _ in TABLES)
    have = {
        row[0]
        for row in db.conn.execute(
            f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({marks})", TABLES
        )
    }
    if len(have) == len(TABLES):
        return
    for table, (row_type, extra) in _ROW_TYPES.items():
        if table not in have:
            db.table(table).create(_columns(row_type, extra), pk=_PKS[table])
    if "rm_position" not in have:
        db.table("rm_position").create({"reader": str, "position": int}, pk="reader")
    if "rm_snapshots" not in have:
        db.conn.execute(SNAPSHOTS_TABLE)
    if "rm_events" not in have:
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
        if indexes:
            _index_events(db)


def _index_events(db: sqlite_utils.Database) -> None:
    db.table("rm_events").create_index(["stream", "occurred_on"])
    db.table("rm_events").create_index(["recorded_at"])


# A stream with more new facts than this is caught up by rewriting all its rows.
_TOUCH_LIMIT = 256


def catch_up(
    db: sqlite_utils.Database,
    *,
    read_after: Callable[[int], Iterable[Recorded]],
    state_of: Callable[[str], Current],
) -> int:
    """Apply the events after the recorded position; returns how many were new.

    The position is read inside a write transaction taken up front, so two
    readers catching up at once take turns and each event is applied once.
    A competition's rows are rewritten only where its new facts can change
    them (see `touched`); facts that change its structure rewrite them all.
    """
    with _write_lock(db):
        _ensure_tables(db)
        last = position(db)
        # The new facts of each changed stream; None once there are too many
        # to be worth sorting out (memory stays bounded on a long catch-up).
        changed: dict[str, list[Event] | None] = {}
        count, final = 0, last
        rows: list[tuple[Any, ...]] = []
        # Streamed in pages: memory stays bounded however long the log is.
        for rec in read_after(last):
            rows.append(_event_row(rec))
            news = changed.setdefault(rec.stream, [])
            if news is not None:
                news.append(rec.event)
                if len(news) > _TOUCH_LIMIT:
                    changed[rec.stream] = None
            count, final = count + 1, rec.position
            if len(rows) >= 5000:
                _insert_events(db.conn, rows)
                rows.clear()
        _insert_events(db.conn, rows)
        if not count:
            return 0
        for stream, news in changed.items():
            head, state = state_of(stream)
            reach = touched(state, news) if news is not None else None
            if reach is None:
                for table, items in competition_rows(state).items():
                    _replace_rows(db.conn, table, {"competition": stream}, items)
            else:
                _write_touched(db.conn, state, reach)
            save_snapshot(db, stream, head, state)
        db.conn.execute(
            "INSERT OR REPLACE INTO rm_position (reader, position) VALUES (?, ?)", (READER, final)
        )
    return count


def _write_touched(conn: sqlite3.Connection, state: CompetitionState, reach: Reach) -> None:
    """Rewrite the rows `reach` can change, computed from the state like a rebuild.

    A fixture whose sides are named teams depends on nothing but itself (its
    facts, its stage's rules and withdrawals, aliases: structure, which takes
    the other path). Every fixture with a slot on a side is rewritten, as are
    the tables of the groups, the rows of the stages and the qualifier list
    that any rewritten fixture belongs to or can decide."""
    comp = state.slug
    resolver = Resolver(state)
    fixtures = dict.fromkeys(reach.fixtures)
    for stage in state.stages.values():
        fixtures.update(dict.fromkeys(stage.slotted))
    stages: dict[str, None] = {}
    groups: dict[tuple[str, str], None] = {}
    bracket: list[tuple[Any, ...]] = []
    for fixture in fixtures:
        fx = state.fixtures.get(fixture)
        if fx is None:
            continue
        stage = state.stages[fx.stage]
        stages[stage.stage] = None
        group = fx.group or ""
        if stage.format == "group" and group in resolver.group_names(stage):
            groups[(stage.stage, group)] = None
        bracket.append(_row((comp, fixture), bracket_match(state, resolver, fx)))
    _upsert_rows(conn, "rm_bracket", bracket)
    for stage_slug, group in groups:
        rows = [_row((comp,), r) for r in group_rows(stage_slug, group, resolver)]
        scope = {"competition": comp, "stage": stage_slug, "group": group}
        _replace_rows(conn, "rm_standings", scope, rows)
    _upsert_rows(
        conn,
        "rm_stages",
        [_row((comp,), stage_row(state, state.stages[slug], resolver)) for slug in stages],
    )
    if reach.paths or (fixtures and state.paths):
        _, entries = qualifiers(state, resolver)
        rows = [_row((comp, n), entry) for n, entry in enumerate(entries, start=1)]
        _replace_rows(conn, "rm_qualifiers", {"competition": comp}, rows)


_json = msgspec.json.Encoder()


class _Layout(NamedTuple):
    columns: tuple[str, ...]
    key_at: tuple[int, ...]  # where the primary key's columns sit among them
    names: str  # the columns, quoted, for a statement
    insert: str  # INSERT of one whole row
    upsert: str  # INSERT OR REPLACE of one whole row


@functools.cache
def _layout(table: str) -> _Layout:
    """A table's columns and statements (worked out once: reading type hints on
    every append would cost more than the diff)."""
    row_type, extra = _ROW_TYPES[table]
    columns = tuple(_columns(row_type, extra))
    # Rows are built from the struct's fields in order (see `_row`).
    assert columns == (*extra, *row_type.__struct_fields__), table  # type: ignore[attr-defined]
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return _Layout(
        columns,
        tuple(columns.index(c) for c in _PKS[table]),
        names,
        f"INSERT INTO {table} ({names}) VALUES ({marks})",
        f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})",
    )


def _replace_rows(
    conn: sqlite3.Connection, table: str, scope: dict[str, Any], rows: list[tuple[Any, ...]]
) -> None:
    """Make the rows of `table` within `scope` (column values, a prefix of its
    key) equal `rows`, writing only the rows that changed: an append in a large
    competition touches a few rows, not all."""
    layout = _layout(table)
    at = layout.key_at
    where = " AND ".join(f'"{c}" = ?' for c in _PKS[table])
    within = " AND ".join(f'"{c}" = ?' for c in scope)
    old = {
        tuple(row[i] for i in at): row
        for row in conn.execute(
            f"SELECT {layout.names} FROM {table} WHERE {within}", list(scope.values())
        )
    }
    new = {tuple(row[i] for i in at): row for row in rows}
    gone = [key for key in old if key not in new]
    if gone:
        conn.executemany(f"DELETE FROM {table} WHERE {where}", gone)
    changed = [row for key, row in new.items() if old.get(key) != row]
    if changed:
        conn.executemany(layout.upsert, changed)


def _upsert_rows(conn: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Write `rows` over the rows with the same keys."""
    if rows:
        conn.executemany(_layout(table).upsert, rows)


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


# One competition's read-model rows (its events' rows under "rm_events"), how many
# events they came from, and the last ledger position among them.
StreamRows = tuple[Rows, int, int]


def stream_rows(records: Sequence[Recorded]) -> StreamRows:
    """Every read-model row of one competition, from its events (with positions)."""
    rows = competition_rows(fold(records))
    rows["rm_events"] = [_event_row(r) for r in records]
    return rows, len(records), max(r.position for r in records)


def rebuild(
    db: sqlite_utils.Database,
    *,
    streams: Iterable[Sequence[Recorded]] = (),
    rows: Iterable[StreamRows] | None = None,
) -> int:
    """Drop every read-model table and build it again, one competition at a time
    (each event decoded once; memory bounded by the largest competition, in each
    process that computes rows), all in one transaction: a crash leaves the old
    tables, never empty ones.

    The rows come from `streams` (each competition's events, with positions), or
    already computed, as `stream_rows` gives them, from `rows` (e.g. by other
    processes, in any order of competitions).

    Snapshots are not written here: they would double what a rebuild writes, and
    the next catch-up of each competition keeps one again (until then a process
    folds that competition's own events)."""
    if rows is None:
        rows = (stream_rows(records) for records in streams if records)
    count, final = 0, 0
    # Rows gathered over a few competitions, written a few thousand at a time.
    pending: Rows = {table: [] for table in (*_ROW_TYPES, "rm_events")}
    with _write_lock(db):
        for table in TABLES:
            if db[table].exists():
                db.table(table).drop()
        # The event log's indexes are made once its rows are in: cheaper than
        # keeping them sorted row by row.
        _ensure_tables(db, indexes=False)
        for tables, events, last in rows:
            for table, items in tables.items():
                pending[table].extend(items)
            count += events
            final = max(final, last)
            if sum(map(len, pending.values())) >= 5000:
                _insert_all(db.conn, pending)
        _insert_all(db.conn, pending)
        _index_events(db)
        if count:
            db.conn.execute(
                "INSERT OR REPLACE INTO rm_position (reader, position) VALUES (?, ?)",
                (READER, final),
            )
    return count


def _insert_all(conn: sqlite3.Connection, pending: Rows) -> None:
    """Write the rows gathered for each (new, empty) table, and forget them."""
    for table, rows in pending.items():
        if not rows:
            continue
        if table == "rm_events":
            _insert_events(conn, rows)
        else:
            conn.executemany(_layout(table).insert, rows)
        rows.clear()


def differences(db: sqlite_utils.Database, fresh: sqlite_utils.Database) -> list[str]:
    """Every row of the read-model tables in `db` that differs from `fresh`,
    a build from the events: `table: row (key) is missing / differs in ...`."""
    out: list[str] = []
    for table in TABLES:
        if table == "rm_snapshots":
            continue  # a cache whose bytes depend on the order facts were applied in
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
    """Every read-model table as sorted rows, for comparing two builds (snapshots
    are a cache whose bytes depend on the order facts were applied in)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in TABLES:
        if table != "rm_snapshots" and db[table].exists():
            rows = [tuple(row.values()) for row in db[table].rows]
            out[table] = sorted(rows, key=repr)
    return out

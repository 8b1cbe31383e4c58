"""The event store: an eventsourcing Application, hash-chained and append-only.

Each competition is one stream (an eventsourcing aggregate sequence). Every
stored event is `{"hash": ..., "body": ...}` where `body` holds the event, its
stream position, the time the ledger recorded it and the previous event's hash;
`hash` is the SHA-256 of the body bytes exactly as stored.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import hashlib
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlparse

import msgspec
from eventsourcing.application import Application
from eventsourcing.persistence import (
    IntegrityError,
    Mapper,
    PersistenceError,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import Environment, EnvType, get_topic

from events.catalogue import Body, Event, Recorded, decode_body, encode_body, tag_of
from ledger.backends import (
    SQLiteLedgerRecorder,
    postgres_recorder_topic,
    sqlite_recorder_topic,
)
from ledger.errors import ClockBehind, ConcurrentAppend, StoreUnavailable, UnreadableEvent

# Stream ids are derived from the competition slug, so every clerk computes the
# same aggregate id without a lookup.
_NAMESPACE = uuid.UUID("6f1c2a34-8d0e-4b7a-9a53-0c4f2e1d7b90")
GENESIS = "0" * 64


def stream_id(stream: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, stream)


class _Envelope(msgspec.Struct):
    hash: str
    body: msgspec.Raw


_envelope_decoder = msgspec.json.Decoder(_Envelope)


class Pending(msgspec.Struct, frozen=True, gc=False):
    """An event on its way into the store (satisfies DomainEventProtocol)."""

    originator_id: uuid.UUID
    originator_version: int
    topic: str
    state: bytes


class StoredRow(msgspec.Struct, frozen=True):
    """A raw row of the event table, as `verify` needs it."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


def _uuid_text(value: object) -> str:
    """A stored stream id as the library gives it (a UUID's text); a value that is
    not a UUID (written behind the ledger's back) as it is."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(value)


def _as_bytes(value: object) -> bytes:
    """A state column as bytes, whatever was written into it."""
    if isinstance(value, bytes):
        return value
    if value is None:
        return b""
    return str(value).encode()


RawRow = tuple[int, str, int, str, bytes]
"""(position, stream id, version, topic, stored bytes) of one row."""


def _pages(cursor: Any, batch: int) -> Iterator[list[Any]]:
    while page := cursor.fetchmany(batch):
        yield page


def _sqlite_rows(cursor: Any) -> Iterator[RawRow]:
    """(rowid, originator_id, originator_version, topic, state) rows as RawRows: the
    stream id as the library gives it (a UUID's text), the state as bytes. Row by
    row from the cursor: a row is checked while its bytes are still in the cache."""
    ids: dict[object, str] = {}
    last: object = None
    sid = ""
    for position, originator, version, topic, state in cursor:
        if originator is not last:
            last = originator
            found = ids.get(originator)
            if found is None:
                found = ids[originator] = _uuid_text(originator)
            sid = found
        yield position, sid, version, topic, state if type(state) is bytes else _as_bytes(state)


def _body(stream: str, version: int, at: dt.datetime, prev_hash: str, event: Event) -> Body:
    return Body(
        stream=stream,
        version=version,
        recorded_at=at,
        prev_hash=prev_hash,
        event_type=tag_of(event),
        event_version=type(event).class_version,
        event=event,
    )


def seal(body: Body) -> tuple[bytes, str]:
    raw = encode_body(body)
    return raw, hashlib.sha256(raw).hexdigest()


def envelope(raw_body: bytes, digest: str) -> bytes:
    return b'{"hash":"' + digest.encode() + b'","body":' + raw_body + b"}"


def open_envelope(state: bytes) -> tuple[str, bytes]:
    env = _envelope_decoder.decode(state)
    return env.hash, bytes(env.body)


def recorded_from_state(position: int, state: bytes, *, where: str = "") -> Recorded:
    try:
        digest, raw = open_envelope(state)
        body = decode_body(raw)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        at = where or (f"at position {position}" if position else "in the ledger")
        raise UnreadableEvent(
            f"the event {at} cannot be read: {exc}; `ledger verify` lists every such event"
        ) from exc
    return recorded_of(position, body, digest)


def recorded_of(position: int, body: Body, digest: str) -> Recorded:
    """An event as the ledger holds it, from its body and hash."""
    return Recorded(
        position=position,
        stream=body.stream,
        version=body.version,
        recorded_at=body.recorded_at,
        prev_hash=body.prev_hash,
        hash=digest,
        event=body.event,
    )


class LedgerMapper(Mapper[uuid.UUID]):
    """Passes our pre-encoded envelopes through; the library never re-encodes them."""

    def __init__(self, transcoder: Transcoder, **_: Any) -> None:
        super().__init__(transcoder=transcoder)

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        assert isinstance(domain_event, Pending)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=domain_event.topic,
            state=domain_event.state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return recorded_from_state(0, stored_event.state)


class LedgerApplication(Application[uuid.UUID]):
    name = "Ledger"

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """Only the settings the ledger gives: the library would otherwise let
        variables such as LEDGER_SQLITE_DBNAME send events to another database."""
        return Environment(name, dict(env or {}))


def read_only_uri(path: str) -> str:
    """A URI that opens the file read-only; immutable where the directory is read-only
    (an archived copy), since SQLite cannot make its WAL index files there."""
    uri = f"file:{quote(os.path.abspath(path))}?mode=ro"
    if not os.access(os.path.dirname(os.path.abspath(path)), os.W_OK):
        uri += "&immutable=1"
    return uri


def is_postgres_url(url: str) -> bool:
    """Whether a database URL names a PostgreSQL server (else a SQLite file)."""
    return urlparse(url).scheme in ("postgres", "postgresql")


def sqlite_path(url: str) -> str:
    """The file a SQLite URL names: `sqlite:///abs/path`, `sqlite://rel/path` or a
    plain path."""
    parsed = urlparse(url)
    return parsed.netloc + parsed.path if parsed.scheme == "sqlite" else url


def _env_for(url: str, *, read_only: bool = False) -> dict[str, str]:
    """Library settings for a database URL (`sqlite:///path`, `postgresql://...`)."""
    mapper = get_topic(LedgerMapper)
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": (parsed.path or "/postgres").lstrip("/"),
            "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or os.environ.get("USER", "postgres")),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            "APPLICATION_RECORDER_TOPIC": postgres_recorder_topic(),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_POOL_SIZE": "2",
        }
        query = parse_qs(parsed.query)
        # Seconds a command waits for another session's write lock before it gives up.
        env["POSTGRES_LOCK_TIMEOUT"] = query.get("lock_timeout", ["10"])[0]
        if query.get("schema"):
            env["POSTGRES_SCHEMA"] = query["schema"][0]
        # A clerk's role may only read and insert: it must not try to create tables.
        if query.get("create", ["yes"])[0].lower() in ("no", "false", "0"):
            env["CREATE_TABLE"] = "false"
    else:
        path = sqlite_path(url)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": read_only_uri(path) if read_only else path,
            "SQLITE_LOCK_TIMEOUT": "30",
            "APPLICATION_RECORDER_TOPIC": sqlite_recorder_topic(),
        }
    if read_only:
        env["CREATE_TABLE"] = "false"
    env["MAPPER_TOPIC"] = mapper
    return env


@contextlib.contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """A refused or unreachable database is one sentence, not a traceback."""
    try:
        yield
    except IntegrityError:
        raise
    except PersistenceError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreUnavailable(f"the database at {_safe(url)} refused: {first}") from exc


def _safe(url: str) -> str:
    """The URL without its password."""
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


class EventStore:
    """Appends and reads hash-chained competition streams."""

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self.is_postgres = is_postgres_url(url)
        self.sqlite_path = sqlite_path(url)
        env = _env_for(url, read_only=read_only and not self.is_postgres)
        if self.is_postgres and env.get("CREATE_TABLE") != "false" and _pg_ready(env):
            # The tables exist: re-running the library's CREATE OR REPLACE statements
            # on every open makes clerks who open at the same moment collide.
            env["CREATE_TABLE"] = "false"
        for attempt in range(5):
            try:
                self.app = LedgerApplication(env=env)
                break
            except Exception as exc:  # the library raises driver-specific errors
                text = str(exc).strip()
                if "concurrently" in text and attempt < 4:
                    # Two first opens creating the schema at once: the other one won.
                    time.sleep(0.1 * (attempt + 1))
                    continue
                first = text.splitlines()[0] if text else type(exc).__name__
                raise StoreUnavailable(f"cannot open the ledger at {_safe(url)}: {first}") from exc

    def close(self) -> None:
        self.app.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------

    def read_stream(self, stream: str, *, positions: bool = False) -> list[Recorded]:
        """The competition's events in order; with `positions`, each with its
        place in ledger order (what the library's stream read leaves out)."""
        if positions:
            return [recorded_from_state(p, state) for p, state in self._stream_rows(stream)]
        with _database_errors(self.url):
            rows = self.app.recorder.select_events(stream_id(stream))
        return [
            recorded_from_state(0, row.state, where=f"{row.originator_version} of {stream}")
            for row in rows
        ]

    def _stream_rows(self, stream: str) -> list[tuple[int, bytes]]:
        recorder: Any = self.app.recorder
        table = recorder.events_table_name
        sid = stream_id(stream)
        with _database_errors(self.url):
            if not self.is_postgres:
                with recorder.datastore.transaction(commit=False) as c:
                    c.execute(
                        f"SELECT rowid, state FROM {table} WHERE originator_id = ? "
                        "ORDER BY originator_version",
                        (sid.hex,),
                    )
                    return [(int(r[0]), bytes(r[1])) for r in c.fetchall()]
            from psycopg.sql import SQL, Identifier

            statement = SQL(
                "SELECT notification_id, state FROM {schema}.{table} "
                "WHERE originator_id = %s ORDER BY originator_version"
            ).format(schema=Identifier(recorder.datastore.schema), table=Identifier(table))
            with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(statement, (sid,))
                return [(int(r["notification_id"]), bytes(r["state"])) for r in curs.fetchall()]

    def read_stream_after(self, stream: str, version: int) -> list[Recorded]:
        """The stream's events after `version`, in order."""
        with _database_errors(self.url):
            rows = self.app.recorder.select_events(stream_id(stream), gt=version)
        return [recorded_from_state(0, row.state) for row in rows]

    def head(self, stream: str) -> tuple[int, str]:
        """(version, hash) of the stream's last event; (0, GENESIS) for a new stream."""
        with _database_errors(self.url):
            rows = self.app.recorder.select_events(stream_id(stream), desc=True, limit=1)
        if not rows:
            return 0, GENESIS
        return rows[0].originator_version, open_envelope(rows[0].state)[0]

    def read_all(self, *, after: int = 0, batch: int = 2000) -> Iterator[Recorded]:
        for position, state in self.read_raw(after=after, batch=batch):
            yield recorded_from_state(position, state)

    def read_raw(self, *, after: int = 0, batch: int = 2000) -> Iterator[tuple[int, bytes]]:
        """(position, stored bytes) of every event after `after`, in ledger order,
        a page at a time."""
        if not self.is_postgres:
            yield from self._read_raw_sqlite(after, batch)
            return
        last = after
        while True:
            with _database_errors(self.url):
                page = self.app.recorder.select_notifications(
                    start=last, limit=batch, inclusive_of_start=False
                )
            if not page:
                return
            for n in page:
                yield n.id, n.state
            last = page[-1].id

    def _read_raw_sqlite(self, after: int, batch: int) -> Iterator[tuple[int, bytes]]:
        # Plain rows: the library's notification objects cost more than decoding.
        recorder = self.app.recorder
        assert isinstance(recorder, SQLiteLedgerRecorder)
        last = after
        while True:
            with _database_errors(self.url), recorder.datastore.transaction(commit=False) as c:
                c.execute(
                    f"SELECT rowid, state FROM {recorder.events_table_name} "
                    "WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    (last, batch),
                )
                page = [(int(r[0]), bytes(r[1])) for r in c.fetchall()]
            if not page:
                return
            yield from page
            last = page[-1][0]

    def rows(self) -> list[StoredRow]:
        """Every row with its raw columns, in ledger order."""
        return list(self.iter_rows())

    def iter_rows(self, *, batch: int = 5000) -> Iterator[StoredRow]:
        """Every row with its raw columns, in ledger order, a page at a time (for
        `verify`: only a page of stored bytes is held at once)."""
        for position, originator_id, version, topic, state in self.raw_rows(batch=batch):
            yield StoredRow(
                position=position,
                originator_id=originator_id,
                originator_version=version,
                topic=topic,
                state=state,
            )

    def raw_rows(self, *, batch: int = 5000) -> Iterator[RawRow]:
        """Every row as (position, stream id, version, topic, stored bytes), in ledger
        order; only a page of stored bytes is held at once."""
        with self.snapshot(batch=batch) as (rows, _):
            yield from rows

    @contextlib.contextmanager
    def _pg_snapshot(
        self, batch: int
    ) -> Iterator[tuple[Iterator[RawRow], Iterator[list[tuple[str, int, str]]]]]:
        from psycopg.rows import tuple_row
        from psycopg.sql import SQL, Identifier

        recorder: Any = self.app.recorder
        names = {
            "schema": Identifier(recorder.datastore.schema),
            "events": Identifier(recorder.events_table_name),
            "heads": Identifier(recorder.heads_table),
        }
        joined = SQL(
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, "
            "e.state, h.hash FROM {schema}.{events} e LEFT JOIN {schema}.{heads} h "
            "ON h.stream_id = e.originator_id::text AND h.version = e.originator_version "
            "ORDER BY e.notification_id"
        ).format(**names)
        orphans = SQL(
            "SELECT h.stream_id, h.version, h.hash FROM {schema}.{heads} h WHERE NOT EXISTS "
            "(SELECT 1 FROM {schema}.{events} e "
            "WHERE e.originator_id::text = h.stream_id AND e.originator_version = h.version)"
        ).format(**names)
        with (
            _database_errors(self.url),
            recorder.datastore.get_connection() as conn,
            conn.transaction(),
        ):
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor = conn.cursor(name="ledger_snapshot", row_factory=tuple_row)
            cursor.execute(joined)
            waiting: collections.deque[list[tuple[str, int, str]]] = collections.deque()
            finished = False

            def rows() -> Iterator[RawRow]:
                nonlocal finished
                ids: dict[object, str] = {}
                while page := cursor.fetchmany(batch):
                    out: list[RawRow] = []
                    seals: list[tuple[str, int, str]] = []
                    for position, originator, version, topic, state, digest in page:
                        sid = ids.get(originator)
                        if sid is None:
                            sid = ids[originator] = str(originator)
                        out.append((position, sid, version, topic, _as_bytes(state)))
                        if digest is not None:
                            seals.append((sid, version, digest))
                    waiting.append(seals)
                    yield from out
                finished = True

            def seal_pages() -> Iterator[list[tuple[str, int, str]]]:
                while waiting or not finished:
                    yield waiting.popleft() if waiting else []
                with conn.cursor(row_factory=tuple_row) as extra:
                    extra.execute(orphans)
                    while page := extra.fetchmany(batch):
                        yield [(str(s), int(v), str(h)) for s, v, h in page]

            yield rows(), seal_pages()

    def heads(self) -> list[tuple[str, int, str]]:
        """The seal written beside every event: (stream id, version, hash)."""
        recorder = self.app.recorder
        select_heads = getattr(recorder, "select_heads", None)
        assert select_heads is not None, "a ledger recorder keeps heads"
        with _database_errors(self.url):
            heads: list[tuple[str, int, str]] = select_heads()
            return heads

    @contextlib.contextmanager
    def snapshot(
        self, *, batch: int = 5000
    ) -> Iterator[tuple[Iterator[RawRow], Iterator[list[tuple[str, int, str]]]]]:
        """Every row (as `raw_rows` gives them) and every seal row (stream id,
        version, hash, as stored, a page at a time).

        Both come from one read transaction, so they agree with each other even
        while clerks append, and the seal rows come in ledger order: on SQLite in
        the order they were written, on PostgreSQL joined to their rows, a page of
        seals for each page of rows, then the seals that have no row."""
        if self.is_postgres:
            with self._pg_snapshot(batch) as pair:
                yield pair
            return
        recorder = self.app.recorder
        assert isinstance(recorder, SQLiteLedgerRecorder)
        with _database_errors(self.url), recorder.datastore.transaction(commit=False) as c:
            connection = c.sqlite_cursor.connection
            events, heads = connection.cursor(), connection.cursor()
            events.row_factory = heads.row_factory = None
            events.execute(
                "SELECT rowid, originator_id, originator_version, topic, state "
                f"FROM {recorder.events_table_name} ORDER BY rowid"
            )
            heads.execute("SELECT stream_id, version, hash FROM ledger_heads ORDER BY rowid")
            yield _sqlite_rows(events), _pages(heads, batch)

    def max_position(self) -> int:
        with _database_errors(self.url):
            return self.app.recorder.max_notification_id() or 0

    def streams(self, *, limit: int = 10**6) -> list[str]:
        """Competitions' names, in the order they were created.

        Reads only the creation events through the index on the topic column
        (which holds the event type): naming the competitions costs what they
        number, not what the ledger holds.
        """
        with _database_errors(self.url):
            created = self.app.recorder.select_notifications(
                start=None, limit=limit, topics=["competition_created"]
            )
        return [recorded_from_state(n.id, n.state).stream for n in created]

    def exists(self, stream: str) -> bool:
        return self.head(stream)[0] > 0

    # -- writing -------------------------------------------------------------

    def append(
        self, stream: str, events: Sequence[Event], *, after: Sequence[Recorded]
    ) -> list[Recorded]:
        """Append `events` after the stream's known history `after`.

        Raises ConcurrentAppend when another writer extended the stream first;
        nothing is written then, and the caller decides again on fresh state.
        """
        head = (len(after), after[-1].hash if after else GENESIS)
        return self.append_batches([(stream, events, head)])

    def append_batches(
        self, batches: Sequence[tuple[str, Sequence[Event], tuple[int, str]]]
    ) -> list[Recorded]:
        """Append to several streams in one transaction: all of it or nothing.

        Each batch is (stream, events, (version, hash) of the stream's last event
        as the decision saw it)."""
        if self.is_postgres:
            return self._append_on_server(batches)
        now = dt.datetime.now(dt.UTC)
        pending: list[Pending] = []
        sealed: list[tuple[Body, str]] = []
        for stream, events, (version, prev) in batches:
            sid = stream_id(stream)
            for event in events:
                version += 1
                body = _body(stream, version, now, prev, event)
                raw, prev = seal(body)
                pending.append(Pending(sid, version, body.event_type, envelope(raw, prev)))
                sealed.append((body, prev))
        try:
            with self._conflicts(_appended_meanwhile(batches)):
                recordings = self.app.save(*pending)
        except ClockBehind as exc:
            if isinstance(exc.last, dt.datetime) and exc.last <= dt.datetime.now(dt.UTC):
                # Another writer recorded a later time first, and our clock has
                # passed it since: a race, not a wrong clock. Decide again.
                raise ConcurrentAppend(
                    "another writer recorded first; nothing was written"
                ) from exc
            raise
        return [
            recorded_of(r.notification.id, body, digest)
            for (body, digest), r in zip(sealed, recordings, strict=True)
        ]

    @contextlib.contextmanager
    def _conflicts(self, message: str) -> Iterator[None]:
        """A write the database refused as a duplicate key: another writer got
        there first (ConcurrentAppend, saying `message`)."""
        try:
            with _database_errors(self.url):
                yield
        except IntegrityError as exc:
            raise ConcurrentAppend(message) from exc

    def _append_on_server(
        self, batches: Sequence[tuple[str, Sequence[Event], tuple[int, str]]]
    ) -> list[Recorded]:
        """PostgreSQL: the server stamps the recorded time and the previous hash,
        hashes and seals; the bodies sent carry placeholders for both."""
        rows: list[tuple[uuid.UUID, int, str | None, str, bytes]] = []
        placeholder = dt.datetime.now(dt.UTC)
        for stream, events, (version, prev) in batches:
            sid = stream_id(stream)
            expected: str | None = prev
            for event in events:
                version += 1
                body = _body(stream, version, placeholder, GENESIS, event)
                rows.append((sid, version, expected, body.event_type, encode_body(body)))
                expected = None  # the server chains the rest of the batch
        with self._conflicts(_appended_meanwhile(batches)):
            stored = self.app.recorder.append_stamped(rows)  # type: ignore[attr-defined]
        return [recorded_from_state(position, state) for position, state in stored]

    def save_sealed(self, pending: Sequence[Pending]) -> int | None:
        """As `save_pending`; on SQLite in one statement per table (a bulk import),
        not through the library's save of one row at a time, returning the position
        of the first event (the rest follow it one by one) when that is known."""
        if self.is_postgres:
            self.save_pending(pending)
            return None
        recorder = self.app.recorder
        assert isinstance(recorder, SQLiteLedgerRecorder)
        with self._conflicts(_CHANGED_WHILE_IMPORTING):
            return recorder.insert_sealed(pending)

    def save_pending(self, pending: Sequence[Pending]) -> None:
        """Store already-sealed envelopes verbatim, all in one transaction."""
        with self._conflicts(_CHANGED_WHILE_IMPORTING):
            if self.is_postgres:
                self.app.recorder.restore(  # type: ignore[attr-defined]
                    [self.app.mapper.to_stored_event(p) for p in pending]
                )
                return
            self.app.save(*pending)


_CHANGED_WHILE_IMPORTING = "the ledger changed while importing; nothing was written"


def _appended_meanwhile(batches: Sequence[tuple[str, Sequence[Event], tuple[int, str]]]) -> str:
    names = ", ".join(repr(b[0]) for b in batches)
    return f"another clerk appended to {names} at the same time; nothing was written"


def _pg_connect(env: dict[str, str]) -> Any:
    """A plain connection to the server the settings name (for looking, not for the log)."""
    import psycopg

    return psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        connect_timeout=5,
    )


def ledger_exists(url: str) -> bool:
    """Whether a ledger is stored at `url`: its file, or its event table on the
    server. Looks without creating anything."""
    env = _env_for(url)
    if env["PERSISTENCE_MODULE"] != "eventsourcing.postgres":
        path = env["SQLITE_DBNAME"]
        if not os.path.exists(path):
            return False
        try:
            with contextlib.closing(sqlite3.connect(read_only_uri(path), uri=True)) as conn:
                found = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stored_events'"
                ).fetchone()
        except sqlite3.DatabaseError:
            return True  # not a database at all: opening it says so, writing nothing
        return found is not None
    import psycopg

    schema = env.get("POSTGRES_SCHEMA", "public")
    try:
        with _pg_connect(env) as conn:
            row = conn.execute(
                "SELECT to_regclass(quote_ident(%s) || '.ledger_events')", (schema,)
            ).fetchone()
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StoreUnavailable(f"cannot open the ledger at {_safe(url)}: {first}") from exc
    return row is not None and row[0] is not None


def _pg_ready(env: dict[str, str]) -> bool:
    """Whether the ledger's tables, triggers and functions (of this revision) already
    exist on the server."""
    import psycopg

    from ledger.backends_pg import FUNCTIONS_REVISION as revision

    schema = env.get("POSTGRES_SCHEMA", "public")
    try:
        with _pg_connect(env) as conn:
            functions = conn.execute(
                "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = %s AND (p.proname = 'ledger_append_only' "
                "OR (p.proname = ANY(%s) AND p.prosrc LIKE %s))",
                (schema, ["ledger_seal", "ledger_append", "ledger_restore"], f"%{revision}%"),
            ).fetchone()
            row = conn.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND t.tgname = ANY(%s)",
                (
                    schema,
                    [
                        f"ledger_events{x}"
                        for x in (
                            "_append_only",
                            "_no_truncate",
                            "_heads_append_only",
                            "_heads_no_truncate",
                        )
                    ],
                ),
            ).fetchone()
    except psycopg.Error:
        return False  # let the library report the connection problem
    return row is not None and row[0] == 4 and functions is not None and functions[0] == 4

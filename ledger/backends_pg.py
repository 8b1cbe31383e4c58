"""The PostgreSQL recorder: the database itself stamps, chains and seals every event.

Imported only for a ledger on PostgreSQL (by its topic), so SQLite users never
load psycopg.

Three functions live beside the tables, created by the owner's first open:

- `ledger_seal` stores one complete event after checking what the database can
  check on its own: the envelope's hash is the SHA-256 of its body, the version
  follows the stream's head and the previous hash is the head's, and the recorded
  time is not earlier than the ledger's last event's. It writes the heads row.
- `ledger_append` is how every append arrives. It takes the events' bodies,
  stamps them with the server's `clock_timestamp()` and the stream's real head,
  hashes them and seals them. It is SECURITY DEFINER, so a clerk's role needs
  EXECUTE on it and nothing else to write: no INSERT, no UPDATE.
- `ledger_restore` seals events whose bytes are kept as they were (an imported
  export). It is for the owner only.

EXECUTE on all three is revoked from PUBLIC. Every connection sets how long a
statement waits for a lock and how long it may run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from ledger.errors import ClockBehind, StoreUnavailable

# How long a command waits for another session's write lock, and how long one
# statement may run, unless the database URL says otherwise.
LOCK_TIMEOUT_MS = 10_000
STATEMENT_TIMEOUT = "60s"
# Events sealed per statement by a restore, all in one transaction: the
# statement timeout bounds each page, not the whole import.
RESTORE_PAGE = 5000

_GENESIS = "0" * 64
# Marks the functions' bodies; change it whenever a body changes.
FUNCTIONS_REVISION = "ledger functions revision 2"
# SQLSTATE of a refused recorded time (a class of our own).
_CLOCK_BEHIND = "LG001"
# SQLSTATE of an event the database will not store as it is (not a ledger envelope).
_MALFORMED = "LG002"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _functions_sql(schema: str, events: str, heads: str) -> list[str]:
    """CREATE statements for the three functions, each created only when missing
    (concurrent first opens would collide on CREATE OR REPLACE)."""
    s, e, h = _quote(schema), _quote(events), _quote(heads)
    channel = events.replace(".", "_")
    seal = f"""
CREATE FUNCTION {s}.ledger_seal(p_id uuid, p_version bigint, p_topic text, p_state bytea)
RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
  v_len integer := length(p_state);
  v_body bytea;
  v_digest text;
  v_doc jsonb;
  v_head_version bigint;
  v_head_hash text;
  v_last bytea;
  v_last_at timestamptz;
  v_at timestamptz;
  v_id bigint;
BEGIN
  IF v_len < 84
     OR substring(p_state FROM 1 FOR 9) <> convert_to('{{"hash":"', 'UTF8')
     OR substring(p_state FROM 74 FOR 9) <> convert_to('","body":', 'UTF8')
     OR substring(p_state FROM v_len FOR 1) <> convert_to('}}', 'UTF8') THEN
    RAISE EXCEPTION 'event % of stream %: not a ledger envelope', p_version, p_id
      USING ERRCODE = '{_MALFORMED}';
  END IF;
  v_digest := convert_from(substring(p_state FROM 10 FOR 64), 'UTF8');
  v_body := substring(p_state FROM 83 FOR v_len - 83);
  IF encode(sha256(v_body), 'hex') <> v_digest THEN
    RAISE EXCEPTION 'event % of stream %: its hash is not the hash of its body', p_version, p_id
      USING ERRCODE = '{_MALFORMED}';
  END IF;
  v_doc := convert_from(v_body, 'UTF8')::jsonb;
  IF (v_doc->>'version')::bigint IS DISTINCT FROM p_version THEN
    RAISE EXCEPTION 'event % of stream %: its body says version %', p_version, p_id,
      v_doc->>'version' USING ERRCODE = '{_MALFORMED}';
  END IF;
  IF v_doc->>'event_type' IS DISTINCT FROM p_topic
     OR v_doc->'event'->>'type' IS DISTINCT FROM p_topic THEN
    RAISE EXCEPTION 'event % of stream %: its type is not %', p_version, p_id, p_topic
      USING ERRCODE = '{_MALFORMED}';
  END IF;
  SELECT version, hash INTO v_head_version, v_head_hash FROM {s}.{h}
    WHERE stream_id = p_id::text ORDER BY version DESC LIMIT 1;
  IF NOT FOUND THEN
    v_head_version := 0;
    v_head_hash := '{_GENESIS}';
  END IF;
  IF p_version <> v_head_version + 1 OR v_doc->>'prev_hash' IS DISTINCT FROM v_head_hash THEN
    RAISE EXCEPTION 'event % of stream % does not follow the stream''s head (version %)',
      p_version, p_id, v_head_version USING ERRCODE = 'unique_violation';
  END IF;
  v_at := (v_doc->>'recorded_at')::timestamptz;
  SELECT state INTO v_last FROM {s}.{e} ORDER BY notification_id DESC LIMIT 1;
  IF FOUND THEN
    v_last_at := (convert_from(substring(v_last FROM 83 FOR length(v_last) - 83), 'UTF8')::jsonb
                  ->>'recorded_at')::timestamptz;
    IF v_at < v_last_at THEN
      RAISE EXCEPTION 'the time to record, %, is earlier than the ledger''s last event''s, %: '
        'recorded time cannot go back; nothing was written',
        to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"'),
        to_char(v_last_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"')
        USING ERRCODE = '{_CLOCK_BEHIND}';
    END IF;
  END IF;
  INSERT INTO {s}.{e} (originator_id, originator_version, topic, state)
    VALUES (p_id, p_version, p_topic, p_state) RETURNING notification_id INTO v_id;
  INSERT INTO {s}.{h} (stream_id, version, hash) VALUES (p_id::text, p_version, v_digest);
  RETURN v_id;
END
$f$"""
    append = f"""
CREATE FUNCTION {s}.ledger_append(
  p_ids uuid[], p_versions bigint[], p_expected text[], p_topics text[], p_bodies bytea[])
RETURNS TABLE (notification_id bigint, state bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
  v_stamp text;
  v_head_version bigint;
  v_head_hash text;
  v_body text;
  v_doc jsonb;
  v_digest text;
  v_state bytea;
BEGIN
  LOCK TABLE {s}.{e} IN EXCLUSIVE MODE;
  PERFORM pg_notify('{channel}', '');
  v_stamp := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
  FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
    SELECT version, hash INTO v_head_version, v_head_hash FROM {s}.{h}
      WHERE stream_id = p_ids[i]::text ORDER BY version DESC LIMIT 1;
    IF NOT FOUND THEN
      v_head_version := 0;
      v_head_hash := '{_GENESIS}';
    END IF;
    IF p_versions[i] <> v_head_version + 1
       OR (p_expected[i] IS NOT NULL AND p_expected[i] <> v_head_hash) THEN
      RAISE EXCEPTION 'another clerk appended to stream % first (now at version %)',
        p_ids[i], v_head_version USING ERRCODE = 'unique_violation';
    END IF;
    -- The first "recorded_at" and "prev_hash" keys are the body's own: a string
    -- value before them cannot hold an unescaped quote.
    v_body := regexp_replace(convert_from(p_bodies[i], 'UTF8'),
      '"recorded_at":"[^"]*"', '"recorded_at":"' || v_stamp || '"');
    v_body := regexp_replace(v_body, '"prev_hash":"[^"]*"', '"prev_hash":"' || v_head_hash || '"');
    -- What the body says once parsed must be what was stamped: a key written
    -- another way (escaped, spaced, repeated) would otherwise escape the stamp.
    v_doc := v_body::jsonb;
    IF v_doc->>'recorded_at' IS DISTINCT FROM v_stamp
       OR v_doc->>'prev_hash' IS DISTINCT FROM v_head_hash THEN
      RAISE EXCEPTION 'event % of stream %: its recorded time and previous hash are the '
        'server''s to write', p_versions[i], p_ids[i] USING ERRCODE = '{_MALFORMED}';
    END IF;
    v_digest := encode(sha256(convert_to(v_body, 'UTF8')), 'hex');
    v_state := convert_to('{{"hash":"' || v_digest || '","body":' || v_body || '}}', 'UTF8');
    notification_id := {s}.ledger_seal(p_ids[i], p_versions[i], p_topics[i], v_state);
    state := v_state;
    RETURN NEXT;
  END LOOP;
END
$f$"""
    restore = f"""
CREATE FUNCTION {s}.ledger_restore(
  p_ids uuid[], p_versions bigint[], p_topics text[], p_states bytea[])
RETURNS SETOF bigint LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
  LOCK TABLE {s}.{e} IN EXCLUSIVE MODE;
  PERFORM pg_notify('{channel}', '');
  FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
    RETURN NEXT {s}.ledger_seal(p_ids[i], p_versions[i], p_topics[i], p_states[i]);
  END LOOP;
END
$f$"""
    statements = []
    # Each body carries its revision: an owner's open replaces a function whose
    # body is older (a ledger created by an earlier release).
    for name, create, signature in (
        ("ledger_seal", seal, "uuid, bigint, text, bytea"),
        ("ledger_append", append, "uuid[], bigint[], text[], text[], bytea[]"),
        ("ledger_restore", restore, "uuid[], bigint[], text[], bytea[]"),
    ):
        create = create.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1).replace(
            "BEGIN\n", f"BEGIN\n  -- {FUNCTIONS_REVISION}\n", 1
        )
        statements.append(
            "DO $do$ BEGIN "
            "IF NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            f"WHERE p.proname = '{name}' AND n.nspname = {_literal(schema)} "
            f"AND p.prosrc LIKE '%{FUNCTIONS_REVISION}%') THEN "
            f"{create}; "
            f"REVOKE ALL ON FUNCTION {s}.{name}({signature}) FROM PUBLIC; "
            "END IF; END $do$"
        )
    return statements


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class PostgresLedgerRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        # Every connection bounds its waits, set before the library opens the first
        # one: a session that holds the write lock (or the owner's DDL) cannot hang
        # a clerk's command, read or write.
        self.lock_timeout_ms = int(datastore.lock_timeout) * 1000 or LOCK_TIMEOUT_MS
        connect: Any = datastore.pool.kwargs
        connect["options"] = (
            f"-c lock_timeout={self.lock_timeout_ms}ms -c statement_timeout={STATEMENT_TIMEOUT}"
        )
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        self.heads_table = f"{self.events_table_name}_heads"
        heads = Identifier(self.heads_table)
        # Competitions are found by their creation events' topic.
        self.sql_create_statements.append(
            SQL("CREATE INDEX IF NOT EXISTS {index} ON {schema}.{table} (topic)").format(
                index=Identifier(f"{self.events_table_name}_topic"),
                schema=schema,
                table=Identifier(self.events_table_name),
            )
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{heads} ("
                "stream_id text NOT NULL, version bigint NOT NULL, hash text NOT NULL, "
                "PRIMARY KEY (stream_id, version))"
            ).format(schema=schema, heads=heads)
        )
        # One DO block so that concurrent first starts do not race on
        # CREATE OR REPLACE (PostgreSQL reports "tuple concurrently updated").
        # The function lives in the ledger's schema: an owner without CREATE on
        # `public` (the default since PostgreSQL 15) can still make it.
        self.sql_create_statements.append(
            SQL(
                "DO $$ BEGIN "
                "IF NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n "
                "ON n.oid = p.pronamespace "
                "WHERE p.proname = 'ledger_append_only' AND n.nspname = {name}) THEN "
                "CREATE FUNCTION {schema}.ledger_append_only() RETURNS trigger "
                "LANGUAGE plpgsql AS "
                "'BEGIN RAISE EXCEPTION ''the ledger is append-only: % refused'', TG_OP; END'; "
                "END IF; END $$"
            ).format(name=self.datastore.schema, schema=schema)
        )
        for table in (self.events_table_name, self.heads_table):
            # Each trigger is checked and created on its own, so a ledger whose
            # attacker dropped one of them still opens and can be verified.
            for name, timing in (
                (
                    f"{table}_append_only",
                    "BEFORE UPDATE OR DELETE ON {schema}.{table} FOR EACH ROW",
                ),
                (f"{table}_no_truncate", "BEFORE TRUNCATE ON {schema}.{table} FOR EACH STATEMENT"),
            ):
                self.sql_create_statements.append(
                    SQL(
                        "DO $$ BEGIN "
                        "IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = {name} "
                        "AND tgrelid = {qualified}::regclass) THEN "
                        "CREATE TRIGGER {trigger} " + timing + " "
                        "EXECUTE FUNCTION {schema}.ledger_append_only(); "
                        "END IF; END $$"
                    ).format(
                        name=name,
                        qualified=f"{self.datastore.schema}.{table}",
                        trigger=Identifier(name),
                        schema=schema,
                        table=Identifier(table),
                    )
                )
        for statement in _functions_sql(
            self.datastore.schema, self.events_table_name, self.heads_table
        ):
            self.sql_create_statements.append(Composed([SQL(statement)]))

    def select_heads(self) -> list[tuple[str, int, str]]:
        statement = SQL("SELECT stream_id, version, hash FROM {schema}.{heads}").format(
            schema=Identifier(self.datastore.schema), heads=Identifier(self.heads_table)
        )
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement)
            return [
                (str(r["stream_id"]), int(r["version"]), str(r["hash"])) for r in curs.fetchall()
            ]

    # -- writing: only through the database's functions --------------------------------

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The library's own insert would store events the database has not sealed."""
        raise NotImplementedError("a ledger on PostgreSQL appends through ledger_append")

    def append_stamped(
        self, rows: Sequence[tuple[Any, int, str | None, str, bytes]]
    ) -> list[tuple[int, bytes]]:
        """Append (stream id, version, expected previous hash or None, topic, body)
        rows: the server stamps, chains and seals them in one transaction.
        Returns each event's (position, stored bytes)."""
        if not rows:
            return []
        ids, versions, expected, topics, bodies = (list(c) for c in zip(*rows, strict=True))
        statement = SQL(
            "SELECT notification_id, state FROM {schema}.ledger_append("
            "%s::uuid[], %s::bigint[], %s::text[], %s::text[], %s::bytea[])"
        )
        with self._writing() as curs:
            curs.execute(
                statement.format(schema=Identifier(self.datastore.schema)),
                (ids, versions, expected, topics, bodies),
            )
            return [(int(r["notification_id"]), bytes(r["state"])) for r in curs.fetchall()]

    def restore(self, stored_events: Sequence[StoredEvent]) -> None:
        """Seal complete events as they are, all in one transaction (the owner's)."""
        statement = SQL(
            "SELECT {schema}.ledger_restore(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[])"
        ).format(schema=Identifier(self.datastore.schema))
        with self._writing() as curs:
            for start in range(0, len(stored_events), RESTORE_PAGE):
                page = stored_events[start : start + RESTORE_PAGE]
                curs.execute(
                    statement,
                    (
                        [e.originator_id for e in page],
                        [e.originator_version for e in page],
                        [e.topic for e in page],
                        [e.state for e in page],
                    ),
                )

    @contextmanager
    def _writing(self) -> Iterator[Cursor[DictRow]]:
        """One transaction; the database's refusals as the ledger's errors."""
        try:
            with (
                self.datastore.get_connection() as conn,
                conn.transaction(),
                conn.cursor() as curs,
            ):
                yield curs
        except IntegrityError:
            raise
        except Exception as exc:
            cause = exc.__cause__ if isinstance(exc.__cause__, psycopg.Error) else exc
            if not isinstance(cause, psycopg.Error):
                raise
            text = (cause.diag.message_primary or str(cause)).strip()
            if cause.sqlstate == _CLOCK_BEHIND:
                raise ClockBehind(text[:1].upper() + text[1:], last=None) from exc
            if cause.sqlstate == "55P03":  # lock_not_available
                raise StoreUnavailable(
                    "another session holds the ledger's write lock and did not let go in "
                    "time; nothing was written, try again"
                ) from exc
            if cause.sqlstate == "57014":  # query_canceled: the statement timeout
                raise StoreUnavailable(
                    "the database stopped the write at its statement timeout; nothing was written"
                ) from exc
            raise StoreUnavailable(f"the database refused the write: {text}") from exc

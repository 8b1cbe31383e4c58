"""Recorders that make the event tables append-only and seal every stream head.

Beside the library's event table each backend keeps `ledger_heads`, one row
per stored event (stream id, version, hash) written in the same transaction.
Both tables reject UPDATE and DELETE, so a deleted tail of events shows up as
heads without events, and `verify` names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from eventsourcing.utils import get_topic
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from ledger.clock import refuse_going_back


class _HashOnly(msgspec.Struct):
    hash: str


_hash_decoder = msgspec.json.Decoder(_HashOnly)


def _head_rows(stored_events: Sequence[StoredEvent]) -> list[tuple[str, int, str]]:
    return [
        (str(s.originator_id), s.originator_version, _hash_decoder.decode(s.state).hash)
        for s in stored_events
    ]


class SQLiteLedgerRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        table = self.events_table_name
        statements = super().construct_create_table_statements()
        statements.append(
            "CREATE TABLE IF NOT EXISTS ledger_heads ("
            "stream_id TEXT NOT NULL, version INTEGER NOT NULL, hash TEXT NOT NULL, "
            "PRIMARY KEY (stream_id, version))"
        )
        for target in (table, "ledger_heads"):
            for action in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {target}_no_{action.lower()} "
                    f"BEFORE {action} ON {target} BEGIN "
                    f"SELECT RAISE(ABORT, 'the ledger is append-only: {action} refused'); END"
                )
        return statements

    def select_heads(self) -> list[tuple[str, int, str]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT stream_id, version, hash FROM ledger_heads")
            return [(str(r[0]), int(r[1]), str(r[2])) for r in c.fetchall()]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        c.executemany("INSERT INTO ledger_heads VALUES (?,?,?)", _head_rows(stored_events))
        # Recorded time only moves forward; checked after the insert, which holds
        # the write lock, against the event just before the new ones.
        c.execute(
            f"SELECT state FROM {self.events_table_name} ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (len(stored_events),),
        )
        before = c.fetchone()
        refuse_going_back(
            None if before is None else bytes(before[0]), [s.state for s in stored_events]
        )
        return ids


class PostgresLedgerRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        self.heads_table = f"{self.events_table_name}_heads"
        heads = Identifier(self.heads_table)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{heads} ("
                "stream_id text NOT NULL, version bigint NOT NULL, hash text NOT NULL, "
                "PRIMARY KEY (stream_id, version))"
            ).format(schema=schema, heads=heads)
        )
        # One DO block so that concurrent first starts do not race on
        # CREATE OR REPLACE (PostgreSQL reports "tuple concurrently updated").
        self.sql_create_statements.append(
            SQL(
                "DO $$ BEGIN "
                "IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'ledger_append_only') THEN "
                "CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                "'BEGIN RAISE EXCEPTION ''the ledger is append-only: % refused'', TG_OP; END'; "
                "END IF; END $$"
            ).format()
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
                        "EXECUTE FUNCTION ledger_append_only(); "
                        "END IF; END $$"
                    ).format(
                        name=name,
                        qualified=f"{self.datastore.schema}.{table}",
                        trigger=Identifier(name),
                        schema=schema,
                        table=Identifier(table),
                    )
                )

    def select_heads(self) -> list[tuple[str, int, str]]:
        statement = SQL("SELECT stream_id, version, hash FROM {schema}.{heads}").format(
            schema=Identifier(self.datastore.schema), heads=Identifier(self.heads_table)
        )
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(statement)
            return [
                (str(r["stream_id"]), int(r["version"]), str(r["hash"])) for r in curs.fetchall()
            ]

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # The heads rows go in after the events, under the table lock the library
        # took for them, so a clerk who lost the race fails on the events' own
        # version conflict (and retries) rather than on the heads. A cursor of its
        # own keeps the insert's results for the ids.
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if stored_events:
            with curs.connection.cursor() as heads:
                heads.executemany(
                    SQL("INSERT INTO {schema}.{heads} VALUES (%s, %s, %s)").format(
                        schema=Identifier(self.datastore.schema),
                        heads=Identifier(self.heads_table),
                    ),
                    _head_rows(stored_events),
                )
        return ids


def sqlite_recorder_topic() -> str:
    return get_topic(SQLiteLedgerRecorder)


def postgres_recorder_topic() -> str:
    return get_topic(PostgresLedgerRecorder)

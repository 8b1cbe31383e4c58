"""The PostgreSQL recorder: append-only tables and the heads seal, as on SQLite.

Imported only for a ledger on PostgreSQL (by its topic), so SQLite users never
load psycopg.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from ledger.backends import head_rows


class PostgresLedgerRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
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
                    head_rows(stored_events),
                )
        return ids

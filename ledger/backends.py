"""Recorders that make the event tables append-only and seal every stream head.

Beside the library's event table each backend keeps `ledger_heads`, one row
per stored event (stream id, version, hash) written in the same transaction.
Both tables reject UPDATE and DELETE, so a deleted tail of events shows up as
heads without events, and `verify` names it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from eventsourcing.utils import get_topic

from ledger.clock import refuse_going_back


class _HashOnly(msgspec.Struct):
    hash: str


_hash_decoder = msgspec.json.Decoder(_HashOnly)


def head_rows(stored_events: Sequence[StoredEvent]) -> list[tuple[str, int, str]]:
    return [
        (str(s.originator_id), s.originator_version, _hash_decoder.decode(s.state).hash)
        for s in stored_events
    ]


class SQLiteLedgerRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        table = self.events_table_name
        statements = super().construct_create_table_statements()
        # Competitions are found by their creation events' topic.
        statements.append(f"CREATE INDEX IF NOT EXISTS {table}_topic ON {table} (topic)")
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
        c.executemany("INSERT INTO ledger_heads VALUES (?,?,?)", head_rows(stored_events))
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

    def insert_sealed(self, sealed: Sequence[Any]) -> int | None:
        """Store sealed events (objects with the attributes of a StoredEvent) verbatim
        in one transaction, their heads beside them, with the same refusal as an
        append of a time before the ledger's last event. A bulk path (an import):
        one statement per table, not the library's save of one row at a time.

        Returns the position of the first, the rest following it one by one (or
        None when the rows did not land on consecutive positions)."""
        if not sealed:
            return None
        ids: dict[uuid.UUID, tuple[str, str]] = {}
        rows, heads = [], []
        for s in sealed:
            found = ids.get(s.originator_id)
            if found is None:
                found = ids[s.originator_id] = (s.originator_id.hex, str(s.originator_id))
            rows.append((found[0], s.originator_version, s.topic, s.state))
            heads.append((found[1], s.originator_version, _hash_decoder.decode(s.state).hash))
        table = self.events_table_name
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"SELECT rowid, state FROM {table} ORDER BY rowid DESC LIMIT 1")
            before = c.fetchone()
            refuse_going_back(
                None if before is None else bytes(before[1]), [s.state for s in sealed]
            )
            c.executemany(self.insert_events_statement, rows)
            c.executemany("INSERT INTO ledger_heads VALUES (?,?,?)", heads)
            last = 0 if before is None else int(before[0])
            c.execute(f"SELECT max(rowid) FROM {table}")
            ok = c.fetchone()[0] == last + len(sealed)
        return last + 1 if ok else None


def sqlite_recorder_topic() -> str:
    return get_topic(SQLiteLedgerRecorder)


def postgres_recorder_topic() -> str:
    # Named, not imported: psycopg is loaded only by a ledger on PostgreSQL.
    return "ledger.backends_pg:PostgresLedgerRecorder"

"""Snapshots: a competition's folded state at a known head, kept in the read-model
file so that another process starts from it instead of folding every event."""

from __future__ import annotations

import sqlite3

import msgspec
import sqlite_utils

from projections.model import CompetitionState

# A competition's state at its head, (version, hash).
Current = tuple[tuple[int, str], CompetitionState]

_snapshot_encoder = msgspec.msgpack.Encoder()
_snapshot_decoder = msgspec.msgpack.Decoder(CompetitionState)


SNAPSHOTS_TABLE = (
    "CREATE TABLE IF NOT EXISTS rm_snapshots (competition TEXT PRIMARY KEY, "
    "version INTEGER NOT NULL, hash TEXT NOT NULL, state BLOB NOT NULL)"
)

# A new snapshot is written once the kept one is this many events behind: a
# process starting from it applies at most that many facts.
SNAPSHOT_EVERY = 50


def save_snapshot(
    db: sqlite_utils.Database, stream: str, head: tuple[int, str], state: CompetitionState
) -> None:
    """Keep the state at (version, hash) so another process need not fold again
    (in a catch-up: its tables exist)."""
    kept = db.conn.execute(
        "SELECT version FROM rm_snapshots WHERE competition = ?", [stream]
    ).fetchone()
    if kept is not None and 0 <= head[0] - int(kept[0]) < SNAPSHOT_EVERY:
        return
    db.conn.execute(
        "INSERT OR REPLACE INTO rm_snapshots VALUES (?, ?, ?, ?)",
        (stream, head[0], head[1], _snapshot_encoder.encode(state)),
    )


def load_snapshot(db: sqlite_utils.Database, stream: str) -> Current | None:
    """The stream's kept state and the (version, hash) it was taken at, if any."""
    try:
        row = db.conn.execute(
            "SELECT version, hash, state FROM rm_snapshots WHERE competition = ?", [stream]
        ).fetchone()
    except sqlite3.OperationalError:  # no snapshot table yet
        return None
    if row is None:
        return None
    try:
        state = _snapshot_decoder.decode(row[2])
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None  # written by another version of the ledger: fold instead
    return (int(row[0]), str(row[1])), state

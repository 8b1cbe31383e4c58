"""An attacker with write access to the database, and what `ledger verify` says.

The ledger is built through the CLI (the bundled 2014 ledger plus a small second
competition whose events are interleaved with more 2014 facts, so that versions and
ledger positions differ). The attacker first finds UPDATE and DELETE refused by the
triggers, then drops the triggers and alters a payload byte, deletes an event in the
middle, swaps two events, inserts a forged (correctly hashed and chained) event, or
truncates the tail. Each time `verify` must exit non-zero and name the first bad
event; which event that is, is computed here from what was tampered with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

import msgspec
import pytest

from events.base import Goals, Score
from events.catalogue import Body, encode_body
from events.matches import ResultCorrected
from tests.conftest import Cli

CUP = "cup"
DEMO = "usoc-2014"


# --- the ledger under attack --------------------------------------------------------


def build(cli: Cli) -> None:
    """The 2014 ledger, then a second competition interleaved with 2014 facts.

    The last three events of the ledger are the cup's versions 12, 13 and 14.
    """
    cli("demo")
    cli("new", CUP, "--name", "County Cup", "--on", "2025-01-10")  # cup v1
    cup = ("-c", CUP)
    cli(
        *cup,
        "stage",
        "ko",
        "--name",
        "Knockout",
        "--format",
        "knockout",
        "--rounds",
        "Round 1,Final",
        "--on",
        "2025-01-10",
    )  # v2
    cli(
        *cup,
        "enter",
        "ko",
        "Alpha",
        "Beta",
        "Gamma",
        "Delta",
        "Epsilon",
        "Zeta",
        "--on",
        "2025-01-10",
    )  # v3..v8
    cli("-c", DEMO, "assume", "usoc-2014", "first interleaved fact", "--on", "2014-05-01")
    cli(*cup, "record", "ko", "Alpha 2-1 Beta", "--on", "2025-02-01")  # v9 fixture, v10 result
    cli("-c", DEMO, "assume", "usoc-2014", "second interleaved fact", "--on", "2014-05-02")
    cli(*cup, "record", "ko", "Gamma 3-0 Delta", "--on", "2025-02-01")  # v11, v12
    cli(*cup, "record", "ko", "Epsilon 1-4 Zeta", "--on", "2025-02-01")  # v13, v14


class Log:
    def __init__(self, cli: Cli) -> None:
        self.entries: list[dict[str, Any]] = json.loads(cli.log())

    def entry(self, stream: str, version: int) -> dict[str, Any]:
        found = [e for e in self.entries if e["stream"] == stream and e["version"] == version]
        assert len(found) == 1, (stream, version)
        return found[0]

    def position(self, stream: str, version: int) -> int:
        return int(self.entry(stream, version)["position"])

    def last(self, stream: str) -> dict[str, Any]:
        return max((e for e in self.entries if e["stream"] == stream), key=lambda e: e["version"])


# --- the attacker's view of each backend ------------------------------------------


@dataclass(frozen=True)
class Row:
    position: int
    originator_id: str
    version: int
    topic: str
    state: bytes


class Attacker(ABC):
    @abstractmethod
    def rows(self) -> list[Row]: ...

    @abstractmethod
    def try_update_event(self, row: Row) -> None: ...

    @abstractmethod
    def try_delete_event(self, row: Row) -> None: ...

    @abstractmethod
    def try_update_head(self) -> None: ...

    @abstractmethod
    def try_delete_head(self) -> None: ...

    @abstractmethod
    def drop_triggers(self) -> None: ...

    @abstractmethod
    def set_states(self, changes: list[tuple[Row, bytes]]) -> None: ...

    @abstractmethod
    def delete(self, rows: list[Row]) -> None: ...

    @abstractmethod
    def insert(self, originator_id: str, version: int, topic: str, state: bytes) -> int: ...

    def row(self, stream_position: int) -> Row:
        return next(r for r in self.rows() if r.position == stream_position)


class SQLiteAttacker(Attacker):
    def __init__(self, path: str) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)

    def rows(self) -> list[Row]:
        with self._connect() as conn:
            found = conn.execute(
                "SELECT rowid, originator_id, originator_version, topic, state "
                "FROM stored_events ORDER BY rowid"
            ).fetchall()
        return [Row(int(p), str(o), int(v), str(t), bytes(s)) for p, o, v, t, s in found]

    def _run(self, sql: str, *params: Any) -> None:
        conn = self._connect()
        try:
            conn.execute(sql, params)
            conn.commit()
        finally:
            conn.close()

    def try_update_event(self, row: Row) -> None:
        self._run("UPDATE stored_events SET state = ? WHERE rowid = ?", b"{}", row.position)

    def try_delete_event(self, row: Row) -> None:
        self._run("DELETE FROM stored_events WHERE rowid = ?", row.position)

    def try_update_head(self) -> None:
        self._run("UPDATE ledger_heads SET hash = 'x'")

    def try_delete_head(self) -> None:
        self._run("DELETE FROM ledger_heads")

    def drop_triggers(self) -> None:
        conn = self._connect()
        try:
            conn.execute("DROP TRIGGER stored_events_no_update")
            conn.execute("DROP TRIGGER stored_events_no_delete")
            conn.commit()
        finally:
            conn.close()

    def set_states(self, changes: list[tuple[Row, bytes]]) -> None:
        conn = self._connect()
        try:
            for row, state in changes:
                conn.execute(
                    "UPDATE stored_events SET state = ? WHERE rowid = ?", (state, row.position)
                )
            conn.commit()
        finally:
            conn.close()

    def delete(self, rows: list[Row]) -> None:
        conn = self._connect()
        try:
            for row in rows:
                conn.execute("DELETE FROM stored_events WHERE rowid = ?", (row.position,))
            conn.commit()
        finally:
            conn.close()

    def insert(self, originator_id: str, version: int, topic: str, state: bytes) -> int:
        conn = self._connect()
        try:
            cur = conn.execute(
                "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                "VALUES (?, ?, ?, ?)",
                (originator_id, version, topic, state),
            )
            conn.commit()
            assert cur.lastrowid is not None
            return int(cur.lastrowid)
        finally:
            conn.close()


class PostgresAttacker(Attacker):
    def __init__(self, url: str) -> None:
        parsed = urlparse(url)
        self.dsn = url.split("?")[0]
        self.schema = parse_qs(parsed.query)["schema"][0]
        self.events = f'"{self.schema}".ledger_events'
        self.heads = f'"{self.schema}".ledger_events_heads'

    def _connect(self) -> Any:
        import psycopg

        return psycopg.connect(self.dsn)

    def rows(self) -> list[Row]:
        with self._connect() as conn:
            found = conn.execute(
                f"SELECT notification_id, originator_id, originator_version, topic, state "
                f"FROM {self.events} ORDER BY notification_id"
            ).fetchall()
        return [Row(int(p), str(o), int(v), str(t), bytes(s)) for p, o, v, t, s in found]

    def _run(self, sql: str, *params: Any) -> None:
        with self._connect() as conn:
            conn.execute(sql, params)

    def try_update_event(self, row: Row) -> None:
        self._run(
            f"UPDATE {self.events} SET state = %s WHERE notification_id = %s", b"{}", row.position
        )

    def try_delete_event(self, row: Row) -> None:
        self._run(f"DELETE FROM {self.events} WHERE notification_id = %s", row.position)

    def try_update_head(self) -> None:
        self._run(f"UPDATE {self.heads} SET hash = 'x'")

    def try_delete_head(self) -> None:
        self._run(f"DELETE FROM {self.heads}")

    def try_truncate(self) -> None:
        self._run(f"TRUNCATE {self.events}")

    def drop_triggers(self) -> None:
        self._run(f"DROP TRIGGER ledger_events_append_only ON {self.events}")

    def drop_every_trigger(self) -> None:
        """The row trigger and the TRUNCATE trigger on the events table."""
        self._run(f"DROP TRIGGER ledger_events_append_only ON {self.events}")
        self._run(f"DROP TRIGGER ledger_events_no_truncate ON {self.events}")

    def set_states(self, changes: list[tuple[Row, bytes]]) -> None:
        with self._connect() as conn:
            for row, state in changes:
                conn.execute(
                    f"UPDATE {self.events} SET state = %s WHERE notification_id = %s",
                    (state, row.position),
                )

    def delete(self, rows: list[Row]) -> None:
        with self._connect() as conn:
            for row in rows:
                conn.execute(
                    f"DELETE FROM {self.events} WHERE notification_id = %s", (row.position,)
                )

    def insert(self, originator_id: str, version: int, topic: str, state: bytes) -> int:
        with self._connect() as conn:
            found = conn.execute(
                f"INSERT INTO {self.events} (originator_id, originator_version, topic, state) "
                f"VALUES (%s, %s, %s, %s) RETURNING notification_id",
                (originator_id, version, topic, state),
            ).fetchone()
        assert found is not None
        return int(found[0])


def attacker_for(url: str) -> Attacker:
    if url.startswith("postgres"):
        return PostgresAttacker(url)
    return SQLiteAttacker(url)


def refused_by_database(action: Callable[[], None]) -> str:
    """Run a statement that the append-only triggers must refuse; its message."""
    import psycopg

    with pytest.raises((sqlite3.DatabaseError, psycopg.Error)) as caught:
        action()
    return str(caught.value)


# --- what verify says -----------------------------------------------------------


@dataclass(frozen=True)
class FirstBad:
    """The event verify must name first."""

    stream: str
    version: int
    position: int | None  # None when the event's row no longer exists


def verify_fails(cli: Cli) -> str:
    result = cli("verify", ok=False)
    assert result.exit_code != 0, f"verify accepted a tampered ledger: {result.output}"
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "verify failed without saying why"
    return lines[0]


def numbers_in(line: str) -> set[int]:
    return {int(n) for n in re.findall(r"(?<![0-9a-f])\d+(?![0-9a-f])", line)}


def assert_names_event(line: str, bad: FirstBad) -> None:
    """The first line names the bad event's version, and its position when it has one."""
    mentioned = numbers_in(line)
    assert bad.version in mentioned, f"version {bad.version} not named in: {line}"
    if bad.position is not None:
        assert bad.position in mentioned, f"position {bad.position} not named in: {line}"
    # The stream the event belongs to, not the other one.
    assert not re.search(rf"\b{re.escape(DEMO)}\b", line), line


# --- the five attacks ---------------------------------------------------------------


def _cup_row(attacker: Attacker, log: Log, version: int) -> Row:
    return attacker.row(log.position(CUP, version))


def alter_payload(attacker: Attacker, log: Log) -> FirstBad:
    """Change the score of cup v10 (Alpha 2-1 Beta) to 7-1 inside the stored bytes."""
    row = _cup_row(attacker, log, 10)
    assert row.topic == "result_recorded"
    assert row.state.count(b'"regulation":[2,1]') == 1
    attacker.set_states([(row, row.state.replace(b'"regulation":[2,1]', b'"regulation":[7,1]'))])
    return FirstBad(CUP, 10, row.position)


def delete_middle(attacker: Attacker, log: Log) -> FirstBad:
    """Delete cup v11 (the fixture of Gamma v Delta); v12 is still there."""
    row = _cup_row(attacker, log, 11)
    attacker.delete([row])
    return FirstBad(CUP, 11, None)


def swap_states(attacker: Attacker, log: Log) -> FirstBad:
    """Swap the stored bytes of cup v10 and cup v12 (two results)."""
    a, b = _cup_row(attacker, log, 10), _cup_row(attacker, log, 12)
    attacker.set_states([(a, b.state), (b, a.state)])
    return FirstBad(CUP, 10, a.position)


def insert_forged(attacker: Attacker, log: Log) -> FirstBad:
    """Append cup v15: a correction to 0-5 of cup v10, hashed and chained correctly."""
    last = log.last(CUP)
    assert last["version"] == 14
    original = log.entry(CUP, 10)
    forged = ResultCorrected(
        event_id="f" * 32,
        occurred_on=dt.date(2025, 2, 2),
        actor="clerk",
        supersedes=original["event_id"],
        fixture=original["event"]["fixture"],
        score=Score(regulation=Goals(0, 5)),
        reason="referee's report",
    )
    body = encode_body(
        Body(
            stream=CUP,
            version=15,
            recorded_at=dt.datetime.now(dt.UTC),
            prev_hash=last["hash"],
            event_type="result_corrected",
            event_version=ResultCorrected.class_version,
            event=forged,
        )
    )
    digest = hashlib.sha256(body).hexdigest()
    state = msgspec.json.encode({"hash": digest, "body": msgspec.Raw(body)})
    template = _cup_row(attacker, log, 14)
    position = attacker.insert(template.originator_id, 15, "result_corrected", state)
    return FirstBad(CUP, 15, position)


def truncate_tail(attacker: Attacker, log: Log) -> FirstBad:
    """Delete the last three events of the ledger: cup v12, v13 and v14."""
    tail = attacker.rows()[-3:]
    assert [log.entries[-3 + i]["version"] for i in range(3)] == [12, 13, 14]
    assert {log.entries[-3 + i]["stream"] for i in range(3)} == {CUP}
    attacker.delete(tail)
    return FirstBad(CUP, 12, None)


ATTACKS: dict[str, Callable[[Attacker, Log], FirstBad]] = {
    "altered_payload": alter_payload,
    "deleted_middle_event": delete_middle,
    "swapped_states": swap_states,
    "forged_insert": insert_forged,
    "truncated_tail": truncate_tail,
}


@pytest.fixture
def built(ledger_cli: Cli, ledger_url: str) -> tuple[Cli, Attacker, Log]:
    build(ledger_cli)
    ok = ledger_cli("verify")
    assert ok.exit_code == 0
    return ledger_cli, attacker_for(ledger_url), Log(ledger_cli)


# --- tests ------------------------------------------------------------------------


def test_built_ledger_verifies_and_interleaves_two_streams(
    built: tuple[Cli, Attacker, Log],
) -> None:
    cli, attacker, log = built
    result = cli("verify")
    assert result.exit_code == 0
    assert result.stderr == ""
    # Versions and positions differ, so naming one is not naming the other.
    assert log.position(CUP, 10) != 10
    assert [e["version"] for e in log.entries if e["stream"] == CUP] == list(range(1, 15))
    assert len(attacker.rows()) == len(log.entries)


def test_triggers_refuse_update_and_delete_of_events_and_heads(
    built: tuple[Cli, Attacker, Log],
) -> None:
    cli, attacker, log = built
    before = attacker.rows()
    target = _cup_row(attacker, log, 10)

    assert "append-only" in refused_by_database(lambda: attacker.try_update_event(target))
    assert "append-only" in refused_by_database(lambda: attacker.try_delete_event(target))
    assert "append-only" in refused_by_database(attacker.try_update_head)
    assert "append-only" in refused_by_database(attacker.try_delete_head)

    assert attacker.rows() == before
    assert cli("verify").exit_code == 0


@pytest.mark.postgres
def test_postgres_trigger_refuses_truncate(pg_url: str) -> None:
    cli = Cli(pg_url)
    cli("new", CUP, "--name", "County Cup", "--on", "2025-01-10")
    attacker = PostgresAttacker(pg_url)

    assert "append-only" in refused_by_database(attacker.try_truncate)
    assert len(attacker.rows()) == 1


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_verify_exits_non_zero_and_names_the_first_bad_event(
    built: tuple[Cli, Attacker, Log], attack: str
) -> None:
    cli, attacker, log = built
    attacker.drop_triggers()

    bad = ATTACKS[attack](attacker, log)
    line = verify_fails(cli)

    assert_names_event(line, bad)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_verify_names_the_stream_of_the_first_bad_event_as_the_log_does(
    built: tuple[Cli, Attacker, Log], attack: str
) -> None:
    cli, attacker, log = built
    attacker.drop_triggers()

    bad = ATTACKS[attack](attacker, log)
    line = verify_fails(cli)

    assert re.search(rf"\bstream {re.escape(bad.stream)}\b", line), line


def test_deleted_middle_event_is_reported_as_missing(built: tuple[Cli, Attacker, Log]) -> None:
    cli, attacker, log = built
    attacker.drop_triggers()

    delete_middle(attacker, log)
    line = verify_fails(cli)

    assert re.search(r"missing|deleted", line), line


def test_truncated_tail_is_reported_as_missing(built: tuple[Cli, Attacker, Log]) -> None:
    cli, attacker, log = built
    attacker.drop_triggers()

    truncate_tail(attacker, log)
    line = verify_fails(cli)

    assert re.search(r"missing|truncated|deleted", line), line


def test_forged_insert_breaks_no_hash_yet_is_still_caught(
    built: tuple[Cli, Attacker, Log],
) -> None:
    cli, attacker, log = built
    attacker.drop_triggers()

    bad = insert_forged(attacker, log)
    # The forgery is internally consistent: the envelope hash is the body's sha256
    # and it chains onto the real last event, so only the seals can expose it.
    forged = attacker.row(bad.position)
    envelope = json.loads(forged.state)
    body = forged.state[forged.state.index(b'"body":') + len(b'"body":') : -1]
    assert hashlib.sha256(body).hexdigest() == envelope["hash"]
    assert envelope["body"]["prev_hash"] == log.last(CUP)["hash"]

    line = verify_fails(cli)

    assert_names_event(line, bad)


# PostgreSQL: an attacker who drops only the row trigger (as above) leaves the
# TRUNCATE trigger in place; one who drops both must be caught the same way.


@pytest.mark.postgres
def test_postgres_ledger_still_opens_after_the_append_only_trigger_was_dropped(
    pg_url: str,
) -> None:
    cli = Cli(pg_url)
    cli("new", CUP, "--name", "County Cup", "--on", "2025-01-10")
    PostgresAttacker(pg_url).drop_triggers()

    # Nothing was tampered with: the chain is intact and verify must say so
    # (and a reader must still be able to open the ledger).
    result = cli("verify", ok=False)

    assert result.exit_code == 0, result.output
    assert "cannot open" not in result.output


@pytest.mark.postgres
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_postgres_verify_names_the_first_bad_event_when_every_trigger_is_dropped(
    pg_url: str, attack: str
) -> None:
    cli = Cli(pg_url)
    build(cli)
    assert cli("verify").exit_code == 0
    attacker = PostgresAttacker(pg_url)
    log = Log(cli)
    attacker.drop_every_trigger()

    bad = ATTACKS[attack](attacker, log)
    line = verify_fails(cli)

    assert_names_event(line, bad)
    assert re.search(rf"\bstream {re.escape(bad.stream)}\b", line), line


def test_verify_is_clean_again_on_an_untouched_copy(ledger_cli: Cli) -> None:
    # Control: the same build with no attack verifies, twice (verify writes nothing).
    build(ledger_cli)
    before = ledger_cli.log()
    assert ledger_cli("verify").exit_code == 0
    assert ledger_cli("verify").exit_code == 0
    assert ledger_cli.log() == before

"""A shared ledger on PostgreSQL with the README's owner and clerk roles.

The roles are set up exactly as the README documents them (the SQL is read from
the README), on the real server. The owner creates the ledger; a clerk records
results through the CLI, and every way round the decisions a clerk could try in
plain SQL is refused by the database: direct INSERT into the events or the heads,
UPDATE, DELETE, TRUNCATE, DROP/ALTER/DISABLE TRIGGER, DROP or ALTER TABLE, LOCK
TABLE in a mode that blocks writers, and the owner-only functions. After each
refusal the log is unchanged and verify passes. A session that holds the write
lock makes another clerk's command fail within its lock timeout, not hang.

Recorded time is the server's: events appended while this process's clock is
wrong carry the server's time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import time
import types
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ledger.cli import cli
from tests.conftest import PG_URL, REQUIRE_PG, Cli

pytestmark = pytest.mark.postgres

README = Path(__file__).resolve().parents[1] / "README.md"
CUP = "cup-2025"


def _section() -> str:
    text = README.read_text()
    section = text[text.index("## A shared ledger on PostgreSQL") :]
    return section[: section.index("\n## ", 1)]


def readme_role_sql() -> tuple[str, str]:
    """The README's two SQL blocks for a shared ledger: the owner's, the clerk's."""
    blocks = re.findall(r"```sql\n(.*?)```", _section(), flags=re.S)
    assert len(blocks) == 2, "the README shows the owner's and the clerk's SQL"
    return blocks[0], blocks[1]


def readme_commands() -> tuple[list[list[str]], list[list[str]], str]:
    """The README's `ledger` commands: the owner's, the clerk's, and the clerk's
    LEDGER_DATABASE_URL."""
    blocks = re.findall(r"```sh\n(.*?)```", _section(), flags=re.S)
    assert len(blocks) == 2, "the README shows the owner's and the clerk's commands"
    owner, clerk = ([shlex.split(line) for line in b.splitlines() if line.strip()] for b in blocks)
    exported = [line for line in clerk if line[0] == "export"]
    assert len(exported) == 1
    url = exported[0][1].split("=", 1)[1]
    return owner, [line for line in clerk if line[0] == "ledger"], url


@dataclass
class Roles:
    base: str  # the server, as the test's superuser
    schema: str
    owner: str
    clerk: str

    def url(self, role: str, **query: str) -> str:
        server = self.base.split("://", 1)[1].split("@", 1)[-1]
        params = "&".join([f"schema={self.schema}", *(f"{k}={v}" for k, v in query.items())])
        return f"postgresql://{role}@{server}?{params}"

    def connect(self, role: str) -> Any:
        import psycopg

        server = self.base.split("://", 1)[1].split("@", 1)[-1]
        return psycopg.connect(f"postgresql://{role}@{server}", autocommit=True)

    @property
    def events(self) -> str:
        return f'"{self.schema}".ledger_events'

    @property
    def heads(self) -> str:
        return f'"{self.schema}".ledger_events_heads'


def _as_here(text: str, roles: Roles) -> str:
    """The README's text with its example names replaced by this test's: the
    roles, the schema and the server (trust authentication, so no password)."""
    server = roles.base.split("://", 1)[1].split("@", 1)[-1]
    return (
        text.replace("ledger_owner", roles.owner)
        .replace("clerk", roles.clerk)
        .replace("league", roles.schema)
        .replace(" PASSWORD '...'", "")
        .replace("db.example/results", server)
    )


def run_readme_line(line: list[str], roles: Roles) -> None:
    assert line[0] == "ledger"
    args = [_as_here(arg, roles) for arg in line[1:]]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, (line, result.output)


@pytest.fixture
def roles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Roles]:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("LEDGER_REQUIRE_POSTGRES is set but LEDGER_TEST_DATABASE_URL is not")
        pytest.skip("no PostgreSQL: set LEDGER_TEST_DATABASE_URL=postgresql://... to run")
    import psycopg

    monkeypatch.setenv("LEDGER_READ_DB", str(tmp_path / "read.db"))
    tag = uuid.uuid4().hex[:10]
    found = Roles(
        base=PG_URL.split("?")[0],
        schema=f"league_{tag}",
        owner=f"owner_{tag}",
        clerk=f"clerk_{tag}",
    )
    owner_sql, clerk_sql = readme_role_sql()
    with psycopg.connect(found.base, autocommit=True) as conn:
        conn.execute(_as_here(owner_sql, found))
    # The owner's first command creates the tables, triggers and functions.
    owner_lines, _clerk_lines, _url = readme_commands()
    for line in owner_lines:
        run_readme_line(line, found)
    with psycopg.connect(found.base, autocommit=True) as conn:
        conn.execute(_as_here(clerk_sql, found))
    try:
        yield found
    finally:
        with psycopg.connect(found.base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{found.schema}" CASCADE')
            for role in (found.clerk, found.owner):
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


def clerk_cli(roles: Roles, **query: str) -> Cli:
    return Cli(roles.url(roles.clerk, create="no", **query))


def built(roles: Roles) -> Cli:
    """The clerk records a small knockout through the CLI."""
    cli = clerk_cli(roles)
    cli(
        "-c", CUP, "stage", "ko", "--name", "Knockout", "--format", "knockout", "--on", "2025-01-10"
    )
    cli("-c", CUP, "enter", "ko", "Alpha", "Beta", "Gamma", "Delta", "--on", "2025-01-10")
    cli("-c", CUP, "record", "ko", "Alpha 2-1 Beta", "--on", "2025-02-01")
    return cli


def test_a_clerk_records_reads_and_verifies_through_the_cli(roles: Roles) -> None:
    cli = built(roles)

    assert "Alpha" in cli("-c", CUP, "bracket", "ko").stdout
    assert cli("verify").exit_code == 0
    entries = json.loads(cli.log())
    assert [e["version"] for e in entries] == list(range(1, len(entries) + 1))


def test_the_readme_clerk_flow_runs_as_written(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    _owner, lines, url = readme_commands()
    monkeypatch.setenv("LEDGER_DATABASE_URL", _as_here(url, roles))
    for line in lines:
        run_readme_line(line, roles)

    cli = clerk_cli(roles)
    results = [e for e in json.loads(cli.log()) if e["type"] == "result_recorded"]
    assert len(results) == 1 and "FC Tacoma 253" in json.dumps(results[0])
    with roles.connect(roles.clerk) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (roles.clerk,)


def test_a_clerk_cannot_restore_an_export_the_owner_can(roles: Roles, tmp_path: Path) -> None:
    cli = built(roles)
    export = tmp_path / "cup.jsonl"
    cli("export", str(export))
    empty = f"{roles.schema}_copy"
    import psycopg

    with psycopg.connect(roles.base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{empty}" AUTHORIZATION "{roles.owner}"')
    owner_copy = Cli(roles.url(roles.owner).replace(roles.schema, empty))
    owner_copy("log")  # the owner's first open creates the copy's tables
    with roles.connect(roles.owner) as conn:
        conn.execute(f'GRANT USAGE ON SCHEMA "{empty}" TO "{roles.clerk}"')
        conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{empty}" TO "{roles.clerk}"')
    clerk_copy = Cli(roles.url(roles.clerk, create="no").replace(roles.schema, empty))
    try:
        refused = clerk_copy.refused("import", str(export))
        assert "permission denied" in refused.stderr
        assert clerk_copy.log() == owner_copy.log() == "[]\n" or json.loads(clerk_copy.log()) == []

        owner_copy("import", str(export))
        assert json.loads(owner_copy.log()) == json.loads(cli.log())
        assert owner_copy("verify").exit_code == 0
    finally:
        with roles.connect(roles.owner) as conn:
            conn.execute(f'DROP SCHEMA "{empty}" CASCADE')


def _stream_and_last(roles: Roles) -> tuple[str, int, str, bytes]:
    with roles.connect(roles.clerk) as conn:
        row = conn.execute(
            f"SELECT originator_id, originator_version, topic, state FROM {roles.events} "
            "ORDER BY notification_id DESC LIMIT 1"
        ).fetchone()
    assert row is not None
    return str(row[0]), int(row[1]), str(row[2]), bytes(row[3])


REFUSED: dict[str, str] = {
    "INSERT into the events": (
        "INSERT INTO {events} (originator_id, originator_version, topic, state) "
        "VALUES ('{sid}', {next}, '{topic}', '\\x00'::bytea)"
    ),
    "INSERT into the heads": "INSERT INTO {heads} VALUES ('{sid}', {next}, 'poison')",
    "UPDATE of an event": "UPDATE {events} SET state = '\\x00'::bytea",
    "UPDATE of a heads row": "UPDATE {heads} SET hash = 'poison'",
    "DELETE of an event": "DELETE FROM {events}",
    "DELETE of a heads row": "DELETE FROM {heads}",
    "TRUNCATE of the events": "TRUNCATE {events}",
    "TRUNCATE of the heads": "TRUNCATE {heads}",
    "DROP TRIGGER": "DROP TRIGGER ledger_events_append_only ON {events}",
    "DISABLE TRIGGER": "ALTER TABLE {events} DISABLE TRIGGER ledger_events_append_only",
    "ALTER TABLE": "ALTER TABLE {events} ADD COLUMN note text",
    "DROP TABLE": "DROP TABLE {heads}",
    "LOCK TABLE ... ACCESS EXCLUSIVE": "LOCK TABLE {events} IN ACCESS EXCLUSIVE MODE",
    "LOCK TABLE ... EXCLUSIVE": "LOCK TABLE {events} IN EXCLUSIVE MODE",
    "the owner's restore function": (
        "SELECT {schema}.ledger_restore(ARRAY['{sid}']::uuid[], ARRAY[{next}]::bigint[], "
        "ARRAY['{topic}'], ARRAY['\\x00'::bytea])"
    ),
    "the sealing function": (
        "SELECT {schema}.ledger_seal('{sid}'::uuid, {next}, '{topic}', '\\x00'::bytea)"
    ),
    "replacing the append function": (
        "CREATE OR REPLACE FUNCTION {schema}.ledger_append(p_ids uuid[], p_versions bigint[], "
        "p_expected text[], p_topics text[], p_bodies bytea[]) "
        "RETURNS TABLE (notification_id bigint, state bytea) LANGUAGE sql AS 'SELECT 1::bigint, "
        "NULL::bytea'"
    ),
}


@pytest.mark.parametrize("operation", sorted(REFUSED))
def test_the_database_refuses_the_clerk(roles: Roles, operation: str) -> None:
    import psycopg

    cli = built(roles)
    before = cli.log()
    sid, version, topic, _state = _stream_and_last(roles)
    sql = REFUSED[operation].format(
        events=roles.events,
        heads=roles.heads,
        schema=f'"{roles.schema}"',
        sid=sid,
        next=version + 1,
        topic=topic,
    )

    with roles.connect(roles.clerk) as conn, pytest.raises(psycopg.Error) as refused:
        conn.execute("BEGIN")
        conn.execute(sql)

    assert isinstance(refused.value, psycopg.errors.InsufficientPrivilege), (
        operation,
        type(refused.value),
        str(refused.value),
    )
    assert cli.log() == before
    assert cli("verify").exit_code == 0


def test_the_owner_is_refused_update_delete_and_truncate_by_the_triggers(roles: Roles) -> None:
    import psycopg

    cli = built(roles)
    before = cli.log()
    for sql in (
        f"UPDATE {roles.events} SET state = '\\x00'::bytea",
        f"DELETE FROM {roles.heads}",
        f"TRUNCATE {roles.events}",
    ):
        with roles.connect(roles.owner) as conn, pytest.raises(psycopg.Error) as refused:
            conn.execute(sql)
        assert "append-only" in str(refused.value), sql
    assert cli.log() == before


def test_a_session_holding_the_write_lock_does_not_hang_another_clerk(roles: Roles) -> None:
    cli = built(roles)
    before = cli.log()
    sid, version, _topic, _state = _stream_and_last(roles)
    holder = roles.connect(roles.clerk)
    try:
        # A clerk's session appends in an open transaction and does not commit:
        # it holds the events table's write lock.
        holder.execute("BEGIN")
        holder.execute(
            f'SELECT * FROM "{roles.schema}".ledger_append(%s::uuid[], %s::bigint[], '
            "%s::text[], %s::text[], %s::bytea[])",
            (
                [sid],
                [version + 1],
                [None],
                ["assumption_recorded"],
                [_body_template(roles, version + 1)],
            ),
        )
        waiting = clerk_cli(roles, lock_timeout="1")
        start = time.monotonic()
        refused = waiting.refused(
            "-c", CUP, "record", "ko", "Gamma 1-0 Delta", "--on", "2025-02-01"
        )
        waited = time.monotonic() - start
        assert "write lock" in refused.stderr
        assert waited < 30, waited
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert cli.log() == before
    # Once the lock is let go, the same command goes through.
    clerk_cli(roles, lock_timeout="1")(
        "-c", CUP, "record", "ko", "Gamma 1-0 Delta", "--on", "2025-02-01"
    )


def test_a_share_lock_a_clerk_may_take_does_not_block_appends(roles: Roles) -> None:
    cli = built(roles)
    holder = roles.connect(roles.clerk)
    try:
        holder.execute("BEGIN")
        holder.execute(f"LOCK TABLE {roles.events} IN ACCESS SHARE MODE")
        clerk_cli(roles, lock_timeout="1")(
            "-c", CUP, "record", "ko", "Gamma 1-0 Delta", "--on", "2025-02-01"
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "Gamma" in cli("-c", CUP, "bracket", "ko").stdout


def test_every_connection_sets_lock_and_statement_timeouts(roles: Roles) -> None:
    from ledger.store import EventStore

    with EventStore(roles.url(roles.clerk, create="no")) as store:
        datastore: Any = store.app.recorder.datastore
        with datastore.get_connection() as conn:
            lock = conn.execute("SHOW lock_timeout").fetchone()
            statement = conn.execute("SHOW statement_timeout").fetchone()
    assert lock is not None and statement is not None
    assert lock["lock_timeout"] == "10s"
    assert statement["statement_timeout"] == "1min"


def test_a_read_waits_no_longer_than_its_lock_timeout(roles: Roles) -> None:
    """The owner's DDL holds an ACCESS EXCLUSIVE lock: a clerk's read gives up
    after its lock timeout with one line instead of hanging."""
    cli = built(roles)
    holder = roles.connect(roles.owner)
    try:
        holder.execute("BEGIN")
        holder.execute(f"LOCK TABLE {roles.events} IN ACCESS EXCLUSIVE MODE")
        start = time.monotonic()
        refused = clerk_cli(roles, lock_timeout="1").refused("-c", CUP, "log")
        assert time.monotonic() - start < 30
        assert "lock timeout" in refused.stderr, refused.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert cli("-c", CUP, "log").exit_code == 0


def _body_template(roles: Roles, version: int) -> bytes:
    """A well-formed body for the cup's next event (an assumption)."""
    from events.catalogue import Body, encode_body
    from events.structure import AssumptionRecorded

    body = Body(
        stream=CUP,
        version=version,
        recorded_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
        prev_hash="0" * 64,
        event_type="assumption_recorded",
        event_version=AssumptionRecorded.class_version,
        event=AssumptionRecorded(
            event_id=uuid.uuid4().hex,
            occurred_on=dt.date(2025, 2, 2),
            actor="clerk",
            subject=CUP,
            assumption="held open",
        ),
    )
    return encode_body(body)


_REAL_DATETIME = dt.datetime


class _WrongClock(dt.datetime):
    """This process's clock, twelve years behind."""

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
        real = _REAL_DATETIME.now(tz)
        return _REAL_DATETIME.fromtimestamp(real.timestamp() - 12 * 365 * 86400, tz)


def test_recorded_time_is_the_servers_not_the_clerks(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ledger.store

    cli = built(roles)
    with roles.connect(roles.clerk) as conn:
        row = conn.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    server_before: dt.datetime = row[0]

    wrong = types.SimpleNamespace(datetime=_WrongClock, UTC=dt.UTC, date=dt.date)
    monkeypatch.setattr(ledger.store, "dt", wrong)
    assert ledger.store.dt.datetime.now(dt.UTC).year < server_before.year - 10
    cli("-c", CUP, "record", "ko", "Gamma 1-0 Delta", "--on", "2025-02-01")
    monkeypatch.undo()

    with roles.connect(roles.clerk) as conn:
        row = conn.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    server_after: dt.datetime = row[0]
    entries = json.loads(cli.log())
    newest = [e for e in entries if e["version"] > len(entries) - 2]
    assert len(newest) == 2  # the fixture and its result
    for entry in newest:
        recorded = dt.datetime.fromisoformat(entry["recorded_at"].replace("Z", "+00:00"))
        assert server_before <= recorded <= server_after, (entry, server_before, server_after)
    assert cli("verify").exit_code == 0


def test_a_poisoned_heads_row_needs_the_owner_and_verify_names_it(roles: Roles) -> None:
    """The owner (not a clerk) can still write a heads row by hand; verify says so."""
    cli = built(roles)
    sid, version, _topic, _state = _stream_and_last(roles)
    with roles.connect(roles.owner) as conn:
        conn.execute(f"INSERT INTO {roles.heads} VALUES (%s, %s, 'poison')", (sid, version + 1))

    result = cli("verify", ok=False)

    assert result.exit_code == 2, result.output
    assert re.search(rf"event {version + 1} of stream {CUP}.*missing", result.stderr), result.stderr


def test_a_clerk_appending_by_hand_gets_round_the_chain_but_not_verify_decisions(
    roles: Roles, tmp_path: Path
) -> None:
    """The append function checks the chain, not the decisions: a clerk who calls it
    from plain SQL can store a second result for a match already played. The chain
    stays intact; `verify --decisions` names the fact."""
    from tests.test_forged_export import five_hundred_nil

    cli = built(roles)
    out = tmp_path / "cup.jsonl"
    cli("export", str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()[1:] if line.strip()]
    forged = five_hundred_nil(lines)
    forged["event"]["score"]["regulation"] = [3, 0]
    forged["version"] = lines[-1]["body"]["version"] + 1
    sid, version, _topic, _state = _stream_and_last(roles)
    assert version + 1 == forged["version"]
    with roles.connect(roles.clerk) as conn:
        row = conn.execute(
            f'SELECT notification_id FROM "{roles.schema}".ledger_append(%s::uuid[], '
            "%s::bigint[], %s::text[], %s::text[], %s::bytea[])",
            (
                [sid],
                [version + 1],
                [None],
                ["result_recorded"],
                [json.dumps(forged, separators=(",", ":")).encode()],
            ),
        ).fetchone()
    assert row is not None

    assert cli("verify").exit_code == 0
    result = cli("verify", "--decisions", ok=False)
    assert result.exit_code == 2
    assert f"(position {row[0]}): the decisions refuse it" in result.stderr
    assert "already has a result" in result.stderr


def _hand_body(roles: Roles, version: int, recorded_at: str) -> str:
    """A body for the cup's next event as JSON text, for a clerk writing by hand."""
    return (
        _body_template(roles, version)
        .decode()
        .replace('"recorded_at":"2000-01-01T00:00:00Z"', recorded_at)
    )


BYPASSES = {
    # the key escaped: the same key once parsed, but not the text the stamp replaces
    "escaped key": '"recorded\\u005fat":"2099-12-31T00:00:00Z"',
    "spaced key": '"recorded_at" : "2099-12-31T00:00:00Z"',
    "repeated key": '"recorded_at":"2000-01-01T00:00:00Z","recorded_at":"2099-12-31T00:00:00Z"',
    "no time zone": '"recorded\\u005fat":"2099-12-31T00:00:00"',
}


@pytest.mark.parametrize("bypass", sorted(BYPASSES))
def test_a_clerk_cannot_write_the_recorded_time_by_hand(roles: Roles, bypass: str) -> None:
    import psycopg

    cli = built(roles)
    before = cli.log()
    sid, version, _topic, _state = _stream_and_last(roles)
    body = _hand_body(roles, version + 1, BYPASSES[bypass])
    assert body.count("recorded") >= 1 and "2099" in body

    with roles.connect(roles.clerk) as conn, pytest.raises(psycopg.Error) as refused:
        conn.execute(
            f'SELECT * FROM "{roles.schema}".ledger_append(%s::uuid[], %s::bigint[], '
            "%s::text[], %s::text[], %s::bytea[])",
            ([sid], [version + 1], [None], ["assumption_recorded"], [body.encode()]),
        )

    assert "server's to write" in str(refused.value)
    assert cli.log() == before
    # Honest appends still go through: nothing froze the ledger.
    cli("-c", CUP, "record", "ko", "Gamma 1-0 Delta", "--on", "2025-02-01")
    assert cli("verify").exit_code == 0


def test_a_clerk_cannot_seal_an_event_under_another_type(roles: Roles) -> None:
    import psycopg

    cli = built(roles)
    before = cli.log()
    sid, version, _topic, _state = _stream_and_last(roles)

    with roles.connect(roles.clerk) as conn, pytest.raises(psycopg.Error) as refused:
        conn.execute(
            f'SELECT * FROM "{roles.schema}".ledger_append(%s::uuid[], %s::bigint[], '
            "%s::text[], %s::text[], %s::bytea[])",
            (
                [sid],
                [version + 1],
                [None],
                ["competition_created"],
                [_body_template(roles, version + 1)],
            ),
        )

    assert "its type is not competition_created" in str(refused.value)
    assert cli.log() == before

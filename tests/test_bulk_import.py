"""An imported export is stored in bulk on SQLite (one statement per table) and the
competitions are kept as the decisions left them; on both backends the result
must be what appending one event at a time gives.

- the imported ledger holds the same bytes, verifies, and its read models and
  kept states equal a fresh build and a fresh fold (facts in and out of date order);
- the bulk store refuses a time before the ledger's last event and a version that
  is already stored, writing nothing, and a forged export leaves the ledger as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from events.catalogue import Body, encode_body
from events.structure import AssumptionRecorded
from ledger.errors import ClockBehind, ConcurrentAppend
from ledger.export import export_lines
from ledger.service import Ledger
from ledger.store import EventStore, Pending, envelope, stream_id
from projections.model import fold
from tests.conftest import Cli, _pg_schema
from tests.test_incremental_read_models import log_unread_in_catch_ups

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import scale

CUP = "cup"


def season(cli: Cli) -> None:
    """The bundled 2014 ledger (its facts arrive out of date order) and a small cup
    whose facts are in date order, with a correction."""
    cli("demo")
    cli("new", CUP, "--name", "County Cup", "--on", "2025-01-10")
    cup = ("-c", CUP)
    cli(*cup, "stage", "ko", "--name", "Knockout", "--format", "knockout", "--on", "2025-01-10")
    cli(*cup, "enter", "ko", "Alpha", "Beta", "Gamma", "Delta", "--on", "2025-01-10")
    cli(*cup, "record", "ko", "Alpha 2-1 Beta", "--on", "2025-02-01")
    cli(*cup, "record", "ko", "Gamma 0-0 Delta", "--on", "2025-02-01", "--pens", "4-3")
    fixture = json.loads(cli(*cup, "bracket", "ko", "--json").stdout)["matches"][0]["fixture"]
    cli(*cup, "correct", fixture, "Alpha 3-1 Beta", "--reason", "report", "--on", "2025-02-03")


def _export(url: str, path: Path) -> Path:
    with EventStore(url) as store:
        path.write_bytes(b"\n".join(export_lines(store)) + b"\n")
    return path


def _rows(url: str) -> list[tuple[int, str]]:
    with EventStore(url) as store:
        return [(p, s.decode()) for p, s in store.read_raw()]


@pytest.fixture
def second_url(ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty ledger on the same backend as `ledger_url`, with read models of its own."""
    if not ledger_url.startswith("postgres"):
        yield str(tmp_path / "imported.db")
        return
    monkeypatch.setenv("LEDGER_READ_DB", str(tmp_path / "source-read.db"))
    yield from _pg_schema()


def test_an_imported_season_equals_the_ledger_it_came_from(
    ledger_cli: Cli,
    ledger_url: str,
    tmp_path: Path,
    second_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    season(ledger_cli)
    exported = _export(ledger_url, tmp_path / "season.jsonl")
    monkeypatch.setenv("LEDGER_READ_DB", str(tmp_path / "target-read.db"))

    target = Cli(second_url)
    target("import", str(exported))

    assert [s for _, s in _rows(second_url)] == [s for _, s in _rows(ledger_url)]
    checked = target("verify", "--read-models")
    assert "match the events" in checked.stdout
    with Ledger(second_url) as lg:
        for slug in lg.competitions():
            assert lg.state(slug) == fold(lg.store.read_stream(slug)), slug
    # Importing it again appends nothing.
    target("import", str(exported))
    assert len(_rows(second_url)) == len(_rows(ledger_url))


def test_an_import_into_read_models_left_behind_applies_what_they_lacked(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """The import hands the read models the events it stored, without reading them
    back, only when those are all the read models lack; here another command's
    facts were stored without its catch-up, so the log is read first."""
    with Ledger(sqlite_cli.url) as lg:
        lg.auto_catch_up = False
        lg.execute(*scale.open_league("behind", 4, 1, 2).commands)
        assert lg.read_model_differences() != []
    source = Cli(str(tmp_path / "source.db"))  # recorded later: the import may follow
    season(source)
    exported = _export(source.url, tmp_path / "season.jsonl")
    sqlite_cli("import", str(exported))
    assert "match the events" in sqlite_cli("verify", "--read-models").stdout


def test_an_import_hands_the_read_models_what_it_stored(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Cli(str(tmp_path / "source.db"))
    season(source)
    exported = _export(source.url, tmp_path / "season.jsonl")
    # The competitions as the decisions left them (or folded from the file's own
    # events) are the read models' too: nothing is read back, not even a stream.
    with log_unread_in_catch_ups(monkeypatch, streams=True):
        result = sqlite_cli("import", str(exported))
    assert "warning" not in result.stderr, result.stderr
    assert "match the events" in sqlite_cli("verify", "--read-models").stdout


def test_the_bulk_store_says_where_the_imported_events_landed(sqlite_cli: Cli) -> None:
    sqlite_cli("new", CUP, "--name", "County Cup", "--on", "2025-01-10")
    last = json.loads(sqlite_cli.log())[-1]
    now = dt.datetime.now(dt.UTC)
    first = _assumption(CUP, 2, last["hash"], now)
    with EventStore(sqlite_cli.url) as store:
        start = store.save_sealed([first])
        assert start == store.max_position() == last["position"] + 1


def _assumption(stream: str, version: int, prev: str, at: dt.datetime) -> Pending:
    body = encode_body(
        Body(
            stream=stream,
            version=version,
            recorded_at=at,
            prev_hash=prev,
            event_type="assumption_recorded",
            event_version=AssumptionRecorded.class_version,
            event=AssumptionRecorded(
                event_id=f"{version:032x}",
                occurred_on=dt.date(2025, 2, 2),
                actor="clerk",
                subject=stream,
                assumption="an assumption",
            ),
        )
    )
    digest = hashlib.sha256(body).hexdigest()
    return Pending(stream_id(stream), version, "assumption_recorded", envelope(body, digest))


def _tables(path: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return (
            conn.execute("SELECT rowid, * FROM stored_events ORDER BY rowid").fetchall(),
            conn.execute("SELECT rowid, * FROM ledger_heads ORDER BY rowid").fetchall(),
        )


def test_the_bulk_store_refuses_a_time_going_back_and_writes_nothing(sqlite_cli: Cli) -> None:
    sqlite_cli("new", CUP, "--name", "County Cup", "--on", "2025-01-10")
    last = json.loads(sqlite_cli.log())[-1]
    before = _tables(sqlite_cli.url)
    now = dt.datetime.now(dt.UTC)
    first = _assumption(CUP, 2, last["hash"], now)
    behind = _assumption(CUP, 3, "x" * 64, dt.datetime(2014, 1, 1, tzinfo=dt.UTC))

    with EventStore(sqlite_cli.url) as store, pytest.raises(ClockBehind):
        store.save_sealed([first, behind])

    assert _tables(sqlite_cli.url) == before


def test_the_bulk_store_refuses_a_stored_version_and_writes_nothing(sqlite_cli: Cli) -> None:
    sqlite_cli("new", CUP, "--name", "County Cup", "--on", "2025-01-10")
    last = json.loads(sqlite_cli.log())[-1]
    before = _tables(sqlite_cli.url)
    now = dt.datetime.now(dt.UTC)
    fresh = _assumption(CUP, 2, last["hash"], now)
    again = _assumption(CUP, 1, last["hash"], now)

    with EventStore(sqlite_cli.url) as store, pytest.raises(ConcurrentAppend):
        store.save_sealed([fresh, again])

    assert _tables(sqlite_cli.url) == before
    assert sqlite_cli("verify").exit_code == 0


def test_a_forged_export_leaves_an_imported_ledger_unchanged(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    season(sqlite_cli)
    exported = _export(sqlite_cli.url, tmp_path / "season.jsonl")
    lines = exported.read_text().splitlines()
    # A second result for a fixture already played, correctly hashed and chained.
    cup_lines = [json.loads(line) for line in lines[1:] if '"stream":"cup"' in line]
    result = next(e for e in cup_lines if e["body"]["event_type"] == "result_recorded")
    forged = json.loads(json.dumps(result["body"]))
    forged["event"]["event_id"] = "f" * 32
    forged["event"]["score"]["regulation"] = [9, 0]
    forged["version"] = cup_lines[-1]["body"]["version"] + 1
    forged["prev_hash"] = cup_lines[-1]["hash"]
    forged["recorded_at"] = json.loads(lines[-1])["body"]["recorded_at"]
    raw = json.dumps(forged, separators=(",", ":"))
    digest = hashlib.sha256(raw.encode()).hexdigest()
    header = json.loads(lines[0])
    header["events"] += 1
    forged_file = tmp_path / "forged.jsonl"
    forged_file.write_text(
        "\n".join(
            [
                json.dumps(header),
                *lines[1:],
                f'{{"position":0,"hash":"{digest}","body":{raw}}}',
            ]
        )
        + "\n"
    )
    target = Cli(str(tmp_path / "target.db"))
    target("import", str(exported))
    before = _tables(target.url)

    refused = target.refused("import", str(forged_file))

    assert "refused" in refused.stderr and "nothing was imported" in refused.stderr
    assert _tables(target.url) == before

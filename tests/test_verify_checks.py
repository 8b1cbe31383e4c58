"""Rows the code cannot trust, on both backends: verify names them, nothing crashes.

Each bad event below is correctly hashed, chained and sealed (stored through the
store's own `save_pending`, as an import would), so only the new checks can
see it: an event_version no code knows (0, 99), an event_type that is not the
event's own tag. A recorded time that goes back is written behind the store's
back (on SQLite the store itself refuses it at append, tested last).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

import pytest

from events.catalogue import Body, encode_body
from events.structure import AssumptionRecorded
from ledger.errors import StoreUnavailable
from ledger.store import EventStore, Pending, envelope, stream_id
from tests.conftest import Cli
from tests.test_tamper import attacker_for

CUP = "cup"


def small(cli: Cli) -> None:
    cli("new", CUP, "--name", "County Cup", "--on", "2025-01-10")
    cli("stage", "ko", "--name", "Knockout", "--format", "knockout", "--on", "2025-01-10")
    cli("enter", "ko", "Alpha", "Beta", "Gamma", "Delta", "--on", "2025-01-10")
    cli("record", "ko", "Alpha 2-1 Beta", "--on", "2025-02-01")


def _next_body(cli: Cli, *, recorded_at: dt.datetime | None = None) -> tuple[bytes, int]:
    """A correct next event of the cup (an assumption) as body bytes, and its version."""
    last = json.loads(cli.log())[-1]
    body = Body(
        stream=CUP,
        version=last["version"] + 1,
        recorded_at=recorded_at or dt.datetime.now(dt.UTC),
        prev_hash=last["hash"],
        event_type="assumption_recorded",
        event_version=AssumptionRecorded.class_version,
        event=AssumptionRecorded(
            event_id="a" * 32,
            occurred_on=dt.date(2025, 2, 2),
            actor="clerk",
            subject="cup",
            assumption="an assumption",
        ),
    )
    return encode_body(body), body.version


def _store_sealed(url: str, raw: bytes, version: int, topic: str) -> int:
    """Store body bytes verbatim, correctly hashed and sealed; returns the position."""
    digest = hashlib.sha256(raw).hexdigest()
    with EventStore(url) as store:
        store.save_pending([Pending(stream_id(CUP), version, topic, envelope(raw, digest))])
        return store.max_position()


def _insert_behind(url: str, raw: bytes, version: int, topic: str = "assumption_recorded") -> int:
    """Store body bytes correctly hashed but behind the store's back (no seal row);
    returns the position."""
    digest = hashlib.sha256(raw).hexdigest()
    attacker = attacker_for(url)
    sid = next(r.originator_id for r in attacker.rows())
    return attacker.insert(sid, version, topic, envelope(raw, digest))


def _edit(raw: bytes, change: Any) -> bytes:
    data = json.loads(raw)
    change(data)
    return json.dumps(data, separators=(",", ":")).encode()


BAD_BODIES: dict[str, tuple[Any, str]] = {
    "event_version 0": (lambda d: d.update(event_version=0), "event_version 0"),
    "event_version 99": (lambda d: d.update(event_version=99), "event_version 99"),
    "event_type of another event": (
        lambda d: d.update(event_type="result_recorded"),
        "does not match the event",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_an_undecodable_event_is_named_by_verify_and_crashes_no_command(
    ledger_cli: Cli, ledger_url: str, case: str
) -> None:
    small(ledger_cli)
    raw, version = _next_body(ledger_cli)
    change, reason = BAD_BODIES[case]
    bad = _edit(raw, change)
    topic = json.loads(bad)["event_type"]
    if ledger_url.startswith("postgres") and case == "event_type of another event":
        # The database itself refuses to seal an event under another type: only
        # someone writing behind its back can store one.
        with pytest.raises(StoreUnavailable, match="its type is not result_recorded"):
            _store_sealed(ledger_url, bad, version, topic)
        position = _insert_behind(ledger_url, bad, version, topic)
    else:
        position = _store_sealed(ledger_url, bad, version, topic)

    result = ledger_cli("verify", ok=False)
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert reason in first, first
    assert f"position {position}" in first
    assert "Traceback" not in result.output
    # Every command that reads the stream says one line, naming the event.
    for args in (
        ("log",),
        ("log", "--json"),
        ("standings", "ko"),
        ("bracket", "ko"),
        ("record", "ko", "Gamma 1-0 Delta", "--on", "2025-02-01"),
        ("export",),
    ):
        refused = ledger_cli.refused(*args)
        assert "cannot be read" in refused.stderr, (args, refused.stderr)
        assert reason in refused.stderr


def test_a_recorded_time_that_goes_back_is_named_by_verify(
    ledger_cli: Cli, ledger_url: str
) -> None:
    small(ledger_cli)
    raw, version = _next_body(ledger_cli, recorded_at=dt.datetime(2014, 3, 1, tzinfo=dt.UTC))
    position = _insert_behind(ledger_url, raw, version)

    result = ledger_cli("verify", ok=False)

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    went_back = [line for line in result.stderr.splitlines() if "recorded time went back" in line]
    assert len(went_back) == 1
    assert f"position {position}" in went_back[0]
    assert "2014-03-01" in went_back[0]


def test_the_store_refuses_to_record_a_time_before_the_last_event(ledger_cli: Cli) -> None:
    """The recording clock (the clerk's on SQLite, the server's on PostgreSQL) is
    behind the ledger's last event, here one recorded by a clock in 2099: the
    append is refused with one line."""
    small(ledger_cli)
    raw, version = _next_body(ledger_cli, recorded_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    _store_sealed(ledger_cli.url, raw, version, "assumption_recorded")
    before = ledger_cli.log()

    refused = ledger_cli.refused("record", "ko", "Gamma 1-0 Delta", "--on", "2025-02-01")

    assert "earlier than the ledger's last event" in refused.stderr
    assert "2099-01-01" in refused.stderr
    assert ledger_cli.log() == before


def test_the_store_refuses_an_import_dated_before_the_last_event(ledger_cli: Cli) -> None:
    small(ledger_cli)
    raw, version = _next_body(ledger_cli, recorded_at=dt.datetime(2014, 1, 1, tzinfo=dt.UTC))
    before = ledger_cli.log()

    with pytest.raises(Exception, match="earlier than the ledger's last event"):
        _store_sealed(ledger_cli.url, raw, version, "assumption_recorded")

    assert ledger_cli.log() == before
    assert ledger_cli("verify").exit_code == 0


def test_verify_reads_every_row_even_when_one_is_not_json(ledger_cli: Cli, ledger_url: str) -> None:
    small(ledger_cli)
    attacker = attacker_for(ledger_url)
    sid = next(r.originator_id for r in attacker.rows())
    position = attacker.insert(sid, 99, "assumption_recorded", b"\x00garbage")

    result = ledger_cli("verify", ok=False)

    assert result.exit_code == 2 and "Traceback" not in result.output
    assert re.search(rf"position {position}\b.*not an event", result.stderr)
    assert "cannot be read" in ledger_cli.refused("log").stderr


def test_a_recorded_time_without_a_zone_is_named_not_a_traceback(
    ledger_cli: Cli, ledger_url: str
) -> None:
    small(ledger_cli)
    raw, version = _next_body(ledger_cli)
    raw = re.sub(rb'"recorded_at":"[^"]*"', b'"recorded_at":"2030-01-01T00:00:00"', raw)
    position = _insert_behind(ledger_url, raw, version)

    result = ledger_cli("verify", ok=False)

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert re.search(rf"position {position}\).*cannot be read", result.stderr), result.stderr

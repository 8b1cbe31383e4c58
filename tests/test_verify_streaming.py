"""`verify` reads the ledger a page at a time and keeps only each stream's last event;
it must name exactly what the whole-ledger check names, in the same order.

The ledger of tests/test_tamper.py is attacked (one attack, several at once, rows
that cannot be read, a recorded time that goes back, an event deleted and written
again at the end) and the streaming report is compared with the in-memory one,
with pages of four rows so that every attack straddles page boundaries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import pytest

from events.catalogue import Body, encode_body
from events.structure import AssumptionRecorded
from ledger import verify as verify_module
from ledger.store import EventStore
from ledger.verify import Report, _verify_in_memory, verify
from tests.conftest import Cli
from tests.test_tamper import (
    ATTACKS,
    CUP,
    Attacker,
    Log,
    alter_payload,
    attacker_for,
    build,
    delete_middle,
    insert_forged,
)


def _both(url: str) -> tuple[Report, Report]:
    with EventStore(url) as store:
        return verify(store), _verify_in_memory(store)


def _not_json(attacker: Attacker, log: Log) -> None:
    sid = attacker.row(log.position(CUP, 1)).originator_id
    attacker.insert(sid, 40, "assumption_recorded", b"\x00garbage")


def _time_goes_back(attacker: Attacker, log: Log) -> None:
    last = log.last(CUP)
    body = encode_body(
        Body(
            stream=CUP,
            version=last["version"] + 1,
            recorded_at=dt.datetime(2014, 3, 1, tzinfo=dt.UTC),
            prev_hash=last["hash"],
            event_type="assumption_recorded",
            event_version=AssumptionRecorded.class_version,
            event=AssumptionRecorded(
                event_id="b" * 32,
                occurred_on=dt.date(2025, 2, 2),
                actor="clerk",
                subject="cup",
                assumption="an assumption",
            ),
        )
    )
    digest = hashlib.sha256(body).hexdigest()
    sid = attacker.row(log.position(CUP, 1)).originator_id
    attacker.insert(
        sid,
        last["version"] + 1,
        "assumption_recorded",
        b'{"hash":"%s","body":%s}'
        % (
            digest.encode(),
            body,
        ),
    )


def _deleted_and_written_again(attacker: Attacker, log: Log) -> None:
    """Cup v11 deleted and inserted again: its versions are then out of ledger order."""
    row = attacker.row(log.position(CUP, 11))
    attacker.delete([row])
    attacker.insert(row.originator_id, row.version, row.topic, row.state)


def _several(attacker: Attacker, log: Log) -> None:
    alter_payload(attacker, log)
    insert_forged(attacker, log)
    delete_middle(attacker, log)
    _not_json(attacker, log)


MORE: dict[str, Callable[[Attacker, Log], object]] = {
    "not_json": _not_json,
    "recorded_time_goes_back": _time_goes_back,
    "deleted_and_written_again": _deleted_and_written_again,
    "several_at_once": _several,
}


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify_module, "_BATCH", 4)


@pytest.mark.usefixtures("small_pages")
@pytest.mark.parametrize("attack", sorted(ATTACKS) + sorted(MORE))
def test_streaming_verify_names_what_the_whole_ledger_check_names(
    ledger_cli: Cli, ledger_url: str, attack: str
) -> None:
    build(ledger_cli)
    log = Log(ledger_cli)
    attacker = attacker_for(ledger_url)
    attacker.drop_triggers()

    {**ATTACKS, **MORE}[attack](attacker, log)
    streaming, reference = _both(ledger_url)

    assert not streaming.ok
    assert streaming == reference
    assert streaming.checked == len(attacker.rows())


@pytest.mark.usefixtures("small_pages")
def test_streaming_verify_passes_an_intact_ledger(ledger_cli: Cli, ledger_url: str) -> None:
    build(ledger_cli)

    streaming, reference = _both(ledger_url)

    assert streaming.ok and streaming == reference
    assert streaming.checked == len(Log(ledger_cli).entries)
    assert streaming.streams == 2

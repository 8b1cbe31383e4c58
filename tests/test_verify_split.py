"""`verify` in two processes on SQLite: one follows the chains, the clock and the
seals reading only each body's header; the other checks every row on its own (its
hash and its whole event). A clean ledger is reported from both; a row only the
second process can fault (a correct header over an event no code reads) sends the
ledger to the one-process check, which names it exactly as before."""

from __future__ import annotations

import json

import pytest

from ledger.store import EventStore
from ledger.verify import _verify_in_memory, verify
from ledger.verify_split import verify_split
from tests.conftest import Cli
from tests.test_tamper import ATTACKS, Log, attacker_for, build
from tests.test_verify_checks import _next_body, _store_sealed, small
from tests.test_verify_streaming import MORE


def test_two_processes_report_a_clean_ledger_as_one_does(demo_cli: Cli) -> None:
    demo_cli("new", "cup", "--name", "County Cup", "--on", "2025-01-10")
    with EventStore(demo_cli.url, read_only=True) as store:
        split, single = verify(store, processes=2), verify(store, processes=1)

    assert split.ok and single.ok
    assert split == single
    with EventStore(demo_cli.url, read_only=True) as store:
        assert verify_split(store) == split  # both processes vouched for it
    assert split.checked == len(json.loads(demo_cli.log()))


def test_an_event_only_the_row_check_can_fault_is_named(sqlite_cli: Cli) -> None:
    small(sqlite_cli)
    raw, version = _next_body(sqlite_cli)
    body = json.loads(raw)
    # The header (stream, version, time, previous hash, type) is right; the event
    # itself is not one any code reads.
    body["event"]["occurred_on"] = "not a date"
    raw = json.dumps(body, separators=(",", ":")).encode()
    position = _store_sealed(sqlite_cli.url, raw, version, "assumption_recorded")

    with EventStore(sqlite_cli.url, read_only=True) as store:
        split, single = verify(store, processes=2), verify(store, processes=1)

    assert not split.ok
    assert split == single
    with EventStore(sqlite_cli.url, read_only=True) as store:
        assert verify_split(store) is None  # the second process faulted the row
    assert {p.position for p in split.problems} == {position}
    assert "cannot be read" in split.problems[0].reason
    assert "occurred_on" in split.problems[0].reason


@pytest.mark.parametrize("attack", sorted({**ATTACKS, **MORE}))
def test_the_split_check_never_vouches_for_an_attacked_ledger(sqlite_cli: Cli, attack: str) -> None:
    build(sqlite_cli)
    log = Log(sqlite_cli)
    attacker = attacker_for(sqlite_cli.url)
    attacker.drop_triggers()

    {**ATTACKS, **MORE}[attack](attacker, log)

    with EventStore(sqlite_cli.url, read_only=True) as store:
        assert verify_split(store) is None
        report = verify(store, processes=2)
        assert not report.ok
        assert report == _verify_in_memory(store)

"""`ledger verify --decisions`: a correctly chained and sealed fact that no command
would have allowed is named, on both backends.

The forged facts are stored through the store's own sealing path (as an owner
restoring an export would, or anyone appending by hand), so the hash chains and
the heads are intact and plain `verify` passes; only deciding each fact again
can see them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ledger.store import EventStore, Pending, envelope, stream_id
from tests.conftest import Cli
from tests.test_forged_export import five_hundred_nil, small

CUP = "cup"


def _export_lines(cli: Cli, tmp_path: Path) -> list[dict[str, Any]]:
    out = tmp_path / "cup.jsonl"
    cli("export", str(out))
    return [json.loads(line) for line in out.read_text().splitlines()[1:] if line.strip()]


def _store_after_last(cli: Cli, lines: list[dict[str, Any]], body: dict[str, Any]) -> int:
    """Chain `body` onto the stream's last event, seal and store it; its position."""
    last = lines[-1]
    body["version"] = last["body"]["version"] + 1
    body["prev_hash"] = last["hash"]
    body["recorded_at"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    raw = json.dumps(body, separators=(",", ":")).encode()
    digest = hashlib.sha256(raw).hexdigest()
    with EventStore(cli.url) as store:
        store.save_pending(
            [Pending(stream_id(CUP), body["version"], body["event_type"], envelope(raw, digest))]
        )
        return store.max_position()


def test_an_untouched_ledger_passes_the_decisions_again(ledger_cli: Cli) -> None:
    small(ledger_cli)
    ledger_cli("correct", "ko-1", "Alpha 3-1 Beta", "--on", "2025-02-02", "--reason", "typo")
    result = ledger_cli("verify", "--decisions")

    assert result.exit_code == 0
    assert "every fact passes the decisions again" in result.stdout


def test_the_bundled_2014_ledger_passes_the_decisions_again(demo_cli: Cli) -> None:
    result = demo_cli("verify", "--decisions")

    assert "every fact passes the decisions again" in result.stdout


def test_a_sealed_second_result_for_a_played_match_is_named(
    ledger_cli: Cli, tmp_path: Path
) -> None:
    small(ledger_cli)
    lines = _export_lines(ledger_cli, tmp_path)
    forged = five_hundred_nil(lines)
    forged["event"]["score"]["regulation"] = [3, 0]  # a football score: only the match was played
    position = _store_after_last(ledger_cli, lines, forged)

    assert ledger_cli("verify").exit_code == 0  # the chain and the heads are intact
    result = ledger_cli("verify", "--decisions", ok=False)

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    first = result.stderr.splitlines()[0]
    assert re.search(rf"event 9 of stream {CUP} \(position {position}\)", first), first
    assert "the decisions refuse it" in first and "already has a result" in first


def test_a_sealed_repeat_of_a_fact_is_named(ledger_cli: Cli, tmp_path: Path) -> None:
    small(ledger_cli)
    lines = _export_lines(ledger_cli, tmp_path)
    entered = next(e["body"] for e in lines if e["body"]["event_type"] == "team_entered")
    repeat = json.loads(json.dumps(entered))
    repeat["event"]["event_id"] = "d" * 32
    position = _store_after_last(ledger_cli, lines, repeat)

    result = ledger_cli("verify", "--decisions", ok=False)

    assert result.exit_code == 2
    assert re.search(rf"position {position}\).*(repeats|already)", result.stderr), result.stderr

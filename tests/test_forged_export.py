"""A forged export cannot get round the decisions, on both backends.

Each forgery adds one event at the end of a real export, correctly hashed and
chained onto the last one (so the file's own chain is self-consistent), and
imports the file back into the ledger it came from: only the forged event is
new. The import must fail naming the forged line and the reason, and write
nothing at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

CUP = "cup"


def small(cli: Cli) -> None:
    cli("new", CUP, "--name", "County Cup", "--on", "2025-01-10")
    cli("stage", "ko", "--name", "Knockout", "--format", "knockout", "--on", "2025-01-10")
    cli("enter", "ko", "Alpha", "Beta", "Gamma", "Delta", "--on", "2025-01-10")
    cli("record", "ko", "Alpha 2-1 Beta", "--on", "2025-02-01")


def _result(lines: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e["body"] for e in lines if e["body"]["event_type"] == "result_recorded")


def five_hundred_nil(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Another result for the fixture already played: Alpha 500-0 Beta."""
    body = json.loads(json.dumps(_result(lines)))
    body["event"]["event_id"] = "f" * 32
    body["event"]["score"]["regulation"] = [500, 0]
    return body


def recorded_in_2014(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """A fact the decisions would accept, but recorded "in 2014", before the rest."""
    body = json.loads(json.dumps(lines[-1]["body"]))
    body["event_type"] = "assumption_recorded"
    body["event"] = {
        "type": "assumption_recorded",
        "event_id": "e" * 32,
        "occurred_on": "2025-02-02",
        "actor": "clerk",
        "subject": "cup",
        "assumption": "backdated",
    }
    body["recorded_at"] = "2014-03-01T12:00:00Z"
    return body


def version_99(lines: list[dict[str, Any]]) -> dict[str, Any]:
    body = recorded_in_2014(lines)
    body["recorded_at"] = lines[-1]["body"]["recorded_at"]
    body["event_version"] = 99
    return body


def wrong_type(lines: list[dict[str, Any]]) -> dict[str, Any]:
    body = recorded_in_2014(lines)
    body["recorded_at"] = lines[-1]["body"]["recorded_at"]
    body["event_type"] = "result_recorded"
    return body


FORGERIES: dict[str, tuple[Callable[[list[dict[str, Any]]], dict[str, Any]], str]] = {
    "500-0 on a fixture already played": (five_hundred_nil, "refused"),
    "recorded_at in 2014": (recorded_in_2014, "recorded time cannot go back"),
    "event_version 99": (version_99, "event_version 99"),
    "event_type of another event": (wrong_type, "does not match the event"),
}


@pytest.mark.parametrize("check", [(), ("--dry-run",)], ids=["import", "dry-run"])
@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_forged_export_fails_with_its_line_and_writes_nothing(
    ledger_cli: Cli, tmp_path: Path, forgery: str, check: tuple[str, ...]
) -> None:
    small(ledger_cli)
    export = tmp_path / "cup.jsonl"
    ledger_cli("export", str(export))
    header, *lines = [json.loads(line) for line in export.read_text().splitlines()]
    make, reason = FORGERIES[forgery]
    body = make(lines)
    body["version"] = lines[-1]["body"]["version"] + 1
    body["prev_hash"] = lines[-1]["hash"]
    raw = json.dumps(body, separators=(",", ":")).encode()
    forged = {"position": lines[-1]["position"] + 1, "hash": hashlib.sha256(raw).hexdigest()}
    header["events"] += 1
    forged_line = json.dumps(forged)[:-1] + ',"body":' + raw.decode() + "}"
    text = "\n".join([json.dumps(header), *export.read_text().splitlines()[1:], forged_line])
    forged_file = tmp_path / "forged.jsonl"
    forged_file.write_text(text + "\n")
    before = ledger_cli.log()

    refused = ledger_cli.refused("import", str(forged_file), *check)

    assert f"forged.jsonl:{len(lines) + 2}:" in refused.stderr, refused.stderr
    assert reason in refused.stderr, refused.stderr
    assert ledger_cli.log() == before
    assert ledger_cli("verify").exit_code == 0


def test_the_untouched_export_imports_as_a_repeat(ledger_cli: Cli, tmp_path: Path) -> None:
    # Control: the same file without a forgery is accepted (and appends nothing).
    small(ledger_cli)
    export = tmp_path / "cup.jsonl"
    ledger_cli("export", str(export))
    before = ledger_cli.log()

    result = ledger_cli("import", str(export))

    assert "nothing appended" in result.stdout
    assert ledger_cli.log() == before
    assert dt.datetime.fromisoformat(json.loads(before)[-1]["recorded_at"]).year >= 2025

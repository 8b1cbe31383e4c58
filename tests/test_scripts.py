"""Ledger scripts: read into commands without running the CLI, executed as one batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli

TWO_COMPETITIONS = """\
# A federation's file: two competitions, one import.
new spring --name "Spring Cup" --on 2025-03-01
stage sc --name "Spring Cup" --format knockout --rounds Final --on 2025-03-01
enter sc "Harbor City" "Old Quarry" --on 2025-03-01
new autumn --name "Autumn Cup" --on 2025-09-01
stage ac --name "Autumn Cup" --format knockout --rounds Final --on 2025-09-01
enter ac "Mill Town" "Old Quarry" --on 2025-09-01
use spring
record sc "Harbor City 2-1 Old Quarry" --round Final --on 2025-03-20
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_script_with_two_competitions_is_one_import(sqlite_cli: Cli, tmp_path: Path) -> None:
    sqlite_cli("import", str(_write(tmp_path, "season.ledger", TWO_COMPETITIONS)))
    log = json.loads(sqlite_cli.log())
    assert {e["stream"] for e in log} == {"spring", "autumn"}
    bracket = json.loads(sqlite_cli("-c", "spring", "bracket", "sc", "--json").stdout)
    assert [m["winner"] for m in bracket["matches"]] == ["Harbor City"]
    # `use spring` sent the result to the first competition, not the second.
    assert [e["type"] for e in log if e["stream"] == "autumn"].count("result_recorded") == 0


def test_a_bad_line_anywhere_writes_nothing_of_any_competition(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    bad = TWO_COMPETITIONS + 'record ac "Mill Town 1-0 Nobody FC" --round Final --on 2025-09-20\n'
    before = sqlite_cli.log()
    result = sqlite_cli.refused("import", str(_write(tmp_path, "season.ledger", bad)))
    assert "season.ledger:10:" in result.stderr
    assert sqlite_cli.log() == before


@pytest.mark.parametrize(
    "line", ["import other.ledger", "demo", "export out.jsonl", "rebuild", "standings sc"]
)
def test_a_line_that_is_not_a_fact_is_refused_with_its_line_number(
    sqlite_cli: Cli, tmp_path: Path, line: str
) -> None:
    _write(tmp_path, "other.ledger", 'new other --name "Other" --on 2025-01-01\n')
    text = TWO_COMPETITIONS + line + "\n"
    before = sqlite_cli.log()
    result = sqlite_cli.refused("import", str(_write(tmp_path, "season.ledger", text)))
    assert "season.ledger:10:" in result.stderr
    assert "script states facts only" in result.stderr
    assert sqlite_cli.log() == before
    assert not (tmp_path / "out.jsonl").exists()

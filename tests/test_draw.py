"""Draws lay out whole schedules that the existing bracket and standings views read."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from ledger.pairings import bracket_order, knockout, round_robin
from tests.conftest import Cli


def read(cli: Cli, *args: str) -> Any:
    return json.loads(cli(*args, "--json").stdout)


def matches(cli: Cli, stage: str, *args: str) -> list[dict[str, Any]]:
    return list(read(cli, "bracket", stage, *args)["matches"])


def league(cli: Cli, teams: list[str]) -> None:
    cli("new", "spring", "--name", "Spring League", "--on", "2025-07-01")
    cli("stage", "table", "--name", "Table", "--format", "group", "--on", "2025-07-01")
    cli("enter", "table", *teams, "--on", "2025-07-01")


def cup(cli: Cli, teams: list[str]) -> None:
    cli("new", "cup", "--name", "County Cup", "--on", "2025-01-01")
    cli("stage", "ko", "--name", "County Cup", "--format", "knockout", "--on", "2025-01-01")
    cli("enter", "ko", *teams, "--on", "2025-01-01")


@pytest.mark.parametrize("size", range(2, 13))
@pytest.mark.parametrize("double", [False, True])
def test_round_robin_pairs_every_team_once_or_twice_balanced(size: int, double: bool) -> None:
    teams = [f"T{n}" for n in range(size)]
    rounds = round_robin(teams, double=double)
    meetings = Counter(frozenset(pair) for pairs in rounds for pair in pairs)
    assert len(meetings) == size * (size - 1) // 2
    assert set(meetings.values()) == {2 if double else 1}
    for pairs in rounds:  # nobody plays twice in a round
        assert len({t for pair in pairs for t in pair}) == 2 * len(pairs)
    home = Counter(h for pairs in rounds for h, _ in pairs)
    games = Counter(t for pairs in rounds for pair in pairs for t in pair)
    for t in teams:
        assert abs(2 * home[t] - games[t]) <= 1, (t, home[t], games[t])
    assert len(rounds) == (size - 1 + size % 2) * (2 if double else 1)


def test_bracket_order_keeps_the_top_two_seeds_apart_until_the_final() -> None:
    assert bracket_order(8) == [1, 8, 4, 5, 2, 7, 3, 6]
    rounds = knockout([f"S{n}" for n in range(1, 7)])
    assert [len(r) for r in rounds] == [4, 2, 1]
    assert [(t.home, t.away) for t in rounds[0]] == [
        ("S1", None),
        ("S4", "S5"),
        ("S2", None),
        ("S3", "S6"),
    ]


def test_a_double_round_robin_in_dated_rounds_reads_as_standings(ledger_cli: Cli) -> None:
    teams = ["Harbor City", "Mill Town", "Old Quarry", "Riverside", "Lakeside"]
    league(ledger_cli, teams)
    ledger_cli(
        "draw",
        "table",
        "--round-robin",
        "--double",
        "--start",
        "2025-08-09",
        "--every",
        "1w",
        "--on",
        "2025-07-02",
    )
    drawn = matches(ledger_cli, "table")
    assert len(drawn) == 20  # 5 teams: 10 pairs, home and away
    assert Counter((m["home"], m["away"]) for m in drawn) == Counter(
        {(a, b): 1 for a in teams for b in teams if a != b}
    )
    # Five teams: ten rounds, one team resting in each, a week apart.
    rounds = Counter(m["round"] for m in drawn)
    assert rounds == {f"Round {n}": 2 for n in range(1, 11)}
    dates = {m["round"]: m["date"] for m in drawn}
    assert dates["Round 1"] == "2025-08-09" and dates["Round 10"] == "2025-10-11"
    home = Counter(m["home"] for m in drawn)
    assert set(home.values()) == {4}
    table = read(ledger_cli, "standings", "table")
    assert sorted(r["team"] for r in table) == sorted(teams)
    assert {
        (r["played"], r["complete"], r["best_position"], r["worst_position"]) for r in table
    } == {(0, False, 1, 5)}
    # A result typed by name lands on the drawn fixture, not a new one.
    first = next(m for m in drawn if m["round"] == "Round 1")
    ledger_cli("record", "table", f"{first['home']} 2-0 {first['away']}", "--on", first["date"])
    after = matches(ledger_cli, "table")
    assert len(after) == 20
    assert [m["score"] for m in after if m["fixture"] == first["fixture"]] == ["2-0"]


def test_a_round_robin_draws_each_group_of_a_stage(sqlite_cli: Cli) -> None:
    sqlite_cli("new", "cup", "--name", "Cup", "--on", "2025-07-01")
    sqlite_cli("stage", "gs", "--name", "Groups", "--format", "group", "--on", "2025-07-01")
    sqlite_cli("enter", "gs", "A1", "A2", "A3", "A4", "B1", "B2", "B3", "--on", "2025-07-01")
    sqlite_cli("group", "gs", "A", "A1", "A2", "A3", "A4", "--on", "2025-07-01")
    sqlite_cli("group", "gs", "B", "B1", "B2", "B3", "--on", "2025-07-01")
    sqlite_cli("draw", "gs", "--round-robin", "--on", "2025-07-02")
    drawn = matches(sqlite_cli, "gs")
    assert len(drawn) == 6 + 3
    for m in drawn:
        assert m["home"][0] == m["away"][0]  # never across groups
    groups = {r["group"] for r in read(sqlite_cli, "standings", "gs")}
    assert groups == {"A", "B"}


def test_a_sixteen_team_cup_is_one_command_and_plays_through(ledger_cli: Cli) -> None:
    teams = [f"Club {n:02d}" for n in range(1, 17)]
    cup(ledger_cli, teams)
    before = len(json.loads(ledger_cli.log()))
    ledger_cli("draw", "ko", "--knockout", "--start", "2025-02-01", "--on", "2025-01-02")
    log = json.loads(ledger_cli.log())
    added = Counter(e["type"] for e in log[before:])
    assert added == {"draw_made": 1, "fixture_scheduled": 15}
    drawn = matches(ledger_cli, "ko")
    assert Counter(m["round"] for m in drawn) == {
        "Round of 16": 8,
        "Quarter-finals": 4,
        "Semi-finals": 2,
        "Final": 1,
    }
    first = [(m["home"], m["away"]) for m in drawn if m["round"] == "Round of 16"]
    assert ("Club 01", "Club 16") in first and ("Club 02", "Club 15") in first
    final = next(m for m in drawn if m["round"] == "Final")
    assert final["home"].startswith("winner of") and final["date"] == "2025-02-22"
    # Every home side wins 1-0: the top seed lifts the cup, as the bracket shows.
    for round_name in ("Round of 16", "Quarter-finals", "Semi-finals", "Final"):
        for m in matches(ledger_cli, "ko"):
            if m["round"] == round_name:
                ledger_cli(
                    "record",
                    "ko",
                    f"{m['home_team']} 1-0 {m['away_team']}",
                    "--fixture",
                    m["fixture"],
                    "--on",
                    m["date"],
                )
    assert read(ledger_cli, "bracket", "ko")["champion"] == "Club 01"


def test_a_six_team_field_gives_the_top_two_seeds_byes(sqlite_cli: Cli) -> None:
    cup(sqlite_cli, ["A", "B", "C", "D", "E", "F"])
    sqlite_cli("draw", "ko", "--knockout", "--seeds", "C,A", "--on", "2025-01-02")
    drawn = matches(sqlite_cli, "ko")
    byes = sorted(m["home"] for m in drawn if m["status"] == "bye")
    assert byes == ["A", "C"]
    fixtures = [m for m in drawn if m["status"] == "scheduled"]
    assert len(fixtures) == 5
    quarter = sorted((m["home"], m["away"]) for m in fixtures if m["round"] == "Quarter-finals")
    # Seeds: C, A, then B, D, E, F in entry order; 3 v 6 and 4 v 5.
    assert quarter == [("B", "F"), ("D", "E")]
    semis = [m for m in fixtures if m["round"] == "Semi-finals"]
    assert sorted(m["home"] for m in semis) == ["A", "C"]
    assert all(m["away"].startswith("winner of") for m in semis)
    stages = read(sqlite_cli, "stages")
    assert (stages[0]["fixtures"], stages[0]["status"]) == (5, "not started")


def test_drawing_a_drawn_stage_is_refused_and_writes_nothing(ledger_cli: Cli) -> None:
    cup(ledger_cli, ["A", "B", "C", "D"])
    ledger_cli("draw", "ko", "--knockout", "--on", "2025-01-02")
    before = ledger_cli.log()
    # The same draw asked for again is a repeat: nothing appended.
    again = ledger_cli("draw", "ko", "--knockout", "--on", "2025-01-03")
    assert "nothing appended" in again.stdout
    error = ledger_cli.refused("draw", "ko", "--knockout", "--seeds", "D", "--on", "2025-01-03")
    assert "already drawn" in error.stderr and "--supersedes" in error.stderr
    ledger_cli.refused("draw", "ko", "--round-robin", "--on", "2025-01-03")
    ledger_cli.refused("draw", "ko", "--knockout", "--round-robin", "--on", "2025-01-03")
    ledger_cli.refused("draw", "ko", "--knockout", "--every", "soon", "--on", "2025-01-03")
    ledger_cli.refused("draw", "nowhere", "--knockout", "--on", "2025-01-03")
    assert ledger_cli.log() == before


def test_a_stage_with_fixtures_typed_by_hand_is_not_drawn(sqlite_cli: Cli) -> None:
    league(sqlite_cli, ["A", "B", "C"])
    sqlite_cli("record", "table", "A 1-0 B", "--on", "2025-07-05")
    before = sqlite_cli.log()
    assert (
        "already has 1 fixtures"
        in sqlite_cli.refused("draw", "table", "--round-robin", "--on", "2025-07-06").stderr
    )
    assert sqlite_cli.log() == before


def draw_id(cli: Cli) -> str:
    log = json.loads(cli.log())
    return str([e["event_id"] for e in log if e["type"] == "draw_made"][-1])


def test_a_draw_is_superseded_while_nothing_is_played(ledger_cli: Cli) -> None:
    cup(ledger_cli, ["A", "B", "C", "D", "E", "F"])
    ledger_cli("draw", "ko", "--knockout", "--on", "2025-01-02")
    first = draw_id(ledger_cli)
    ledger_cli(
        "draw",
        "ko",
        "--knockout",
        "--seeds",
        "F,E",
        "--supersedes",
        first[:12],
        "--on",
        "2025-01-03",
    )
    now = matches(ledger_cli, "ko")
    assert sorted(m["home"] for m in now if m["status"] == "bye") == ["E", "F"]
    assert len([m for m in now if m["status"] == "scheduled"]) == 5
    # The first draw's fixtures are gone, and its ids are never reused.
    old = {m["fixture"] for m in matches(ledger_cli, "ko", "--as-of", "2025-01-02")}
    assert not old & {m["fixture"] for m in now} - {None}
    assert sorted(
        m["home"]
        for m in matches(ledger_cli, "ko", "--as-of", "2025-01-02")
        if m["status"] == "bye"
    ) == ["A", "B"]
    ledger_cli("verify")
    # Once a match of the standing draw has a result, the draw stands.
    second = draw_id(ledger_cli)
    quarter = next(m for m in now if m["round"] == "Quarter-finals" and m["status"] == "scheduled")
    ledger_cli(
        "record",
        "ko",
        f"{quarter['home']} 2-1 {quarter['away']}",
        "--fixture",
        quarter["fixture"],
        "--on",
        "2025-02-01",
    )
    before = ledger_cli.log()
    error = ledger_cli.refused(
        "draw", "ko", "--knockout", "--supersedes", second[:12], "--on", "2025-02-02"
    )
    assert quarter["fixture"] in error.stderr and "results" in error.stderr
    # Superseding an older draw than the standing one is refused too.
    ledger_cli.refused("draw", "ko", "--knockout", "--supersedes", first[:12], "--on", "2025-02-02")
    assert ledger_cli.log() == before

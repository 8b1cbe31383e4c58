"""The life of a fact, end to end through the `ledger` CLI: the last word stands.

Every decision fact (result, advancement, forfeit, void, group, withdrawal, slot,
qualifier, berth change, lots, alias) can be replaced by a later fact that names it
(`--supersedes ID`, full or the short id `ledger log` prints) or withdrawn with
`ledger retract`. Which version stands follows ledger order; `--known-at` before the
later fact still shows the earlier one. A fact that contradicts a standing one
without `--supersedes` is refused in one line that says what to supersede, and a
refused command leaves the log byte-identical.

Each test builds a small competition by hand and checks the ledger's own reads
(`standings`, `bracket`, `qualifiers`, `audit`, `log`) against values worked out
from the results typed in the test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

ALPHA = "Alpha FC"
BETA = "Beta United"
GAMMA = "Gamma Town"
DELTA = "Delta Rovers"
EPSILON = "Epsilon Athletic"
OMEGA = "Omega Athletic"
FOUR = (ALPHA, BETA, GAMMA, DELTA)

START = "2025-01-01"
MATCH_DAY = "2025-02-01"
FINAL_DAY = "2025-02-10"

EVENT_ID = re.compile(r"^[0-9a-f]{32}$")


# --- reading what the ledger says ------------------------------------------------


def log_entries(cli: Cli) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(cli.log())
    return entries


def last_event(cli: Cli, type_: str, **where: Any) -> dict[str, Any]:
    """The latest log entry of a type whose event carries the given fields."""
    found = [
        e
        for e in log_entries(cli)
        if e["type"] == type_ and all(e["event"].get(k) == v for k, v in where.items())
    ]
    assert found, f"no {type_} {where} in the log"
    return found[-1]


def last_id(cli: Cli, type_: str, **where: Any) -> str:
    event_id: str = last_event(cli, type_, **where)["event_id"]
    return event_id


def short(event_id: str) -> str:
    """The short id `ledger log` prints in its table."""
    return event_id[:12]


def known_at(cli: Cli, event_id: str) -> str:
    """The time the ledger recorded an event: a `--known-at` that still sees it."""
    recorded: str = next(e for e in log_entries(cli) if e["event_id"] == event_id)["recorded_at"]
    return recorded


def count(cli: Cli, type_: str) -> int:
    return sum(1 for e in log_entries(cli) if e["type"] == type_)


def table(cli: Cli, stage: str, *options: str) -> dict[str, dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(cli("standings", stage, "--json", *options).stdout)
    return {row["team"]: row for row in rows}


def bracket(cli: Cli, stage: str, *options: str) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(cli("bracket", stage, "--json", *options).stdout)
    return shown


def match(cli: Cli, stage: str, fixture: str, *options: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        m for m in bracket(cli, stage, *options)["matches"] if m["fixture"] == fixture
    ]
    assert len(found) == 1, f"fixture {fixture}: {found}"
    return found[0]


def matches_in_round(cli: Cli, stage: str, round_: str) -> list[dict[str, Any]]:
    return [m for m in bracket(cli, stage)["matches"] if m["round"] == round_]


def qualifiers(cli: Cli, path: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(cli("qualifiers", "--json").stdout)
    return [row for row in rows if row["path"] == path]


def audited_events(cli: Cli, team: str) -> set[str]:
    """Every event id `audit TEAM --json` cites, anywhere in its answer."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and EVENT_ID.match(node):
            found.add(node)

    walk(json.loads(cli("audit", team, "--json").stdout))
    return found


def refused(cli: Cli, *args: str) -> str:
    """Run a command that must be refused and write nothing; return its error line."""
    before = cli.log()
    result = cli.refused(*args)
    assert cli.log() == before, f"ledger {' '.join(args)} changed the log"
    return result.stderr.strip()


# --- small competitions, typed as a clerk would ------------------------------------


def new_competition(cli: Cli) -> None:
    cli("new", "lg", "--name", "League", "--on", START)


def league(cli: Cli, teams: tuple[str, ...] = FOUR, *, tiebreaks: str | None = None) -> None:
    """Competition `lg` with a group stage `lg` whose group A holds `teams`."""
    new_competition(cli)
    cli("stage", "lg", "--name", "League", "--format", "group", "--on", START)
    if tiebreaks is not None:
        cli("rules", "lg", "--tiebreaks", tiebreaks, "--on", START)
    cli("enter", "lg", *teams, "--on", START)
    cli("group", "lg", "A", *teams, "--on", START)


def cup(cli: Cli, *, path: bool = False) -> None:
    """Competition `lg` with a knockout stage `cup`: sf1 Alpha v Beta, sf2 Gamma v Delta,
    and `final` between their winners. With `path`, path `p` has one berth."""
    new_competition(cli)
    if path:
        cli("path", "p", "--name", "Path", "--berths", "1", "--on", START)
    cli(
        "stage",
        "cup",
        "--name",
        "Cup",
        "--format",
        "knockout",
        "--rounds",
        "Semi-finals,Final",
        *(["--path", "p"] if path else []),
        "--on",
        START,
    )
    cli("enter", "cup", *FOUR, "--on", START)
    for fixture, home, away, kickoff in (
        ("sf1", ALPHA, BETA, MATCH_DAY),
        ("sf2", GAMMA, DELTA, MATCH_DAY),
        ("final", "winner:sf1", "winner:sf2", FINAL_DAY),
    ):
        round_ = "Final" if fixture == "final" else "Semi-finals"
        cli(
            "schedule",
            "cup",
            home,
            away,
            "--round",
            round_,
            "--fixture",
            fixture,
            "--kickoff",
            kickoff,
            "--on",
            START,
        )


def round_robin_with_two_identical_leaders(cli: Cli) -> None:
    """A complete group: Alpha and Beta level on every criterion (7 pts, 4-1, drew
    1-1 with each other); Delta (1 pt, 0-2) ahead of Gamma (1 pt, 0-4) on goal difference."""
    league(cli)
    for line in (
        f"{ALPHA} 1-1 {BETA}",
        f"{ALPHA} 2-0 {GAMMA}",
        f"{BETA} 2-0 {GAMMA}",
        f"{ALPHA} 1-0 {DELTA}",
        f"{BETA} 1-0 {DELTA}",
        f"{GAMMA} 0-0 {DELTA}",
    ):
        cli("record", "lg", line, "--on", MATCH_DAY)


# --- a. a voided match recorded again ----------------------------------------------


def test_recording_a_voided_match_again_with_the_same_score_takes_effect(
    ledger_cli: Cli,
) -> None:
    cli = ledger_cli
    league(cli)
    cli("record", "lg", f"{ALPHA} 2-0 {BETA}", "--on", MATCH_DAY)
    cli("void", last_id(cli, "result_recorded"), "--reason", "replay ordered", "--on", MATCH_DAY)
    assert table(cli, "lg")[ALPHA]["played"] == 0

    cli("record", "lg", f"{ALPHA} 2-0 {BETA}", "--on", MATCH_DAY)

    assert count(cli, "result_recorded") == 2
    rows = table(cli, "lg")
    alpha, beta = rows[ALPHA], rows[BETA]
    assert (alpha["played"], alpha["won"], alpha["points"], alpha["goals_for"]) == (1, 1, 3, 2)
    assert (beta["played"], beta["lost"], beta["points"], beta["goals_against"]) == (1, 1, 0, 2)


def test_recording_a_voided_tie_again_with_another_score_takes_effect(ledger_cli: Cli) -> None:
    cli = ledger_cli
    cup(cli)
    cli("record", "cup", f"{ALPHA} 2-0 {BETA}", "--on", MATCH_DAY)
    cli("void", last_id(cli, "result_recorded"), "--reason", "replay ordered", "--on", MATCH_DAY)
    assert match(cli, "cup", "sf1")["status"] == "void"

    cli("record", "cup", f"{ALPHA} 1-3 {BETA}", "--on", MATCH_DAY)

    sf1 = match(cli, "cup", "sf1")
    assert sf1["status"] == "played"
    assert sf1["regulation"] == [1, 3]
    assert sf1["winner"] == BETA
    assert match(cli, "cup", "final")["home_team"] == BETA


def test_a_void_dated_after_the_match_does_not_hide_the_result_recorded_after_it(
    ledger_cli: Cli,
) -> None:
    cli = ledger_cli
    cup(cli)
    cli("record", "cup", f"{ALPHA} 2-0 {BETA}", "--on", MATCH_DAY)
    cli("void", last_id(cli, "result_recorded"), "--reason", "replay ordered", "--on", "2025-02-05")
    void_id = last_id(cli, "result_voided")

    # The replay is played and recorded with the original match date.
    cli("record", "cup", f"{ALPHA} 2-0 {BETA}", "--on", MATCH_DAY)

    sf1 = match(cli, "cup", "sf1")
    assert (sf1["status"], sf1["regulation"], sf1["winner"]) == ("played", [2, 0], ALPHA)
    assert match(cli, "cup", "final")["home_team"] == ALPHA
    # As the ledger knew it when the void was recorded, the match was void.
    before = match(cli, "cup", "sf1", "--known-at", known_at(cli, void_id))
    assert before["status"] == "void"
    assert before["winner"] is None


# --- b. one match, whichever way it is typed ------------------------------------------


def test_the_same_match_typed_home_and_away_swapped_is_refused_as_already_recorded(
    ledger_cli: Cli,
) -> None:
    cli = ledger_cli
    league(cli)
    cli("record", "lg", f"{ALPHA} 2-0 {BETA}", "--on", MATCH_DAY)

    refused(cli, "record", "lg", f"{BETA} 0-2 {ALPHA}", "--on", MATCH_DAY)

    rows = table(cli, "lg")
    assert (rows[ALPHA]["played"], rows[ALPHA]["points"]) == (1, 3)
    assert (rows[BETA]["played"], rows[BETA]["points"]) == (1, 0)


def test_a_swapped_line_with_another_score_is_refused_naming_the_standing_result(
    ledger_cli: Cli,
) -> None:
    cli = ledger_cli
    league(cli)
    cli("record", "lg", f"{ALPHA} 2-0 {BETA}", "--on", MATCH_DAY)
    result_id = last_id(cli, "result_recorded")

    error = refused(cli, "record", "lg", f"{BETA} 1-2 {ALPHA}", "--on", MATCH_DAY)

    assert short(result_id) in error
    assert table(cli, "lg")[ALPHA]["goals_for"] == 2


def test_a_second_meeting_on_the_same_day_needs_the_fixture_it_was_scheduled_as(
    ledger_cli: Cli,
) -> None:
    cli = ledger_cli
    league(cli)
    cli("record", "lg", f"{ALPHA} 2-0 {BETA}", "--on", MATCH_DAY)

    # Without a fixture it reads as the match already recorded, with another score.
    refused(cli, "record", "lg", f"{BETA} 1-1 {ALPHA}", "--on", MATCH_DAY)

    cli(
        "schedule",
        "lg",
        BETA,
        ALPHA,
        "--group",
        "A",
        "--fixture",
        "lg-replay",
        "--kickoff",
        MATCH_DAY,
        "--on",
        START,
    )
    cli("record", "lg", f"{BETA} 1-1 {ALPHA}", "--fixture", "lg-replay", "--on", MATCH_DAY)

    rows = table(cli, "lg")
    # Alpha: won 2-0, drew 1-1. Beta: lost 0-2, drew 1-1.
    alpha, beta = rows[ALPHA], rows[BETA]
    assert (alpha["played"], alpha["won"], alpha["drawn"], alpha["points"]) == (2, 1, 1, 4)
    assert (alpha["goals_for"], alpha["goals_against"]) == (3, 1)
    assert (beta["played"], beta["lost"], beta["drawn"], beta["points"]) == (2, 1, 1, 1)
    assert (beta["goals_for"], beta["goals_against"]) == (1, 3)


def _two_round_cup(cli: Cli) -> None:
    new_competition(cli)
    cli(
        "stage",
        "ko",
        "--name",
        "Festival Cup",
        "--format",
        "knockout",
        "--rounds",
        "Round 1,Final",
        "--on",
        START,
    )
    cli("enter", "ko", ALPHA, BETA, "--on", START)
    cli("record", "ko", f"{ALPHA} 1-0 {BETA}", "--round", "Round 1", "--on", MATCH_DAY)


def test_a_final_between_teams_that_met_in_the_first_round_gets_its_own_fixture(
    ledger_cli: Cli,
) -> None:
    cli = ledger_cli
    _two_round_cup(cli)

    # Same pair, same day, same winner: a festival final, not a repeat of round 1.
    cli("record", "ko", f"{ALPHA} 3-1 {BETA}", "--round", "Final", "--on", MATCH_DAY)

    (first,) = matches_in_round(cli, "ko", "Round 1")
    (final,) = matches_in_round(cli, "ko", "Final")
    assert first["regulation"] == [1, 0]
    assert final["regulation"] == [3, 1]
    assert first["fixture"] != final["fixture"]
    assert bracket(cli, "ko")["champion"] == ALPHA


def test_a_result_for_the_final_matches_the_scheduled_final_not_the_first_round(
    ledger_cli: Cli,
) -> None:
    cli = ledger_cli
    _two_round_cup(cli)
    cli(
        "schedule",
        "ko",
        ALPHA,
        BETA,
        "--round",
        "Final",
        "--fixture",
        "ko-final",
        "--kickoff",
        MATCH_DAY,
        "--on",
        START,
    )

    cli("record", "ko", f"{ALPHA} 3-1 {BETA}", "--round", "Final", "--on", MATCH_DAY)

    assert match(cli, "ko", "ko-final")["regulation"] == [3, 1]
    (first,) = matches_in_round(cli, "ko", "Round 1")
    assert first["regulation"] == [1, 0]
    assert len(bracket(cli, "ko")["matches"]) == 2


# --- c. advancements superseded; corrections with extra time and penalties --------


def test_an_advancement_decision_can_be_superseded(ledger_cli: Cli) -> None:
    cli = ledger_cli
    cup(cli)
    cli("record", "cup", f"{GAMMA} 1-1 {DELTA}", "--on", MATCH_DAY)
    cli("advance", "sf2", GAMMA, "--method", "decision", "--on", "2025-02-02")
    first = last_id(cli, "advancement_decided")
    assert match(cli, "cup", "sf2")["winner"] == GAMMA

    cli(
        "advance",
        "sf2",
        DELTA,
        "--method",
        "decision",
        "--supersedes",
        first,
        "--source",
        "appeal board",
        "--on",
        "2025-02-04",
    )

    assert match(cli, "cup", "sf2")["winner"] == DELTA
    assert match(cli, "cup", "final")["away_team"] == DELTA
    then = known_at(cli, first)
    assert match(cli, "cup", "sf2", "--known-at", then)["winner"] == GAMMA
    assert match(cli, "cup", "final", "--known-at", then)["away_team"] == GAMMA


def test_a_contradicting_advancement_without_supersedes_is_refused_naming_the_first(
    ledger_cli: Cli,
) -> None:
    cli = ledger_cli
    cup(cli)
    cli("record", "cup", f"{GAMMA} 1-1 {DELTA}", "--on", MATCH_DAY)
    cli("advance", "sf2", GAMMA, "--method", "decision", "--on", "2025-02-02")
    first = last_id(cli, "advancement_decided")

    error = refused(cli, "advance", "sf2", DELTA, "--method", "decision", "--on", "2025-02-04")

    assert short(first) in error
    assert match(cli, "cup", "sf2")["winner"] == GAMMA


def test_correct_keeps_regulation_extra_time_and_penalties_apart(ledger_cli: Cli) -> None:
    cli = ledger_cli
    cup(cli)
    cli("record", "cup", f"{GAMMA} 1-1 {DELTA}", "--on", MATCH_DAY)

    cli(
        "correct",
        last_id(cli, "result_recorded"),
        f"{GAMMA} 1-1 {DELTA}",
        "--aet",
        "2-2",
        "--pens",
        "4-3",
        "--reason",
        "match report: extra time and penalties were played",
        "--on",
        "2025-02-03",
    )

    sf2 = match(cli, "cup", "sf2")
    assert sf2["regulation"] == [1, 1]
    assert sf2["after_extra_time"] == [2, 2]
    assert sf2["penalties"] == [4, 3]
    assert sf2["winner"] == GAMMA
    assert match(cli, "cup", "final")["away_team"] == GAMMA


def test_correct_by_fixture_id_corrects_its_standing_result(ledger_cli: Cli) -> None:
    cli = ledger_cli
    cup(cli)
    cli("record", "cup", f"{ALPHA} 2-0 {BETA}", "--on", MATCH_DAY)
    cli(
        "correct",
        last_id(cli, "result_recorded"),
        f"{ALPHA} 3-0 {BETA}",
        "--reason",
        "referee's report",
        "--on",
        "2025-02-02",
    )

    cli("correct", "sf1", f"{ALPHA} 1-2 {BETA}", "--reason", "appeal", "--on", "2025-02-03")

    sf1 = match(cli, "cup", "sf1")
    assert (sf1["regulation"], sf1["winner"]) == ([1, 2], BETA)
    assert match(cli, "cup", "final")["home_team"] == BETA


# --- d. forfeits -------------------------------------------------------------------


def _forfeited_to_alpha(cli: Cli) -> str:
    """sf1 played 0-2, then awarded 3-0 to Alpha by forfeit; the forfeit's event id."""
    cup(cli)
    cli("record", "cup", f"{ALPHA} 0-2 {BETA}", "--on", MATCH_DAY)
    result_id = last_id(cli, "result_recorded")
    cli(
        "forfeit",
        "sf1",
        ALPHA,
        "--reason",
        "Beta United fielded an ineligible player",
        "--score",
        "3-0",
        "--supersedes",
        short(result_id),
        "--on",
        "2025-02-05",
    )
    return last_id(cli, "forfeit_awarded")


def test_a_forfeit_superseding_a_result_by_its_short_id_shows_the_awarded_result(
    ledger_cli: Cli,
) -> None:
    cli = ledger_cli
    _forfeited_to_alpha(cli)

    sf1 = match(cli, "cup", "sf1")
    assert sf1["status"] == "forfeit"
    assert sf1["winner"] == ALPHA
    assert sf1["regulation"] == [3, 0]
    assert sf1["score"] != "0-2"
    assert match(cli, "cup", "final")["home_team"] == ALPHA


def test_a_contradicting_forfeit_is_refused_unless_it_supersedes_the_first(
    ledger_cli: Cli,
) -> None:
    cli = ledger_cli
    forfeit_id = _forfeited_to_alpha(cli)

    error = refused(cli, "forfeit", "sf1", BETA, "--reason", "appeal upheld", "--on", "2025-02-09")
    assert short(forfeit_id) in error
    assert match(cli, "cup", "sf1")["winner"] == ALPHA

    cli(
        "forfeit",
        "sf1",
        BETA,
        "--reason",
        "appeal upheld",
        "--supersedes",
        short(forfeit_id),
        "--on",
        "2025-02-09",
    )

    sf1 = match(cli, "cup", "sf1")
    assert (sf1["status"], sf1["winner"]) == ("forfeit", BETA)
    assert sf1["regulation"] != [3, 0]
    assert match(cli, "cup", "final")["home_team"] == BETA


# --- e. group membership -----------------------------------------------------------


@pytest.mark.parametrize("superseding", [False, True], ids=["plain", "superseding"])
def test_a_group_change_that_drops_teams_with_results_is_refused_naming_them(
    demo_cli: Cli, superseding: bool
) -> None:
    cli = demo_cli
    group_a = last_id(cli, "group_defined", stage="usssa-groups", group="A")
    extra = ["--supersedes", short(group_a)] if superseding else []

    error = refused(cli, "group", "usssa-groups", "A", "Colorado Rovers", "Boulevard", *extra)

    # Comets Express and CO Sporting Premier each played three group A matches.
    assert "Comets Express" in error
    assert "CO Sporting Premier" in error


def test_a_group_redefined_with_supersedes_keeping_every_team_with_results_is_accepted(
    sqlite_cli: Cli,
) -> None:
    cli = sqlite_cli
    league(cli, (*FOUR, EPSILON))
    group_a = last_id(cli, "group_defined", group="A")
    cli("record", "lg", f"{ALPHA} 2-0 {BETA}", "--on", MATCH_DAY)
    cli("record", "lg", f"{GAMMA} 1-1 {DELTA}", "--on", MATCH_DAY)

    # Epsilon never played: it may leave the group, but only by superseding the group.
    error = refused(cli, "group", "lg", "A", *FOUR, "--on", "2025-01-15")
    assert short(group_a) in error

    cli("group", "lg", "A", *FOUR, "--supersedes", short(group_a), "--on", "2025-01-15")

    rows = table(cli, "lg")
    assert set(rows) == set(FOUR)
    assert [rows[t]["points"] for t in FOUR] == [3, 0, 1, 1]
    assert [rows[t]["goals_for"] for t in FOUR] == [2, 0, 1, 1]


# --- f. lots -----------------------------------------------------------------------


def test_lots_are_refused_for_teams_the_rules_already_separate(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    round_robin_with_two_identical_leaders(cli)

    error = refused(cli, "lots", "lg", DELTA, GAMMA, "--group", "A", "--on", "2025-02-03")

    assert DELTA in error and GAMMA in error
    rows = table(cli, "lg")
    assert (rows[DELTA]["position"], rows[GAMMA]["position"]) == (3, 4)


def test_lots_between_teams_level_on_every_criterion_order_the_table(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    round_robin_with_two_identical_leaders(cli)
    rows = table(cli, "lg")
    assert rows[ALPHA]["position"] == rows[BETA]["position"] == 1
    assert rows[ALPHA]["lots_pending"] and rows[BETA]["lots_pending"]

    cli("lots", "lg", BETA, ALPHA, "--group", "A", "--on", "2025-02-03")

    rows = table(cli, "lg")
    assert (rows[BETA]["position"], rows[ALPHA]["position"]) == (1, 2)
    assert rows[ALPHA]["tiebreak_step"] == rows[BETA]["tiebreak_step"] == "lots"
    assert not rows[ALPHA]["lots_pending"] and not rows[BETA]["lots_pending"]
    assert (rows[DELTA]["position"], rows[GAMMA]["position"]) == (3, 4)


# --- g. withdrawals ----------------------------------------------------------------


def _cup_for_the_berth(cli: Cli) -> None:
    cup(cli, path=True)
    cli("slot", "p", "champion:cup", "--method", "Cup winner", "--on", START)


def _candidates(cli: Cli) -> set[str]:
    (row,) = qualifiers(cli, "p")
    return set(row["candidates"])


def test_a_withdrawal_with_walkovers_sends_the_opponent_through(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    _cup_for_the_berth(cli)
    assert _candidates(cli) == set(FOUR)

    cli(
        "withdraw",
        "cup",
        "beta united",
        "--reason",
        "club folded",
        "--fixtures",
        "walkover",
        "--on",
        "2025-01-20",
    )
    withdrawal = last_id(cli, "team_withdrew")

    sf1 = match(cli, "cup", "sf1")
    assert sf1["winner"] == ALPHA
    assert sf1["status"] != "scheduled"
    assert match(cli, "cup", "final")["home_team"] == ALPHA
    assert _candidates(cli) == {ALPHA, GAMMA, DELTA}
    assert withdrawal in audited_events(cli, BETA)


def test_a_withdrawal_without_fixtures_option_gives_walkovers(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    _cup_for_the_berth(cli)

    cli("withdraw", "cup", GAMMA, "--reason", "did not travel", "--on", "2025-01-20")

    sf2 = match(cli, "cup", "sf2")
    assert sf2["winner"] == DELTA
    assert match(cli, "cup", "final")["away_team"] == DELTA


def test_a_withdrawal_with_cancelled_fixtures_shows_them_cancelled(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    _cup_for_the_berth(cli)

    cli(
        "withdraw",
        "cup",
        BETA,
        "--reason",
        "club folded",
        "--fixtures",
        "cancelled",
        "--on",
        "2025-01-20",
    )

    sf1 = match(cli, "cup", "sf1")
    assert sf1["status"] == "cancelled"
    assert sf1["winner"] is None
    assert BETA not in _candidates(cli)
    assert last_id(cli, "team_withdrew") in audited_events(cli, BETA)


def test_a_withdrawal_names_the_team_by_an_alias_like_every_other_command(
    sqlite_cli: Cli,
) -> None:
    cli = sqlite_cli
    _cup_for_the_berth(cli)
    cli("alias", "Beta Utd", BETA, "--on", START)

    cli("withdraw", "cup", "BETA UTD", "--reason", "club folded", "--on", "2025-01-20")

    assert match(cli, "cup", "sf1")["winner"] == ALPHA
    assert _candidates(cli) == {ALPHA, GAMMA, DELTA}
    assert last_id(cli, "team_withdrew") in audited_events(cli, BETA)


# --- h. berth chains ---------------------------------------------------------------


def test_a_reallocated_berth_can_be_declined_again_and_each_team_audits_the_chain(
    ledger_cli: Cli,
) -> None:
    cli = ledger_cli
    new_competition(cli)
    cli("path", "p", "--name", "Path", "--berths", "1", "--on", START)
    cli("qualify", "p", ALPHA, "--method", "Regional champion", "--on", "2025-03-01")
    cli("berth", "decline", "p", ALPHA, "--reason", "travel costs", "--on", "2025-03-02")
    alpha_declined = last_id(cli, "berth_declined")
    # Omega is entered in no stage: the reallocation alone makes it known.
    cli(
        "berth",
        "reallocate",
        "p",
        ALPHA,
        OMEGA,
        "--reason",
        "Alpha FC declined",
        "--on",
        "2025-03-03",
    )
    reallocated = last_id(cli, "berth_reallocated")
    assert [row["team"] for row in qualifiers(cli, "p")] == [OMEGA]

    cli("berth", "decline", "p", OMEGA, "--reason", "no funds", "--on", "2025-03-04")
    omega_declined = last_id(cli, "berth_declined")

    assert {alpha_declined, reallocated} <= audited_events(cli, ALPHA)
    assert {reallocated, omega_declined} <= audited_events(cli, OMEGA)
    assert not {ALPHA, OMEGA} & {row["team"] for row in qualifiers(cli, "p")}


def test_reallocating_from_a_team_that_holds_no_berth_is_refused(ledger_cli: Cli) -> None:
    cli = ledger_cli
    new_competition(cli)
    cli("path", "p", "--name", "Path", "--berths", "1", "--on", START)
    cli("stage", "ko", "--name", "Cup", "--format", "knockout", "--rounds", "Final", "--on", START)
    cli("enter", "ko", GAMMA, DELTA, "--on", START)
    cli("qualify", "p", ALPHA, "--method", "Regional champion", "--on", "2025-03-01")

    error = refused(
        cli, "berth", "reallocate", "p", GAMMA, DELTA, "--reason", "x", "--on", "2025-03-05"
    )
    assert GAMMA in error

    # Once Alpha's berth has gone to Omega, Alpha holds nothing to pass on.
    cli("berth", "decline", "p", ALPHA, "--reason", "travel costs", "--on", "2025-03-02")
    cli("berth", "reallocate", "p", ALPHA, OMEGA, "--reason", "declined", "--on", "2025-03-03")
    error = refused(
        cli, "berth", "reallocate", "p", ALPHA, DELTA, "--reason", "x", "--on", "2025-03-05"
    )
    assert ALPHA in error
    assert [row["team"] for row in qualifiers(cli, "p")] == [OMEGA]


# --- i. slots ----------------------------------------------------------------------


def _no_leftover_for_sf1(rows: list[dict[str, Any]]) -> None:
    assert not any("sf1" in (row["slot"] or "") for row in rows), rows
    assert not any(row["oversubscribed"] for row in rows), rows


def test_a_retracted_slot_leaves_no_pending_entry(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    cup(cli, path=True)
    cli("slot", "p", "winner:sf1", "--method", "Cup winner", "--on", START)
    wrong = last_id(cli, "slot_filled")

    cli("retract", wrong, "--reason", "the berth goes to the final's winner", "--on", "2025-01-05")

    rows = qualifiers(cli, "p")
    _no_leftover_for_sf1(rows)
    assert not any(row["status"] == "pending" for row in rows), rows

    cli("slot", "p", "winner:final", "--method", "Cup winner", "--on", "2025-01-05")
    (row,) = [r for r in qualifiers(cli, "p") if r["status"] == "pending"]
    assert set(row["candidates"]) == set(FOUR)
    _no_leftover_for_sf1(qualifiers(cli, "p"))


def test_a_slot_can_be_repointed_by_superseding_it(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    cup(cli, path=True)
    cli("slot", "p", "winner:sf1", "--method", "Cup winner", "--on", START)
    wrong = last_id(cli, "slot_filled")

    cli(
        "slot",
        "p",
        "winner:final",
        "--method",
        "Cup winner",
        "--supersedes",
        short(wrong),
        "--on",
        "2025-01-05",
    )

    rows = qualifiers(cli, "p")
    _no_leftover_for_sf1(rows)
    (row,) = rows
    assert row["status"] == "pending"
    assert "final" in row["slot"]
    assert set(row["candidates"]) == set(FOUR)


def test_a_retracted_advancement_leaves_the_tie_awaiting_a_decision(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    cup(cli)
    cli("record", "cup", f"{GAMMA} 1-1 {DELTA}", "--on", MATCH_DAY)
    cli("advance", "sf2", GAMMA, "--method", "unknown", "--on", "2025-02-02")

    cli("retract", short(last_id(cli, "advancement_decided")), "--reason", "source withdrawn")

    sf2 = match(cli, "cup", "sf2")
    assert (sf2["status"], sf2["winner"]) == ("awaiting_decision", None)


# --- j. a result known only by its winner -------------------------------------------


def _score_is_unknown(m: dict[str, Any]) -> None:
    assert m["regulation"] is None, m
    assert m["score"] is None or "unknown" in m["score"].lower(), m


def test_a_result_known_only_by_its_winner_decides_the_bracket_and_the_berth(
    sqlite_cli: Cli,
) -> None:
    cli = sqlite_cli
    cup(cli, path=True)
    cli("slot", "p", "winner:final", "--method", "Cup winner", "--on", START)

    cli("record", "cup", f"{ALPHA} v {BETA}", "--winner", ALPHA, "--on", MATCH_DAY)
    cli("record", "cup", f"{GAMMA} 2-1 {DELTA}", "--on", MATCH_DAY)

    sf1 = match(cli, "cup", "sf1")
    assert (sf1["winner"], sf1["status"]) == (ALPHA, "played")
    _score_is_unknown(sf1)
    final = match(cli, "cup", "final")
    assert (final["home_team"], final["away_team"]) == (ALPHA, GAMMA)

    cli("record", "cup", f"{ALPHA} v {GAMMA}", "--winner", GAMMA, "--on", FINAL_DAY)

    _score_is_unknown(match(cli, "cup", "final"))
    assert bracket(cli, "cup")["champion"] == GAMMA
    assert [row["team"] for row in qualifiers(cli, "p")] == [GAMMA]


def test_a_result_known_only_by_its_winner_adds_no_goals_in_a_group(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    league(cli)
    cli("record", "lg", f"{ALPHA} 2-1 {GAMMA}", "--on", MATCH_DAY)

    cli("record", "lg", f"{ALPHA} v {BETA}", "--winner", ALPHA, "--on", "2025-02-08")

    rows = table(cli, "lg")
    # Only Alpha 2-1 Gamma has goals; the Alpha v Beta result adds none to either side.
    assert (rows[ALPHA]["goals_for"], rows[ALPHA]["goals_against"]) == (2, 1)
    assert (rows[BETA]["goals_for"], rows[BETA]["goals_against"]) == (0, 0)
    assert rows[BETA]["goal_difference"] == 0


# --- k. fair play never recorded ----------------------------------------------------

FAIR_PLAY_RULES = "points,goal_difference,goals_for,fair_play,lots"


def test_fair_play_without_cards_is_not_recorded_rather_than_level_at_zero(
    sqlite_cli: Cli,
) -> None:
    cli = sqlite_cli
    league(cli, tiebreaks=FAIR_PLAY_RULES)
    # Alpha and Beta: 3 pts, +1, one goal each; no cards recorded anywhere.
    cli("record", "lg", f"{ALPHA} 1-0 {GAMMA}", "--on", MATCH_DAY)
    cli("record", "lg", f"{BETA} 1-0 {DELTA}", "--on", MATCH_DAY)

    rows = table(cli, "lg")
    for team in (ALPHA, BETA):
        row = rows[team]
        assert row["position"] == 1
        sentence = row["tiebreak"].lower()
        assert "fair play" in sentence, row
        assert "not recorded" in sentence, row
        assert row["tiebreak_step"] != "lots", row
        assert not re.search(r"level on fair play|fair play[^.;]*\b0\b", sentence), row


def test_recorded_cards_separate_teams_level_up_to_fair_play(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    league(cli, tiebreaks=FAIR_PLAY_RULES)
    cli("record", "lg", f"{ALPHA} 1-0 {GAMMA}", "--on", MATCH_DAY)
    cli("record", "lg", f"{BETA} 1-0 {DELTA}", "--on", MATCH_DAY)
    beta_match = last_event(cli, "result_recorded", teams=[BETA, DELTA])["event"]["fixture"]
    alpha_match = last_event(cli, "result_recorded", teams=[ALPHA, GAMMA])["event"]["fixture"]

    cli("cards", beta_match, BETA, "--yellow", "2", "--on", MATCH_DAY)
    cli("cards", alpha_match, ALPHA, "--yellow", "0", "--on", MATCH_DAY)

    rows = table(cli, "lg")
    # Two yellows for Beta, none for Alpha: Alpha is ahead on fair play.
    assert (rows[ALPHA]["position"], rows[BETA]["position"]) == (1, 2)
    assert "fair play" in rows[BETA]["tiebreak"].lower()


# --- l. the store is the one the command names ---------------------------------------


@pytest.mark.parametrize(
    "variable",
    ["LEDGER_SQLITE_DBNAME", "LEDGER_PERSISTENCE_MODULE"],
)
def test_library_environment_variables_do_not_redirect_the_store(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    cli = sqlite_cli
    other = tmp_path / "other.db"
    value = str(other) if variable == "LEDGER_SQLITE_DBNAME" else "eventsourcing.popo"
    monkeypatch.setenv(variable, value)

    league(cli, (ALPHA, BETA))
    cli("record", "lg", f"{ALPHA} 2-0 {BETA}", "--on", MATCH_DAY)

    types = [e["type"] for e in log_entries(cli)]
    assert types.count("team_entered") == 2
    assert types.count("result_recorded") == 1
    assert table(cli, "lg")[ALPHA]["points"] == 3
    assert not other.exists()
    monkeypatch.delenv(variable)
    assert [e["type"] for e in log_entries(cli)] == types

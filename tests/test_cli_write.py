"""Writing facts through the `ledger` CLI, end to end, on SQLite and PostgreSQL.

A small county cup is built command by command, the way a clerk would type it;
the resulting `ledger log --json` is the specification of what each command
appends. Repeating a command appends nothing; a refused command prints one line
on stderr, exits non-zero and leaves the log byte-identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import click
import msgspec
import pytest
from click.testing import CliRunner

from events.catalogue import BY_TAG, Body, encode_body, from_builtins
from events.rules import PRESETS
from ledger.cli import cli as ledger_cli_group
from tests.conftest import Cli

GENESIS = "0" * 64
TACOMA = "FC Tacoma 253"
SPARTANS = "Spartans Futbol Club"
KITSAP = "Kitsap Pumas"
BELLINGHAM = "Bellingham United"
LANE = "Lane United FC"
EUGENE = "Eugene FC"
PORTLAND = "Portland Timbers U23"
GUNNERS = "Puget Sound Gunners"
OLYMPIA = "Olympia FC"
YAKIMA = "Yakima United"
KO_TEAMS = (TACOMA, SPARTANS, KITSAP, BELLINGHAM, LANE, EUGENE, PORTLAND)
WEST_TEAMS = (GUNNERS, OLYMPIA, YAKIMA)
TACOMA_LINE = f"{TACOMA} 2-1 {SPARTANS}"


# --- reading the log --------------------------------------------------------------


@dataclass
class Log:
    entries: list[dict[str, Any]]

    @classmethod
    def of(cls, cli: Cli) -> Log:
        return cls(json.loads(cli.log()))

    def types(self) -> list[str]:
        return [e["type"] for e in self.entries]

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [e["event"] for e in self.entries if e["type"] == type_]

    def one(self, type_: str, **where: Any) -> dict[str, Any]:
        found = [e for e in self.of_type(type_) if all(e.get(k) == v for k, v in where.items())]
        assert len(found) == 1, f"{type_} {where}: {found}"
        return found[0]

    def fixture(self, fixture: str) -> dict[str, Any]:
        return self.one("fixture_scheduled", fixture=fixture)

    def result_between(self, home: str, away: str) -> dict[str, Any]:
        """The result of the fixture scheduled as home v away."""
        ids = [
            f["fixture"]
            for f in self.of_type("fixture_scheduled")
            if f["home"] == {"kind": "team", "team": home}
            and f["away"] == {"kind": "team", "team": away}
        ]
        assert len(ids) == 1, f"fixtures {home} v {away}: {ids}"
        return self.one("result_recorded", fixture=ids[0])


# --- the competition, built through the CLI ------------------------------------


@dataclass
class Cup:
    cli: Cli
    ids: dict[str, str] = field(default_factory=dict)


def build_base(cli: Cli) -> Cup:
    """A knockout stage with a played tie and a drawn tie, and a group stage."""
    cli(
        "new",
        "cup",
        "--name",
        "County Cup 2025",
        "--season",
        "2025",
        "--on",
        "2025-01-10",
        "--source",
        "county FA handbook",
    )
    cli(
        "path",
        "county",
        "--name",
        "County Path",
        "--berths",
        "2",
        "--entry-round",
        "1",
        "--on",
        "2025-01-10",
    )
    cli(
        "stage",
        "ko",
        "--name",
        "Knockout",
        "--format",
        "knockout",
        "--rounds",
        "Round 1,Semi-final,Final",
        "--path",
        "county",
        "--on",
        "2025-01-10",
    )
    cli("stage", "west", "--name", "West Group", "--format", "group", "--on", "2025-01-10")
    cli("enter", "ko", *KO_TEAMS, "--on", "2025-01-10")
    cli("enter", "west", *WEST_TEAMS, "--on", "2025-01-10")
    cli(
        "schedule",
        "ko",
        KITSAP,
        BELLINGHAM,
        "--round",
        "Round 1",
        "--fixture",
        "ko-kb",
        "--kickoff",
        "2025-02-01",
        "--on",
        "2025-01-11",
    )
    cli("record", "ko", TACOMA_LINE, "--on", "2025-02-01", "--round", "Round 1")
    cli("record", "ko", f"{KITSAP} 1-1 {BELLINGHAM}", "--on", "2025-02-01")
    log = Log.of(cli)
    tacoma = log.result_between(TACOMA, SPARTANS)
    return Cup(cli, {"tacoma_result": tacoma["event_id"], "tacoma_fixture": tacoma["fixture"]})


BASE_TYPES = [
    "competition_created",
    "qualification_path_defined",
    "stage_created",
    "stage_created",
    *["team_entered"] * len(KO_TEAMS),
    *["team_entered"] * len(WEST_TEAMS),
    "fixture_scheduled",  # ko-kb, scheduled ahead
    "fixture_scheduled",  # Tacoma v Spartans, scheduled by `record`
    "result_recorded",
    "result_recorded",  # ko-kb, drawn
]


def build_full(cli: Cli) -> Cup:
    cup = build_base(cli)
    cli("bye", "ko", LANE, "--round", "Round 1", "--on", "2025-01-11")
    cli("alias", "Tacoma 253", TACOMA, "--on", "2025-01-12", "--source", "club website")
    cli("cards", "ko-kb", KITSAP, "--yellow", "2", "--red", "1", "--on", "2025-02-01")
    cli(
        "advance",
        "ko-kb",
        BELLINGHAM,
        "--method",
        "unknown",
        "--source",
        "club statement",
        "--on",
        "2025-02-02",
    )
    cli(
        "correct",
        cup.ids["tacoma_result"],
        f"{TACOMA} 3-1 {SPARTANS}",
        "--reason",
        "referee's report",
        "--on",
        "2025-02-03",
    )
    cli("record", "ko", f"{EUGENE} 0-2 {PORTLAND}", "--on", "2025-02-01", "--round", "Round 1")
    eugene = Log.of(cli).result_between(EUGENE, PORTLAND)
    cup.ids["eugene_result"] = eugene["event_id"]
    cup.ids["eugene_fixture"] = eugene["fixture"]
    cli("void", eugene["event_id"], "--reason", "ineligible player", "--on", "2025-02-04")
    cli(
        "forfeit",
        eugene["fixture"],
        EUGENE,
        "--reason",
        "Portland fielded an ineligible player",
        "--score",
        "3-0",
        "--on",
        "2025-02-05",
    )
    cli(
        "qualify",
        "county",
        LANE,
        "--method",
        "County Cup bye holder",
        "--provisional",
        "--on",
        "2025-03-01",
    )
    cli("berth", "confirm", "county", "--berths", "2", "--on", "2025-03-02")
    cli("berth", "change", "county", "--berths", "3", "--unconfirmed", "--on", "2025-03-03")
    cli("berth", "decline", "county", LANE, "--reason", "travel costs", "--on", "2025-03-04")
    cli(
        "berth",
        "reallocate",
        "county",
        LANE,
        BELLINGHAM,
        "--reason",
        "Lane United declined",
        "--on",
        "2025-03-05",
    )
    cli("rules", "west", "--preset", "uefa", "--on", "2025-01-10")
    cli(
        "rules",
        "west",
        "--tiebreaks",
        "points,h2h+:points,goal_difference,fair_play,lots",
        "--minutes",
        "50",
        "--on",
        "2025-01-10",
    )
    cli("group", "west", "A", *WEST_TEAMS, "--on", "2025-01-10")
    cli("lots", "west", OLYMPIA, GUNNERS, "--group", "A", "--on", "2025-04-01")
    return cup


FULL_TYPES = [
    *BASE_TYPES,
    "bye_granted",
    "team_alias_recorded",
    "cards_recorded",
    "advancement_decided",
    "result_corrected",
    "fixture_scheduled",
    "result_recorded",
    "result_voided",
    "forfeit_awarded",
    "qualifier_declared",
    "berth_allocation_confirmed",
    "berth_allocation_changed",
    "berth_declined",
    "berth_reallocated",
    "rule_set_declared",
    "rule_set_declared",
    "group_defined",
    "lots_drawn",
]


@pytest.fixture
def base(ledger_cli: Cli) -> Cup:
    return build_base(ledger_cli)


@dataclass
class Built:
    cup: Cup
    log: Log
    started: dt.datetime
    finished: dt.datetime


@pytest.fixture
def full(ledger_cli: Cli) -> Built:
    started = dt.datetime.now(dt.UTC)
    cup = build_full(ledger_cli)
    finished = dt.datetime.now(dt.UTC)
    return Built(cup, Log.of(ledger_cli), started, finished)


# --- help -------------------------------------------------------------------------


def _walk(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from _walk(command, (*path, name))


COMMANDS = list(_walk(ledger_cli_group))


def test_the_command_walk_sees_the_documented_commands() -> None:
    names = {" ".join(p) for p in COMMANDS}
    documented = {
        "new", "path", "stage", "rules", "enter", "withdraw", "group", "alias", "assume",
        "schedule", "reschedule", "cancel", "bye", "record", "correct", "void", "forfeit",
        "advance", "cards", "lots", "qualify", "slot", "berth", "berth confirm",
        "berth change", "berth decline", "berth reallocate", "import", "demo", "stages",
        "standings", "bracket", "qualifiers", "log", "verify",
    }  # fmt: skip
    assert documented <= names


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...], tmp_path: Any) -> None:
    # Help does not depend on the backend: one run, against a file never opened.
    result = CliRunner().invoke(
        ledger_cli_group, ["--db", str(tmp_path / "unused.db"), *path, "--help"]
    )

    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert not (tmp_path / "unused.db").exists()


# --- the whole competition, as logged --------------------------------------------


def test_full_competition_appends_one_fact_per_command_in_order(full: Built) -> None:
    assert full.log.types() == FULL_TYPES
    assert {e["stream"] for e in full.log.entries} == {"cup"}


def test_structure_facts_carry_what_was_typed(full: Built) -> None:
    log = full.log
    created = log.one("competition_created")
    assert (created["competition"], created["name"], created["season"]) == (
        "cup",
        "County Cup 2025",
        "2025",
    )
    assert created["source"] == "county FA handbook"
    path = log.one("qualification_path_defined")
    assert (path["path"], path["berths"], path["entry_round"], path["allocation_confirmed"]) == (
        "county",
        2,
        1,
        True,
    )
    ko = log.one("stage_created", stage="ko")
    assert ko["format"] == "knockout"
    assert ko["rounds"] == ["Round 1", "Semi-final", "Final"]
    assert ko["path"] == "county"
    assert log.one("stage_created", stage="west")["format"] == "group"
    assert [e["team"] for e in log.of_type("team_entered") if e["stage"] == "ko"] == list(KO_TEAMS)
    assert [e["team"] for e in log.of_type("team_entered") if e["stage"] == "west"] == list(
        WEST_TEAMS
    )
    alias = log.one("team_alias_recorded")
    assert (alias["alias"], alias["team"], alias["source"]) == (
        "Tacoma 253",
        TACOMA,
        "club website",
    )
    group = log.one("group_defined")
    assert (group["stage"], group["group"], group["teams"]) == ("west", "A", list(WEST_TEAMS))
    lots = log.one("lots_drawn")
    assert (lots["stage"], lots["group"], lots["order"]) == ("west", "A", [OLYMPIA, GUNNERS])


def test_fixture_bye_and_results_carry_sides_rounds_and_scores(full: Built) -> None:
    log = full.log
    kb = log.fixture("ko-kb")
    assert kb["home"] == {"kind": "team", "team": KITSAP}
    assert kb["away"] == {"kind": "team", "team": BELLINGHAM}
    assert (kb["round"], kb["kickoff"], kb["occurred_on"]) == (
        "Round 1",
        "2025-02-01",
        "2025-01-11",
    )
    bye = log.one("bye_granted")
    assert (bye["stage"], bye["team"], bye["round"]) == ("ko", LANE, "Round 1")
    tacoma = log.result_between(TACOMA, SPARTANS)
    assert tacoma["score"] == {"regulation": [2, 1], "after_extra_time": None, "penalties": None}
    assert log.fixture(tacoma["fixture"])["round"] == "Round 1"
    drawn = log.one("result_recorded", fixture="ko-kb")
    assert drawn["score"]["regulation"] == [1, 1]
    cards = log.one("cards_recorded")
    assert (
        cards["fixture"],
        cards["team"],
        cards["yellow"],
        cards["red"],
        cards["second_yellow"],
        cards["yellow_red"],
    ) == ("ko-kb", KITSAP, 2, 1, 0, 0)


def test_drawn_tie_advancement_is_a_separate_fact_with_unknown_method(full: Built) -> None:
    advanced = full.log.one("advancement_decided")
    assert (advanced["fixture"], advanced["team"], advanced["method"]) == (
        "ko-kb",
        BELLINGHAM,
        "unknown",
    )
    assert advanced["source"] == "club statement"
    assert advanced["shootout"] is None
    # The drawn score stays a draw: the award did not rewrite it.
    assert full.log.one("result_recorded", fixture="ko-kb")["score"]["regulation"] == [1, 1]


def test_correction_void_and_forfeit_name_what_they_supersede(full: Built) -> None:
    log, ids = full.log, full.cup.ids
    corrected = log.one("result_corrected")
    assert corrected["supersedes"] == ids["tacoma_result"]
    assert corrected["fixture"] == ids["tacoma_fixture"]
    assert corrected["score"]["regulation"] == [3, 1]
    assert corrected["reason"] == "referee's report"
    assert corrected["occurred_on"] == "2025-02-03"
    # The original result is still in the log, unchanged.
    assert log.result_between(TACOMA, SPARTANS)["score"]["regulation"] == [2, 1]

    voided = log.one("result_voided")
    assert (voided["supersedes"], voided["fixture"], voided["reason"]) == (
        ids["eugene_result"],
        ids["eugene_fixture"],
        "ineligible player",
    )
    forfeit = log.one("forfeit_awarded")
    assert (forfeit["fixture"], forfeit["winner"]) == (ids["eugene_fixture"], EUGENE)
    assert forfeit["score"]["regulation"] == [3, 0]
    assert forfeit["reason"] == "Portland fielded an ineligible player"


def test_qualifier_and_berth_facts(full: Built) -> None:
    log = full.log
    qualifier = log.one("qualifier_declared")
    assert (qualifier["path"], qualifier["team"], qualifier["method"], qualifier["confirmed"]) == (
        "county",
        LANE,
        "County Cup bye holder",
        False,
    )
    confirmed = log.one("berth_allocation_confirmed")
    assert (confirmed["path"], confirmed["berths"]) == ("county", 2)
    changed = log.one("berth_allocation_changed")
    assert (changed["path"], changed["berths"], changed["confirmed"]) == ("county", 3, False)
    declined = log.one("berth_declined")
    assert (declined["path"], declined["team"], declined["reason"]) == (
        "county",
        LANE,
        "travel costs",
    )
    moved = log.one("berth_reallocated")
    assert (moved["path"], moved["from_team"], moved["to_team"], moved["to_path"]) == (
        "county",
        LANE,
        BELLINGHAM,
        None,
    )


def test_rules_by_preset_and_by_custom_tiebreak_list(full: Built) -> None:
    preset, custom = full.log.of_type("rule_set_declared")
    assert preset["stage"] == custom["stage"] == "west"
    assert preset["rules"]["name"] == "uefa"
    assert preset["rules"]["tiebreaks"] == list(msgspec.to_builtins(PRESETS["uefa"]))
    assert preset["rules"]["points"] == {"win": 3, "draw": 1, "loss": 0}
    assert custom["rules"]["match_minutes"] == 50
    assert custom["rules"]["tiebreaks"] == [
        {"criterion": "points", "scope": "overall", "reapply": False},
        {"criterion": "points", "scope": "head_to_head", "reapply": True},
        {"criterion": "goal_difference", "scope": "overall", "reapply": False},
        {"criterion": "fair_play", "scope": "overall", "reapply": False},
        {"criterion": "lots", "scope": "overall", "reapply": False},
    ]


def test_every_entry_has_both_clocks(full: Built) -> None:
    log = full.log
    for entry in log.entries:
        assert entry["occurred_on"] == entry["event"]["occurred_on"]
        dt.date.fromisoformat(entry["occurred_on"])
        recorded = dt.datetime.fromisoformat(entry["recorded_at"])
        assert recorded.tzinfo is not None, entry
        # Transaction time is set by the store while the commands ran, never taken
        # from --on (valid time is in 2025; the store's clock is now).
        assert full.started <= recorded <= full.finished, entry
    recorded_times = [dt.datetime.fromisoformat(e["recorded_at"]) for e in log.entries]
    assert recorded_times == sorted(recorded_times)
    # Valid time is whatever the clerk said, out of order where the facts were.
    assert [e["occurred_on"] for e in log.entries[-4:]] == [
        "2025-01-10",
        "2025-01-10",
        "2025-01-10",
        "2025-04-01",
    ]
    assert log.one("result_corrected")["occurred_on"] == "2025-02-03"


def test_hashes_are_chained_within_each_stream(full: Built) -> None:
    entries = full.log.entries
    positions = [e["position"] for e in entries]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    by_stream: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        by_stream[entry["stream"]].append(entry)
    for stream, items in by_stream.items():
        assert [e["version"] for e in items] == list(range(1, len(items) + 1)), stream
        assert items[0]["prev_hash"] == GENESIS
        for previous, current in itertools.pairwise(items):
            assert current["prev_hash"] == previous["hash"], current
    hashes = [e["hash"] for e in entries]
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)
    assert len(set(hashes)) == len(hashes)
    assert len({e["event_id"] for e in entries}) == len(entries)


def test_each_hash_is_the_sha256_of_the_event_body(full: Built) -> None:
    for entry in full.log.entries:
        body = Body(
            stream=entry["stream"],
            version=entry["version"],
            recorded_at=dt.datetime.fromisoformat(entry["recorded_at"]),
            prev_hash=entry["prev_hash"],
            event_type=entry["type"],
            event_version=BY_TAG[entry["type"]].class_version,
            event=from_builtins(entry["event"]),
        )
        assert hashlib.sha256(encode_body(body)).hexdigest() == entry["hash"], entry["type"]


def test_the_built_competition_verifies(full: Built) -> None:
    result = full.cup.cli("verify")
    assert result.exit_code == 0
    assert str(len(FULL_TYPES)) in result.output


# --- scores and names as typed -------------------------------------------------------


def test_team_names_with_digits_record_the_home_team_and_score(base: Cup) -> None:
    log = Log.of(base.cli)
    fixture = log.fixture(base.ids["tacoma_fixture"])
    assert fixture["home"] == {"kind": "team", "team": "FC Tacoma 253"}
    assert fixture["away"] == {"kind": "team", "team": "Spartans Futbol Club"}
    result = log.one("result_recorded", event_id=base.ids["tacoma_result"])
    assert result["score"]["regulation"] == [2, 1]


def test_extra_time_and_penalties_are_stored_apart(base: Cup) -> None:
    base.cli(
        "record",
        "ko",
        f"{EUGENE} 1-1 {PORTLAND}",
        "--on",
        "2025-02-01",
        "--aet",
        "3-3",
        "--pens",
        "4-2",
    )
    result = Log.of(base.cli).result_between(EUGENE, PORTLAND)
    assert result["score"] == {
        "regulation": [1, 1],
        "after_extra_time": [3, 3],
        "penalties": [4, 2],
    }


def test_aet_score_typed_in_the_line_leaves_regulation_unknown(base: Cup) -> None:
    base.cli("record", "ko", f"{EUGENE} 3-3 a.e.t., 4-2 pen. {PORTLAND}", "--on", "2025-02-01")
    result = Log.of(base.cli).result_between(EUGENE, PORTLAND)
    assert result["score"] == {"regulation": None, "after_extra_time": [3, 3], "penalties": [4, 2]}


def test_scorers_are_recorded_with_side_and_minute(base: Cup) -> None:
    base.cli(
        "record",
        "ko",
        f"{EUGENE} 2-1 {PORTLAND}",
        "--on",
        "2025-02-01",
        "--scorer",
        f"{EUGENE}: Ada Hegerberg 10', Bo Nilsson 80' (pen.)",
        "--scorer",
        f"{PORTLAND}: Cy Young 45+2'",
        "--minutes",
        "50",
    )
    result = Log.of(base.cli).result_between(EUGENE, PORTLAND)
    assert [
        (g["side"], g["player"], g["minute"], g["stoppage"], g["penalty"])
        for g in result["scorers"]
    ] == [
        ("home", "Ada Hegerberg", 10, None, False),
        ("home", "Bo Nilsson", 80, None, True),
        ("away", "Cy Young", 45, 2, False),
    ]
    assert result["match_minutes"] == 50


def test_result_typed_in_another_case_is_recorded_for_the_entered_teams(base: Cup) -> None:
    base.cli("record", "ko", "eugene fc 2-0 PORTLAND TIMBERS U23", "--on", "2025-02-01")
    log = Log.of(base.cli)
    fixture = log.of_type("fixture_scheduled")[-1]
    assert fixture["home"] == {"kind": "team", "team": EUGENE}
    assert fixture["away"] == {"kind": "team", "team": PORTLAND}


def test_result_typed_with_an_alias_is_recorded_for_the_team_it_names(base: Cup) -> None:
    base.cli("alias", "Eugene", EUGENE, "--on", "2025-01-12")
    base.cli("record", "ko", f"Eugene 2-0 {PORTLAND}", "--on", "2025-02-01")
    fixture = Log.of(base.cli).of_type("fixture_scheduled")[-1]
    assert fixture["home"] == {"kind": "team", "team": EUGENE}


def test_group_result_typed_in_another_case_counts_in_the_standings(ledger_cli: Cli) -> None:
    build_base(ledger_cli)
    ledger_cli("record", "west", f"{OLYMPIA.lower()} 2-0 {GUNNERS}", "--on", "2025-02-01")
    rows = json.loads(ledger_cli("standings", "west", "--json").stdout)
    played = {r["team"]: r["played"] for r in rows}
    assert played == {OLYMPIA: 1, GUNNERS: 1, YAKIMA: 0}
    assert next(r for r in rows if r["team"] == OLYMPIA)["points"] == 3


# --- idempotent appends -------------------------------------------------------------


REPEATS: dict[str, list[list[str]]] = {
    "record": [["record", "ko", TACOMA_LINE, "--on", "2025-02-01", "--round", "Round 1"]],
    "enter": [["enter", "ko", TACOMA, SPARTANS, "--on", "2025-01-10"]],
    "enter_one": [["enter", "west", YAKIMA, "--on", "2025-01-10"]],
    "qualify": [["qualify", "county", LANE, "--method", "County champion", "--on", "2025-03-01"]],
    "alias": [["alias", "Tacoma 253", TACOMA, "--on", "2025-01-12"]],
}


@pytest.mark.parametrize("command", sorted(REPEATS))
def test_repeating_a_command_appends_nothing_and_says_so(base: Cup, command: str) -> None:
    cli = base.cli
    for args in REPEATS[command]:
        cli(*args)  # the first time (a no-op already for record and enter)
    before = cli.log()

    again = [cli(*args) for args in REPEATS[command]]

    for result in again:
        assert result.exit_code == 0
        assert "nothing appended" in result.output
        assert "recorded " not in result.output
    assert cli.log() == before


def test_first_qualify_and_alias_append_then_repeats_do_not(base: Cup) -> None:
    cli = base.cli
    before = len(Log.of(cli).entries)
    assert "recorded qualifier_declared" in cli(*REPEATS["qualify"][0]).output
    assert "recorded team_alias_recorded" in cli(*REPEATS["alias"][0]).output
    cli(*REPEATS["qualify"][0])
    cli(*REPEATS["alias"][0])
    assert len(Log.of(cli).entries) == before + 2


def test_second_different_result_is_refused_and_points_to_correct(base: Cup) -> None:
    cli = base.cli
    before = cli.log()

    result = cli.refused("record", "ko", f"{TACOMA} 3-1 {SPARTANS}", "--on", "2025-02-01")

    assert "ledger correct" in result.stderr
    assert base.ids["tacoma_result"] in result.stderr
    assert cli.log() == before


def test_same_score_with_new_scorers_is_not_silently_dropped(base: Cup) -> None:
    # The scorers are new information about the recorded match: the ledger must
    # either keep them or refuse and point to `ledger correct`, never answer
    # "already recorded" and throw them away.
    cli = base.cli
    before = cli.log()

    result = cli(
        "record",
        "ko",
        TACOMA_LINE,
        "--on",
        "2025-02-01",
        "--scorer",
        f"{TACOMA}: Ada Hegerberg 10', Bo Nilsson 80'",
        ok=False,
    )

    if result.exit_code == 0:
        assert cli.log() != before, result.output
    else:
        assert "ledger correct" in result.stderr


@pytest.mark.parametrize("length", [8, 12])
@pytest.mark.parametrize("command", ["correct", "void"])
def test_a_unique_prefix_of_the_event_id_is_enough(base: Cup, command: str, length: int) -> None:
    cli = base.cli
    full_id = base.ids["tacoma_result"]
    args = [f"{TACOMA} 3-1 {SPARTANS}"] if command == "correct" else []

    cli(command, full_id[:length], *args, "--reason", "referee's report", "--on", "2025-02-03")

    new = Log.of(cli).entries[-1]["event"]
    assert new["supersedes"] == full_id


# --- refusals -------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    args: Callable[[Cup], list[str]]
    message: str  # a regex the one error line must match (case-insensitive)


def _new_tie(*extra: str, line: str = f"{EUGENE} 1-0 {PORTLAND}") -> Callable[[Cup], list[str]]:
    return lambda _: ["record", "ko", line, "--on", "2025-02-08", *extra]


UNKNOWN_ID = "0123456789abcdef0123456789abcdef"

REFUSALS: dict[str, Refusal] = {
    "unknown_stage_by_name": Refusal(
        lambda _: ["record", "Knockot", f"{EUGENE} 1-0 {PORTLAND}", "--on", "2025-02-08"],
        r"did you mean .*'Knockout'",
    ),
    "unknown_stage_by_slug": Refusal(
        lambda _: ["enter", "wset", "Seattle Stars", "--on", "2025-01-10"], r"did you mean .*'west'"
    ),
    "unknown_team_in_result": Refusal(
        _new_tie(line=f"{EUGENE} 1-0 Portland Timbers U32"),
        r"did you mean .*'Portland Timbers U23'",
    ),
    "unknown_team_in_cards": Refusal(
        lambda _: ["cards", "ko-kb", "Kitsap Pumaz", "--yellow", "1", "--on", "2025-02-01"],
        r"did you mean .*'Kitsap Pumas'",
    ),
    "malformed_score_line_no_score": Refusal(_new_tie(line=f"{EUGENE} beat {PORTLAND}"), r"score"),
    "malformed_score_line_no_away_team": Refusal(_new_tie(line=f"{EUGENE} 1-0"), r"away"),
    "malformed_score_letters": Refusal(_new_tie(line=f"{EUGENE} 2-x {PORTLAND}"), r"score"),
    "negative_score_in_result": Refusal(_new_tie(line=f"{EUGENE} -1-0 {PORTLAND}"), r"negative"),
    "negative_score_in_correction": Refusal(
        lambda c: [
            "correct",
            c.ids["tacoma_result"],
            f"{TACOMA} -1-0 {SPARTANS}",
            "--reason",
            "typo",
            "--on",
            "2025-02-03",
        ],
        r"negative",
    ),
    "negative_bare_score_in_correction": Refusal(
        lambda c: [
            "correct",
            "--reason",
            "typo",
            "--on",
            "2025-02-03",
            "--",
            c.ids["tacoma_result"],
            "-1-0",
        ],
        r"negative",
    ),
    "negative_forfeit_score": Refusal(
        lambda c: [
            "forfeit",
            "ko-kb",
            KITSAP,
            "--reason",
            "x",
            "--score",
            "-3-0",
            "--on",
            "2025-02-03",
        ],
        r"negative",
    ),
    "record_date_month_13": Refusal(
        lambda _: ["record", "ko", f"{EUGENE} 1-0 {PORTLAND}", "--on", "2014-13-45"], r"2014-13-45"
    ),
    "record_date_yesterday": Refusal(
        lambda _: ["record", "ko", f"{EUGENE} 1-0 {PORTLAND}", "--on", "yesterday"], r"yesterday"
    ),
    "enter_date_month_13": Refusal(
        lambda _: ["enter", "ko", "Seattle Stars", "--on", "2014-13-45"], r"2014-13-45"
    ),
    "advance_date_yesterday": Refusal(
        lambda _: ["advance", "ko-kb", BELLINGHAM, "--method", "unknown", "--on", "yesterday"],
        r"yesterday",
    ),
    "schedule_kickoff_month_13": Refusal(
        lambda _: [
            "schedule",
            "ko",
            EUGENE,
            PORTLAND,
            "--kickoff",
            "2014-13-45",
            "--on",
            "2025-01-11",
        ],
        r"2014-13-45",
    ),
    "correction_of_unknown_event_id": Refusal(
        lambda _: ["correct", UNKNOWN_ID, "3-1", "--reason", "typo", "--on", "2025-02-03"],
        UNKNOWN_ID,
    ),
    "void_of_unknown_event_id": Refusal(
        lambda _: ["void", UNKNOWN_ID, "--reason", "typo", "--on", "2025-02-03"], UNKNOWN_ID
    ),
    "correction_of_an_event_that_is_not_a_result": Refusal(
        lambda c: [
            "correct",
            Log.of(c.cli).one("stage_created", stage="ko")["event_id"],
            "3-1",
            "--reason",
            "typo",
            "--on",
            "2025-02-03",
        ],
        r"no result event",
    ),
    "bye_for_team_of_another_stage": Refusal(
        lambda _: ["bye", "ko", GUNNERS, "--round", "Round 1", "--on", "2025-01-11"], GUNNERS
    ),
    "bye_for_unknown_round": Refusal(
        lambda _: ["bye", "ko", LANE, "--round", "Round 2", "--on", "2025-01-11"], r"Round 2"
    ),
    "result_for_team_of_another_stage": Refusal(_new_tie(line=f"{EUGENE} 1-0 {GUNNERS}"), GUNNERS),
    "result_for_team_entered_nowhere": Refusal(
        _new_tie(line=f"{EUGENE} 1-0 Seattle Stars"), r"Seattle Stars"
    ),
    "scorers_for_team_not_in_the_match": Refusal(
        _new_tie("--scorer", f"{TACOMA}: Ada Hegerberg 10'"), TACOMA
    ),
    "more_scorers_than_goals": Refusal(
        _new_tie("--scorer", f"{EUGENE}: Ada Hegerberg 10', Bo Nilsson 80'"), r"."
    ),
    "advance_on_a_tie_that_was_not_drawn": Refusal(
        lambda c: [
            "advance",
            c.ids["tacoma_fixture"],
            TACOMA,
            "--method",
            "unknown",
            "--on",
            "2025-02-02",
        ],
        r"2-1",
    ),
    "advance_on_an_unknown_fixture": Refusal(
        lambda _: ["advance", "ko-zz", TACOMA, "--method", "unknown", "--on", "2025-02-02"],
        r"ko-zz",
    ),
    "advance_by_shootout_without_the_shootout_score": Refusal(
        lambda _: ["advance", "ko-kb", BELLINGHAM, "--method", "shootout", "--on", "2025-02-02"],
        r"shoot-?out",
    ),
    "advance_for_a_team_not_in_the_tie": Refusal(
        lambda _: ["advance", "ko-kb", TACOMA, "--method", "unknown", "--on", "2025-02-02"], TACOMA
    ),
    "correction_without_a_change": Refusal(
        lambda c: [
            "correct",
            c.ids["tacoma_result"],
            TACOMA_LINE,
            "--reason",
            "re-check",
            "--on",
            "2025-02-03",
        ],
        r"changes nothing|no change|already",
    ),
    "correction_dated_before_the_result": Refusal(
        lambda c: [
            "correct",
            c.ids["tacoma_result"],
            f"{TACOMA} 3-1 {SPARTANS}",
            "--reason",
            "typo",
            "--on",
            "2025-01-31",
        ],
        r"before",
    ),
    "record_minutes_0": Refusal(_new_tie("--minutes", "0"), r"minutes"),
    "rules_minutes_0": Refusal(
        lambda _: ["rules", "west", "--minutes", "0", "--on", "2025-01-10"], r"minutes|0"
    ),
    "second_result_with_pens_on_a_draw_that_has_one": Refusal(
        lambda _: [
            "record",
            "ko",
            f"{KITSAP} 1-1 {BELLINGHAM}",
            "--on",
            "2025-02-01",
            "--pens",
            "4-3",
        ],
        r"ledger correct",
    ),
    "penalties_after_a_decided_match": Refusal(_new_tie("--pens", "4-3"), r"shoot-?out|draw"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refused_command_says_why_in_one_line_and_writes_nothing(base: Cup, case: str) -> None:
    refusal = REFUSALS[case]
    cli = base.cli
    args = refusal.args(base)
    before = cli.log()

    result = cli.refused(*args)

    assert re.search(refusal.message, result.stderr, re.IGNORECASE), result.stderr
    assert result.stderr.lstrip().startswith("Error:"), result.stderr
    assert cli.log() == before

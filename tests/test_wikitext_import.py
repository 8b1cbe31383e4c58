"""Importing Wikipedia-style result text: the 2014 U.S. Open Cup qualification article
against the bundled, hand-written ledger, and the inferences on small articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from events.base import GroupPlace, StageWinner, TeamSide, WinnerOf
from events.matches import AdvancementDecided, ByeGranted, FixtureScheduled, ResultRecorded
from events.qualification import QualifierDeclared
from events.structure import (
    AssumptionRecorded,
    QualificationPathDefined,
    RuleSetDeclared,
    SlotFilled,
    StageCreated,
    TeamAliasRecorded,
)
from ledger.importers import wikitext
from ledger.importers.common import Batch
from ledger.importers.wikitext_import import build
from tests.conftest import Cli

SEED = Path(__file__).parent / "data" / "2014-us-open-cup-qualification.txt"

# Bundled stage name -> the imported stage's name (the article's section title).
STAGES = {
    "Southwest Conference": "West Region - Southwest Conference qualifying tournament",
    "Golden Gate Conference": "West Region - Golden Gate Conference qualifying tournament",
    "Northwest Conference": "West Region - Northwest Conference qualifying tournament",
    "Golden Gate/Northwest Playoff": "West Region - Golden Gate/Northwest Playoff Game",
    "USSSA group play": "Group play",
    "USSSA championship stage": "Championship stage",
    # Built from the US Club Soccer prose: the same names as the bundled script's.
    "NorCal Premier League tournament": "NorCal Premier League tournament",
    "US Club Soccer play-in": "US Club Soccer play-in",
}


@pytest.fixture
def imported(sqlite_cli: Cli) -> tuple[Cli, str]:
    """A ledger holding the imported article, and what the import printed on stderr."""
    result = sqlite_cli("import", str(SEED))
    return sqlite_cli, result.stderr


@pytest.fixture
def bundled(tmp_path: Path) -> Cli:
    demo = Cli(str(tmp_path / "bundled.db"))
    demo("demo")
    return demo


def _json(cli: Cli, *args: str) -> Any:
    return json.loads(cli(*args, "--json").stdout)


def _slugs(cli: Cli) -> dict[str, str]:
    return {s["name"]: s["slug"] for s in _json(cli, "stages")}


def _batch(text: str) -> Batch:
    return build(wikitext.parse(text, filename="t.txt"), slug=None, source="t.txt", actor="t")


def _of(batch: Batch, cls: type[Any]) -> list[Any]:
    return [e for e in batch.events if isinstance(e, cls)]


# --- the seed article against the bundled ledger ------------------------------------------


def test_the_import_warns_about_each_inference(imported: tuple[Cli, str]) -> None:
    _, stderr = imported
    warnings = [line for line in stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == len(stderr.splitlines())

    def one(*words: str) -> str:
        found = [w for w in warnings if all(word in w for word in words)]
        assert len(found) == 1, (words, found)
        return found[0]

    one("dated 2014-02-22", "earliest match date")
    for team in ("FC Hasental", "San Diego Flash"):
        assert "the section prose says so" in one(team, "bye through the First round")
    assert "Colorado Rovers, Comets Express, Boulevard, CO Sporting Premier" in one(
        "groups inferred from who played whom"
    )
    one("Sonoma County Sol 1-1 CD Aguiluchos USA", "CD Aguiluchos USA recorded as advancing")
    one("'Aztecs Mojos'", "another spelling of 'Azteca Mojos'")
    one("US Club Soccer", "does not say how many berths", "1 berth assumed", "one play-in")
    one("'NorCal Premier League tournament'", "entries left open", "no format, rounds, dates")
    one("Chivas USA U23s, Corinthians USA entered", "'Chivas USA U23s & Corinthians USA from")
    one("'US Club Soccer play-in' (the name is not the article's)", "(seed 6)", "home and away")
    one("US Club Soccer: the winner of the play-in", "so the berth is pending")
    one("National Premier Soccer League", "does not say how many berths")
    one("USASA: 8 berths", "allocation not yet confirmed")
    one("USSSA: 1 berth")
    one("9 qualifiers", "NPSL regional qualifier")
    one("Azteca Mojos v FC Denver", "dated 2014-03-14", "recorded on its own date")
    one("Group play: '50-minute games'")
    one("Championship stage: '50-minute games'", "length of its Final")
    one("Colorado Rovers as the group A winner of Group play")
    one("CD Aguiluchos USA as the champion of West Region - Golden Gate Conference")
    one("Play-in (1), Semi-finals (2), Final (1)")
    one("First round (2), Semi-finals (2), Final (1)")


def test_standings_and_brackets_match_the_bundled_ledger(
    imported: tuple[Cli, str], bundled: Cli
) -> None:
    cli, _ = imported
    ours, theirs = _slugs(cli), _slugs(bundled)
    assert set(ours) == set(STAGES.values())
    assert set(theirs) == set(STAGES)

    def rows(c: Cli, slug: str) -> list[tuple[Any, ...]]:
        table = _json(c, "standings", slug)
        return sorted(tuple(v for k, v in r.items() if k != "stage") for r in table)

    def matches(c: Cli, slug: str) -> list[tuple[Any, ...]]:
        keys = ("round", "home_team", "away_team", "score", "winner", "status")
        found = _json(c, "bracket", slug)["matches"]
        return sorted(tuple(str(m[k]) for k in keys) for m in found)

    for name, imported_name in STAGES.items():
        theirs_slug, ours_slug = theirs[name], ours[imported_name]
        assert rows(cli, ours_slug) == rows(bundled, theirs_slug), name
        assert matches(cli, ours_slug) == matches(bundled, theirs_slug), name
        assert (
            _json(cli, "bracket", ours_slug)["champion"]
            == _json(bundled, "bracket", theirs_slug)["champion"]
        ), name


def test_qualifiers_match_the_bundled_ledger(imported: tuple[Cli, str], bundled: Cli) -> None:
    cli, stderr = imported

    def entries(c: Cli) -> list[tuple[str, str | None, str]]:
        return sorted(
            ((q["path_name"], q["team"], q["status"]) for q in _json(c, "qualifiers")),
            key=str,
        )

    ours, theirs = entries(cli), entries(bundled)
    assert ours == theirs
    assert "US Club Soccer: prose only" not in stderr

    # The pending berth awaits the same play-in, between the same candidates.
    def pending(c: Cli) -> tuple[Any, ...]:
        (q,) = [q for q in _json(c, "qualifiers") if q["status"] == "pending"]
        return (q["path_name"], q["method"], sorted(q["candidates"]), q["berths"])

    assert pending(cli) == pending(bundled)
    assert ("National Premier Soccer League", "CD Aguiluchos USA", "confirmed") in ours
    assert ("USSSA", "Colorado Rovers", "confirmed") in ours
    assert sum(1 for q in ours if q[0] == "USASA" and q[2] == "provisional") == 10


def test_the_drawn_final_is_settled_by_an_advancement_that_cites_why(
    imported: tuple[Cli, str],
) -> None:
    cli, _ = imported
    log = json.loads(cli.log())
    (advance,) = [r["event"] for r in log if r["type"] == "advancement_decided"]
    assert advance["team"] == "CD Aguiluchos USA"
    assert advance["method"] == "unknown"
    assert advance["occurred_on"] == "2014-03-08"
    assert (
        "inferred: CD Aguiluchos USA plays in the West Region - Golden Gate/Northwest"
        in (advance["source"])
    )
    # Every inference the import warned about is also kept in the ledger.
    assumptions = [r["event"]["assumption"] for r in log if r["type"] == "assumption_recorded"]
    assert any("another spelling of 'Azteca Mojos'" in a for a in assumptions)


def test_the_match_listed_out_of_order_keeps_its_own_date(imported: tuple[Cli, str]) -> None:
    cli, _ = imported
    rows = _json(cli, "standings", "Group play", "--as-of", "2014-03-14")
    denver = next(r for r in rows if r["team"] == "FC Denver")
    # 3-0 v Performance Soccer and 0-0 v Azteca Mojos, both on 14 March.
    assert (denver["played"], denver["points"]) == (2, 4)


def test_reimporting_appends_nothing(imported: tuple[Cli, str]) -> None:
    cli, _ = imported
    before = cli.log()
    again = cli("import", str(SEED))
    assert "nothing appended" in again.stdout
    # Repeats are found by content: another citation is still the same facts.
    cited = cli("import", str(SEED), "--source", "en.wikipedia.org, 20 March 2014")
    assert "nothing appended" in cited.stdout
    assert cli.log() == before


def test_a_malformed_file_writes_nothing_and_names_file_and_line(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert lines[17] == "Temecula FC 2-5 FC Force"
    lines[17] = "Temecula FC 2-x FC Force"
    bad.write_text("\n".join(lines), encoding="utf-8")
    result = sqlite_cli.refused("import", str(bad))
    assert "bad.txt:18" in result.stderr
    # Nothing written: the refused import did not even create the ledger file.
    assert not Path(sqlite_cli.url).exists()


# --- inferences on small articles --------------------------------------------------------

SIX_TEAM_CUP = """= Cup 2020 =

== League Two ==
Keeping two qualifying spots. All games are 60-minute games.

=== Cup ===
March 1, 2020
A FC 1-0 B FC
March 1, 2020
C FC 2-0 D FC
March 8, 2020
E FC 1-0 A FC
March 8, 2020
C FC 0-3 F FC
March 15, 2020
F FC 1-1 E FC
"""


def test_byes_and_slots_in_a_six_team_bracket() -> None:
    batch = _batch(SIX_TEAM_CUP)
    (stage,) = _of(batch, StageCreated)
    assert stage.rounds == ("First round", "Semi-finals", "Final")
    byes = _of(batch, ByeGranted)
    assert {(b.team, b.round) for b in byes} == {("E FC", "First round"), ("F FC", "First round")}
    fixtures = {f.fixture: f for f in _of(batch, FixtureScheduled)}
    final = fixtures["cup-5"]
    assert (final.round, final.home, final.away) == ("Final", WinnerOf("cup-4"), WinnerOf("cup-3"))
    assert fixtures["cup-3"].away == WinnerOf("cup-1")
    (path,) = _of(batch, QualificationPathDefined)
    assert (path.berths, path.allocation_confirmed) == (2, True)
    (rules,) = _of(batch, RuleSetDeclared)
    assert rules.rules.match_minutes == 60
    # Neither finalist plays again: the draw awaits a decision, nobody is made champion.
    assert not _of(batch, AdvancementDecided)
    assert any("awaiting a decision" in w for w in batch.warnings)
    (slot,) = _of(batch, SlotFilled)
    assert slot.slot == StageWinner("cup")


def test_a_drawn_final_left_awaiting_a_decision_shows_in_the_bracket(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    cup = tmp_path / "cup.txt"
    cup.write_text(SIX_TEAM_CUP, encoding="utf-8")
    result = sqlite_cli("import", str(cup))
    assert "awaiting a decision" in result.stderr
    bracket = _json(sqlite_cli, "bracket", "cup")
    final = next(m for m in bracket["matches"] if m["round"] == "Final")
    assert final["status"] == "awaiting_decision"
    assert bracket["champion"] is None
    (entry,) = _json(sqlite_cli, "qualifiers")
    assert entry["status"] == "pending"


GROUPS_THEN_FINAL = """= Trophy 2021 =

== Region ==
Based on one berth.

=== Groups ===
May 1, 2021
North 1-0 South
May 1, 2021
East 2-2 West
May 2, 2021
South 0-0 Centre
May 2, 2021
West 3-0 Upton
May 3, 2021
Centre 0-2 North
May 3, 2021
Upton 1-4 Eastt

=== Final ===
May 9, 2021
North 1-1 East
"""


def test_groups_feed_a_final_through_group_places() -> None:
    batch = _batch(GROUPS_THEN_FINAL)
    group_stage, final_stage = _of(batch, StageCreated)
    assert (group_stage.format, final_stage.format) == ("group", "knockout")
    assert final_stage.feeds_from == ("groups",)
    (alias,) = _of(batch, TeamAliasRecorded)
    assert (alias.alias, alias.team) == ("Eastt", "East")
    fixtures = _of(batch, FixtureScheduled)
    (final,) = [f for f in fixtures if f.stage == "final"]
    assert (final.home, final.away) == (GroupPlace("groups", "A", 1), GroupPlace("groups", "B", 1))
    assert {f.group for f in fixtures if f.stage == "groups"} == {"A", "B"}
    assert all(isinstance(f.home, TeamSide) for f in fixtures if f.stage == "groups")
    # A drawn final whose teams never play again: no winner is invented.
    assert not _of(batch, AdvancementDecided)
    # Alias before any result names the other spelling.
    kinds = [type(e) for e in batch.events]
    assert kinds.index(TeamAliasRecorded) < kinds.index(ResultRecorded)


def test_qualifier_tables_and_prose_lists() -> None:
    batch = _batch(
        "= Cup 2014 =\n\n== League ==\nRetaining their 3 berths, yet to be confirmed by "
        "US Soccer. Their qualifiers will be the regional champion of both cups.\n"
        "The other qualifiers are Alpha FC, Beta United and Gamma SC.\n\n"
        "| Region | Qualification method | Qualified team |\n"
        "| I | Cup winner | Delta FC |\n"
    )
    (path,) = _of(batch, QualificationPathDefined)
    assert (path.berths, path.allocation_confirmed, path.governing_body) == (
        3,
        False,
        "US Soccer",
    )
    declared = {(q.team, q.region, q.method) for q in _of(batch, QualifierDeclared)}
    assert declared == {
        ("Alpha FC", "", "League regional qualifier"),
        ("Beta United", "", "League regional qualifier"),
        ("Gamma SC", "", "League regional qualifier"),
        ("Delta FC", "I", "Cup winner"),
    }


def test_extra_time_and_penalties_stay_apart(sqlite_cli: Cli, tmp_path: Path) -> None:
    cup = tmp_path / "cup.txt"
    cup.write_text(
        "= Cup 2020 =\n\nMarch 1, 2020\nA FC 1-0 B FC\n"
        "March 1, 2020\nC FC 1-1 a.e.t., 4-3 pen. D FC\n"
        "March 8, 2020\nA FC 2-2 (4-5 pen.) C FC\n",
        encoding="utf-8",
    )
    result = sqlite_cli("import", str(cup))
    assert "only the score after extra time is given" in result.stderr
    assert "drawn knockout" not in result.stderr  # penalties decide: nothing inferred
    bracket = _json(sqlite_cli, "bracket", "Cup 2020")
    assert bracket["champion"] == "C FC"
    scores = {
        (m["home_team"], m["away_team"]): (m["regulation"], m["after_extra_time"], m["penalties"])
        for m in bracket["matches"]
    }
    assert scores[("C FC", "D FC")] == (None, [1, 1], [4, 3])
    assert scores[("A FC", "C FC")] == ([2, 2], None, [4, 5])


def test_matches_that_form_no_bracket_are_kept_without_rounds() -> None:
    batch = _batch(
        "= Cup 2020 =\n\n== League ==\n\n=== Friendlies ===\n"
        "March 1, 2020\nA FC 1-0 B FC\nMarch 2, 2020\nA FC 0-2 C FC\n"
        "March 3, 2020\nB FC 1-1 D FC\n"
    )
    (stage,) = _of(batch, StageCreated)
    assert stage.rounds == ()
    assert len(_of(batch, ResultRecorded)) == 3
    assert not _of(batch, SlotFilled)
    assert any("neither complete round robins nor a single knockout" in w for w in batch.warnings)


def test_the_batch_is_deterministic_apart_from_event_ids() -> None:
    text = SEED.read_text(encoding="utf-8")
    first, second = _batch(text), _batch(text)
    assert [_without_id(e) for e in first.events] == [_without_id(e) for e in second.events]
    assert first.warnings == second.warnings
    # Every inference warned about is kept as an assumption fact too.
    assert len(_of(first, AssumptionRecorded)) >= 20


def _without_id(event: Any) -> Any:
    return msgspec.structs.replace(event, event_id="")


def test_a_path_told_in_prose_gets_its_route_and_a_pending_berth() -> None:
    batch = _batch(
        "= Cup 2014 =\n\n== League ==\nCity League will host a tournament that is open to "
        "all teams. Alpha FC, Beta United & Gamma SC have already signed up. The winner of "
        "this tournament will play a Play-In match against Delta FC.\n\n"
        "== Other ==\nSomething will be decided later.\n"
    )
    league, other = _of(batch, QualificationPathDefined)
    assert (league.berths, other.berths) == (1, None)
    tournament, play_in = _of(batch, StageCreated)
    assert (tournament.name, tournament.entries_open) == ("City League tournament", True)
    assert (play_in.rounds, play_in.feeds_from) == (("Play-in",), (tournament.stage,))
    (fixture,) = _of(batch, FixtureScheduled)
    assert (fixture.home, fixture.away) == (TeamSide("Delta FC"), StageWinner(tournament.stage))
    (slot,) = _of(batch, SlotFilled)
    assert slot.slot == WinnerOf(fixture.fixture)
    assert any("Other: prose only; it is not interpreted" in w for w in batch.warnings)
    assert len(_of(batch, AssumptionRecorded)) >= 5

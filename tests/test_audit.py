"""Audits of the 2014 ledger: what they show, and that their citations suffice."""

from __future__ import annotations

import json

import pytest

from events.catalogue import Recorded
from ledger.cli_io import bundled_text
from ledger.script import run_script
from projections.audit import STRUCTURE, audit
from projections.model import fold
from projections.resolve import Resolver
from tests.conftest import Cli


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[Recorded]:
    import ledger

    lg = ledger.open(str(tmp_path_factory.mktemp("audit") / "ledger.db"))
    run_script(lg, bundled_text(), filename="bundled")
    out = lg.history("usoc-2014")
    lg.close()
    return out


def _steps(cli: Cli, team: str) -> dict[str, object]:
    data = json.loads(cli("audit", team, "--json").stdout)
    assert isinstance(data, dict)
    return data


def test_aguiluchos_audit_shows_the_draw_and_the_separate_decision(demo_cli: Cli) -> None:
    report = _steps(demo_cli, "CD Aguiluchos USA")
    assert report["status"] == "qualified"
    steps = report["steps"]
    assert isinstance(steps, list)
    texts = [s["text"] for s in steps]
    final = next(t for t in texts if "Golden Gate Conference, Final" in t)
    # The final is a draw, not a win: the score stays 1-1.
    assert "Sonoma County Sol 1-1 CD Aguiluchos USA: drew, went through" in final
    decision = next(s for s in steps if s["kind"] == "advancement")
    assert "method is not given by the source" in decision["text"]
    assert decision["sources"] and "article" in decision["sources"][0]
    assert decision["date"] == "2014-03-08"
    playoff = next(t for t in texts if "Golden Gate/Northwest Playoff" in t)
    assert "CD Aguiluchos USA 2-1 Spartans Futbol Club: won" in playoff
    # Date order: the semi-final, the draw, the decision, then the playoff.
    dated = [s["date"] for s in steps if s["date"]]
    assert dated == sorted(dated)


def test_usasa_team_is_provisional_and_says_why(demo_cli: Cli) -> None:
    report = _steps(demo_cli, "Icon FC")
    assert report["status"] == "provisional"
    open_items = " ".join(report["open"])  # type: ignore[arg-type]
    assert "berth allocation not confirmed by U.S. Soccer" in open_items
    assert "10 candidates for 8 berths" in open_items
    qual = next(s for s in report["steps"] if s["kind"] == "qualification")  # type: ignore[union-attr]
    assert "Open Cup Regional Champion (Region I)" in qual["text"]


def test_colorado_rovers_group_position_rule_and_knockout(demo_cli: Cli) -> None:
    report = _steps(demo_cli, "colorado rovers")  # case-insensitive name
    assert report["team"] == "Colorado Rovers"
    assert report["status"] == "qualified"
    steps = report["steps"]
    finish = next(s for s in steps if s["kind"] == "group_finish")  # type: ignore[union-attr]
    # 2-0 Comets, 0-0 Boulevard, 1-0 CO Sporting: 2W 1D = 7 points, goals 3-0.
    assert (
        "finished 1st in USSSA group play A with 7 points (2W 1D 0L, goals 3-0)" in finish["text"]
    )
    assert "50-minute games" in finish["text"]
    matches = [s["text"] for s in steps if s["kind"] == "match"]  # type: ignore[union-attr]
    assert sum("50-minute match" in t for t in matches) == 4  # three group games + semi-final
    assert any("Semi-finals: Colorado Rovers 1-0 FC Denver: won" in t for t in matches)
    final = next(t for t in matches if ", Final:" in t)
    assert "KC Athletics 0-1 Colorado Rovers: won" in final and "50-minute" not in final


def test_pending_team_names_what_it_awaits(demo_cli: Cli) -> None:
    report = _steps(demo_cli, "Chivas USA U23s")
    assert report["status"] == "pending"
    assert any("NorCal Premier League tournament" in o for o in report["open"])  # type: ignore[union-attr]


def test_audit_under_an_alias_shows_the_alias_decision(demo_cli: Cli) -> None:
    report = _steps(demo_cli, "Aztecs Mojos")
    assert report["team"] == "Azteca Mojos"
    assert report["aliases"] == ["Aztecs Mojos"]
    alias = next(s for s in report["steps"] if s["kind"] == "alias")  # type: ignore[union-attr]
    assert "Aztecs Mojos" in alias["text"] and alias["events"]


def test_unknown_team_suggests_the_nearest(demo_cli: Cli) -> None:
    result = demo_cli.refused("audit", "Sonoma Sol")
    assert "did you mean 'Sonoma County Sol'" in result.stderr


def _facts(state_records: list[Recorded], team: str) -> tuple[str, dict[str, object]]:
    """Status, group rows and match winners involving `team`, from `records`."""
    state = fold(state_records)
    resolver = Resolver(state)
    report = audit(state, team)
    winners = {}
    for fixture in state.fixtures:
        outcome = resolver.outcome(fixture)
        if team in (outcome.home, outcome.away):
            winners[fixture] = (outcome.status, outcome.winner)
    rows = {}
    for stage in state.stages.values():
        if stage.format == "group":
            for group in resolver.group_names(stage):
                for row in resolver.table(stage.stage, group):
                    if row.team == team:
                        rows[(stage.stage, group)] = (row.position, row.points)
    return report.status, {"winners": winners, "rows": rows, "open": report.open}


def test_cited_events_are_sufficient_for_every_team(records: list[Recorded]) -> None:
    state = fold(records)
    teams = state.all_teams()
    # 26 entered in stages (6 + 5 + 4 + 2 + 1 + 8) + 9 NPSL and 10 USASA declared qualifiers.
    assert len(teams) == 45
    for team in teams:
        cited = set(audit(state, team).events)
        subset = [r for r in records if r.event.event_id in cited or isinstance(r.event, STRUCTURE)]
        assert len(subset) < len(records), team  # an audit cites a part, not everything
        full_status, full = _facts(records, team)
        sub_status, sub = _facts(subset, team)
        assert (sub_status, sub) == (full_status, full), team


def test_winner_of_a_cup_without_a_path_is_its_champion(sqlite_cli: Cli) -> None:
    for line in (
        "new cup --name Cup --on 2025-01-10",
        "stage r1 --name County --format knockout --rounds Final --on 2025-01-10",
        "enter r1 Alpha Beta --on 2025-01-10",
        "record r1 'Alpha 0-2 Beta' --round Final --on 2025-02-01",
    ):
        import shlex

        sqlite_cli(*shlex.split(line))
    assert _steps(sqlite_cli, "Beta")["status"] == "champion"
    assert _steps(sqlite_cli, "Alpha")["status"] == "eliminated"

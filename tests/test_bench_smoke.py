"""The season generator builds a sane ledger, judged by the ledger's own reads."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.service import Ledger
from ledger.verify import verify

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import generate


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Ledger, generate.Built]]:
    lg = Ledger(str(tmp_path_factory.mktemp("season") / "season.db"))
    out = generate.build(lg, events=4000, seed=7)
    yield lg, out
    lg.close()


def test_every_kind_of_competition_is_generated(
    built: tuple[Ledger, generate.Built],
) -> None:
    lg, out = built
    kinds = {c.kind for c in out.competitions}
    assert kinds == {"league", "cup", "championship", "qualification"}
    assert set(lg.competitions()) == {"usoc-2014", *(c.slug for c in out.competitions)}
    assert out.events >= 4000


def test_complete_leagues_have_every_team_play_twice_against_each_other(
    built: tuple[Ledger, generate.Built],
) -> None:
    lg, out = built
    for comp in out.competitions:
        if comp.kind != "league":
            continue
        rows = lg.standings("table", competition=comp.slug)
        assert len(rows) == comp.teams
        assert {r.played for r in rows} == {2 * (comp.teams - 1)}, comp.slug
        assert all(r.complete for r in rows)
        assert sum(r.won for r in rows) == sum(r.lost for r in rows)


def test_knockouts_have_their_champion(built: tuple[Ledger, generate.Built]) -> None:
    lg, out = built
    for comp in out.competitions:
        if comp.champion is None:
            continue
        knockout = next(s for s, f in comp.stages.items() if f == "knockout")
        row = next(r for r in lg.stages(competition=comp.slug) if r.slug == knockout)
        assert row.status == "complete", comp.slug
        assert row.winner == comp.champion, comp.slug


def test_group_stages_feed_the_knockout(built: tuple[Ledger, generate.Built]) -> None:
    lg, out = built
    for comp in out.competitions:
        if comp.kind != "championship":
            continue
        rows = lg.standings("groups", competition=comp.slug)
        assert all(r.complete and r.played == 3 and not r.shared_with for r in rows)
        firsts = {r.team for r in rows if r.position == 1}
        matches = lg.bracket("finals", competition=comp.slug)
        assert firsts <= {m.home_team for m in matches} | {m.away_team for m in matches}


def test_play_offs_fill_a_berth_and_qualifiers_are_provisional(
    built: tuple[Ledger, generate.Built],
) -> None:
    lg, out = built
    for comp in out.competitions:
        if comp.kind != "qualification":
            continue
        _, entries = lg.qualifiers(competition=comp.slug)
        playoff = [e for e in entries if e.path == "playoff"]
        assert [e.team for e in playoff] == [comp.champion]
        assert any(e.status == "provisional" for e in entries if e.path == "leagues") or all(
            e.status == "confirmed" for e in entries if e.path == "leagues"
        )


def test_the_2014_competition_and_the_chains_are_intact(
    built: tuple[Ledger, generate.Built],
) -> None:
    lg, _ = built
    assert [r.team for r in lg.standings("usssa-groups", competition="usoc-2014")][:1]
    report = verify(lg.store)
    assert report.ok, report.problems[:3]


def test_the_same_seed_gives_the_same_season() -> None:
    first = [c.commands for c in generate.season(3, 3000)]
    again = [c.commands for c in generate.season(3, 3000)]
    assert first == again
    assert first != [c.commands for c in generate.season(4, 3000)]


def test_a_league_can_leave_its_last_matchdays_unplayed() -> None:
    comp = generate.league("x", 9, random.Random(1), unplayed_rounds=2)
    assert not comp.complete
    assert generate.estimate(comp) < 160

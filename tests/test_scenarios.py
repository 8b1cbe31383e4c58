"""Who can still finish where: hand-worked tables, the 2014 USSSA groups, and a
20-team league where the solver is checked against enumeration."""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np
import pytest

from events.rules import preset
from ledger.pairings import round_robin
from projections.scenarios import TableInput, enumerate_table, solve_table
from projections.standings import MatchLine
from tests.conftest import Cli


def read(cli: Cli, *args: str) -> Any:
    return json.loads(cli(*args, "--json").stdout)


def by_team(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["team"]: r for r in rows}


def four_teams_one_round_left(cli: Cli, preset_name: str) -> None:
    """Harbor City beat Mill Town; both won again. Harbor City 6, Mill Town 3,
    Old Quarry 1, Riverside 1; left: Harbor City v Old Quarry, Mill Town v Riverside."""
    cli("new", "spring", "--name", "Spring League", "--on", "2025-03-01")
    cli("stage", "table", "--name", "Table", "--format", "group", "--on", "2025-03-01")
    cli("rules", "table", "--preset", preset_name, "--on", "2025-03-01")
    cli(
        "enter",
        "table",
        "Harbor City",
        "Mill Town",
        "Old Quarry",
        "Riverside",
        "--on",
        "2025-03-01",
    )
    for line, day in [
        ("Harbor City 1-0 Mill Town", "2025-03-01"),
        ("Old Quarry 0-0 Riverside", "2025-03-01"),
        ("Harbor City 2-0 Riverside", "2025-03-08"),
        ("Mill Town 1-0 Old Quarry", "2025-03-08"),
    ]:
        cli("record", "table", line, "--on", day)


def test_a_head_to_head_win_clinches_first_with_a_round_to_play(sqlite_cli: Cli) -> None:
    # UEFA rules: level on points, the head-to-head result decides. Mill Town can
    # reach 6 points, Harbor City's total, but lost to Harbor City: 1st is Harbor City's.
    four_teams_one_round_left(sqlite_cli, "uefa")
    rows = by_team(read(sqlite_cli, "scenarios", "table"))
    harbor, mill = rows["Harbor City"], rows["Mill Town"]
    assert (harbor["best_position"], harbor["worst_position"]) == (1, 1)
    assert harbor["clinched"] and harbor["places"][0]["status"] == "clinched"
    assert (mill["best_position"], mill["eliminated"]) == (2, True)
    assert mill["method"] == "enumeration"
    table = by_team(read(sqlite_cli, "standings", "table"))
    assert table["Harbor City"]["clinched"] is True
    assert table["Mill Town"]["eliminated"] is True
    # Old Quarry and Riverside can reach 4 points at most: 2nd to 4th.
    assert (rows["Old Quarry"]["best_position"], rows["Old Quarry"]["worst_position"]) == (2, 4)


def test_points_alone_would_not_clinch_first_goal_difference_keeps_the_second_alive(
    sqlite_cli: Cli,
) -> None:
    # The same table under points, goal difference, goals scored: Mill Town can
    # still draw level on 6 points, and then only goal difference separates them.
    four_teams_one_round_left(sqlite_cli, "points-gd-gf")
    rows = by_team(read(sqlite_cli, "scenarios", "table"))
    harbor, mill = rows["Harbor City"], rows["Mill Town"]
    assert (harbor["best_position"], harbor["worst_position"]) == (1, 2)
    assert not harbor["clinched"]
    assert "can still finish 2nd only on goal difference" in harbor["notes"]
    assert "a draw in its last match clinches 1st" in harbor["notes"]
    assert (mill["best_position"], mill["eliminated"]) == (1, False)
    assert "can still finish 1st only on goal difference" in mill["notes"]
    table = by_team(read(sqlite_cli, "standings", "table"))
    assert (table["Mill Town"]["best_position"], table["Mill Town"]["eliminated"]) == (1, False)


def test_usssa_groups_as_of_14_march(demo_cli: Cli) -> None:
    """By the evening of 14 March: A: Colorado Rovers 2-0 Comets Express, Boulevard
    0-5 CO Sporting Premier; B: FC Denver 3-0 Performance Soccer, KC Athletics 4-0
    Azteca Mojos, Azteca Mojos 0-0 FC Denver. The semi-finals take 1st and 2nd."""
    rows = by_team(read(demo_cli, "scenarios", "usssa-groups", "--as-of", "2014-03-14"))
    reach = {t: (r["best_position"], r["worst_position"], r["remaining"]) for t, r in rows.items()}
    assert reach == {
        "Colorado Rovers": (1, 4, 2),
        "CO Sporting Premier": (1, 4, 2),
        "Comets Express": (1, 4, 2),
        "Boulevard": (1, 4, 2),
        # Denver 4 points, one match left (KC Athletics): a loss leaves it 4, behind
        # KC (6 or more) and, if Azteca Mojos beat Performance Soccer, level with them.
        "FC Denver": (1, 3, 1),
        "KC Athletics": (1, 4, 2),
        # Azteca Mojos can reach 4 only if Denver loses to KC Athletics (6+).
        "Azteca Mojos": (2, 4, 1),
        "Performance Soccer": (1, 4, 2),
    }
    assert [p["place"] for p in rows["FC Denver"]["places"]] == [1, 2]
    assert "a win in its last match clinches 1st" in rows["FC Denver"]["notes"]
    assert "a draw in its last match clinches a top-2 place" in rows["FC Denver"]["notes"]
    # KC lose both: 3 points, level with Performance Soccer if Azteca Mojos beat them.
    assert "can still finish 4th only on goal difference" in rows["KC Athletics"]["notes"]
    assert rows["Azteca Mojos"]["places"][0]["status"] == "out"
    assert rows["Performance Soccer"]["places"][1]["note"] == (
        "wins in its last 2 matches clinch a top-2 place"
    )
    assert {r["path_status"] for r in rows.values()} == {"alive"}
    # When the groups are over: the top two of each group are through, the rest out.
    final = by_team(read(demo_cli, "standings", "usssa-groups"))
    through = sorted(t for t, r in final.items() if r["clinched"])
    out = sorted(t for t, r in final.items() if r["eliminated"])
    assert through == ["CO Sporting Premier", "Colorado Rovers", "FC Denver", "KC Athletics"]
    assert out == ["Azteca Mojos", "Boulevard", "Comets Express", "Performance Soccer"]
    status = {r["team"]: r["path_status"] for r in read(demo_cli, "scenarios", "usssa-groups")}
    assert status["Boulevard"] == "out" and status["KC Athletics"] == "alive"


def test_scenarios_of_a_knockout_stage_is_refused_and_writes_nothing(demo_cli: Cli) -> None:
    before = demo_cli.log()
    result = demo_cli.refused("scenarios", "ggc")
    assert "knockout" in result.stderr
    demo_cli.refused("scenarios", "no-such-stage")
    assert demo_cli.log() == before


# --- the solver against enumeration ---------------------------------------------------


def league(teams: int, rounds_left: int, seed: int) -> TableInput:
    """A double round robin with `rounds_left` rounds to play; stronger teams
    (lower numbers) tend to win, so the table spreads as a real one does."""
    rnd = random.Random(seed)
    names = [f"Club {n:02d}" for n in range(teams)]
    rounds = round_robin(names, double=True)
    cut = len(rounds) - rounds_left
    played = []
    for pairs in rounds[:cut]:
        for home, away in pairs:
            edge = (names.index(away) - names.index(home)) / teams
            played.append(
                MatchLine(
                    home=home,
                    away=away,
                    home_goals=max(0, round(rnd.gauss(1.4 + edge, 1))),
                    away_goals=max(0, round(rnd.gauss(1.1 - edge, 1))),
                )
            )
    remaining = tuple(pair for pairs in rounds[cut:] for pair in pairs)
    return TableInput(
        teams=tuple(names),
        played=tuple(played),
        remaining=remaining,
        rules=preset("points-gd-gf"),
    )


def brute_force(table: TableInput) -> dict[str, tuple[int, int]]:
    """Best and worst position on points, level teams either way: every outcome,
    counted with numpy (an implementation independent of the module's)."""
    teams = list(table.teams)
    idx = {t: i for i, t in enumerate(teams)}
    base = np.zeros(len(teams), dtype=np.int64)
    for m in table.played:
        h, a = idx[m.home], idx[m.away]
        if m.home_goals > m.away_goals:
            base[h] += 3
        elif m.home_goals < m.away_goals:
            base[a] += 3
        else:
            base[h] += 1
            base[a] += 1
    n = len(table.remaining)
    outcomes = np.array(np.meshgrid(*[[0, 1, 2]] * n, indexing="ij")).reshape(n, -1).T
    points = np.tile(base, (len(outcomes), 1))
    for k, (home, away) in enumerate(table.remaining):
        points[:, idx[home]] += np.array([3, 1, 0])[outcomes[:, k]]
        points[:, idx[away]] += np.array([0, 1, 3])[outcomes[:, k]]
    out = {}
    for t in teams:
        mine = points[:, [idx[t]]]
        above = (points > mine).sum(axis=1)
        level_or_above = (points >= mine).sum(axis=1) - 1
        out[t] = (1 + int(above.min()), 1 + int(level_or_above.max()))
    return out


def sub_case(table: TableInput, keep: int, seed: int) -> TableInput:
    """The same table with all but `keep` of its remaining matches given results."""
    rnd = random.Random(seed)
    order = list(table.remaining)
    rnd.shuffle(order)
    decided = [
        MatchLine(home=h, away=a, home_goals=g[0], away_goals=g[1])
        for (h, a), g in zip(
            order[keep:], rnd.choices([(1, 0), (0, 0), (0, 1)], k=len(order) - keep), strict=True
        )
    ]
    return TableInput(
        teams=table.teams,
        played=(*table.played, *decided),
        remaining=tuple(order[:keep]),
        rules=table.rules,
    )


@pytest.mark.parametrize("seed", range(4))
def test_solver_matches_enumeration_on_six_team_leagues(seed: int) -> None:
    table = league(6, 2, seed)  # 6 matches left: 729 outcomes
    enumerated, solved = enumerate_table(table), solve_table(table)
    for team in table.teams:
        assert (solved[team].best, solved[team].worst) == (
            enumerated[team].best,
            enumerated[team].worst,
        )
        assert solved[team].positions == enumerated[team].positions


def test_twenty_team_league_with_ten_rounds_left() -> None:
    table = league(20, 10, seed=2025)
    assert len(table.remaining) == 100
    solved = solve_table(table)
    for team in table.teams:
        assert 1 <= solved[team].best <= solved[team].worst <= 20
    # Sub-cases small enough to enumerate: the solver agrees with two independent
    # counts (the module's enumeration through rank(), and numpy on points).
    for seed, keep in [(1, 8), (2, 8), (3, 10), (4, 12)]:
        sub = sub_case(table, keep, seed)
        solved_sub = solve_table(sub)
        counted = brute_force(sub)
        assert {t: (r.best, r.worst) for t, r in solved_sub.items()} == counted
        if keep <= 8:
            enumerated = enumerate_table(sub)
            assert {t: (r.best, r.worst) for t, r in enumerated.items()} == counted
    # With only the last round left (10 matches) every team's range is narrow.
    last_round = league(20, 1, seed=2025)
    assert {t: (r.best, r.worst) for t, r in solve_table(last_round).items()} == brute_force(
        last_round
    )

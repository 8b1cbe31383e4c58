"""Tiebreak engine tests: real groups and hand-checked tables, plus round-robin properties."""

from __future__ import annotations

import itertools
import random
import re

from hypothesis import given
from hypothesis import strategies as st

from events.rules import PRESETS, RuleSet, TiebreakStep, preset
from projections.standings import FairPlay, MatchLine, StandingRow, rank

_SCORE = re.compile(r"^(.+) (\d+)-(\d+) (.+)$")


def _m(line: str) -> MatchLine:
    found = _SCORE.match(line)
    assert found is not None, line
    home, hg, ag, away = found.groups()
    return MatchLine(home=home, away=away, home_goals=int(hg), away_goals=int(ag))


def _ms(*lines: str) -> list[MatchLine]:
    return [_m(line) for line in lines]


def _order(rows: list[StandingRow]) -> list[tuple[int, str]]:
    return [(r.position, r.team) for r in rows]


def _by_team(rows: list[StandingRow]) -> dict[str, StandingRow]:
    return {r.team: r for r in rows}


# --- default preset -------------------------------------------------------------------


def test_default_preset_goal_difference_decides() -> None:
    matches = _ms("A 1-1 B", "A 3-0 C", "A 1-0 D", "B 2-0 C", "B 1-0 D", "C 1-1 D")
    # A: D 1-1, W 3-0, W 1-0 -> 7 pts, 5-1, GD +4
    # B: D 1-1, W 2-0, W 1-0 -> 7 pts, 4-1, GD +3
    # C: L 0-3, L 0-2, D 1-1 -> 1 pt, 1-6, GD -5
    # D: L 0-1, L 0-1, D 1-1 -> 1 pt, 1-3, GD -2
    rows = rank(teams=["A", "B", "C", "D"], matches=matches, rules=preset("points-gd-gf"))
    assert _order(rows) == [(1, "A"), (2, "B"), (3, "D"), (4, "C")]
    a, b, d = _by_team(rows)["A"], _by_team(rows)["B"], _by_team(rows)["D"]
    assert (a.points, a.goals_for, a.goals_against, a.goal_difference) == (7, 5, 1, 4)
    assert (a.won, a.drawn, a.lost, a.played) == (2, 1, 0, 3)
    assert a.tiebreak_step == "overall:goal_difference"
    assert a.tiebreak == "ahead of B on overall goal difference (A +4, B +3)"
    assert b.tiebreak == "behind A on overall goal difference (A +4, B +3)"
    assert d.tiebreak == "ahead of C on overall goal difference (D -2, C -5)"
    assert not a.lots_pending and a.shared_with == ()


def test_default_preset_goals_scored_decide_on_equal_goal_difference() -> None:
    matches = _ms("A 2-2 B", "A 3-1 C", "A 1-0 D", "B 1-0 C", "B 2-0 D", "C 0-0 D")
    # A: D 2-2, W 3-1, W 1-0 -> 7 pts, 6-3, GD +3
    # B: D 2-2, W 1-0, W 2-0 -> 7 pts, 5-2, GD +3  (A ahead: 6 goals vs 5)
    # C: L 1-3, L 0-1, D 0-0 -> 1 pt, 1-4, GD -3
    # D: L 0-1, L 0-2, D 0-0 -> 1 pt, 0-3, GD -3  (C ahead: 1 goal vs 0)
    rows = rank(teams=["D", "C", "B", "A"], matches=matches, rules=preset("points-gd-gf"))
    assert _order(rows) == [(1, "A"), (2, "B"), (3, "C"), (4, "D")]
    by = _by_team(rows)
    assert [by[t].goal_difference for t in "ABCD"] == [3, 3, -3, -3]
    assert {r.tiebreak_step for r in rows} == {"overall:goals_for"}
    assert by["A"].tiebreak == "ahead of B on overall goals scored (A 6, B 5)"
    assert by["D"].tiebreak == "behind C on overall goals scored (C 1, D 0)"


def test_teams_without_matches_and_foreign_matches() -> None:
    # "X" is not in the group: its match is ignored. C has not played yet.
    matches = _ms("A 2-0 B", "A 5-0 X")
    rows = rank(teams=["A", "B", "C"], matches=matches, rules=preset("points-gd-gf"))
    by = _by_team(rows)
    assert (by["A"].played, by["A"].goals_for, by["A"].points) == (1, 2, 3)
    assert (by["C"].played, by["C"].points, by["C"].goal_difference) == (0, 0, 0)
    # B and C: 0 pts each; C GD 0 beats B GD -2.
    assert _order(rows) == [(1, "A"), (2, "C"), (3, "B")]


# --- head-to-head versus goal difference: UEFA Euro 2012 Group A ---------------------

EURO_2012_A = _ms(
    "Poland 1-1 Greece",
    "Russia 4-1 Czech Republic",
    "Greece 1-2 Czech Republic",
    "Poland 1-1 Russia",
    "Czech Republic 1-0 Poland",
    "Greece 1-0 Russia",
)
EURO_2012_A_TEAMS = ["Poland", "Greece", "Russia", "Czech Republic"]
# Czech Republic: L 1-4, W 2-1, W 1-0 -> 6 pts, 4-5, GD -1
# Greece:         D 1-1, L 1-2, W 1-0 -> 4 pts, 3-3, GD 0
# Russia:         W 4-1, D 1-1, L 0-1 -> 4 pts, 5-3, GD +2
# Poland:         D 1-1, D 1-1, L 0-1 -> 2 pts, 2-3, GD -1


def test_uefa_head_to_head_beats_goal_difference_euro_2012_group_a() -> None:
    rows = rank(teams=EURO_2012_A_TEAMS, matches=EURO_2012_A, rules=preset("uefa"))
    # Official table: Czech Republic, Greece, Russia, Poland.
    assert _order(rows) == [(1, "Czech Republic"), (2, "Greece"), (3, "Russia"), (4, "Poland")]
    by = _by_team(rows)
    assert by["Russia"].goal_difference == 2 and by["Greece"].goal_difference == 0
    assert by["Greece"].tiebreak == "ahead of Russia on head-to-head points (Greece 1-0 Russia)"
    assert by["Russia"].tiebreak == "behind Greece on head-to-head points (Greece 1-0 Russia)"
    assert by["Greece"].tiebreak_step == "head_to_head:points"
    assert by["Czech Republic"].tiebreak == "" and by["Czech Republic"].tiebreak_step is None


def test_fifa_2018_goal_difference_beats_head_to_head_same_results() -> None:
    rows = rank(teams=EURO_2012_A_TEAMS, matches=EURO_2012_A, rules=preset("fifa-2018"))
    # Goal difference first: Russia +2 ahead of Greece 0.
    assert _order(rows) == [(1, "Czech Republic"), (2, "Russia"), (3, "Greece"), (4, "Poland")]
    by = _by_team(rows)
    assert (
        by["Russia"].tiebreak == "ahead of Greece on overall goal difference (Russia +2, Greece 0)"
    )
    assert by["Russia"].tiebreak_step == "overall:goal_difference"


# --- UEFA re-application ----------------------------------------------------------------

REAPPLY_MATCHES = _ms("A 2-1 B", "B 3-1 C", "C 3-0 A", "A 1-0 D", "B 1-0 D", "C 4-0 D")
# Overall: A, B, C each 2 wins 1 loss = 6 pts; D 0 pts.
#   A 3-4 (GD -1), B 5-3 (GD +2), C 8-3 (GD +5), D 0-6 (GD -6).
# Mini-table among A, B, C (matches A 2-1 B, B 3-1 C, C 3-0 A): each 3 pts.
#   A: 2-4 (GD -2); B: 4-3 (GD +1); C: 4-3 (GD +1) -> A split off last; B, C level on
#   mini GD (+1) and mini goals (4). Re-applied to B and C only: B 3-1 C -> B 3 pts, C 0.


def test_uefa_reapplies_head_to_head_to_remaining_pair() -> None:
    rows = rank(teams=list("ABCD"), matches=REAPPLY_MATCHES, rules=preset("uefa"))
    assert _order(rows) == [(1, "B"), (2, "C"), (3, "A"), (4, "D")]
    by = _by_team(rows)
    assert by["B"].tiebreak == (
        "level with A and C on points; ahead of C on head-to-head points re-applied to B and C "
        "(B 3-1 C)"
    )
    assert by["B"].tiebreak_step == "head_to_head:points"
    assert by["A"].tiebreak == (
        "behind B and C on head-to-head goal difference among A, B and C (B +1, C +1, A -2)"
    )
    assert by["A"].tiebreak_step == "head_to_head:goal_difference"


def test_without_reapplication_pair_falls_through_to_overall_goal_difference() -> None:
    steps = tuple(
        TiebreakStep(criterion=s.criterion, scope=s.scope, reapply=False) for s in PRESETS["uefa"]
    )
    rows = rank(teams=list("ABCD"), matches=REAPPLY_MATCHES, rules=RuleSet(tiebreaks=steps))
    # B and C stay level through the block, then overall GD: C +5 ahead of B +2.
    assert _order(rows) == [(1, "C"), (2, "B"), (3, "A"), (4, "D")]
    assert _by_team(rows)["C"].tiebreak_step == "overall:goal_difference"


def test_fifa_2018_orders_reapply_group_by_goal_difference() -> None:
    rows = rank(teams=list("ABCD"), matches=REAPPLY_MATCHES, rules=preset("fifa-2018"))
    # All three on 6 pts; overall GD C +5, B +2, A -1.
    assert _order(rows) == [(1, "C"), (2, "B"), (3, "A"), (4, "D")]


# --- fair play: FIFA World Cup 2018 Group H ---------------------------------------------

WC_2018_H = _ms(
    "Colombia 1-2 Japan",
    "Poland 1-2 Senegal",
    "Japan 2-2 Senegal",
    "Poland 0-3 Colombia",
    "Japan 0-1 Poland",
    "Senegal 0-1 Colombia",
)
# Colombia: L 1-2, W 3-0, W 1-0 -> 6 pts, 5-2, GD +3
# Japan:    W 2-1, D 2-2, L 0-1 -> 4 pts, 4-4, GD 0
# Senegal:  W 2-1, D 2-2, L 0-1 -> 4 pts, 4-4, GD 0
# Poland:   L 1-2, L 0-3, W 1-0 -> 3 pts, 2-5, GD -3
# Japan v Senegal 2-2: level on head-to-head points, GD and goals; fair play -4 vs -6.
WC_2018_H_CARDS = {"Japan": FairPlay(yellow=4), "Senegal": FairPlay(yellow=6)}


def test_fair_play_decides_world_cup_2018_group_h() -> None:
    teams = ["Colombia", "Japan", "Senegal", "Poland"]
    rows = rank(
        teams=teams, matches=WC_2018_H, rules=preset("fifa-2018"), fair_play=WC_2018_H_CARDS
    )
    assert _order(rows) == [(1, "Colombia"), (2, "Japan"), (3, "Senegal"), (4, "Poland")]
    by = _by_team(rows)
    assert [by[t].points for t in teams] == [6, 4, 4, 3]
    assert (by["Japan"].fair_play, by["Senegal"].fair_play, by["Poland"].fair_play) == (-4, -6, 0)
    assert by["Japan"].tiebreak_step == "overall:fair_play"
    assert by["Japan"].tiebreak == "ahead of Senegal on fair play points (Japan -4, Senegal -6)"
    # The same result under UEFA-style rules: head-to-head 2-2, overall equal, then cards.
    uefa = rank(teams=teams, matches=WC_2018_H, rules=preset("uefa"), fair_play=WC_2018_H_CARDS)
    assert _order(uefa) == _order(rows)


def test_missing_card_data_does_not_pretend_to_be_clean() -> None:
    teams = ["Colombia", "Japan", "Senegal", "Poland"]
    rows = rank(teams=teams, matches=WC_2018_H, rules=preset("fifa-2018"))
    by = _by_team(rows)
    assert (by["Japan"].position, by["Senegal"].position) == (2, 2)
    assert by["Japan"].shared_with == ("Senegal",)
    assert by["Japan"].tiebreak_step == "overall:fair_play" and not by["Japan"].lots_pending
    assert "fair play" in by["Japan"].tiebreak


def test_fair_play_points_weights() -> None:
    # -1 per yellow, -3 second yellow, -4 direct red, -5 yellow then direct red.
    assert FairPlay().points() == 0
    assert FairPlay(yellow=2, second_yellow=1, red=1, yellow_red=1).points() == -(2 + 3 + 4 + 5)


# --- not separable -------------------------------------------------------------------

LEVEL_MATCHES = _ms("A 1-1 B", "A 2-0 C", "B 2-0 C", "A 0-1 D", "B 0-1 D", "C 0-0 D")
# D: W 1-0, W 1-0, D 0-0 -> 7 pts, 2-0
# A: D 1-1, W 2-0, L 0-1 -> 4 pts, 3-2;  B: identical -> 4 pts, 3-2;  drew each other.
# C: L 0-2, L 0-2, D 0-0 -> 1 pt, 0-4


def test_identical_teams_share_position_pending_lots() -> None:
    rows = rank(teams=list("ABCD"), matches=LEVEL_MATCHES, rules=preset("points-gd-gf"))
    assert _order(rows) == [(1, "D"), (2, "A"), (2, "B"), (4, "C")]
    by = _by_team(rows)
    assert by["A"].shared_with == ("B",) and by["B"].shared_with == ("A",)
    assert by["A"].lots_pending and by["B"].lots_pending
    assert by["A"].tiebreak_step == "lots"
    assert by["A"].tiebreak == (
        "shares 2nd with B: not separated by the rules; would be decided by drawing of lots"
    )
    assert not by["D"].lots_pending and not by["C"].lots_pending


def test_identical_teams_under_uefa_with_equal_cards() -> None:
    cards = {"A": FairPlay(yellow=2), "B": FairPlay(yellow=2)}
    rows = rank(teams=list("ABCD"), matches=LEVEL_MATCHES, rules=preset("uefa"), fair_play=cards)
    assert _order(rows) == [(1, "D"), (2, "A"), (2, "B"), (4, "C")]
    assert all(r.lots_pending for r in rows if r.team in "AB")


def test_recorded_lots_decide_order() -> None:
    rows = rank(
        teams=list("ABCD"),
        matches=LEVEL_MATCHES,
        rules=preset("points-gd-gf"),
        lots=["B", "A"],
    )
    assert _order(rows) == [(1, "D"), (2, "B"), (3, "A"), (4, "C")]
    by = _by_team(rows)
    assert by["B"].tiebreak == "ahead of A by drawing of lots (recorded draw: B, A)"
    assert by["B"].tiebreak_step == "lots" and not by["B"].lots_pending


def test_lots_naming_only_part_of_the_tie_leaves_it_shared() -> None:
    rows = rank(teams=list("ABCD"), matches=LEVEL_MATCHES, rules=preset("points-gd-gf"), lots=["B"])
    assert _order(rows) == [(1, "D"), (2, "A"), (2, "B"), (4, "C")]


def test_rules_exhausted_without_lots() -> None:
    rules = RuleSet(tiebreaks=(TiebreakStep(criterion="points"),))
    rows = rank(teams=list("ABCD"), matches=LEVEL_MATCHES, rules=rules)
    by = _by_team(rows)
    assert by["A"].position == by["B"].position == 2
    assert by["A"].tiebreak == "shares 2nd with B: not separated by the rules"
    assert by["A"].tiebreak_step is None and by["A"].lots_pending


# --- properties over random round robins ----------------------------------------------


@st.composite
def round_robins(draw: st.DrawFn) -> tuple[list[str], int, list[MatchLine]]:
    teams = [f"T{i}" for i in range(draw(st.integers(min_value=2, max_value=6)))]
    legs = draw(st.integers(min_value=1, max_value=2))
    matches = []
    for a, b in itertools.combinations(teams, 2):
        for leg in range(legs):
            home, away = (a, b) if leg == 0 else (b, a)
            if legs == 1 and draw(st.booleans()):
                home, away = away, home
            goals = st.integers(min_value=0, max_value=4)
            matches.append(
                MatchLine(home=home, away=away, home_goals=draw(goals), away_goals=draw(goals))
            )
    return teams, legs, matches


@given(
    data=round_robins(),
    name=st.sampled_from(sorted(PRESETS)),
    with_cards=st.booleans(),
    order=st.randoms(use_true_random=False),
)
def test_round_robin_invariants(
    data: tuple[list[str], int, list[MatchLine]],
    name: str,
    with_cards: bool,
    order: random.Random,
) -> None:
    teams, legs, matches = data
    # A few equal-ish card counts so fair play sometimes separates and sometimes does not.
    cards = {t: FairPlay(yellow=i % 2) for i, t in enumerate(teams)} if with_cards else None
    rows = rank(teams=teams, matches=matches, rules=preset(name), fair_play=cards)
    n = len(teams)
    decisive = sum(m.home_goals != m.away_goals for m in matches)
    draws = len(matches) - decisive
    assert sorted(r.team for r in rows) == sorted(teams)
    assert sum(r.goal_difference for r in rows) == 0
    assert sum(r.goals_for for r in rows) == sum(r.goals_against for r in rows)
    assert sum(r.points for r in rows) == 3 * decisive + 2 * draws
    assert all(r.played == (n - 1) * legs for r in rows)
    positions = [r.position for r in rows]
    assert positions == sorted(positions) and positions[0] == 1
    for r in rows:
        # Competition ranking: position is one more than the number of teams strictly ahead.
        assert r.position == 1 + sum(o.position < r.position for o in rows)
        assert set(r.shared_with) == {o.team for o in rows if o.position == r.position} - {r.team}
    assert [r.points for r in rows] == sorted((r.points for r in rows), reverse=True)
    shuffled = list(matches)
    order.shuffle(shuffled)
    again = rank(teams=teams[::-1], matches=shuffled, rules=preset(name), fair_play=cards)
    assert again == rows

"""Who can still finish where: exact answers from the remaining fixtures and the rules.

A pure projection. For every team of every table of a stage it gives the best and
worst position still possible, whether the places that matter (those later
fixtures or qualification slots take, else 1st) are clinched or out of reach, and
what a team needs when its fate is in its own hands.

Two exact methods, never a simulation:

- enumeration, for tables with up to six matches left: every win/draw/loss outcome of
  the remaining matches is ranked with the real `rank()` on the rule steps that
  results alone decide (points, wins, head-to-head points). Teams still level
  after them would be separated by goals, fair play or lots: each of them can
  then take any of the shared positions, and the answer says so ("only on goal
  difference"). Where every team of such a level set has played all its
  matches, its goals are final and the real table decides.
- a mixed-integer program (HiGHS) for larger tables, on points alone, teams
  level on points counted as finishing either way.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

from events.base import GroupPlace, Side
from events.rules import RuleSet, TiebreakStep
from projections.model import CompetitionState
from projections.resolve import RankingTable, Resolver, ordinal
from projections.standings import FairPlay, MatchLine, StandingRow, rank

# Up to this many matches left, a table is enumerated (3^6 = 729 outcomes: a
# group of four from its first round on); standings compute this on every read.
ENUMERATE_LIMIT = 6

# Criteria that results alone (win, draw, loss) decide.
_RESULT_CRITERIA = ("points", "wins")

_WORDS = {
    "goal_difference": "goal difference",
    "goals_for": "goals scored",
    "away_goals_for": "away goals scored",
    "wins": "wins",
    "points": "points",
    "fair_play": "fair play points",
    "lots": "drawing of lots",
}


@dataclass(frozen=True)
class TableInput:
    """One table as scenarios see it: what is played, what is left, the rules."""

    teams: tuple[str, ...]
    played: tuple[MatchLine, ...]
    remaining: tuple[tuple[str, str], ...]  # (home, away) of every match still to play
    rules: RuleSet
    fair_play: dict[str, FairPlay] | None = None
    lots: tuple[str, ...] | None = None


@dataclass
class Reach:
    """What one team can still reach in one table."""

    best: int
    worst: int
    # position -> None when reachable on results alone, else the words of the
    # steps (goal difference, lots...) that would have to place the team there.
    positions: dict[int, set[str] | None] = field(default_factory=dict)
    # Worst position given the points the team takes from its own remaining
    # matches (enumeration only): own points -> worst position.
    worst_if: dict[int, int] = field(default_factory=dict)
    own_matches: int = 0


class PlaceOutlook(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    place: int  # "top `place`": the team finishes in this place or better
    status: Literal["clinched", "alive", "out"]
    note: str = ""


class TeamOutlook(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    stage: str
    group: str
    team: str
    position: int
    points: int
    played: int
    remaining: int
    best_position: int
    worst_position: int
    clinched: bool  # sure of a place that matters (qualification places, else 1st)
    eliminated: bool  # can no longer reach any place that matters
    places: list[PlaceOutlook]
    path: str | None
    path_status: Literal["clinched", "alive", "out"] | None
    notes: list[str]
    method: Literal["final", "enumeration", "solver"]


# --- the input: a table's played and remaining matches -------------------------


def table_input(resolver: Resolver, stage_slug: str, group: str) -> TableInput:
    """Played lines as the standings count them; remaining matches are the
    scheduled unplayed fixtures, plus one meeting for each pair of the group with
    no fixture at all (a round robin recorded as it is played)."""
    state = resolver.state
    stage = state.stages[stage_slug]
    teams = tuple(resolver.group_teams(stage, group))
    members = set(teams)
    lines, cards = resolver.group_lines(stage_slug, group)
    remaining: list[tuple[str, str]] = []
    met: set[frozenset[str]] = set()
    for fx in resolver.group_fixtures(stage, group):
        home, away = resolver.team(fx.home), resolver.team(fx.away)
        if home is None or away is None or home == away:
            continue
        met.add(frozenset((home, away)))
        if home not in members or away not in members:
            continue
        if resolver.outcome(fx.fixture).status in ("scheduled", "void", "disputed"):
            remaining.append((home, away))
    for a, b in itertools.combinations(teams, 2):
        if frozenset((a, b)) not in met:
            remaining.append((a, b))
    lots = stage.lots.get(group or "")
    return TableInput(
        teams=teams,
        played=tuple(lines),
        remaining=tuple(remaining),
        rules=stage.rules,
        fair_play=cards or None,
        lots=lots.order if lots is not None else None,
    )


# --- the rule steps results alone decide ------------------------------------------


def result_rules(rules: RuleSet) -> tuple[RuleSet, TiebreakStep | None]:
    """The leading tiebreak steps that win/draw/loss alone decide, and the first
    step that needs more (goals, fair play, lots), if any."""
    steps = list(rules.tiebreaks) or [TiebreakStep(criterion="points")]
    kept: list[TiebreakStep] = []
    stop: TiebreakStep | None = None
    for i, step in enumerate(steps):
        if step.criterion not in _RESULT_CRITERIA:
            stop = step
            break
        nxt = steps[i + 1] if i + 1 < len(steps) else None
        if step.scope == "head_to_head" and nxt is not None and nxt.scope == "head_to_head":
            # The head-to-head block goes on with goals: re-applying points to a
            # subset before those goals are compared would claim an order the
            # rules do not give. Leave such subsets level (decided by goals).
            step = TiebreakStep(criterion=step.criterion, scope=step.scope, reapply=False)
        kept.append(step)
    if kept[0].criterion != "points" or kept[0].scope != "overall":
        kept.insert(0, TiebreakStep(criterion="points"))
    return RuleSet(name=rules.name, points=rules.points, tiebreaks=tuple(kept)), stop


def step_words(step: TiebreakStep | None) -> str:
    if step is None:
        return "drawing of lots"
    word = _WORDS[step.criterion]
    if step.scope == "head_to_head" and step.criterion not in ("fair_play", "lots"):
        return f"head-to-head {word}"
    return word


# --- enumeration ----------------------------------------------------------------------


def _placeholder(home: str, away: str, outcome: int) -> MatchLine:
    goals = ((1, 0), (0, 0), (0, 1))[outcome]
    return MatchLine(home=home, away=away, home_goals=goals[0], away_goals=goals[1])


def _blocks(rows: Sequence[StandingRow]) -> list[tuple[int, tuple[str, ...]]]:
    """(first position, teams) of each set the rows leave level, in order."""
    out: list[tuple[int, tuple[str, ...]]] = []
    for row in rows:
        if out and out[-1][0] == row.position:
            out[-1] = (row.position, (*out[-1][1], row.team))
        else:
            out.append((row.position, (row.team,)))
    return out


def enumerate_table(table: TableInput) -> dict[str, Reach]:
    """Every outcome of the remaining matches, ranked by the real rules."""
    short, stop = result_rules(table.rules)
    points_only = len(short.tiebreaks) == 1
    tie_word = step_words(stop)
    base = {t: 0 for t in table.teams}
    for line in rank(teams=table.teams, matches=table.played, rules=short):
        base[line.team] = line.points
    still_to_play = {t for pair in table.remaining for t in pair}
    own = {t: [i for i, p in enumerate(table.remaining) if t in p] for t in table.teams}
    win, draw, loss = table.rules.points.win, table.rules.points.draw, table.rules.points.loss
    reach: dict[str, Reach] = {
        t: Reach(best=len(table.teams), worst=1, own_matches=len(own[t])) for t in table.teams
    }
    for outcome in itertools.product((0, 1, 2), repeat=len(table.remaining)):
        points = dict(base)
        for (home, away), o in zip(table.remaining, outcome, strict=True):
            points[home] += (win, draw, loss)[o]
            points[away] += (loss, draw, win)[o]
        lines: list[MatchLine] | None = None
        ordered = sorted(table.teams, key=lambda t: -points[t])
        blocks: list[tuple[int, tuple[str, ...]]] = []
        for pos, team in enumerate(ordered, start=1):
            if blocks and points[blocks[-1][1][0]] == points[team]:
                blocks[-1] = (blocks[-1][0], (*blocks[-1][1], team))
            else:
                blocks.append((pos, (team,)))
        if not points_only and len(blocks) < len(table.teams):
            # Level on points: the further result steps (head-to-head, wins) decide.
            lines = [
                *table.played,
                *(
                    _placeholder(h, a, o)
                    for (h, a), o in zip(table.remaining, outcome, strict=True)
                ),
            ]
            blocks = _blocks(rank(teams=table.teams, matches=lines, rules=short))
        full: dict[str, StandingRow] | None = None
        for first, teams in blocks:
            last = first + len(teams) - 1
            placed: dict[str, tuple[int, int, str | None]] = {}
            if len(teams) == 1:
                placed[teams[0]] = (first, first, None)
            elif not still_to_play & set(teams):
                # Their goals are final: the real table orders them.
                if full is None:
                    if lines is None:
                        lines = [
                            *table.played,
                            *(
                                _placeholder(h, a, o)
                                for (h, a), o in zip(table.remaining, outcome, strict=True)
                            ),
                        ]
                    full = {
                        r.team: r
                        for r in rank(
                            teams=table.teams,
                            matches=lines,
                            rules=table.rules,
                            fair_play=table.fair_play,
                            lots=table.lots,
                        )
                    }
                for t in teams:
                    r = full[t]
                    if r.shared_with:
                        word = "drawing of lots" if r.lots_pending else "fair play points"
                        placed[t] = (r.position, r.position + len(r.shared_with), word)
                    else:
                        placed[t] = (r.position, r.position, None)
            else:
                for t in teams:
                    placed[t] = (first, last, tie_word)
            for t, (lo, hi, how) in placed.items():
                r_ = reach[t]
                r_.best, r_.worst = min(r_.best, lo), max(r_.worst, hi)
                for p in range(lo, hi + 1):
                    _mark(r_, p, how)
                mine = sum(
                    (win, draw, loss)[o] if table.remaining[i][0] == t else (loss, draw, win)[o]
                    for i in own[t]
                    for o in (outcome[i],)
                )
                r_.worst_if[mine] = max(r_.worst_if.get(mine, 1), hi)
    return reach


def _mark(reach: Reach, position: int, word: str | None) -> None:
    """Reachable on results alone (word None) wins over reachable only on `word`."""
    if word is None:
        reach.positions[position] = None
        return
    if position not in reach.positions:
        reach.positions[position] = {word}
        return
    words = reach.positions[position]
    if words is not None:
        words.add(word)


# --- the solver --------------------------------------------------------------------


_QUIET: list[bool] = []


def _solver() -> Any:
    """A quiet HiGHS instance. The library prints a banner on stdout when its
    first instance is built: keep that off our output (JSON included)."""
    import highspy

    if not _QUIET:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _QUIET.append(True)
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    return h


def _greedy(
    table: TableInput, base: dict[str, int], t: str, *, most: bool, strict: bool
) -> int | None:
    """The count `solve_table` asks for, when a greedy outcome meets a bound and so
    is optimal (most tables, most teams): None when the solver must decide.

    For the fewest teams above `t` it wins all its matches, for the most it loses
    them all: either choice dominates every other."""
    win, draw, loss = table.rules.points.win, table.rules.points.draw, table.rules.points.loss
    points = dict(base)
    others: list[tuple[str, str]] = []
    for home, away in table.remaining:
        if t not in (home, away):
            others.append((home, away))
            continue
        t_home = home == t
        home_wins = t_home != most  # t wins when looking for its best position
        points[home] += win if home_wins else loss
        points[away] += loss if home_wins else win
    target = points[t]

    def above(p: int) -> bool:
        return p > target if strict else p >= target

    games = {x: 0 for x in table.teams}
    for home, away in others:
        games[home] += 1
        games[away] += 1
    if most:
        bound = sum(above(points[j] + win * games[j]) for j in table.teams if j != t)
    else:
        bound = sum(above(points[j] + loss * games[j]) for j in table.teams if j != t)
    results = ((win, loss), (draw, draw), (loss, win))
    for home, away in others:

        def score(result: tuple[int, int], home: str = home, away: str = away) -> tuple[int, int]:
            ph, pa = points[home] + result[0], points[away] + result[1]
            n_above = above(ph) + above(pa)
            return (n_above, min(ph, pa)) if most else (-n_above, -max(ph, pa))

        got = max(results, key=score)
        points[home] += got[0]
        points[away] += got[1]
    found = sum(above(points[j]) for j in table.teams if j != t)
    return found if found == bound else None


def solve_table(table: TableInput) -> dict[str, Reach]:
    """Best and worst positions on points, level teams counted either way (HiGHS)."""
    import highspy
    import numpy as np

    short, stop = result_rules(table.rules)
    tie_word = step_words(short.tiebreaks[1] if len(short.tiebreaks) > 1 else stop)
    rule = table.rules.points
    base = {t: 0 for t in table.teams}
    for line in rank(teams=table.teams, matches=table.played, rules=short):
        base[line.team] = line.points
    teams = list(table.teams)
    index = {t: i for i, t in enumerate(teams)}
    n_matches = len(table.remaining)
    games = {t: 0 for t in teams}
    for h, a in table.remaining:
        games[h] += 1
        games[a] += 1
    top = max(rule.win, rule.draw, rule.loss)
    big = max(base.values()) - min(base.values()) + top * max(games.values(), default=0) + 2

    def points_terms(t: str) -> tuple[list[int], list[float]]:
        """Column indices and coefficients of a team's points from remaining matches."""
        cols: list[int] = []
        vals: list[float] = []
        for m, (h, a) in enumerate(table.remaining):
            if t == h:
                cols += [3 * m, 3 * m + 1, 3 * m + 2]
                vals += [rule.win, rule.draw, rule.loss]
            elif t == a:
                cols += [3 * m, 3 * m + 1, 3 * m + 2]
                vals += [rule.loss, rule.draw, rule.win]
        return cols, vals

    terms = {t: points_terms(t) for t in teams}

    def count(t: str, *, most: bool, strict: bool) -> int:
        """Min (or max) number of others above t: strictly above, or level or above."""
        quick = _greedy(table, base, t, most=most, strict=strict)
        if quick is not None:
            return quick
        h = _solver()
        n_cols = 3 * n_matches + len(teams)
        h.addVars(n_cols, np.zeros(n_cols), np.ones(n_cols))
        h.changeColsIntegrality(
            n_cols,
            np.arange(n_cols, dtype=np.int32),
            np.full(n_cols, highspy.HighsVarType.kInteger),
        )
        for m in range(n_matches):
            h.addRow(
                1.0, 1.0, 3, np.array([3 * m, 3 * m + 1, 3 * m + 2], dtype=np.int32), np.ones(3)
            )
        t_cols, t_vals = terms[t]
        costs = np.zeros(n_cols)
        for j in teams:
            if j == t:
                continue
            y = 3 * n_matches + index[j]
            costs[y] = 1.0
            j_cols, j_vals = terms[j]
            # d = P_j - P_t = (base_j - base_t) + sum(j terms) - sum(t terms)
            coeffs: dict[int, float] = {}
            for c, v in zip(j_cols, j_vals, strict=True):
                coeffs[c] = coeffs.get(c, 0.0) + v
            for c, v in zip(t_cols, t_vals, strict=True):
                coeffs[c] = coeffs.get(c, 0.0) - v
            gap = base[j] - base[t]
            if most:
                # y = 1 only if j is above t: d >= 1 (strict) or d >= 0, i.e.
                # d - big*y >= need - big  ->  sum - big*y >= need - big - gap
                need = 1 if strict else 0
                coeffs[y] = -float(big)
                lower, upper = float(need - big - gap), highspy.kHighsInf
            else:
                # y = 0 forces j not above t: d <= 0 (strict) or d <= -1
                limit = 0 if strict else -1
                coeffs[y] = -float(big)
                lower, upper = -highspy.kHighsInf, float(limit - gap)
            cols = np.array(list(coeffs), dtype=np.int32)
            vals = np.array(list(coeffs.values()))
            h.addRow(lower, upper, len(cols), cols, vals)
        h.changeColsCost(n_cols, np.arange(n_cols, dtype=np.int32), costs)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if most else highspy.ObjSense.kMinimize)
        h.run()
        value: float = h.getInfo().objective_function_value
        return round(value)

    reach: dict[str, Reach] = {}
    for t in teams:
        best = 1 + count(t, most=False, strict=True)
        best_clear = 1 + count(t, most=False, strict=False)
        worst = 1 + count(t, most=True, strict=False)
        worst_clear = 1 + count(t, most=True, strict=True)
        r = Reach(best=best, worst=worst, own_matches=games[t])
        for p in range(best, worst + 1):
            on_points = best_clear <= p <= worst_clear
            r.positions[p] = None if on_points else {tie_word}
        reach[t] = r
    return reach


def reach_of(
    table: TableInput,
) -> tuple[dict[str, Reach], Literal["final", "enumeration", "solver"]]:
    if not table.remaining:
        rows = rank(
            teams=table.teams,
            matches=table.played,
            rules=table.rules,
            fair_play=table.fair_play,
            lots=table.lots,
        )
        out = {}
        for r in rows:
            hi = r.position + len(r.shared_with)
            out[r.team] = Reach(
                best=r.position,
                worst=hi,
                positions={
                    p: (None if hi == r.position else {"drawing of lots"})
                    for p in range(r.position, hi + 1)
                },
            )
        return out, "final"
    if len(table.remaining) <= ENUMERATE_LIMIT:
        return enumerate_table(table), "enumeration"
    return solve_table(table), "solver"


# --- the places that matter -------------------------------------------------------


def _sides(state: CompetitionState) -> Iterable[Side]:
    for fx in state.fixtures.values():
        yield fx.home
        yield fx.away
    for path in state.paths.values():
        for slot in path.slots:
            yield slot.slot


def places_that_matter(state: CompetitionState, stage: str, group: str) -> list[int]:
    """Places of this table that later fixtures or qualification slots take; 1st if none."""
    places = {
        s.place
        for s in _sides(state)
        if isinstance(s, GroupPlace) and s.stage == stage and s.group in (group, "")
    }
    return sorted(places) or [1]


def path_places(state: CompetitionState, stage: str, group: str) -> set[int]:
    """Places of this table that a qualification slot takes directly."""
    return {
        slot.slot.place
        for path in state.paths.values()
        for slot in path.slots
        if isinstance(slot.slot, GroupPlace)
        and slot.slot.stage == stage
        and slot.slot.group in (group, "")
    }


def ranking_notes(rankings: Sequence[RankingTable], team: str) -> list[str]:
    """Where a team stands in the stage's cross-group rankings: known once every
    group is complete; until then, only that it waits on the other groups.
    (Which ranking places a team can still reach is not worked out.)"""
    notes: list[str] = []
    for ranking in rankings:
        declared = ranking.declared
        at = next((r for _, r in ranking.rows if r.team == team), None)
        if at is None:
            continue
        label = f"ranking {declared.name} ({ordinal(declared.place)}-placed teams)"
        if not ranking.complete:
            notes.append(f"{label}: waits on {', '.join(ranking.waiting)}")
            continue
        last = at.position + len(at.shared_with)
        shared = "=" if at.shared_with else ""
        if last <= declared.take:
            verdict = "goes through"
        elif at.position > declared.take:
            verdict = "does not go through"
        else:
            verdict = "level on the edge of the places that go through"
        notes.append(f"{shared}{ordinal(at.position)} in {label}: {verdict}")
    return notes


# --- words -------------------------------------------------------------------------


def _place_words(place: int) -> str:
    return "1st" if place == 1 else f"a top-{place} place"


def _count_words(n: int) -> str:
    return "its last match" if n == 1 else f"its last {n} matches"


def _needs(reach: Reach, place: int, rules: RuleSet) -> str | None:
    """What a team needs from its own matches to make sure of `place`, if that is in its
    own hands (enumeration only)."""
    if not reach.worst_if or reach.own_matches == 0:
        return None
    totals = sorted(reach.worst_if)
    enough = [m for m in totals if all(reach.worst_if[k] <= place for k in totals if k >= m)]
    if not enough:
        return None
    need = enough[0]
    n = reach.own_matches
    rule = rules.points
    if need == 0:
        return None
    if n == 1:
        what = "a win" if need > rule.draw else "a draw"
        return f"{what} in its last match clinches {_place_words(place)}"
    if need == rule.win * n:
        return f"wins in {_count_words(n)} clinch {_place_words(place)}"
    return f"{need} points from {_count_words(n)} clinch {_place_words(place)}"


def _tie_notes(reach: Reach) -> list[str]:
    notes = []
    for p in sorted(reach.positions):
        words = reach.positions[p]
        if words:
            notes.append(f"can still finish {ordinal(p)} only on {' or '.join(sorted(words))}")
    return notes


# --- the projection -------------------------------------------------------------------


def scenarios(state: CompetitionState, stage_slug: str) -> list[TeamOutlook]:
    """Every team of every table of a group stage, in table order."""
    resolver = Resolver(state)
    stage = state.stages[stage_slug]
    if stage.format != "group":
        return []
    out: list[TeamOutlook] = []
    rankings = [t for n in stage.rankings if (t := resolver.ranking(stage_slug, n)) is not None]
    for group in resolver.group_names(stage):
        table = table_input(resolver, stage_slug, group)
        reach, method = reach_of(table)
        places = places_that_matter(state, stage_slug, group)
        direct = path_places(state, stage_slug, group)
        zone = max(places)
        games = {t: sum(t in p for p in table.remaining) for t in table.teams}
        for row in resolver.table(stage_slug, group):
            r = reach[row.team]
            outlooks: list[PlaceOutlook] = []
            notes: list[str] = []
            for place in places:
                if r.worst <= place:
                    status: Literal["clinched", "alive", "out"] = "clinched"
                    note = f"clinched {_place_words(place)}"
                elif r.best > place:
                    status, note = "out", f"cannot finish in {_place_words(place)}"
                else:
                    status = "alive"
                    needs = _needs(r, place, table.rules)
                    note = needs or f"can still finish in {_place_words(place)}"
                    if needs is None and r.worst_if and method == "enumeration":
                        note += ", but not in its own hands"
                outlooks.append(PlaceOutlook(place=place, status=status, note=note))
                notes.append(note)
            notes.extend(_tie_notes(r))
            notes.extend(ranking_notes(rankings, row.team))
            path_status: Literal["clinched", "alive", "out"] | None = None
            if stage.path is not None:
                if r.best > zone:
                    path_status = "out"
                elif direct and any(r.worst <= p for p in direct):
                    path_status = "clinched"
                else:
                    path_status = "alive"
            out.append(
                TeamOutlook(
                    stage=stage_slug,
                    group=group,
                    team=row.team,
                    position=row.position,
                    points=row.points,
                    played=row.played,
                    remaining=games[row.team],
                    best_position=r.best,
                    worst_position=r.worst,
                    clinched=r.worst <= zone,
                    eliminated=r.best > zone,
                    places=outlooks,
                    path=stage.path,
                    path_status=path_status,
                    notes=notes,
                    method=method,
                )
            )
    return out

"""Pure standings engine: turns group results and a RuleSet into an ordered table.

Every tie is explained in its row, and no order is ever invented where the rules stop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import msgspec

from events.rules import Criterion, PointsRule, RuleSet, TiebreakStep


class MatchLine(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """One played match; the score is regulation plus extra time (never penalties).

    With `goals_known` False only the winner is known (home_goals > away_goals
    says which side): the match counts for results and points, not for goals."""

    home: str
    away: str
    home_goals: int
    away_goals: int
    goals_known: bool = True


class FairPlay(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """Card counts for one team over the group; each caution counts in exactly one field."""

    yellow: int = 0
    second_yellow: int = 0
    red: int = 0
    yellow_red: int = 0

    def points(self) -> int:
        return -(self.yellow + 3 * self.second_yellow + 4 * self.red + 5 * self.yellow_red)


class StandingRow(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """One table line. Teams the rules cannot separate share `position` (1, 2, 2, 4);
    `tiebreak` says in words which step placed the team among those level on points,
    `tiebreak_step` names it as "scope:criterion" or "lots"."""

    position: int
    team: str
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    goal_difference: int
    points: int
    fair_play: int
    tiebreak: str
    tiebreak_step: str | None
    shared_with: tuple[str, ...] = ()
    lots_pending: bool = False


@dataclass(slots=True)
class _Tally:
    # Mutable only while one table is being summed; never escapes this module.
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0
    away_goals_for: int = 0
    points: int = 0

    def value(self, criterion: Criterion) -> int:
        values = {
            "points": self.points,
            "goal_difference": self.goals_for - self.goals_against,
            "goals_for": self.goals_for,
            "away_goals_for": self.away_goals_for,
            "wins": self.won,
        }
        return values[criterion]


def _tally(
    teams: Sequence[str], matches: Sequence[MatchLine], rule: PointsRule
) -> dict[str, _Tally]:
    """Table over the matches played among `teams` only (overall or head-to-head)."""
    table = {t: _Tally() for t in teams}
    win, draw, loss = rule.win, rule.draw, rule.loss
    for m in matches:
        home, away = table.get(m.home), table.get(m.away)
        if home is None or away is None:
            continue
        hg, ag = m.home_goals, m.away_goals
        home.played += 1
        away.played += 1
        if m.goals_known:
            home.goals_for += hg
            home.goals_against += ag
            away.goals_for += ag
            away.goals_against += hg
            away.away_goals_for += ag
        if hg > ag:
            home.won, home.points = home.won + 1, home.points + win
            away.lost, away.points = away.lost + 1, away.points + loss
        elif hg == ag:
            home.drawn, home.points = home.drawn + 1, home.points + draw
            away.drawn, away.points = away.drawn + 1, away.points + draw
        else:
            home.lost, home.points = home.lost + 1, home.points + loss
            away.won, away.points = away.won + 1, away.points + win
    return table


@dataclass(frozen=True)
class _Split:
    """A step that broke a level set apart: the evidence a row's sentence cites."""

    index: int
    step: TiebreakStep
    values: tuple[tuple[str, int], ...]  # every team that was level, best first
    base: tuple[str, ...] = ()  # head-to-head: the teams whose mutual matches were compared
    reapplied: bool = False


@dataclass(frozen=True)
class _Placed:
    teams: tuple[str, ...]  # one team, or several sharing a position
    split: _Split | None
    stop: TiebreakStep | None = None  # the step that would separate a shared set


def _is_h2h(step: TiebreakStep) -> bool:
    # Cards and lots only exist per team over the whole group, whatever the declared scope.
    return step.scope == "head_to_head" and step.criterion not in ("fair_play", "lots")


@dataclass(frozen=True)
class _Ranker:
    steps: tuple[TiebreakStep, ...]
    matches: tuple[MatchLine, ...]
    rule: PointsRule
    overall: Mapping[str, _Tally]
    fair_play: Mapping[str, FairPlay] | None
    lots: tuple[str, ...]

    def resolve(self, group: tuple[str, ...], i: int, last: _Split | None) -> list[_Placed]:
        if len(group) == 1 or i >= len(self.steps):
            return [_Placed(group, last)]
        step = self.steps[i]
        if _is_h2h(step):
            return self._head_to_head(group, i, last, reapplied=False)
        if step.criterion == "lots":
            if not set(group) <= set(self.lots):
                return [_Placed(group, last, stop=step)]
            values = {t: -self.lots.index(t) for t in group}
        elif step.criterion == "fair_play":
            if self.fair_play is None:
                if set(group) <= set(self.lots):
                    # A recorded drawing of lots says the steps before it left them level.
                    return self.resolve(group, i + 1, last)
                # No cards recorded is not the same as no cards: stop rather than skip ahead.
                return [_Placed(group, last, stop=step)]
            values = {t: self.fair_play.get(t, FairPlay()).points() for t in group}
        else:
            values = {t: self.overall[t].value(step.criterion) for t in group}
        placed: list[_Placed] = []
        for sub, split in self._partition(group, values, i, last):
            placed.extend(self.resolve(sub, i + 1, split))
        return placed

    def _head_to_head(
        self, group: tuple[str, ...], i: int, last: _Split | None, *, reapplied: bool
    ) -> list[_Placed]:
        end = i
        while end < len(self.steps) and _is_h2h(self.steps[end]):
            end += 1
        # One mini-table for the whole block: later steps of the block still compare
        # within the set that entered it, as both FIFA and UEFA regulations read.
        mini = _tally(group, self.matches, self.rule)
        subs: list[tuple[tuple[str, ...], _Split | None]] = [(group, last)]
        for j in range(i, end):
            nxt: list[tuple[tuple[str, ...], _Split | None]] = []
            for sub, sub_last in subs:
                values = {t: mini[t].value(self.steps[j].criterion) for t in sub}
                nxt.extend(self._partition(sub, values, j, sub_last, group, reapplied))
            subs = nxt
        again = any(self.steps[j].reapply for j in range(i, end))
        placed: list[_Placed] = []
        for sub, sub_last in subs:
            if again and 1 < len(sub) < len(group):
                placed.extend(self._head_to_head(sub, i, sub_last, reapplied=True))
            else:
                placed.extend(self.resolve(sub, end, sub_last))
        return placed

    def _partition(
        self,
        group: tuple[str, ...],
        values: Mapping[str, int],
        i: int,
        last: _Split | None,
        base: tuple[str, ...] = (),
        reapplied: bool = False,
    ) -> list[tuple[tuple[str, ...], _Split | None]]:
        distinct = sorted(set(values.values()), reverse=True)
        if len(distinct) <= 1:
            return [(group, last)]
        ordered = tuple(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))
        split = _Split(i, self.steps[i], ordered, base, reapplied)
        return [(tuple(t for t in group if values[t] == v), split) for v in distinct]


_WORDS: dict[str, str] = {
    "points": "points",
    "goal_difference": "goal difference",
    "goals_for": "goals scored",
    "away_goals_for": "away goals scored",
    "wins": "wins",
    "fair_play": "fair play points",
    "lots": "drawing of lots",
}


def _names(teams: Sequence[str]) -> str:
    return teams[0] if len(teams) == 1 else f"{', '.join(teams[:-1])} and {teams[-1]}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _score(m: MatchLine) -> str:
    return f"{m.home} {m.home_goals}-{m.away_goals} {m.away}"


def _explain(s: _Split, team: str, matches: Sequence[MatchLine]) -> str:
    mine = dict(s.values)[team]
    behind = [t for t, v in s.values if v > mine]
    ahead = [t for t, v in s.values if v < mine]
    relation = ", ".join(
        ([f"behind {_names(behind)}"] if behind else [])
        + ([f"ahead of {_names(ahead)}"] if ahead else [])
    )
    crit = s.step.criterion
    word = _WORDS[crit]
    if crit == "lots":
        return f"{relation} by {word} (recorded draw: {', '.join(t for t, _ in s.values)})"
    if crit == "fair_play":
        phrase = word
    elif not s.base:
        phrase = f"overall {word}"
    elif s.reapplied:
        phrase = f"head-to-head {word} re-applied to {_names(s.base)}"
    else:
        phrase = f"head-to-head {word}" + (f" among {_names(s.base)}" if len(s.base) > 2 else "")
    if len(s.base) == 2:
        mutual = sorted(
            (m for m in matches if {m.home, m.away} == set(s.base)),
            key=lambda m: (m.home, m.away, m.home_goals, m.away_goals),
        )
        evidence = ", ".join(_score(m) for m in mutual)
    else:
        signed = crit == "goal_difference"
        evidence = ", ".join(f"{t} {v:+d}" if signed and v else f"{t} {v}" for t, v in s.values)
    return f"{relation} on {phrase} ({evidence})"


def _step_id(step: TiebreakStep) -> str:
    if step.criterion == "lots":
        return "lots"
    return f"{step.scope if _is_h2h(step) else 'overall'}:{step.criterion}"


def _describe(
    team: str, placed: _Placed, position: int, level: tuple[str, ...], matches: Sequence[MatchLine]
) -> tuple[str, str | None, bool]:
    """Sentence, machine step and lots_pending for one team."""
    step: str | None
    if len(placed.teams) > 1:
        shares = (
            f"shares {_ordinal(position)} with {_names([t for t in placed.teams if t != team])}"
        )
        stop = placed.stop
        if stop is not None and stop.criterion == "fair_play":
            text = f"{shares}: would be decided by fair play points, which are not recorded"
            step, pending = _step_id(stop), False
        elif stop is not None:
            text = f"{shares}: not separated by the rules; would be decided by drawing of lots"
            step, pending = "lots", True
        else:
            text, step, pending = f"{shares}: not separated by the rules", None, True
        involved = set(placed.teams)
    else:
        s = placed.split
        if s is None or s.index == 0:
            return "", None, False
        text, step, pending = _explain(s, team, matches), _step_id(s.step), False
        involved = {t for t, _ in s.values}
    others_level = [t for t in level if t != team]
    if others_level and set(level) != involved:
        # The deciding step only compared a subset; say who else was level on points.
        text = f"level with {_names(others_level)} on points; {text}"
    return text, step, pending


def rank(
    *,
    teams: Sequence[str],
    matches: Sequence[MatchLine],
    rules: RuleSet,
    fair_play: Mapping[str, FairPlay] | None = None,
    lots: Sequence[str] | None = None,
) -> list[StandingRow]:
    """Ordered table; rows sorted by position, then team name within a shared position.

    `teams` lists every team of the group (teams with no match yet appear with zeros);
    matches involving any other team are ignored. `lots`, when given, is the order
    decided by a recorded drawing of lots (a decision event); it is used only at a
    "lots" step and only for a level set it names completely. Without it, teams level
    at "lots" share a position. With `fair_play` None (no cards recorded) a fair play
    step leaves level teams sharing a position rather than treating them as clean;
    a team missing from a given `fair_play` mapping had no cards.
    """
    roster = tuple(sorted(set(teams)))
    members = set(roster)
    lines = tuple(
        m for m in matches if m.home in members and m.away in members and m.home != m.away
    )
    overall = _tally(roster, lines, rules.points)
    ranker = _Ranker(rules.tiebreaks, lines, rules.points, overall, fair_play, tuple(lots or ()))
    rows: list[StandingRow] = []
    position = 1
    for placed in ranker.resolve(roster, 0, None):
        for team in placed.teams:
            t = overall[team]
            level = tuple(x for x in roster if overall[x].points == t.points)
            text, step, pending = _describe(team, placed, position, level, lines)
            cards = fair_play.get(team, FairPlay()) if fair_play is not None else FairPlay()
            rows.append(
                StandingRow(
                    position=position,
                    team=team,
                    played=t.played,
                    won=t.won,
                    drawn=t.drawn,
                    lost=t.lost,
                    goals_for=t.goals_for,
                    goals_against=t.goals_against,
                    goal_difference=t.goals_for - t.goals_against,
                    points=t.points,
                    fair_play=cards.points(),
                    tiebreak=text,
                    tiebreak_step=step,
                    shared_with=tuple(x for x in placed.teams if x != team),
                    lots_pending=pending,
                )
            )
        position += len(placed.teams)
    return rows


def rank_across(
    *,
    entries: Sequence[tuple[str, Sequence[str], Sequence[MatchLine]]],
    steps: Sequence[TiebreakStep],
    points: PointsRule,
    fair_play: Mapping[str, FairPlay] | None = None,
    lots: Sequence[str] | None = None,
) -> list[StandingRow]:
    """Rank teams of different groups by their full group records.

    Each entry is (team, its group's teams, its group's matches). The teams
    never met, so only overall steps apply; a head-to-head step is skipped.
    Teams the steps cannot separate share a position, as in `rank`.
    """
    overall: dict[str, _Tally] = {}
    for team, group, matches in entries:
        members = set(group)
        lines = [m for m in matches if m.home in members and m.away in members and m.home != m.away]
        overall[team] = _tally(tuple(sorted(members)), lines, points)[team]
    roster = tuple(sorted(overall))
    kept = tuple(s for s in steps if not _is_h2h(s))
    ranker = _Ranker(kept, (), points, overall, fair_play, tuple(lots or ()))
    rows: list[StandingRow] = []
    position = 1
    for placed in ranker.resolve(roster, 0, None):
        for team in placed.teams:
            t = overall[team]
            level = tuple(x for x in roster if overall[x].points == t.points)
            text, step, pending = _describe(team, placed, position, level, ())
            cards = fair_play.get(team, FairPlay()) if fair_play is not None else FairPlay()
            rows.append(
                StandingRow(
                    position=position,
                    team=team,
                    played=t.played,
                    won=t.won,
                    drawn=t.drawn,
                    lost=t.lost,
                    goals_for=t.goals_for,
                    goals_against=t.goals_against,
                    goal_difference=t.goals_for - t.goals_against,
                    points=t.points,
                    fair_play=cards.points(),
                    tiebreak=text,
                    tiebreak_step=step,
                    shared_with=tuple(x for x in placed.teams if x != team),
                    lots_pending=pending,
                )
            )
        position += len(placed.teams)
    return rows

"""Competition rules as data: points, ordered tiebreak steps, match length.

A stage's rule set is declared by an event and never hard-coded in a projection.
The named presets below are the rule sets the ledger ships; a stage may also
compose its own list of steps.
"""

from __future__ import annotations

from typing import Literal

import msgspec

# What a tiebreak step compares. "fair_play" uses card points (yellow -1,
# second yellow -3, direct red -4, yellow then direct red -5); "lots" is the
# drawing of lots, which the ledger never performs itself: teams level up to
# that step share a position until a decision event records the draw.
Criterion = Literal[
    "points",
    "goal_difference",
    "goals_for",
    "away_goals_for",
    "wins",
    "fair_play",
    "lots",
]
Scope = Literal["overall", "head_to_head"]


class TiebreakStep(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """One step of an ordered tiebreak list.

    `scope="head_to_head"` compares only the matches among the teams still level.
    `reapply=True` (UEFA style) restarts the head-to-head block on any subset of
    teams that remains level after the block has separated some of them.
    """

    criterion: Criterion
    scope: Scope = "overall"
    reapply: bool = False


class PointsRule(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    win: int = 3
    draw: int = 1
    loss: int = 0


class RuleSet(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """Everything a stage needs to turn results into a table and a bracket."""

    name: str = "points-gd-gf"
    points: PointsRule = msgspec.field(default_factory=PointsRule)
    tiebreaks: tuple[TiebreakStep, ...] = ()
    # Regulation length in minutes; rounds may differ (e.g. 50-minute group
    # games with a 90-minute final).
    match_minutes: int = 90
    round_minutes: dict[str, int] = msgspec.field(default_factory=dict)
    # The score a forfeit counts as in tables when the award does not state one.
    forfeit_goals: int = 3

    def minutes_for(self, round_name: str | None) -> int:
        if round_name is not None and round_name in self.round_minutes:
            return self.round_minutes[round_name]
        return self.match_minutes


def _overall(*criteria: Criterion) -> tuple[TiebreakStep, ...]:
    return tuple(TiebreakStep(criterion=c) for c in criteria)


def _h2h(*criteria: Criterion, reapply: bool) -> tuple[TiebreakStep, ...]:
    return tuple(TiebreakStep(criterion=c, scope="head_to_head", reapply=reapply) for c in criteria)


PRESETS: dict[str, tuple[TiebreakStep, ...]] = {
    # The common league default: points, goal difference, goals scored.
    "points-gd-gf": _overall("points", "goal_difference", "goals_for", "lots"),
    # FIFA World Cup 2018 regulations, art. 32.5.
    "fifa-2018": (
        *_overall("points", "goal_difference", "goals_for"),
        *_h2h("points", "goal_difference", "goals_for", reapply=False),
        *_overall("fair_play", "lots"),
    ),
    # UEFA: head-to-head among the tied teams first, re-applied to any subset
    # still level, then overall goal difference, goals, fair play, lots.
    "uefa": (
        *_overall("points"),
        *_h2h("points", "goal_difference", "goals_for", reapply=True),
        *_overall("goal_difference", "goals_for", "fair_play", "lots"),
    ),
    # FIFA World Cup 2026: head-to-head first (re-applied), then overall.
    "fifa-2026": (
        *_overall("points"),
        *_h2h("points", "goal_difference", "goals_for", reapply=True),
        *_overall("goal_difference", "goals_for", "fair_play", "lots"),
    ),
}

DEFAULT_PRESET = "points-gd-gf"


def preset(name: str) -> RuleSet:
    """The named preset as a full rule set (3-1-0 points, 90 minutes)."""
    return RuleSet(name=name, tiebreaks=PRESETS[name])

"""Facts that shape a competition: paths, stages, rules, teams and names."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import msgspec

from events.base import Fact, Side
from events.rules import RuleSet, TiebreakStep


class CompetitionCreated(Fact, frozen=True, kw_only=True, tag="competition_created"):
    competition: str  # slug
    name: str
    season: str = ""
    field_size: int | None = None  # teams in the competition proper


class QualificationPathDefined(Fact, frozen=True, kw_only=True, tag="qualification_path_defined"):
    """A route into the competition proper, e.g. "USASA": 8 berths, round 1."""

    path: str  # slug
    name: str
    berths: int | None  # None when the source does not give a number
    entry_round: int | None = None
    allocation_confirmed: bool = True
    governing_body: str = ""
    parent: str | None = None  # e.g. "NPSL West" under "NPSL"


class StageCreated(Fact, frozen=True, kw_only=True, tag="stage_created"):
    stage: str  # slug
    name: str
    format: Literal["knockout", "group"]
    path: str | None = None  # the qualification path this stage serves
    # The round names in playing order, e.g. ("Play-in", "Semi-final", "Final").
    rounds: tuple[str, ...] = ()
    feeds_from: tuple[str, ...] = ()  # stages whose outcome fills this one
    # True while teams may still sign up (the field is not closed yet).
    entries_open: bool = False


class GroupDefined(Fact, frozen=True, kw_only=True, tag="group_defined"):
    stage: str
    group: str
    teams: tuple[str, ...]


class RuleSetDeclared(Fact, frozen=True, kw_only=True, tag="rule_set_declared"):
    stage: str
    rules: RuleSet


class RankingDeclared(Fact, frozen=True, kw_only=True, tag="ranking_declared"):
    """A ranking across a group stage's groups, e.g. the best third-placed teams.

    The team at `place` of every group is ranked by `tiebreaks` over its full
    group record; the first `take` of the ranking go through.
    """

    stage: str
    name: str
    place: int
    take: int
    tiebreaks: tuple[TiebreakStep, ...]


class TeamEntered(Fact, frozen=True, kw_only=True, tag="team_entered"):
    stage: str
    team: str
    seed: int | None = None


class TeamWithdrew(Fact, frozen=True, kw_only=True, tag="team_withdrew"):
    """The team leaves the stage; its fixtures still unplayed on `occurred_on` are
    settled by `fixtures`: a walkover to the opponent, or cancelled."""

    stage: str
    team: str
    reason: str
    fixtures: Literal["walkover", "cancelled"] = "walkover"


class FactRetracted(Fact, frozen=True, kw_only=True, tag="fact_retracted"):
    """Withdraws the fact named by `supersedes`, with nothing in its place."""

    supersedes: str
    reason: str


class TeamAliasRecorded(Fact, frozen=True, kw_only=True, tag="team_alias_recorded"):
    """`alias` is another spelling of `team`; reads show the team's own name."""

    alias: str
    team: str


class SeedAssigned(Fact, frozen=True, kw_only=True, tag="seed_assigned"):
    stage: str
    team: str
    seed: int


class SlotFilled(Fact, frozen=True, kw_only=True, tag="slot_filled"):
    """A path's qualifier comes from a slot, e.g. the winner of a final."""

    path: str
    slot: Side
    method: str = ""


class AssumptionRecorded(Fact, frozen=True, kw_only=True, tag="assumption_recorded"):
    """Something the source leaves unstated, made explicit so nobody mistakes it.

    `subject` names what the assumption is about (a stage, path or fixture).
    """

    subject: str
    assumption: str
    details: dict[str, Any] = msgspec.field(default_factory=dict)


class LotsDrawn(Fact, frozen=True, kw_only=True, tag="lots_drawn"):
    """The drawing of lots that orders teams the tiebreak rules left level."""

    stage: str
    group: str | None
    order: tuple[str, ...]


class DrawMade(Fact, frozen=True, kw_only=True, tag="draw_made"):
    """A stage's schedule laid out in one decision: a round robin or a knockout.

    `fixtures` names every fixture the draw scheduled (each its own
    `fixture_scheduled` fact, with byes as `bye_granted`). A later draw that
    supersedes this one withdraws those fixtures and byes.
    """

    stage: str
    kind: Literal["round_robin", "knockout"]
    double: bool = False
    seeds: tuple[str, ...] = ()  # the knockout's field, best first
    fixtures: tuple[str, ...] = ()
    start: dt.date | None = None  # kickoff of the first round, when dated
    every_days: int = 7

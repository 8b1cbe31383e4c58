"""The competition as its events describe it: one pure fold, shared by reads and decisions.

Events are folded in valid-time order (`occurred_on`, then stream order), so a
result recorded late or listed out of date order lands where it belongs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import msgspec

from events.base import Side
from events.catalogue import Event, Recorded
from events.matches import (
    AdvancementDecided,
    ByeGranted,
    CardsRecorded,
    FixtureCancelled,
    FixtureRescheduled,
    FixtureScheduled,
    ForfeitAwarded,
    ResultCorrected,
    ResultRecorded,
    ResultVoided,
    RoundCancelled,
)
from events.qualification import (
    BerthAllocationChanged,
    BerthAllocationConfirmed,
    BerthDeclined,
    BerthReallocated,
    QualifierDeclared,
)
from events.rules import RuleSet, preset
from events.structure import (
    AssumptionRecorded,
    CompetitionCreated,
    GroupDefined,
    LotsDrawn,
    QualificationPathDefined,
    RuleSetDeclared,
    SeedAssigned,
    SlotFilled,
    StageCreated,
    TeamAliasRecorded,
    TeamEntered,
    TeamWithdrew,
)

FixtureStatus = Literal["scheduled", "played", "void", "forfeit", "cancelled"]


@dataclass
class FixtureState:
    fixture: str
    stage: str
    round: str | None
    group: str | None
    home: Side
    away: Side
    kickoff: dt.date | None
    venue: str
    scheduled_by: str
    result: ResultRecorded | ResultCorrected | None = None
    voided: ResultVoided | None = None
    forfeit: ForfeitAwarded | None = None
    cancelled: FixtureCancelled | None = None
    advancement: AdvancementDecided | None = None
    cards: dict[str, CardsRecorded] = field(default_factory=dict)
    facts: list[str] = field(default_factory=list)  # every event touching it, fold order
    # (superseded event id, superseding event id): the correction lineage.
    lineage: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status(self) -> FixtureStatus:
        if self.cancelled is not None:
            return "cancelled"
        if self.forfeit is not None:
            return "forfeit"
        if self.result is not None:
            return "played"
        if self.voided is not None:
            return "void"
        return "scheduled"

    @property
    def result_event(self) -> str | None:
        return self.result.event_id if self.result is not None else None


@dataclass
class StageState:
    stage: str
    name: str
    format: Literal["knockout", "group"]
    path: str | None
    rounds: tuple[str, ...]
    feeds_from: tuple[str, ...]
    created_by: str
    entries_open: bool = False
    groups: dict[str, list[str]] = field(default_factory=dict)
    group_events: dict[str, str] = field(default_factory=dict)
    teams: list[str] = field(default_factory=list)
    entry_events: dict[str, str] = field(default_factory=dict)
    seeds: dict[str, int] = field(default_factory=dict)
    withdrawn: dict[str, TeamWithdrew] = field(default_factory=dict)
    rules: RuleSet = field(default_factory=lambda: preset("points-gd-gf"))
    rules_event: str | None = None
    byes: list[ByeGranted] = field(default_factory=list)
    cancelled_rounds: dict[str, RoundCancelled] = field(default_factory=dict)
    lots: dict[str | None, LotsDrawn] = field(default_factory=dict)
    fixtures: list[str] = field(default_factory=list)


@dataclass
class PathState:
    path: str
    name: str
    berths: int | None
    entry_round: int | None
    confirmed: bool
    governing_body: str
    parent: str | None
    defined_by: str
    allocation_events: list[str] = field(default_factory=list)
    declared: list[QualifierDeclared] = field(default_factory=list)
    slots: list[SlotFilled] = field(default_factory=list)
    declined: dict[str, BerthDeclined] = field(default_factory=dict)
    reallocated: list[BerthReallocated] = field(default_factory=list)


@dataclass
class CompetitionState:
    slug: str = ""
    name: str = ""
    season: str = ""
    created_by: str | None = None
    stages: dict[str, StageState] = field(default_factory=dict)
    paths: dict[str, PathState] = field(default_factory=dict)
    fixtures: dict[str, FixtureState] = field(default_factory=dict)
    aliases: dict[str, TeamAliasRecorded] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    assumptions: list[AssumptionRecorded] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    # Content of every fact without id, citation and author: a repeat is found in O(1).
    fingerprints: set[bytes] = field(default_factory=set)

    def canonical(self, team: str) -> str:
        alias = self.aliases.get(team)
        return alias.team if alias is not None else team

    def all_teams(self) -> list[str]:
        seen: dict[str, None] = {}
        for stage in self.stages.values():
            for team in stage.teams:
                seen[team] = None
        for path in self.paths.values():
            for q in path.declared:
                seen[self.canonical(q.team)] = None
        return list(seen)


def select(
    records: Iterable[Recorded],
    *,
    as_of: dt.date | None = None,
    known_at: dt.datetime | None = None,
) -> list[Recorded]:
    """The records visible at a sporting date and a moment of the ledger's knowledge."""
    return [
        r
        for r in records
        if (as_of is None or r.event.occurred_on <= as_of)
        and (known_at is None or r.recorded_at <= known_at)
    ]


def valid_time_order(records: Iterable[Recorded]) -> list[Recorded]:
    return sorted(records, key=lambda r: (r.event.occurred_on, r.stream, r.version))


def fold(records: Sequence[Recorded]) -> CompetitionState:
    state = CompetitionState()
    for record in valid_time_order(records):
        apply(state, record.event)
    return state


def fold_events(events: Iterable[Event]) -> CompetitionState:
    """Fold bare events (already in valid-time order), e.g. an audit's citations."""
    state = CompetitionState()
    for event in sorted(events, key=lambda e: e.occurred_on):
        apply(state, event)
    return state


def fingerprint(event: Event) -> bytes:
    """What makes two facts the same fact, whoever told it and whatever its id."""
    blank = msgspec.structs.replace(event, event_id="", source="", actor="", note="")
    return _encoder.encode(blank)


_encoder = msgspec.json.Encoder(order="deterministic")


def apply(state: CompetitionState, event: Event) -> None:
    state.events[event.event_id] = event
    state.fingerprints.add(fingerprint(event))
    try:
        _apply(state, event)
    except KeyError:
        # Visible only through a date filter that cut off what it refers to
        # (decisions refuse such facts when they are written); keep it aside.
        state.orphans.append(event.event_id)


def _apply(state: CompetitionState, event: Event) -> None:
    match event:
        case CompetitionCreated():
            state.slug, state.name, state.season = event.competition, event.name, event.season
            state.created_by = event.event_id
        case QualificationPathDefined():
            state.paths[event.path] = PathState(
                path=event.path,
                name=event.name,
                berths=event.berths,
                entry_round=event.entry_round,
                confirmed=event.allocation_confirmed,
                governing_body=event.governing_body,
                parent=event.parent,
                defined_by=event.event_id,
            )
        case StageCreated():
            state.stages[event.stage] = StageState(
                stage=event.stage,
                name=event.name,
                format=event.format,
                path=event.path,
                rounds=event.rounds,
                feeds_from=event.feeds_from,
                created_by=event.event_id,
                entries_open=event.entries_open,
            )
        case GroupDefined():
            stage = state.stages[event.stage]
            stage.groups[event.group] = [state.canonical(t) for t in event.teams]
            stage.group_events[event.group] = event.event_id
        case RuleSetDeclared():
            stage = state.stages[event.stage]
            stage.rules, stage.rules_event = event.rules, event.event_id
        case TeamEntered():
            stage = state.stages[event.stage]
            team = state.canonical(event.team)
            if team not in stage.teams:
                stage.teams.append(team)
            stage.entry_events[team] = event.event_id
            if event.seed is not None:
                stage.seeds[team] = event.seed
        case TeamWithdrew():
            state.stages[event.stage].withdrawn[state.canonical(event.team)] = event
        case TeamAliasRecorded():
            state.aliases[event.alias] = event
        case SeedAssigned():
            state.stages[event.stage].seeds[state.canonical(event.team)] = event.seed
        case SlotFilled():
            state.paths[event.path].slots.append(event)
        case AssumptionRecorded():
            state.assumptions.append(event)
        case LotsDrawn():
            state.stages[event.stage].lots[event.group] = event
        case FixtureScheduled():
            state.fixtures[event.fixture] = FixtureState(
                fixture=event.fixture,
                stage=event.stage,
                round=event.round,
                group=event.group,
                home=event.home,
                away=event.away,
                kickoff=event.kickoff,
                venue=event.venue,
                scheduled_by=event.event_id,
                facts=[event.event_id],
            )
            state.stages[event.stage].fixtures.append(event.fixture)
        case FixtureRescheduled():
            fx = _touch(state, event.fixture, event.event_id)
            fx.kickoff = event.kickoff
        case FixtureCancelled():
            _touch(state, event.fixture, event.event_id).cancelled = event
        case ByeGranted():
            state.stages[event.stage].byes.append(event)
        case RoundCancelled():
            state.stages[event.stage].cancelled_rounds[event.round] = event
        case ResultRecorded():
            fx = _touch(state, event.fixture, event.event_id)
            fx.result, fx.voided = event, None
        case ResultCorrected():
            fx = _touch(state, event.fixture, event.event_id)
            fx.lineage.append((event.supersedes, event.event_id))
            fx.result, fx.voided, fx.forfeit = event, None, None
        case ResultVoided():
            fx = _touch(state, event.fixture, event.event_id)
            fx.lineage.append((event.supersedes, event.event_id))
            fx.result, fx.voided, fx.advancement = None, event, None
        case ForfeitAwarded():
            fx = _touch(state, event.fixture, event.event_id)
            if event.supersedes is not None:
                fx.lineage.append((event.supersedes, event.event_id))
            fx.forfeit = event
        case AdvancementDecided():
            _touch(state, event.fixture, event.event_id).advancement = event
        case CardsRecorded():
            fx = _touch(state, event.fixture, event.event_id)
            fx.cards[state.canonical(event.team)] = event
        case QualifierDeclared():
            state.paths[event.path].declared.append(event)
        case BerthAllocationConfirmed():
            path = state.paths[event.path]
            path.berths, path.confirmed = event.berths, True
            path.allocation_events.append(event.event_id)
        case BerthAllocationChanged():
            path = state.paths[event.path]
            path.berths, path.confirmed = event.berths, event.confirmed
            path.allocation_events.append(event.event_id)
        case BerthDeclined():
            state.paths[event.path].declined[state.canonical(event.team)] = event
        case BerthReallocated():
            state.paths[event.path].reallocated.append(event)


def _touch(state: CompetitionState, fixture: str, event_id: str) -> FixtureState:
    fx = state.fixtures[fixture]
    fx.facts.append(event_id)
    return fx

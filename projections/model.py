"""The competition as its events describe it: one pure fold, shared by reads and decisions.

Events are folded in valid-time order (`occurred_on`, then stream order), so a
result recorded late or listed out of date order lands where it belongs.

The last word stands: a fact and every fact that supersedes it (directly or
through others) form a chain, and of the chain's facts visible to a read, the
one the ledger learned last stands; the others are kept for the audit but have
no effect. The sporting date only says from when a fact applies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import msgspec

from events.base import Side, TeamSide
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
    DrawMade,
    FactRetracted,
    GroupDefined,
    LotsDrawn,
    QualificationPathDefined,
    RankingDeclared,
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
    order: int = 0  # its place among the stage's fixtures

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
    lots: dict[str, LotsDrawn] = field(default_factory=dict)  # by group; "" for the stage
    fixtures: list[str] = field(default_factory=list)
    # Fixtures whose two sides are named teams, by (home, away) as scheduled;
    # and those with a slot on either side. Finding a typed result's fixture
    # then costs what the pair's meetings cost, not the whole stage.
    by_pair: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    slotted: list[str] = field(default_factory=list)
    draw: str | None = None  # the standing draw that laid out its fixtures
    # Cross-group rankings (e.g. the best third-placed teams), by name.
    rankings: dict[str, RankingDeclared] = field(default_factory=dict)


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
    defined_berths: int | None = None
    defined_confirmed: bool = True
    allocations: list[BerthAllocationConfirmed | BerthAllocationChanged] = field(
        default_factory=list
    )
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
    # Content of every standing fact without id, citation and author: a repeat
    # is found in O(1).
    fingerprints: set[bytes] = field(default_factory=set)
    # Facts that no longer stand, each with the fact that replaced it.
    retired: dict[str, str] = field(default_factory=dict)
    # The id of each chain's first fact, for every fact folded.
    chain_of: dict[str, str] = field(default_factory=dict)
    # The latest sporting date applied: a fact dated on or after it can be
    # applied to this state and give what a fresh fold would.
    last_on: dt.date | None = None
    # The draw that scheduled each drawn fixture: a superseded draw takes its
    # fixtures (and the byes into them) with it.
    drawn_by: dict[str, str] = field(default_factory=dict)

    def withdrawn_draw(self, fixture: str | None) -> bool:
        draw = self.drawn_by.get(fixture) if fixture is not None else None
        return draw is not None and draw in self.retired

    def stands(self, event_id: str) -> bool:
        return event_id in self.events and event_id not in self.retired

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
            for moved in path.reallocated:
                seen[self.canonical(moved.to_team)] = None
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


def fold(
    records: Sequence[Recorded],
    *,
    as_of: dt.date | None = None,
    known_at: dt.datetime | None = None,
) -> CompetitionState:
    """The competition at a sporting date, as the ledger knew it at a moment."""
    ledger_order = sorted(records, key=lambda r: (r.stream, r.version))
    visible = select(ledger_order, as_of=as_of, known_at=known_at)
    return _fold([r.event for r in ledger_order], [r.event for r in visible], valid_time_key)


def fold_events(events: Iterable[Event]) -> CompetitionState:
    """Fold bare events given in ledger order, e.g. an audit's citations."""
    ordered = list(events)
    return _fold(ordered, ordered, lambda e: e.occurred_on)


def in_order(last: dt.date | None, events: Iterable[Event]) -> bool:
    """Whether applying `events` to a state whose latest sporting date is `last`
    gives what a fresh fold would: they come after it in valid time too."""
    for event in events:
        if last is not None and event.occurred_on < last:
            return False
        last = event.occurred_on
    return True


def valid_time_key(event: Event) -> dt.date:
    return event.occurred_on


def chains(events: Iterable[Event]) -> dict[str, str]:
    """The first fact of the chain each fact belongs to (events in ledger order)."""
    root: dict[str, str] = {}
    for event in events:
        first = event.supersedes
        root[event.event_id] = root.get(first, first) if first is not None else event.event_id
    return root


def _fold(
    ledger_order: Sequence[Event],
    visible: Sequence[Event],
    key: Callable[[Event], dt.date],
) -> CompetitionState:
    root = chains(ledger_order)
    last: dict[str, str] = {}
    for event in visible:  # ledger order: the later word replaces the earlier
        last[root[event.event_id]] = event.event_id
    standing = set(last.values())
    seen = {e.event_id for e in visible}
    state = CompetitionState()
    state.chain_of = {e.event_id: root[e.event_id] for e in visible}
    for event in visible:
        if event.event_id not in standing:
            nxt = last[root[event.event_id]]
            state.retired[event.event_id] = nxt
        if event.supersedes is not None and event.supersedes in seen:
            state.retired[event.supersedes] = event.event_id
    # Stable sort: facts of the same date keep ledger order.
    for event in sorted(visible, key=key):
        if event.event_id in standing:
            apply(state, event)
        else:
            _keep_superseded(state, event)
    return state


def _keep_superseded(state: CompetitionState, event: Event) -> None:
    """A fact that no longer stands: on record for the audit, without effect."""
    state.events[event.event_id] = event
    if state.last_on is None or event.occurred_on > state.last_on:
        state.last_on = event.occurred_on
    if isinstance(event, DrawMade):
        for drawn in event.fixtures:
            state.drawn_by[drawn] = event.event_id
    fixture = getattr(event, "fixture", None)
    if isinstance(fixture, str) and fixture in state.fixtures:
        fx = state.fixtures[fixture]
        fx.facts.append(event.event_id)
        if event.supersedes is not None:
            fx.lineage.append((event.supersedes, event.event_id))


def fingerprint(event: Event) -> bytes:
    """What makes two facts the same fact, whoever told it and whatever its id
    (a digest of its content, so a state keeps 16 bytes per fact)."""
    blank = msgspec.structs.replace(event, event_id="", source="", actor="", note="")
    return hashlib.blake2b(_encoder.encode(blank), digest_size=16).digest()


_encoder = msgspec.json.Encoder(order="deterministic")


def apply(state: CompetitionState, event: Event) -> None:
    """Apply one standing fact; a fact that supersedes one in force retires it."""
    old_id = event.supersedes
    if old_id is not None:
        old = state.events.get(old_id)
        if old is not None and old_id not in state.retired:
            state.retired[old_id] = event.event_id
            state.fingerprints.discard(fingerprint(old))
            _retire(state, old)
        state.chain_of[event.event_id] = state.chain_of.get(old_id, old_id)
    else:
        state.chain_of[event.event_id] = event.event_id
    state.events[event.event_id] = event
    state.fingerprints.add(fingerprint(event))
    if state.last_on is None or event.occurred_on > state.last_on:
        state.last_on = event.occurred_on
    try:
        _apply(state, event)
    except KeyError:
        # Visible only through a date filter that cut off what it refers to
        # (decisions refuse such facts when they are written); keep it aside.
        state.orphans.append(event.event_id)


def _apply(state: CompetitionState, event: Event) -> None:
    match event:
        # The commonest facts first: a match tries its cases in order.
        case ResultRecorded() | ResultCorrected():
            fx = _touch(state, event.fixture, event)
            fx.result, fx.voided, fx.forfeit = event, None, None
        case FixtureScheduled():
            if state.withdrawn_draw(event.fixture):
                return  # scheduled by a draw that a later draw replaced
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
                order=len(state.stages[event.stage].fixtures),
            )
            stage = state.stages[event.stage]
            stage.fixtures.append(event.fixture)
            if isinstance(event.home, TeamSide) and isinstance(event.away, TeamSide):
                pair = (state.canonical(event.home.team), state.canonical(event.away.team))
                stage.by_pair.setdefault(pair, []).append(event.fixture)
            else:
                stage.slotted.append(event.fixture)
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
                defined_berths=event.berths,
                defined_confirmed=event.allocation_confirmed,
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
            state.stages[event.stage].lots[event.group or ""] = event
        case RankingDeclared():
            state.stages[event.stage].rankings[event.name] = event
        case DrawMade():
            state.stages[event.stage].draw = event.event_id
            for drawn in event.fixtures:
                state.drawn_by[drawn] = event.event_id
        case FixtureRescheduled():
            fx = _touch(state, event.fixture, event)
            fx.kickoff = event.kickoff
        case FixtureCancelled():
            _touch(state, event.fixture, event).cancelled = event
        case ByeGranted():
            if state.withdrawn_draw(event.into_fixture):
                return
            state.stages[event.stage].byes.append(event)
        case RoundCancelled():
            state.stages[event.stage].cancelled_rounds[event.round] = event
        case ResultVoided():
            fx = _touch(state, event.fixture, event)
            fx.result, fx.voided, fx.forfeit, fx.advancement = None, event, None, None
        case ForfeitAwarded():
            fx = _touch(state, event.fixture, event)
            fx.forfeit = event
            if event.supersedes is not None:  # it replaces the result, not adds to it
                fx.result, fx.voided = None, None
        case AdvancementDecided():
            _touch(state, event.fixture, event).advancement = event
        case CardsRecorded():
            fx = _touch(state, event.fixture, event)
            fx.cards[state.canonical(event.team)] = event
        case QualifierDeclared():
            state.paths[event.path].declared.append(event)
        case BerthAllocationConfirmed() | BerthAllocationChanged():
            path = state.paths[event.path]
            path.allocations.append(event)
            path.allocation_events.append(event.event_id)
            _settle_allocation(path)
        case BerthDeclined():
            state.paths[event.path].declined[state.canonical(event.team)] = event
        case BerthReallocated():
            state.paths[event.path].reallocated.append(event)
        case FactRetracted():
            pass  # its effect is the retirement of the fact it names


def _touch(state: CompetitionState, fixture: str, event: Event) -> FixtureState:
    fx = state.fixtures[fixture]
    fx.facts.append(event.event_id)
    if event.supersedes is not None:
        fx.lineage.append((event.supersedes, event.event_id))
    return fx


def _settle_allocation(path: PathState) -> None:
    """The berths a path has: its latest standing allocation, else its definition."""
    if not path.allocations:
        path.berths, path.confirmed = path.defined_berths, path.defined_confirmed
        return
    last = path.allocations[-1]
    confirmed = True if isinstance(last, BerthAllocationConfirmed) else last.confirmed
    path.berths, path.confirmed = last.berths, confirmed


def _same(held: Event | None, old: Event) -> bool:
    """The fact held is `old` (by id: a state read back from a snapshot holds copies)."""
    return held is not None and held.event_id == old.event_id


def _retire(state: CompetitionState, old: Event) -> None:
    """Undo the effect of a standing fact that a later one supersedes."""
    match old:
        case ResultRecorded() | ResultCorrected():
            fx = state.fixtures.get(old.fixture)
            if fx is not None and _same(fx.result, old):
                fx.result = None
        case ResultVoided():
            fx = state.fixtures.get(old.fixture)
            if fx is not None and _same(fx.voided, old):
                fx.voided = None
        case ForfeitAwarded():
            fx = state.fixtures.get(old.fixture)
            if fx is not None and _same(fx.forfeit, old):
                fx.forfeit = None
        case AdvancementDecided():
            fx = state.fixtures.get(old.fixture)
            if fx is not None and _same(fx.advancement, old):
                fx.advancement = None
        case CardsRecorded():
            fx = state.fixtures.get(old.fixture)
            if fx is not None:
                fx.cards = {t: c for t, c in fx.cards.items() if not _same(c, old)}
        case GroupDefined():
            stage = state.stages.get(old.stage)
            if stage is not None and stage.group_events.get(old.group) == old.event_id:
                del stage.groups[old.group]
                del stage.group_events[old.group]
        case TeamWithdrew():
            stage = state.stages.get(old.stage)
            if stage is not None:
                stage.withdrawn = {t: w for t, w in stage.withdrawn.items() if not _same(w, old)}
        case TeamAliasRecorded():
            if _same(state.aliases.get(old.alias), old):
                del state.aliases[old.alias]
        case SlotFilled():
            path = state.paths.get(old.path)
            if path is not None:
                path.slots = [f for f in path.slots if not _same(f, old)]
        case QualifierDeclared():
            path = state.paths.get(old.path)
            if path is not None:
                path.declared = [q for q in path.declared if not _same(q, old)]
        case BerthDeclined():
            path = state.paths.get(old.path)
            if path is not None:
                path.declined = {t: d for t, d in path.declined.items() if not _same(d, old)}
        case BerthReallocated():
            path = state.paths.get(old.path)
            if path is not None:
                path.reallocated = [m for m in path.reallocated if not _same(m, old)]
        case BerthAllocationConfirmed() | BerthAllocationChanged():
            path = state.paths.get(old.path)
            if path is not None:
                path.allocations = [a for a in path.allocations if not _same(a, old)]
                _settle_allocation(path)
        case LotsDrawn():
            stage = state.stages.get(old.stage)
            if stage is not None and _same(stage.lots.get(old.group or ""), old):
                del stage.lots[old.group or ""]
        case RankingDeclared():
            stage = state.stages.get(old.stage)
            if stage is not None and _same(stage.rankings.get(old.name), old):
                del stage.rankings[old.name]
        case DrawMade():
            stage = state.stages.get(old.stage)
            gone = set(old.fixtures)
            for fixture in gone:
                state.fixtures.pop(fixture, None)
            if stage is not None:
                stage.fixtures = [f for f in stage.fixtures if f not in gone]
                stage.byes = [b for b in stage.byes if b.into_fixture not in gone]
                stage.slotted = [f for f in stage.slotted if f not in gone]
                stage.by_pair = {
                    pair: kept
                    for pair, fixtures in stage.by_pair.items()
                    if (kept := [f for f in fixtures if f not in gone])
                }
                if stage.draw == old.event_id:
                    stage.draw = None
        case _:
            pass

"""The qualifier list: every path's berths and who fills them, with honest statuses.

`confirmed`: decided and confirmed. `provisional`: decided, but the berth
allocation or the qualification itself is not confirmed, or the path has more
candidates than berths. `pending`: decided by fixtures not yet played; the
candidates are listed.
"""

from __future__ import annotations

import msgspec

from events.base import StageWinner, WinnerOf
from events.structure import SlotFilled
from projections.model import CompetitionState, PathState
from projections.resolve import Resolver


class QualifierEntry(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    path: str
    path_name: str
    team: str | None
    status: str  # confirmed | provisional | pending
    method: str
    region: str
    slot: str | None  # the slot this entry comes from, when it does
    candidates: list[str]
    open: list[str]  # what is still undecided or unconfirmed, in words
    events: list[str]  # the event ids behind the entry
    berths: int | None
    allocation_confirmed: bool
    oversubscribed: bool


class PathSummary(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    path: str
    name: str
    parent: str | None
    entry_round: int | None
    berths: int | None
    allocation_confirmed: bool
    governing_body: str
    entries: int
    decided: int
    pending: int
    unfilled: int | None
    oversubscribed: bool
    events: list[str]


class _Draft(msgspec.Struct, kw_only=True):
    team: str | None
    method: str
    region: str = ""
    slot: str | None = None
    candidates: list[str] = msgspec.field(default_factory=list)
    open: list[str] = msgspec.field(default_factory=list)
    events: list[str] = msgspec.field(default_factory=list)
    confirmed: bool = True


def qualifiers(
    state: CompetitionState, resolver: Resolver | None = None
) -> tuple[list[PathSummary], list[QualifierEntry]]:
    resolver = resolver or Resolver(state)
    summaries: list[PathSummary] = []
    entries: list[QualifierEntry] = []
    for path in state.paths.values():
        drafts = _drafts(state, resolver, path)
        over = path.berths is not None and len(drafts) > path.berths
        path_events = [path.defined_by, *path.allocation_events]
        if over:
            # Oversubscription rests on every candidate of the path.
            path_events += [e for d in drafts for e in d.events]
        for d in drafts:
            open_items = list(d.open)
            if d.team is not None and not path.confirmed:
                body = path.governing_body or "the governing body"
                open_items.append(f"berth allocation not confirmed by {body}")
            if over and path.berths is not None:
                open_items.append(f"{len(drafts)} candidates for {path.berths} berths")
            if d.team is None:
                status = "pending"
            elif open_items or not d.confirmed:
                status = "provisional"
            else:
                status = "confirmed"
            entries.append(
                QualifierEntry(
                    path=path.path,
                    path_name=path.name,
                    team=d.team,
                    status=status,
                    method=d.method,
                    region=d.region,
                    slot=d.slot,
                    candidates=d.candidates,
                    open=open_items,
                    events=list(dict.fromkeys([*path_events, *d.events])),
                    berths=path.berths,
                    allocation_confirmed=path.confirmed,
                    oversubscribed=over,
                )
            )
        decided = sum(1 for d in drafts if d.team is not None)
        summaries.append(
            PathSummary(
                path=path.path,
                name=path.name,
                parent=path.parent,
                entry_round=path.entry_round,
                berths=path.berths,
                allocation_confirmed=path.confirmed,
                governing_body=path.governing_body,
                entries=len(drafts),
                decided=decided,
                pending=len(drafts) - decided,
                unfilled=max(path.berths - len(drafts), 0) if path.berths is not None else None,
                oversubscribed=over,
                events=path_events,
            )
        )
    return summaries, entries


def _drafts(state: CompetitionState, resolver: Resolver, path: PathState) -> list[_Draft]:
    drafts: list[_Draft] = []
    for q in path.declared:
        team = state.canonical(q.team)
        if team in path.declined:
            continue
        open_items = [] if q.confirmed else ["qualification not yet confirmed"]
        drafts.append(
            _Draft(
                team=team,
                method=q.method,
                region=q.region,
                open=open_items,
                events=[q.event_id],
                confirmed=q.confirmed,
            )
        )
    for slot_fact in path.slots:
        drafts.append(_slot_draft(state, resolver, slot_fact))
    for moved in path.reallocated:
        drafts = [d for d in drafts if d.team != state.canonical(moved.from_team)]
        if moved.to_path in (None, path.path):
            drafts.append(
                _Draft(
                    team=state.canonical(moved.to_team),
                    method=f"berth reallocated from {moved.from_team}",
                    events=[moved.event_id],
                )
            )
    for other in state.paths.values():
        for moved in other.reallocated:
            if moved.to_path == path.path and other.path != path.path:
                drafts.append(
                    _Draft(
                        team=state.canonical(moved.to_team),
                        method=f"berth reallocated from {moved.from_team}",
                        events=[moved.event_id],
                    )
                )
    return [d for d in drafts if d.team is None or d.team not in path.declined]


def _slot_draft(state: CompetitionState, resolver: Resolver, fact: SlotFilled) -> _Draft:
    slot = fact.slot
    label = resolver.describe(slot)
    team = resolver.team(slot)
    events = [fact.event_id]
    decided_by = _deciding_event(resolver, fact)
    if decided_by is not None:
        events.append(decided_by)
    if team is not None:
        return _Draft(team=team, method=fact.method or label, slot=label, events=events)
    open_items = [f"awaits the {label}"]
    detail = _why_pending(state, resolver, fact)
    if detail:
        open_items.append(detail)
    return _Draft(
        team=None,
        method=fact.method or label,
        slot=label,
        candidates=resolver.candidates(slot),
        open=open_items,
        events=events,
    )


def _deciding_event(resolver: Resolver, fact: SlotFilled) -> str | None:
    slot = fact.slot
    if isinstance(slot, WinnerOf):
        return resolver.outcome(slot.fixture).decided_by
    if isinstance(slot, StageWinner):
        final = resolver.final_fixture(slot.stage)
        return resolver.outcome(final.fixture).decided_by if final else None
    return None


def _why_pending(state: CompetitionState, resolver: Resolver, fact: SlotFilled) -> str:
    """One sentence on the nearest undecided thing behind a slot."""
    slot = fact.slot
    if isinstance(slot, WinnerOf) and slot.fixture in state.fixtures:
        fx = state.fixtures[slot.fixture]
        outcome = resolver.outcome(fx.fixture)
        home = outcome.home or resolver.describe(fx.home)
        away = outcome.away or resolver.describe(fx.away)
        parts = [f"{home} v {away}: {outcome.how}"]
        for side in (fx.home, fx.away):
            if isinstance(side, StageWinner) and resolver.team(side) is None:
                stage = state.stages.get(side.stage)
                if stage is not None:
                    entrants = ", ".join(stage.teams) or "no entrants yet"
                    still = "; entries still open" if stage.entries_open else ""
                    parts.append(f"{stage.name}: {entrants}{still}")
        return "; ".join(parts)
    if isinstance(slot, StageWinner) and slot.stage in state.stages:
        stage = state.stages[slot.stage]
        if not stage.fixtures:
            return f"{stage.name} has no fixtures recorded yet"
    return ""

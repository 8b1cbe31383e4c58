"""Commands about who qualifies: declared qualifiers, slots and berths."""

from __future__ import annotations

from events.base import Side
from events.catalogue import Event
from events.qualification import (
    BerthAllocationChanged,
    BerthAllocationConfirmed,
    BerthDeclined,
    BerthReallocated,
    QualifierDeclared,
)
from events.structure import SlotFilled
from ledger.commands.base import Command, Meta, stamp, supersedes_id
from ledger.commands.matches import resolve_side
from ledger.errors import UnknownTeam
from ledger.lookup import find_path, find_team
from projections.model import CompetitionState


class DeclareQualifier(Command, frozen=True, kw_only=True, tag="declare_qualifier"):
    """A team qualified through a path by a route decided outside the ledger."""

    path: str
    team: str
    method: str
    region: str = ""
    provisional: bool = False
    supersedes: str | None = None


class FillSlot(Command, frozen=True, kw_only=True, tag="fill_slot"):
    """A path's berth goes to whoever fills a slot (winner of a final, ...)."""

    path: str
    slot: Side
    method: str = ""
    supersedes: str | None = None


class ConfirmBerths(Command, frozen=True, kw_only=True, tag="confirm_berths"):
    path: str
    berths: int
    supersedes: str | None = None


class ChangeBerths(Command, frozen=True, kw_only=True, tag="change_berths"):
    path: str
    berths: int
    confirmed: bool = True
    supersedes: str | None = None


class DeclineBerth(Command, frozen=True, kw_only=True, tag="decline_berth"):
    path: str
    team: str
    reason: str
    supersedes: str | None = None


class ReallocateBerth(Command, frozen=True, kw_only=True, tag="reallocate_berth"):
    path: str
    from_team: str
    to_team: str
    to_path: str | None = None
    reason: str = ""
    supersedes: str | None = None


def _named(state: CompetitionState, team: str) -> str:
    """A known team's own spelling, or the name as typed for a team new to the ledger."""
    try:
        return find_team(state, team)
    except UnknownTeam:
        return state.canonical(team.strip())


def declare_qualifier(state: CompetitionState, cmd: DeclareQualifier, meta: Meta) -> list[Event]:
    return [
        QualifierDeclared(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            path=find_path(state, cmd.path).path,
            team=_named(state, cmd.team),
            method=cmd.method,
            region=cmd.region,
            confirmed=not cmd.provisional,
        )
    ]


def fill_slot(state: CompetitionState, cmd: FillSlot, meta: Meta) -> list[Event]:
    stage = next(iter(state.stages), "")
    slot = resolve_side(state, stage, cmd.slot) if stage else cmd.slot
    return [
        SlotFilled(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            path=find_path(state, cmd.path).path,
            slot=slot,
            method=cmd.method,
        )
    ]


def confirm_berths(state: CompetitionState, cmd: ConfirmBerths, meta: Meta) -> list[Event]:
    return [
        BerthAllocationConfirmed(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            path=find_path(state, cmd.path).path,
            berths=cmd.berths,
        )
    ]


def change_berths(state: CompetitionState, cmd: ChangeBerths, meta: Meta) -> list[Event]:
    return [
        BerthAllocationChanged(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            path=find_path(state, cmd.path).path,
            berths=cmd.berths,
            confirmed=cmd.confirmed,
        )
    ]


def decline_berth(state: CompetitionState, cmd: DeclineBerth, meta: Meta) -> list[Event]:
    return [
        BerthDeclined(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            path=find_path(state, cmd.path).path,
            team=find_team(state, cmd.team),
            reason=cmd.reason,
        )
    ]


def reallocate_berth(state: CompetitionState, cmd: ReallocateBerth, meta: Meta) -> list[Event]:
    return [
        BerthReallocated(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            path=find_path(state, cmd.path).path,
            from_team=find_team(state, cmd.from_team),
            to_team=_named(state, cmd.to_team),
            to_path=find_path(state, cmd.to_path).path if cmd.to_path else None,
            reason=cmd.reason,
        )
    ]

"""Commands on the facts themselves: retract one, or re-decide one read from an export."""

from __future__ import annotations

from events.catalogue import Event
from events.structure import FactRetracted
from ledger.commands.base import Command, Meta, stamp
from ledger.lookup import find_event
from projections.model import CompetitionState


class Retract(Command, frozen=True, kw_only=True, tag="retract"):
    """Withdraw a decision (a slot, qualifier, advancement, alias...) with nothing
    in its place. `target` is its event id or the short id `ledger log` prints."""

    target: str
    reason: str


class Replay(Command, frozen=True, kw_only=True, tag="replay"):
    """A fact read from a ledger export, decided again exactly as it was written."""

    event: Event


def retract(state: CompetitionState, cmd: Retract, meta: Meta) -> list[Event]:
    return [
        FactRetracted(
            **stamp(meta, cmd), supersedes=find_event(state, cmd.target), reason=cmd.reason
        )
    ]


def replay(state: CompetitionState, cmd: Replay, meta: Meta) -> list[Event]:
    return [cmd.event]

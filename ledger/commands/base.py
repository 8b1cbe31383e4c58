"""What every command carries, and the stamp every fact a handler builds gets.

A command is imperative data: what a clerk asks the ledger to record. Its
handler decides, against the competition as it stands, which facts that makes.
Handlers are pure: event ids come from `Meta`, never from a clock or the store.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypedDict

import msgspec

from ledger.lookup import find_event
from projections.model import CompetitionState


class Command(msgspec.Struct, frozen=True, gc=False, kw_only=True, tag_field="command"):
    """Base of every command: the sporting date it takes effect and its citation."""

    on: dt.date
    source: str = ""
    actor: str = ""
    note: str = ""


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Meta:
    """The context of one execution: where event ids come from, and who acts
    when a command does not say."""

    actor: str = ""
    ids: Callable[[], str] = field(default=new_id)


class Stamp(TypedDict):
    """The fields every fact shares, as a handler fills them."""

    event_id: str
    occurred_on: dt.date
    source: str
    actor: str
    note: str


def stamp(meta: Meta, command: Command, *, on: dt.date | None = None) -> Stamp:
    """A fresh id, the command's sporting date (or `on`) and its citation."""
    return Stamp(
        event_id=meta.ids(),
        occurred_on=on or command.on,
        source=command.source,
        actor=command.actor or meta.actor,
        note=command.note,
    )


def supersedes_id(state: CompetitionState, text: str | None) -> str | None:
    """The full id of the fact a command replaces, from the (short) id typed."""
    return find_event(state, text) if text is not None else None

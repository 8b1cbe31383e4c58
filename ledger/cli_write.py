"""Shared pieces of the commands that append facts: building, parsing, reporting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from events.base import (
    Fact,
    Goals,
    GroupPlace,
    LoserOf,
    Score,
    Side,
    StageWinner,
    TeamSide,
    WinnerOf,
)
from events.catalogue import Event, Recorded, tag_of
from ledger import scoreline
from ledger.cli import Context
from ledger.errors import InvalidInput
from ledger.importers.common import to_score
from ledger.lookup import find_fixture, find_stage, find_team
from ledger.service import Meta, new_id
from projections.model import CompetitionState


def parse_score_text(text: str) -> Score:
    try:
        return to_score(scoreline.parse_score(text))
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc


def parse_goals(text: str, what: str) -> Goals:
    score = parse_score_text(text)
    if score.regulation is None or score.after_extra_time or score.penalties:
        raise InvalidInput(f"{what} must be a plain score such as 4-3, not {text!r}")
    return score.regulation


def parse_side(state: CompetitionState, stage: str, text: str) -> Side:
    """A fixture side: a team, or `winner:FIXTURE`, `loser:FIXTURE`,
    `group:STAGE:GROUP:PLACE`, `champion:STAGE`."""
    kind, _, rest = text.partition(":")
    if kind == "winner" and rest:
        return WinnerOf(find_fixture(state, rest).fixture)
    if kind == "loser" and rest:
        return LoserOf(find_fixture(state, rest).fixture)
    if kind == "champion" and rest:
        return StageWinner(find_stage(state, rest).stage)
    if kind == "group" and rest:
        parts = rest.split(":")
        if len(parts) != 3 or not parts[2].isdigit():
            raise InvalidInput(f"a group slot is group:STAGE:GROUP:PLACE, not {text!r}")
        return GroupPlace(find_stage(state, parts[0]).stage, parts[1], int(parts[2]))
    return TeamSide(find_team(state, text, within=state.stages[stage].teams))


def report(
    recorded: Sequence[Recorded], *, nothing: str = "already recorded: nothing appended"
) -> None:
    ctx = click.get_current_context().obj
    if isinstance(ctx, Context) and ctx.batch is not None:
        return
    if not recorded:
        click.echo(nothing)
        return
    for rec in recorded:
        click.echo(f"recorded {tag_of(rec.event)} {rec.event.event_id} (#{rec.position})")


def submit_one(ctx: Context, build: Callable[[CompetitionState], Sequence[Event]]) -> None:
    report(ctx.submit(build))


E = TypeVar("E", bound=Fact)


def make(cls: type[E], meta: Meta, on: dt.date, **fields: Any) -> E:
    """A new fact with a fresh id, its sporting date and its citation."""
    return cls(
        event_id=new_id(),
        occurred_on=on,
        source=meta.source,
        actor=meta.actor,
        note=meta.note,
        **fields,
    )

"""Text into commands: the pieces every command that states a fact shares.

A fact command's function only turns what was typed into a `Command` and
returns it; the `ledger` group executes what it returns (and a ledger script
collects what its lines return into one batch). No rules live here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from events.base import (
    BestRanked,
    Goals,
    GroupPlace,
    LoserOf,
    Score,
    Side,
    StageWinner,
    TeamSide,
    WinnerOf,
)
from ledger import scoreline
from ledger.commands.matches import TeamScorers
from ledger.errors import InvalidInput
from ledger.importers.common import to_score

F = TypeVar("F", bound=Callable[..., Any])

# The commands that state facts: the ones a ledger script may contain.
FACT_COMMANDS: set[click.Command] = set()


def fact_command(group: click.Group, name: str) -> Callable[[F], click.Command]:
    """Register a command whose function returns the Command to execute."""

    def decorate(fn: F) -> click.Command:
        command = group.command(name)(fn)
        FACT_COMMANDS.add(command)
        return command

    return decorate


def default_actor(fallback: str = "clerk") -> str:
    """Who records a fact when --actor is not given."""
    return os.environ.get("LEDGER_ACTOR") or os.environ.get("USER") or fallback


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


def with_extra(score: Score, aet: str | None, pens: str | None) -> Score:
    """The score with --aet and --pens added, each kept apart."""
    if aet is not None:
        score = Score(
            regulation=score.regulation,
            after_extra_time=parse_goals(aet, "--aet"),
            penalties=score.penalties,
        )
    if pens is not None:
        score = Score(
            regulation=score.regulation,
            after_extra_time=score.after_extra_time,
            penalties=parse_goals(pens, "--pens"),
        )
    return score


def parse_side(text: str) -> Side:
    """A fixture side as typed: a team, or `winner:FIXTURE`, `loser:FIXTURE`,
    `group:STAGE:GROUP:PLACE`, `champion:STAGE`, `best:STAGE:RANKING:RANK`. Names
    are resolved on execution."""
    kind, _, rest = text.partition(":")
    if kind == "winner" and rest:
        return WinnerOf(rest)
    if kind == "loser" and rest:
        return LoserOf(rest)
    if kind == "champion" and rest:
        return StageWinner(rest)
    if kind == "group" and rest:
        parts = rest.split(":")
        if len(parts) != 3 or not parts[2].isdigit():
            raise InvalidInput(f"a group slot is group:STAGE:GROUP:PLACE, not {text!r}")
        return GroupPlace(parts[0], parts[1], int(parts[2]))
    if kind == "best" and rest:
        parts = rest.split(":")
        if len(parts) != 3 or not parts[2].isdigit():
            raise InvalidInput(f"a ranking slot is best:STAGE:RANKING:RANK, not {text!r}")
        return BestRanked(parts[0], parts[1], int(parts[2]))
    return TeamSide(text)


def parse_slot(text: str) -> Side:
    side = parse_side(text)
    if isinstance(side, TeamSide):
        raise InvalidInput(f"{text!r} is not a slot (winner:, loser:, champion:, group:, best:)")
    return side


def parse_scorers(items: tuple[str, ...]) -> tuple[TeamScorers, ...]:
    """`--scorer "Team: Name 14', Other 50'"` lines, one per side."""
    out = []
    for item in items:
        try:
            team, scorers = scoreline.parse_scorer_line(item)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
        out.append(TeamScorers(team=team, scorers=tuple(scorers)))
    return tuple(out)


def fact_options(*, on_required: bool = False, supersedes: bool = False) -> Callable[[F], F]:
    """--on, --source, --actor, --note (and --supersedes): the valid time and
    citation of a fact."""
    from ledger.cli import DAY

    def decorate(fn: F) -> F:
        if supersedes:
            fn = click.option(
                "--supersedes",
                default=None,
                metavar="ID",
                help="The event this fact replaces (the short id `ledger log` prints).",
            )(fn)
        fn = click.option("--note", default="", help="Free-text note kept with the fact.")(fn)
        fn = click.option(
            "--actor",
            default=default_actor,
            show_default="$LEDGER_ACTOR or $USER",
            help="Who records the fact.",
        )(fn)
        fn = click.option("--source", default="", help="Citation: article, announcement...")(fn)
        if on_required:
            fn = click.option(
                "--on",
                "on",
                type=DAY,
                required=True,
                help="The date the fact takes effect (YYYY-MM-DD).",
            )(fn)
        else:
            fn = click.option(
                "--on",
                "on",
                type=DAY,
                default=lambda: dt.date.today(),
                show_default="today",
                help="The date the fact takes effect (YYYY-MM-DD).",
            )(fn)
        return fn

    return decorate

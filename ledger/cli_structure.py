"""Commands that shape a competition: paths, stages, rules, entries, names."""

from __future__ import annotations

import datetime as dt
from typing import Literal, cast, get_args

import click

from events.rules import PRESETS, Criterion, PointsRule, RuleSet, TiebreakStep
from ledger.cli import cli
from ledger.cli_write import fact_command, fact_options
from ledger.commands import (
    CreateCompetition,
    CreateStage,
    DeclareRanking,
    DeclareRules,
    DefineGroup,
    DefinePath,
    EnterTeams,
    RecordAlias,
    RecordAssumption,
    UseCompetition,
    WithdrawTeam,
)
from ledger.errors import InvalidInput


@fact_command(cli, "new")
@click.argument("slug")
@click.option("--name", required=True, help="Display name of the competition.")
@click.option("--season", default="", help="Season, e.g. 2014.")
@click.option("--field-size", type=int, default=None, help="Teams in the competition proper.")
@fact_options()
def new_competition(
    slug: str,
    name: str,
    season: str,
    field_size: int | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> CreateCompetition:
    """Create a competition (in a script: the lines after it apply to it).

    Example: ledger new cup-2025 --name "County Cup 2025" --season 2025 --on 2025-01-10
    """
    return CreateCompetition(
        slug=slug,
        name=name,
        season=season,
        field_size=field_size,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "use")
@click.argument("slug")
def use_competition(slug: str) -> UseCompetition:
    """In a ledger script: the lines after it apply to a competition that exists.

    Example: ledger use usoc-2014
    """
    return UseCompetition(slug=slug, on=dt.date.today())


@fact_command(cli, "path")
@click.argument("slug")
@click.option("--name", required=True, help="Display name of the path.")
@click.option("--berths", type=int, default=None, help="Number of berths (omit if unknown).")
@click.option("--entry-round", type=int, default=None, help="Round it enters the competition.")
@click.option("--unconfirmed", is_flag=True, help="Allocation not yet confirmed.")
@click.option("--governing-body", default="", help="Who confirms the berths, e.g. U.S. Soccer.")
@click.option("--parent", default=None, help="Parent path slug.")
@fact_options()
def define_path(
    slug: str,
    name: str,
    berths: int | None,
    entry_round: int | None,
    unconfirmed: bool,
    governing_body: str,
    parent: str | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> DefinePath:
    """Define a qualification path and its berths.

    Example: ledger path usl-league-two --name "USL League Two" --berths 2 --unconfirmed
        --on 2014-01-01
    """
    return DefinePath(
        slug=slug,
        name=name,
        berths=berths,
        entry_round=entry_round,
        confirmed=not unconfirmed,
        governing_body=governing_body,
        parent=parent,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


@fact_command(cli, "stage")
@click.argument("slug")
@click.option("--name", required=True, help="Display name of the stage.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["knockout", "group"]),
    required=True,
    help="knockout (brackets) or group (tables).",
)
@click.option("--path", default=None, help="Qualification path the stage serves.")
@click.option("--rounds", default="", help="Comma-separated round names in order.")
@click.option("--feeds-from", default="", help="Comma-separated stages feeding this one.")
@click.option(
    "--rules",
    "rules_preset",
    type=click.Choice(sorted(PRESETS)),
    default=None,
    help="Tiebreak preset (group stages).",
)
@click.option("--entries-open", is_flag=True, help="Teams may still sign up.")
@fact_options()
def create_stage(
    slug: str,
    name: str,
    fmt: str,
    path: str | None,
    rounds: str,
    feeds_from: str,
    rules_preset: str | None,
    entries_open: bool,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> CreateStage:
    """Create a knockout or group stage.

    Example: ledger stage socal --name "SoCal Premier League playoff" --format knockout
        --rounds "Semi-finals,Final" --path us-club-soccer --on 2014-03-01
    """
    return CreateStage(
        slug=slug,
        name=name,
        format=cast(Literal["knockout", "group"], fmt),
        path=path,
        rounds=_csv(rounds),
        feeds_from=_csv(feeds_from),
        preset=rules_preset,
        entries_open=entries_open,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


def parse_tiebreaks(text: str) -> tuple[TiebreakStep, ...]:
    """`points,h2h:points,h2h+:goal_difference,goal_difference,fair_play,lots`."""
    steps = []
    for item in _csv(text):
        scope, _, criterion = item.rpartition(":")
        if scope not in ("", "h2h", "h2h+", "overall"):
            raise InvalidInput(f"unknown tiebreak scope {scope!r} in {item!r} (use h2h: or h2h+:)")
        if criterion not in get_args(Criterion):
            raise InvalidInput(
                f"unknown tiebreak criterion {criterion!r}; one of "
                + ", ".join(get_args(Criterion))
            )
        steps.append(
            TiebreakStep(
                criterion=cast(Criterion, criterion),
                scope="head_to_head" if scope.startswith("h2h") else "overall",
                reapply=scope == "h2h+",
            )
        )
    return tuple(steps)


@fact_command(cli, "rules")
@click.argument("stage")
@click.option(
    "--preset",
    "preset_name",
    type=click.Choice(sorted(PRESETS)),
    default=None,
    help="A named tiebreak preset.",
)
@click.option(
    "--tiebreaks",
    default=None,
    help="Custom steps, e.g. 'points,h2h+:points,goal_difference,lots'.",
)
@click.option("--win", type=int, default=3, help="Points for a win.")
@click.option("--draw", type=int, default=1, help="Points for a draw.")
@click.option("--loss", type=int, default=0, help="Points for a loss.")
@click.option("--minutes", type=int, default=90, help="Regulation match length.")
@click.option(
    "--round-minutes",
    multiple=True,
    metavar="ROUND=MIN",
    help="A round with another length, e.g. Final=90.",
)
@fact_options()
def declare_rules(
    stage: str,
    preset_name: str | None,
    tiebreaks: str | None,
    win: int,
    draw: int,
    loss: int,
    minutes: int,
    round_minutes: tuple[str, ...],
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> DeclareRules:
    """Declare a stage's rule set: points, tiebreak order and match length.

    Example: ledger rules usssa-groups --preset points-gd-gf --minutes 50 --on 2014-03-14
    """
    if tiebreaks:
        steps = parse_tiebreaks(tiebreaks)
        name = "custom"
    else:
        name = preset_name or "points-gd-gf"
        steps = PRESETS[name]
    per_round: dict[str, int] = {}
    for item in round_minutes:
        round_name, _, value = item.rpartition("=")
        if not round_name or not value.isdigit():
            raise InvalidInput(f"--round-minutes takes ROUND=MINUTES, not {item!r}")
        per_round[round_name] = int(value)
    rules = RuleSet(
        name=name,
        points=PointsRule(win=win, draw=draw, loss=loss),
        tiebreaks=steps,
        match_minutes=minutes,
        round_minutes=per_round,
    )
    return DeclareRules(stage=stage, rules=rules, on=on, source=source, actor=actor, note=note)


@fact_command(cli, "ranking")
@click.argument("stage")
@click.argument("name")
@click.option("--place", type=int, required=True, help="The group place ranked, e.g. 3.")
@click.option("--take", type=int, required=True, help="How many of the ranking go through.")
@click.option(
    "--tiebreaks",
    default="points,goal_difference,goals_for,wins,fair_play,lots",
    show_default=True,
    help="Overall steps in order (no h2h: the teams never met).",
)
@fact_options(supersedes=True)
def declare_ranking(
    stage: str,
    name: str,
    place: int,
    take: int,
    tiebreaks: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> DeclareRanking:
    """Declare a ranking across the groups of a stage, e.g. the best thirds. The
    team at --place of every group is ranked on its full group record; the first
    --take go through, and later stages take them as slots best:STAGE:NAME:RANK.

    Example: ledger ranking usssa-groups best-seconds --place 2 --take 1
        --tiebreaks "points,goal_difference,goals_for,lots" --on 2014-03-16
    """
    return DeclareRanking(
        stage=stage,
        name=name,
        place=place,
        take=take,
        tiebreaks=parse_tiebreaks(tiebreaks),
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "enter")
@click.argument("stage")
@click.argument("teams", nargs=-1, required=True)
@click.option("--seed", type=int, default=None, help="Seed (with a single team).")
@fact_options()
def enter_teams(
    stage: str,
    teams: tuple[str, ...],
    seed: int | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> EnterTeams:
    """Enter one or more teams into a stage.

    Example: ledger enter norcal "Sacramento Gold" --on 2014-03-01
    """
    return EnterTeams(
        stage=stage, teams=teams, seed=seed, on=on, source=source, actor=actor, note=note
    )


@fact_command(cli, "withdraw")
@click.argument("stage")
@click.argument("team")
@click.option("--reason", required=True, help="Why the team withdrew.")
@click.option(
    "--fixtures",
    type=click.Choice(["walkover", "cancelled"]),
    default="walkover",
    show_default=True,
    help="What becomes of the team's unplayed fixtures.",
)
@fact_options(supersedes=True)
def withdraw(
    stage: str,
    team: str,
    reason: str,
    fixtures: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> WithdrawTeam:
    """Record that a team withdrew from a stage; its unplayed fixtures become
    walkovers for the opponents (or are cancelled), and it loses any berth.

    Example: ledger withdraw norcal "Corinthians USA" --reason "did not travel"
    """
    return WithdrawTeam(
        stage=stage,
        team=team,
        reason=reason,
        fixtures=cast(Literal["walkover", "cancelled"], fixtures),
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "group")
@click.argument("stage")
@click.argument("group")
@click.argument("teams", nargs=-1, required=True)
@fact_options(supersedes=True)
def define_group(
    stage: str,
    group: str,
    teams: tuple[str, ...],
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> DefineGroup:
    """Put entered teams into a group of a group stage. Changing a group names
    the definition it replaces with --supersedes; a change that would leave out
    teams with results in the group is refused.

    Example: ledger stage usssa-cup --name "USSSA consolation" --format group --on 2014-03-16
        && ledger enter usssa-cup Boulevard "FC Denver" --on 2014-03-16
        && ledger group usssa-cup East Boulevard "FC Denver" --on 2014-03-16
    """
    return DefineGroup(
        stage=stage,
        group=group,
        teams=teams,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "alias")
@click.argument("alias")
@click.argument("team")
@fact_options(supersedes=True)
def record_alias(
    alias: str,
    team: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> RecordAlias:
    """Record that ALIAS is another spelling of TEAM.

    Example: ledger alias "Spartans FC" "Spartans Futbol Club" --on 2014-03-13
    """
    return RecordAlias(
        alias=alias,
        team=team,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "assume")
@click.argument("subject")
@click.argument("assumption")
@fact_options()
def record_assumption(
    subject: str, assumption: str, on: dt.date, source: str, actor: str, note: str
) -> RecordAssumption:
    """Record an assumption where the source is silent.

    Example: ledger assume usssa-groups "groups inferred from who played whom"
    """
    return RecordAssumption(
        subject=subject, assumption=assumption, on=on, source=source, actor=actor, note=note
    )

"""Commands that shape a competition: paths, stages, rules, entries, names."""

from __future__ import annotations

import datetime as dt
from typing import cast, get_args

import click

from events.catalogue import Event
from events.rules import PRESETS, Criterion, PointsRule, RuleSet, TiebreakStep, preset
from events.structure import (
    AssumptionRecorded,
    CompetitionCreated,
    GroupDefined,
    QualificationPathDefined,
    RuleSetDeclared,
    StageCreated,
    TeamAliasRecorded,
    TeamEntered,
    TeamWithdrew,
)
from ledger.cli import Context, cli, fact_options, meta_of, pass_context
from ledger.cli_write import (
    make,
    report,
    submit_one,
)
from ledger.errors import InvalidInput
from ledger.lookup import find_path, find_stage, find_team
from projections.model import CompetitionState

# --- structure --------------------------------------------------------------


@cli.command("new")
@click.argument("slug")
@click.option("--name", required=True, help="Display name of the competition.")
@click.option("--season", default="", help="Season, e.g. 2014.")
@click.option("--field-size", type=int, default=None, help="Teams in the competition proper.")
@fact_options()
@pass_context
def new_competition(
    ctx: Context,
    slug: str,
    name: str,
    season: str,
    field_size: int | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Create a competition.

    Example: ledger new usoc-2014 --name "2014 U.S. Open Cup" --season 2014 --on 2014-01-01
    """
    meta = meta_of(source, actor, note)
    event = make(
        CompetitionCreated,
        meta,
        on,
        competition=slug,
        name=name,
        season=season,
        field_size=field_size,
    )
    report(ctx.submit(lambda _: [event], stream=slug))


@cli.command("path")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--berths", type=int, default=None, help="Number of berths (omit if unknown).")
@click.option("--entry-round", type=int, default=None, help="Round it enters the competition.")
@click.option("--unconfirmed", is_flag=True, help="Allocation not yet confirmed.")
@click.option("--governing-body", default="")
@click.option("--parent", default=None, help="Parent path slug.")
@fact_options()
@pass_context
def define_path(
    ctx: Context,
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
) -> None:
    """Define a qualification path and its berths.

    Example: ledger path usasa --name USASA --berths 8 --unconfirmed --on 2014-01-01
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                QualificationPathDefined,
                meta,
                on,
                path=slug,
                name=name,
                berths=berths,
                entry_round=entry_round,
                allocation_confirmed=not unconfirmed,
                governing_body=governing_body,
                parent=find_path(state, parent).path if parent else None,
            )
        ],
    )


@cli.command("stage")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--format", "fmt", type=click.Choice(["knockout", "group"]), required=True)
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
@pass_context
def create_stage(
    ctx: Context,
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
) -> None:
    """Create a knockout or group stage.

    Example: ledger stage swc --name "Southwest Conference" --format knockout
    --rounds "First round,Semi-final,Final" --path npsl --on 2014-03-01
    """
    meta = meta_of(source, actor, note)

    def build(state: CompetitionState) -> list[Event]:
        events: list[Event] = [
            make(
                StageCreated,
                meta,
                on,
                stage=slug,
                name=name,
                format=fmt,
                path=find_path(state, path).path if path else None,
                rounds=_csv(rounds),
                feeds_from=tuple(find_stage(state, s).stage for s in _csv(feeds_from)),
                entries_open=entries_open,
            )
        ]
        if rules_preset:
            events.append(make(RuleSetDeclared, meta, on, stage=slug, rules=preset(rules_preset)))
        return events

    submit_one(ctx, build)


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


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


@cli.command("rules")
@click.argument("stage")
@click.option("--preset", "preset_name", type=click.Choice(sorted(PRESETS)), default=None)
@click.option(
    "--tiebreaks",
    default=None,
    help="Custom steps, e.g. 'points,h2h+:points,goal_difference,lots'.",
)
@click.option("--win", type=int, default=3)
@click.option("--draw", type=int, default=1)
@click.option("--loss", type=int, default=0)
@click.option("--minutes", type=int, default=90, help="Regulation match length.")
@click.option(
    "--round-minutes",
    multiple=True,
    metavar="ROUND=MIN",
    help="A round with another length, e.g. Final=90.",
)
@fact_options()
@pass_context
def declare_rules(
    ctx: Context,
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
) -> None:
    """Declare a stage's rule set: points, tiebreak order and match length.

    Example: ledger rules usssa-groups --preset points-gd-gf --minutes 50 --on 2014-03-14
    """
    meta = meta_of(source, actor, note)
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
    submit_one(
        ctx,
        lambda state: [
            make(RuleSetDeclared, meta, on, stage=find_stage(state, stage).stage, rules=rules)
        ],
    )


@cli.command("enter")
@click.argument("stage")
@click.argument("teams", nargs=-1, required=True)
@click.option("--seed", type=int, default=None, help="Seed (with a single team).")
@fact_options()
@pass_context
def enter_teams(
    ctx: Context,
    stage: str,
    teams: tuple[str, ...],
    seed: int | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Enter one or more teams into a stage.

    Example: ledger enter swc "FC Hasental" "San Diego Flash" --on 2014-03-01
    """
    meta = meta_of(source, actor, note)
    if seed is not None and len(teams) != 1:
        raise InvalidInput("--seed goes with exactly one team")

    def build(state: CompetitionState) -> list[Event]:
        slug = find_stage(state, stage).stage
        return [
            make(TeamEntered, meta, on, stage=slug, team=state.canonical(t.strip()), seed=seed)
            for t in teams
        ]

    submit_one(ctx, build)


@cli.command("withdraw")
@click.argument("stage")
@click.argument("team")
@click.option("--reason", required=True)
@fact_options()
@pass_context
def withdraw(
    ctx: Context,
    stage: str,
    team: str,
    reason: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Record that a team withdrew from a stage.

    Example: ledger withdraw norcal "Corinthians USA" --reason "did not travel"
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                TeamWithdrew,
                meta,
                on,
                stage=find_stage(state, stage).stage,
                team=team,
                reason=reason,
            )
        ],
    )


@cli.command("group")
@click.argument("stage")
@click.argument("group")
@click.argument("teams", nargs=-1, required=True)
@fact_options()
@pass_context
def define_group(
    ctx: Context,
    stage: str,
    group: str,
    teams: tuple[str, ...],
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Put entered teams into a group of a group stage.

    Example: ledger group usssa-groups A "Colorado Rovers" Boulevard --on 2014-03-14
    """
    meta = meta_of(source, actor, note)

    def build(state: CompetitionState) -> list[Event]:
        slug = find_stage(state, stage).stage
        members = tuple(find_team(state, t, within=state.stages[slug].teams) for t in teams)
        return [make(GroupDefined, meta, on, stage=slug, group=group, teams=members)]

    submit_one(ctx, build)


@cli.command("alias")
@click.argument("alias")
@click.argument("team")
@fact_options()
@pass_context
def record_alias(
    ctx: Context, alias: str, team: str, on: dt.date, source: str, actor: str, note: str
) -> None:
    """Record that ALIAS is another spelling of TEAM.

    Example: ledger alias "Aztecs Mojos" "Azteca Mojos" --on 2014-03-14
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [make(TeamAliasRecorded, meta, on, alias=alias, team=find_team(state, team))],
    )


@cli.command("assume")
@click.argument("subject")
@click.argument("assumption")
@fact_options()
@pass_context
def record_assumption(
    ctx: Context, subject: str, assumption: str, on: dt.date, source: str, actor: str, note: str
) -> None:
    """Record an assumption where the source is silent.

    Example: ledger assume usssa-groups "groups inferred from who played whom"
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx, lambda _: [make(AssumptionRecorded, meta, on, subject=subject, assumption=assumption)]
    )

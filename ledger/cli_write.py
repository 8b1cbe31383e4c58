"""Commands that append facts. Each builds proposed events and submits them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar, cast, get_args

import click

from events.base import (
    Fact,
    Goal,
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
)
from events.qualification import (
    BerthAllocationChanged,
    BerthAllocationConfirmed,
    BerthDeclined,
    BerthReallocated,
    QualifierDeclared,
)
from events.rules import PRESETS, Criterion, PointsRule, RuleSet, TiebreakStep, preset
from events.structure import (
    AssumptionRecorded,
    CompetitionCreated,
    GroupDefined,
    LotsDrawn,
    QualificationPathDefined,
    RuleSetDeclared,
    SlotFilled,
    StageCreated,
    TeamAliasRecorded,
    TeamEntered,
    TeamWithdrew,
)
from ledger import scoreline
from ledger.cli import Context, cli, fact_options, meta_of, pass_context
from ledger.decisions import group_of, match_fixture, new_fixture_id, stage_participants
from ledger.errors import InvalidInput, LedgerError, NotFound
from ledger.lookup import find_fixture, find_path, find_stage, find_team
from ledger.service import Meta, new_id
from projections.model import CompetitionState


def to_score(parsed: scoreline.Score) -> Score:
    """The clerk's score as the ledger keeps it (regulation, a.e.t., shoot-out apart)."""
    aet = Goals(*parsed.after_extra_time) if parsed.after_extra_time else None
    pens = Goals(*parsed.penalties) if parsed.penalties else None
    regulation_known = getattr(parsed, "regulation_known", True)
    regulation = Goals(parsed.home, parsed.away) if regulation_known else None
    return Score(regulation=regulation, after_extra_time=aet, penalties=pens)


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


# --- fixtures and results ---------------------------------------------------


@cli.command("schedule")
@click.argument("stage")
@click.argument("home")
@click.argument("away")
@click.option("--round", "round_name", default=None)
@click.option("--group", default=None)
@click.option("--fixture", default=None, help="Fixture id [default: STAGE-N].")
@click.option("--kickoff", type=click.UNPROCESSED, default=None, help="Match date.")
@click.option("--venue", default="")
@fact_options()
@pass_context
def schedule(
    ctx: Context,
    stage: str,
    home: str,
    away: str,
    round_name: str | None,
    group: str | None,
    fixture: str | None,
    kickoff: str | None,
    venue: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Schedule a fixture. A side is a team, winner:FIXTURE, loser:FIXTURE,
    group:STAGE:GROUP:PLACE or champion:STAGE.

    Example: ledger schedule gg-nw-playoff champion:golden-gate champion:northwest
    --round Final --kickoff 2014-03-16 --on 2014-02-22
    """
    from ledger.cli import parse_day

    meta = meta_of(source, actor, note)
    day = parse_day(kickoff) if kickoff else None

    def build(state: CompetitionState) -> list[Event]:
        slug = find_stage(state, stage).stage
        return [
            make(
                FixtureScheduled,
                meta,
                on,
                fixture=fixture or new_fixture_id(state, slug),
                stage=slug,
                round=round_name,
                group=group,
                home=parse_side(state, slug, home),
                away=parse_side(state, slug, away),
                kickoff=day,
                venue=venue,
            )
        ]

    submit_one(ctx, build)


@cli.command("reschedule")
@click.argument("fixture")
@click.argument("kickoff")
@click.option("--reason", default="")
@fact_options()
@pass_context
def reschedule(
    ctx: Context,
    fixture: str,
    kickoff: str,
    reason: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Move a fixture to another date.

    Example: ledger reschedule usssa-sf-1 2014-03-17 --reason "field conditions"
    """
    from ledger.cli import parse_day

    meta = meta_of(source, actor, note)
    day = parse_day(kickoff)
    submit_one(
        ctx,
        lambda state: [
            make(
                FixtureRescheduled,
                meta,
                on,
                fixture=find_fixture(state, fixture).fixture,
                kickoff=day,
                reason=reason,
            )
        ],
    )


@cli.command("cancel")
@click.argument("fixture")
@click.option("--reason", required=True)
@fact_options()
@pass_context
def cancel(
    ctx: Context, fixture: str, reason: str, on: dt.date, source: str, actor: str, note: str
) -> None:
    """Cancel a fixture.

    Example: ledger cancel swc-3 --reason "field unavailable"
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                FixtureCancelled,
                meta,
                on,
                fixture=find_fixture(state, fixture).fixture,
                reason=reason,
            )
        ],
    )


@cli.command("bye")
@click.argument("stage")
@click.argument("team")
@click.option("--round", "round_name", required=True, help="The round the team skips.")
@click.option("--into", "into_fixture", default=None, help="Fixture the team goes into.")
@fact_options()
@pass_context
def bye(
    ctx: Context,
    stage: str,
    team: str,
    round_name: str,
    into_fixture: str | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Grant a team a bye through a round.

    Example: ledger bye swc "FC Hasental" --round "First round" --on 2014-03-01
    """
    meta = meta_of(source, actor, note)

    def build(state: CompetitionState) -> list[Event]:
        slug = find_stage(state, stage).stage
        return [
            make(
                ByeGranted,
                meta,
                on,
                stage=slug,
                round=round_name,
                team=find_team(state, team, within=state.stages[slug].teams),
                into_fixture=find_fixture(state, into_fixture).fixture if into_fixture else None,
            )
        ]

    submit_one(ctx, build)


def _scorers(items: tuple[str, ...], home: str, away: str) -> tuple[Goal, ...]:
    goals: list[Goal] = []
    for item in items:
        try:
            team, scorers = scoreline.parse_scorer_line(item)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
        side = _side_of(team, home, away, item)
        goals.extend(
            Goal(
                side=side,
                player=s.player,
                minute=s.minute,
                stoppage=s.stoppage,
                penalty=s.penalty,
                own_goal=s.own_goal,
            )
            for s in scorers
        )
    return tuple(goals)


def _side_of(team: str, home: str, away: str, item: str) -> Literal["home", "away"]:
    low = team.strip().casefold()
    if low in ("home", home.casefold()):
        return "home"
    if low in ("away", away.casefold()):
        return "away"
    raise InvalidInput(f"scorer line {item!r} names neither {home!r} nor {away!r}")


@cli.command("record")
@click.argument("stage")
@click.argument("result")
@click.option("--on", "on", type=click.UNPROCESSED, required=True, help="Match date.")
@click.option("--round", "round_name", default=None, help="Round (knockout stages).")
@click.option("--fixture", default=None, help="Fixture id, when not found by the teams.")
@click.option("--aet", default=None, help="Score after extra time, e.g. 2-2.")
@click.option("--pens", default=None, help="Shoot-out score, e.g. 4-3.")
@click.option(
    "--scorer",
    "scorers",
    multiple=True,
    metavar="TEAM: NAME MIN'",
    help='Scorers of one team, e.g. "Sonoma County Sol: Eric Larson 14\'".',
)
@click.option("--minutes", type=int, default=None, help="Match length when shortened.")
@click.option("--source", default="")
@click.option("--actor", default=None)
@click.option("--note", default="")
@pass_context
def record(
    ctx: Context,
    stage: str,
    result: str,
    on: str,
    round_name: str | None,
    fixture: str | None,
    aet: str | None,
    pens: str | None,
    scorers: tuple[str, ...],
    minutes: int | None,
    source: str,
    actor: str | None,
    note: str,
) -> None:
    """Record a result: "Home 2-1 Away". The fixture is found by stage, teams and
    date, or scheduled on the spot.

    Example: ledger record swc "Temecula FC 2-5 FC Force" --on 2014-03-01 --round "First round"
    """
    import os

    from ledger.cli import parse_day

    day = parse_day(on)
    try:
        line = scoreline.parse_result_line(result)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    score = to_score(line.score)
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
    if minutes is not None and not 1 <= minutes <= 150:
        raise InvalidInput(f"--minutes {minutes} is not a match length")
    goals = _scorers(scorers, line.home, line.away)
    meta = Meta(
        source=source,
        actor=actor or os.environ.get("LEDGER_ACTOR") or os.environ.get("USER") or "clerk",
        note=note,
    )
    submit_one(
        ctx,
        lambda state: propose_result(
            state,
            stage=stage,
            home=line.home,
            away=line.away,
            score=score,
            on=day,
            round_name=round_name,
            fixture=fixture,
            scorers=goals,
            minutes=minutes,
            meta=meta,
        ),
    )


def propose_result(
    state: CompetitionState,
    *,
    stage: str,
    home: str,
    away: str,
    score: Score,
    on: dt.date,
    round_name: str | None,
    fixture: str | None,
    scorers: tuple[Goal, ...],
    minutes: int | None,
    meta: Meta,
) -> list[Event]:
    """The events for a typed result: the fixture (if new) and the result."""
    slug = find_stage(state, stage).stage
    teams = stage_participants(state, slug)
    home_team = find_team(state, home, within=teams)
    away_team = find_team(state, away, within=teams)
    if home_team == away_team:
        raise InvalidInput(f"{home_team} cannot play itself")
    events: list[Event] = []
    if fixture is not None:
        fx_id = find_fixture(state, fixture).fixture
    else:
        found = match_fixture(state, stage=slug, home=home_team, away=away_team, on=on)
        if found is not None:
            fx_id = found.fixture
        else:
            fx_id = new_fixture_id(state, slug)
            events.append(
                make(
                    FixtureScheduled,
                    meta,
                    on,
                    fixture=fx_id,
                    stage=slug,
                    round=round_name,
                    group=group_of(state, slug, home_team, away_team),
                    home=TeamSide(home),
                    away=TeamSide(away),
                    kickoff=on,
                )
            )
    existing = state.fixtures.get(fx_id)
    if existing is not None and existing.result is not None and existing.result.score == score:
        return []  # the same result told again
    events.append(
        make(
            ResultRecorded,
            meta,
            on,
            fixture=fx_id,
            score=score,
            scorers=scorers,
            match_minutes=minutes,
        )
    )
    return events


@cli.command("correct")
@click.argument("event_id")
@click.argument("result")
@click.option("--reason", required=True)
@fact_options()
@pass_context
def correct(
    ctx: Context,
    event_id: str,
    result: str,
    reason: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Correct an earlier result by its event id. RESULT is "Home 2-1 Away" or a score.

    Example: ledger correct 3f2a... "Temecula FC 2-4 FC Force" --reason "referee report"
    """
    meta = meta_of(source, actor, note)

    def build(state: CompetitionState) -> list[Event]:
        fx = _fixture_of_result(state, event_id)
        try:
            score = to_score(scoreline.parse_result_line(result).score)
        except ValueError:
            score = parse_score_text(result)
        return [
            make(
                ResultCorrected,
                meta,
                on,
                supersedes=event_id,
                fixture=fx,
                score=score,
                reason=reason,
            )
        ]

    submit_one(ctx, build)


def _fixture_of_result(state: CompetitionState, event_id: str) -> str:
    event = state.events.get(event_id)
    if event is None:
        matches = [e for e in state.events if e.startswith(event_id)] if len(event_id) >= 6 else []
        if len(matches) == 1:
            event = state.events[matches[0]]
    if not isinstance(event, (ResultRecorded, ResultCorrected)):
        raise NotFound(f"no result event {event_id!r} to supersede (see `ledger log`)")
    return event.fixture


@cli.command("void")
@click.argument("event_id")
@click.option("--reason", required=True)
@fact_options()
@pass_context
def void(
    ctx: Context, event_id: str, reason: str, on: dt.date, source: str, actor: str, note: str
) -> None:
    """Void an earlier result by its event id.

    Example: ledger void 3f2a... --reason "ineligible player; match to be replayed"
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                ResultVoided,
                meta,
                on,
                supersedes=event_id,
                fixture=_fixture_of_result(state, event_id),
                reason=reason,
            )
        ],
    )


@cli.command("forfeit")
@click.argument("fixture")
@click.argument("winner")
@click.option("--reason", required=True)
@click.option("--score", "score_text", default=None, help="Awarded score, e.g. 3-0.")
@click.option("--supersedes", default=None, help="Result event the forfeit replaces.")
@fact_options()
@pass_context
def forfeit(
    ctx: Context,
    fixture: str,
    winner: str,
    reason: str,
    score_text: str | None,
    supersedes: str | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Award a match by forfeit.

    Example: ledger forfeit usssa-3 "FC Denver" --reason "opponent fielded an ineligible player"
    """
    meta = meta_of(source, actor, note)
    score = parse_score_text(score_text) if score_text else None
    submit_one(
        ctx,
        lambda state: [
            make(
                ForfeitAwarded,
                meta,
                on,
                fixture=find_fixture(state, fixture).fixture,
                winner=find_team(state, winner),
                score=score,
                reason=reason,
                supersedes=supersedes,
            )
        ],
    )


@cli.command("advance")
@click.argument("fixture")
@click.argument("team")
@click.option("--method", type=click.Choice(["shootout", "decision", "unknown"]), required=True)
@click.option("--shootout", "shootout_text", default=None, help="Shoot-out score, e.g. 4-3.")
@click.option("--detail", default="", help="How it was decided, if the source says.")
@fact_options()
@pass_context
def advance(
    ctx: Context,
    fixture: str,
    team: str,
    method: str,
    shootout_text: str | None,
    detail: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Decide who advanced after a drawn knockout tie.

    Example: ledger advance gg-final "CD Aguiluchos USA" --method unknown --source "article"
    """
    meta = meta_of(source, actor, note)
    shootout = parse_goals(shootout_text, "--shootout") if shootout_text else None
    submit_one(
        ctx,
        lambda state: [
            make(
                AdvancementDecided,
                meta,
                on,
                fixture=find_fixture(state, fixture).fixture,
                team=find_team(state, team),
                method=method,
                shootout=shootout,
                detail=detail,
            )
        ],
    )


@cli.command("cards")
@click.argument("fixture")
@click.argument("team")
@click.option("--yellow", type=int, default=0)
@click.option("--second-yellow", type=int, default=0)
@click.option("--red", type=int, default=0, help="Direct red cards.")
@click.option("--yellow-red", type=int, default=0, help="Yellow then direct red.")
@fact_options()
@pass_context
def cards(
    ctx: Context,
    fixture: str,
    team: str,
    yellow: int,
    second_yellow: int,
    red: int,
    yellow_red: int,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Record the cards one team received in one match (for fair play).

    Example: ledger cards usssa-1 "Colorado Rovers" --yellow 2 --on 2014-03-14
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                CardsRecorded,
                meta,
                on,
                fixture=find_fixture(state, fixture).fixture,
                team=find_team(state, team),
                yellow=yellow,
                second_yellow=second_yellow,
                red=red,
                yellow_red=yellow_red,
            )
        ],
    )


@cli.command("lots")
@click.argument("stage")
@click.argument("order", nargs=-1, required=True)
@click.option("--group", default=None)
@fact_options()
@pass_context
def lots(
    ctx: Context,
    stage: str,
    order: tuple[str, ...],
    group: str | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Record a drawing of lots between teams the rules left level (best first).

    Example: ledger lots euro A Romania Albania --group "Group A"
    """
    meta = meta_of(source, actor, note)

    def build(state: CompetitionState) -> list[Event]:
        slug = find_stage(state, stage).stage
        return [
            make(
                LotsDrawn,
                meta,
                on,
                stage=slug,
                group=group,
                order=tuple(find_team(state, t) for t in order),
            )
        ]

    submit_one(ctx, build)


# --- qualification ----------------------------------------------------------


@cli.command("qualify")
@click.argument("path")
@click.argument("team")
@click.option(
    "--method", required=True, help="How it qualified, e.g. 'Amateur Cup Regional Champion'."
)
@click.option("--region", default="")
@click.option("--provisional", is_flag=True, help="Not yet confirmed by the governing body.")
@fact_options()
@pass_context
def qualify(
    ctx: Context,
    path: str,
    team: str,
    method: str,
    region: str,
    provisional: bool,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Declare a qualifier decided outside the ledger.

    Example: ledger qualify usasa "Icon FC" --method "Open Cup Regional Champion" --region I
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                QualifierDeclared,
                meta,
                on,
                path=find_path(state, path).path,
                team=team,
                method=method,
                region=region,
                confirmed=not provisional,
            )
        ],
    )


@cli.command("slot")
@click.argument("path")
@click.argument("slot")
@click.option("--method", default="", help="e.g. 'Southwest Conference champion'.")
@fact_options()
@pass_context
def slot(
    ctx: Context, path: str, slot: str, method: str, on: dt.date, source: str, actor: str, note: str
) -> None:
    """Say that a path's berth goes to a slot: winner:FIXTURE, champion:STAGE or
    group:STAGE:GROUP:PLACE.

    Example: ledger slot npsl champion:swc --method "Southwest Conference champion"
    """
    meta = meta_of(source, actor, note)

    def build(state: CompetitionState) -> list[Event]:
        if slot.split(":")[0] not in ("winner", "loser", "champion", "group"):
            raise InvalidInput(f"{slot!r} is not a slot (winner:, champion:, group:)")
        side = parse_side(state, next(iter(state.stages), ""), slot)
        return [
            make(SlotFilled, meta, on, path=find_path(state, path).path, slot=side, method=method)
        ]

    submit_one(ctx, build)


@cli.group("berth")
def berth() -> None:
    """Confirm, change, decline or reallocate berths."""


@berth.command("confirm")
@click.argument("path")
@click.option("--berths", type=int, required=True)
@fact_options()
@pass_context
def berth_confirm(
    ctx: Context, path: str, berths: int, on: dt.date, source: str, actor: str, note: str
) -> None:
    """Record the governing body's confirmation of a path's berths.

    Example: ledger berth confirm usasa --berths 8 --source "U.S. Soccer announcement"
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                BerthAllocationConfirmed, meta, on, path=find_path(state, path).path, berths=berths
            )
        ],
    )


@berth.command("change")
@click.argument("path")
@click.option("--berths", type=int, required=True)
@click.option("--unconfirmed", is_flag=True)
@fact_options()
@pass_context
def berth_change(
    ctx: Context,
    path: str,
    berths: int,
    unconfirmed: bool,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Change a path's number of berths.

    Example: ledger berth change usasa --berths 9 --on 2014-04-01
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                BerthAllocationChanged,
                meta,
                on,
                path=find_path(state, path).path,
                berths=berths,
                confirmed=not unconfirmed,
            )
        ],
    )


@berth.command("decline")
@click.argument("path")
@click.argument("team")
@click.option("--reason", required=True)
@fact_options()
@pass_context
def berth_decline(
    ctx: Context, path: str, team: str, reason: str, on: dt.date, source: str, actor: str, note: str
) -> None:
    """Record that a team declined its berth.

    Example: ledger berth decline usasa "Icon FC" --reason "withdrew"
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                BerthDeclined,
                meta,
                on,
                path=find_path(state, path).path,
                team=find_team(state, team),
                reason=reason,
            )
        ],
    )


@berth.command("reallocate")
@click.argument("path")
@click.argument("from_team")
@click.argument("to_team")
@click.option("--to-path", default=None)
@click.option("--reason", default="")
@fact_options()
@pass_context
def berth_reallocate(
    ctx: Context,
    path: str,
    from_team: str,
    to_team: str,
    to_path: str | None,
    reason: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Move a berth from one team to another.

    Example: ledger berth reallocate usasa "Icon FC" "Mass Premier Soccer" --reason "declined"
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                BerthReallocated,
                meta,
                on,
                path=find_path(state, path).path,
                from_team=find_team(state, from_team),
                to_team=to_team,
                to_path=find_path(state, to_path).path if to_path else None,
                reason=reason,
            )
        ],
    )


__all__ = ["LedgerError", "propose_result"]

"""Commands about fixtures and results: schedule, record, correct, decide."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import click

from events.base import (
    Goal,
    Score,
    TeamSide,
)
from events.catalogue import Event
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
from events.structure import (
    LotsDrawn,
)
from ledger import scoreline
from ledger.cli import (
    Context,
    cli,
    default_actor,
    fact_options,
    meta_of,
    parse_day,
    pass_context,
)
from ledger.cli_write import (
    make,
    parse_goals,
    parse_score_text,
    parse_side,
    submit_one,
)
from ledger.decisions import group_of, match_fixture, new_fixture_id, stage_participants
from ledger.errors import Duplicate, InvalidInput, NotFound
from ledger.importers.common import to_score
from ledger.lookup import find_fixture, find_stage, find_team
from ledger.service import Meta
from projections.model import CompetitionState
from projections.resolve import Resolver

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
@click.option("--pens", default=None, help="Shoot-out score, home-away, e.g. 4-3.")
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
        actor=actor or default_actor(),
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
        outcome = Resolver(state).outcome(fx_id)
        if (outcome.home, outcome.away) != (home_team, away_team):
            sides = f"{outcome.home or '(undecided)'} v {outcome.away or '(undecided)'}"
            raise InvalidInput(
                f"{fx_id} is {sides}, not {home_team} v {away_team}; "
                "name its teams, home team first"
            )
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
                    home=TeamSide(home_team),
                    away=TeamSide(away_team),
                    kickoff=on,
                )
            )
    existing = state.fixtures.get(fx_id)
    if existing is not None and existing.result is not None and existing.result.score == score:
        if scorers and scorers != existing.result.scorers:
            rid = existing.result.event_id
            raise Duplicate(
                f"{fx_id} is already recorded as {score} with other scorers; to add or change "
                f"them use `ledger correct {rid} ... --scorer ...`"
            )
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
            teams=(home_team, away_team),
        )
    )
    return events


@cli.command("correct")
@click.argument("event_id")
@click.argument("result")
@click.option("--reason", required=True)
@click.option(
    "--scorer",
    "scorers",
    multiple=True,
    metavar="TEAM: NAME MIN'",
    help="Scorers of one team; without it the recorded scorers are kept.",
)
@click.option("--minutes", type=int, default=None, help="Match length when shortened.")
@fact_options()
@pass_context
def correct(
    ctx: Context,
    event_id: str,
    result: str,
    reason: str,
    scorers: tuple[str, ...],
    minutes: int | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Correct an earlier result by its event id (the short id `ledger log` prints
    will do). RESULT is "Home 2-1 Away", home team first, or just a score.

    Example: ledger correct 3f2a9c01 "Temecula FC 2-4 FC Force" --reason "referee report"
    """
    meta = meta_of(source, actor, note)

    def build(state: CompetitionState) -> list[Event]:
        full_id, fixture = _result_event(state, event_id)
        try:
            line = scoreline.parse_result_line(result)
        except ValueError:
            score = parse_score_text(result)
        else:
            _same_sides(state, fixture, line.home, line.away)
            score = to_score(line.score)
        old = state.fixtures[fixture].result
        outcome = Resolver(state).outcome(fixture)
        goals = (
            _scorers(scorers, outcome.home or "home", outcome.away or "away")
            if scorers
            else (old.scorers if old is not None else ())
        )
        length = minutes if minutes is not None else (old.match_minutes if old else None)
        return [
            make(
                ResultCorrected,
                meta,
                on,
                supersedes=full_id,
                fixture=fixture,
                score=score,
                scorers=goals,
                match_minutes=length,
                reason=reason,
                teams=(outcome.home, outcome.away)
                if outcome.home is not None and outcome.away is not None
                else None,
            )
        ]

    submit_one(ctx, build)


def _result_event(state: CompetitionState, event_id: str) -> tuple[str, str]:
    """(full event id, fixture) of a result named by its id or the short id `log` prints."""
    event = state.events.get(event_id)
    if event is None and len(event_id) >= 6:
        matches = [e for e in state.events if e.startswith(event_id)]
        if len(matches) == 1:
            event = state.events[matches[0]]
    if not isinstance(event, (ResultRecorded, ResultCorrected)):
        raise NotFound(f"no result event {event_id!r} to supersede (see `ledger log`)")
    return event.event_id, event.fixture


def _same_sides(state: CompetitionState, fixture: str, home: str, away: str) -> None:
    """A corrected "Home 2-1 Away" must name the fixture's teams, home team first."""
    outcome = Resolver(state).outcome(fixture)
    sides = [t for t in (outcome.home, outcome.away) if t is not None]
    typed = (find_team(state, home, within=sides), find_team(state, away, within=sides))
    if typed != (outcome.home, outcome.away):
        raise InvalidInput(
            f"{fixture} is {outcome.home} v {outcome.away}: type the correction with "
            "the home team first"
        )


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
                supersedes=_result_event(state, event_id)[0],
                fixture=_result_event(state, event_id)[1],
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
@click.option(
    "--shootout", "shootout_text", default=None, help="Shoot-out score, home-away, e.g. 4-3."
)
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

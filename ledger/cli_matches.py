"""Commands about fixtures and results: schedule, record, correct, decide."""

from __future__ import annotations

import datetime as dt
from typing import Literal, cast

import click

from events.base import Score
from ledger import scoreline
from ledger.cli import DAY, cli
from ledger.cli_write import (
    default_actor,
    fact_command,
    fact_options,
    parse_goals,
    parse_score_text,
    parse_scorers,
    parse_side,
    with_extra,
)
from ledger.commands import (
    AwardForfeit,
    CancelFixture,
    CorrectResult,
    DecideAdvancement,
    DrawLots,
    GrantBye,
    RecordCards,
    RecordResult,
    RescheduleFixture,
    Retract,
    ScheduleFixture,
    VoidResult,
)
from ledger.errors import InvalidInput
from ledger.importers.common import to_score


@fact_command(cli, "schedule")
@click.argument("stage")
@click.argument("home")
@click.argument("away")
@click.option(
    "--round",
    "round_name",
    default=None,
    help="The round this fixture belongs to (knockout stages).",
)
@click.option("--group", default=None, help="The group this fixture belongs to (group stages).")
@click.option("--fixture", default=None, help="Fixture id [default: STAGE-N].")
@click.option("--kickoff", type=DAY, default=None, help="The match date (YYYY-MM-DD).")
@click.option("--venue", default="", help="Where the match is played.")
@fact_options()
def schedule(
    stage: str,
    home: str,
    away: str,
    round_name: str | None,
    group: str | None,
    fixture: str | None,
    kickoff: dt.date | None,
    venue: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> ScheduleFixture:
    """Schedule a fixture. A side is a team, winner:FIXTURE, loser:FIXTURE,
    group:STAGE:GROUP:PLACE, champion:STAGE or best:STAGE:RANKING:RANK.

    Example: ledger schedule norcal "Chivas USA U23s" "Corinthians USA" --fixture norcal-final
        --kickoff 2014-03-22 --on 2014-03-01
    """
    return ScheduleFixture(
        stage=stage,
        home=parse_side(home),
        away=parse_side(away),
        round=round_name,
        group=group,
        fixture=fixture,
        kickoff=kickoff,
        venue=venue,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "reschedule")
@click.argument("fixture")
@click.argument("kickoff", type=DAY)
@click.option("--reason", default="", help="Why the match moved.")
@fact_options()
def reschedule(
    fixture: str,
    kickoff: dt.date,
    reason: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> RescheduleFixture:
    """Move a fixture to another date.

    Example: ledger reschedule usssa-sf-1 2014-03-17 --reason "field conditions"
    """
    return RescheduleFixture(
        fixture=fixture,
        kickoff=kickoff,
        reason=reason,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "cancel")
@click.argument("fixture")
@click.option("--reason", required=True, help="Why the fixture is cancelled.")
@fact_options()
def cancel(
    fixture: str, reason: str, on: dt.date, source: str, actor: str, note: str
) -> CancelFixture:
    """Cancel a fixture.

    Example: ledger cancel swc-r1-1 --reason "field unavailable"
    """
    return CancelFixture(
        fixture=fixture, reason=reason, on=on, source=source, actor=actor, note=note
    )


@fact_command(cli, "bye")
@click.argument("stage")
@click.argument("team")
@click.option("--round", "round_name", required=True, help="The round the team skips.")
@click.option("--into", "into_fixture", default=None, help="Fixture the team goes into.")
@fact_options()
def bye(
    stage: str,
    team: str,
    round_name: str,
    into_fixture: str | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> GrantBye:
    """Grant a team a bye through a round.

    Example: ledger bye norcal "Chivas USA U23s" --round "First round" --on 2014-03-01
    """
    return GrantBye(
        stage=stage,
        team=team,
        round=round_name,
        into=into_fixture,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


def _typed_result(text: str) -> tuple[str, str, Score | None]:
    """`"Home 2-1 Away"`, or `"Home v Away"` when only the winner is known."""
    try:
        line = scoreline.parse_result_line(text)
    except ValueError as exc:
        home, sep, away = text.partition(" v ")
        if sep and home.strip() and away.strip() and not any(c.isdigit() for c in sep):
            return home.strip(), away.strip(), None
        raise InvalidInput(str(exc)) from exc
    return line.home, line.away, to_score(line.score)


@fact_command(cli, "record")
@click.argument("stage")
@click.argument("result")
@click.option(
    "--on", "on", type=DAY, required=True, help="The match date: the date the result takes effect."
)
@click.option("--round", "round_name", default=None, help="Round (knockout stages).")
@click.option("--fixture", default=None, help="Fixture id, when not found by the teams.")
@click.option("--aet", default=None, help="Score after extra time, e.g. 2-2.")
@click.option("--pens", default=None, help="Shoot-out score, home-away, e.g. 4-3.")
@click.option(
    "--winner",
    default=None,
    help='Who won, when the source gives no score: RESULT is then "Home v Away".',
)
@click.option(
    "--scorer",
    "scorers",
    multiple=True,
    metavar="TEAM: NAME MIN'",
    help='Scorers of one team, e.g. "Sonoma County Sol: Eric Larson 14\'".',
)
@click.option("--minutes", type=int, default=None, help="Match length when shortened.")
@click.option("--source", default="", help="Citation: article, announcement...")
@click.option("--actor", default=default_actor, help="Who records the fact.")
@click.option("--note", default="", help="Free-text note kept with the fact.")
@click.option(
    "--supersedes", default=None, metavar="ID", help="The voided result this one replaces."
)
def record(
    stage: str,
    result: str,
    on: dt.date,
    round_name: str | None,
    fixture: str | None,
    aet: str | None,
    pens: str | None,
    winner: str | None,
    scorers: tuple[str, ...],
    minutes: int | None,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> RecordResult:
    """Record a result: "Home 2-1 Away". The fixture is found by stage, teams,
    round and date, or scheduled on the spot.

    Example: ledger record swc "Temecula FC 2-5 FC Force" --on 2014-03-01 --round "First round"
    """
    home, away, score = _typed_result(result)
    if score is None:
        if winner is None:
            raise InvalidInput(f'{result!r}: give a score ("Home 2-1 Away") or --winner')
        score = Score(regulation=None)
    elif winner is not None:
        raise InvalidInput("--winner is for a result whose score is unknown")
    return RecordResult(
        stage=stage,
        home=home,
        away=away,
        score=with_extra(score, aet, pens),
        round=round_name,
        fixture=fixture,
        scorers=parse_scorers(scorers),
        minutes=minutes,
        winner=winner,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "correct")
@click.argument("target", metavar="ID")
@click.argument("result")
@click.option(
    "--reason", required=True, help="Why the result is corrected (e.g. a referee report)."
)
@click.option("--aet", default=None, help="Score after extra time, e.g. 2-2.")
@click.option("--pens", default=None, help="Shoot-out score, home-away, e.g. 4-3.")
@click.option("--winner", default=None, help="Who won, when the score is unknown.")
@click.option(
    "--scorer",
    "scorers",
    multiple=True,
    metavar="TEAM: NAME MIN'",
    help="Scorers of one team; without it the recorded scorers are kept.",
)
@click.option("--minutes", type=int, default=None, help="Match length when shortened.")
@fact_options()
def correct(
    target: str,
    result: str,
    reason: str,
    aet: str | None,
    pens: str | None,
    winner: str | None,
    scorers: tuple[str, ...],
    minutes: int | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> CorrectResult:
    """Correct a result named by its event id (the short id `ledger log` prints)
    or by its fixture. RESULT is "Home 2-1 Away", home team first, or just a score.

    Example: ledger correct swc-r1-1 "Temecula FC 2-4 FC Force" --reason "referee report"
    """
    home: str | None = None
    away: str | None = None
    try:
        line = scoreline.parse_result_line(result)
    except ValueError:
        if winner is not None and result.strip().casefold() in ("", "unknown", "?"):
            score = Score(regulation=None)
        else:
            score = parse_score_text(result)
    else:
        home, away, score = line.home, line.away, to_score(line.score)
    return CorrectResult(
        target=target,
        score=with_extra(score, aet, pens),
        reason=reason,
        home=home,
        away=away,
        scorers=parse_scorers(scorers) if scorers else None,
        minutes=minutes,
        winner=winner,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "void")
@click.argument("target", metavar="ID")
@click.option("--reason", required=True, help="Why the result is voided.")
@fact_options()
def void(target: str, reason: str, on: dt.date, source: str, actor: str, note: str) -> VoidResult:
    """Void a result named by its event id or its fixture; the match can then be
    recorded again.

    Example: ledger void swc-r1-1 --reason "ineligible player; match to be replayed"
    """
    return VoidResult(target=target, reason=reason, on=on, source=source, actor=actor, note=note)


@fact_command(cli, "forfeit")
@click.argument("fixture")
@click.argument("winner")
@click.option("--reason", required=True, help="Why the match is awarded.")
@click.option("--score", "score_text", default=None, help="Awarded score, e.g. 3-0.")
@fact_options(supersedes=True)
def forfeit(
    fixture: str,
    winner: str,
    reason: str,
    score_text: str | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> AwardForfeit:
    """Award a match by forfeit; --supersedes names the result (or forfeit) it replaces.

    Example: ledger forfeit usc-playin-1 "Juventus SC Black 93" --reason "opponent did not travel"
    """
    return AwardForfeit(
        fixture=fixture,
        winner=winner,
        reason=reason,
        score=parse_score_text(score_text) if score_text else None,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "advance")
@click.argument("fixture")
@click.argument("team")
@click.option(
    "--method",
    type=click.Choice(["shootout", "decision", "unknown"]),
    required=True,
    help="How the tie was settled; unknown when the source does not say.",
)
@click.option(
    "--shootout", "shootout_text", default=None, help="Shoot-out score, home-away, e.g. 4-3."
)
@click.option("--detail", default="", help="How it was decided, if the source says.")
@fact_options(supersedes=True)
def advance(
    fixture: str,
    team: str,
    method: str,
    shootout_text: str | None,
    detail: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> DecideAdvancement:
    """Decide who advanced after a drawn knockout tie.

    Example: ledger advance ggc-final "CD Aguiluchos USA" --method shootout --shootout 3-4
        --source "club statement" --supersedes ggc-final
    """
    return DecideAdvancement(
        fixture=fixture,
        team=team,
        method=cast(Literal["shootout", "decision", "unknown"], method),
        shootout=parse_goals(shootout_text, "--shootout") if shootout_text else None,
        detail=detail,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "cards")
@click.argument("fixture")
@click.argument("team")
@click.option("--yellow", type=int, default=0, help="Yellow cards shown to the team.")
@click.option(
    "--second-yellow",
    type=int,
    default=0,
    help="Second yellow cards (sendings-off) shown to the team.",
)
@click.option("--red", type=int, default=0, help="Direct red cards.")
@click.option("--yellow-red", type=int, default=0, help="Yellow then direct red.")
@fact_options(supersedes=True)
def cards(
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
    supersedes: str | None,
) -> RecordCards:
    """Record the cards one team received in one match (for fair play).

    Example: ledger cards usssa-groups-1 "Colorado Rovers" --yellow 2 --on 2014-03-14
    """
    return RecordCards(
        fixture=fixture,
        team=team,
        yellow=yellow,
        second_yellow=second_yellow,
        red=red,
        yellow_red=yellow_red,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "lots")
@click.argument("stage")
@click.argument("order", nargs=-1, required=True)
@click.option(
    "--group", default=None, help="The group the drawing of lots decides, in a stage with groups."
)
@click.option(
    "--ranking", default=None, help="The ranking across groups the drawing of lots decides."
)
@fact_options(supersedes=True)
def lots(
    stage: str,
    order: tuple[str, ...],
    group: str | None,
    ranking: str | None,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> DrawLots:
    """Record a drawing of lots between teams the rules left level (best first).

    Example: ledger stage usssa-cup --name "USSSA consolation" --format group --on 2014-03-16
        && ledger enter usssa-cup Boulevard "FC Denver" --on 2014-03-16
        && ledger lots usssa-cup Boulevard "FC Denver" --on 2014-03-16
    """
    return DrawLots(
        stage=stage,
        order=order,
        group=group,
        ranking=ranking,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "retract")
@click.argument("target", metavar="ID")
@click.option("--reason", required=True, help="Why the decision is withdrawn.")
@fact_options()
def retract(target: str, reason: str, on: dt.date, source: str, actor: str, note: str) -> Retract:
    """Withdraw a decision (a slot, qualifier, advancement, alias, withdrawal,
    lots, decline or reallocation) with nothing in its place. Results are voided.

    Example: ledger retract ggc-final --reason "the source names no winner"
    """
    return Retract(target=target, reason=reason, on=on, source=source, actor=actor, note=note)

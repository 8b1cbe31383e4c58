"""Commands about fixtures and results: schedule, record, correct, void, decide."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from events.base import (
    BestRanked,
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
    RoundCancelled,
)
from ledger.commands.base import Command, Meta, stamp, supersedes_id
from ledger.errors import (
    AlreadyRecorded,
    Contradicts,
    InvalidInput,
    NotApplicable,
    NotStanding,
    UnknownEvent,
    UnknownFixture,
    UnknownTeam,
)
from ledger.lookup import find_event, find_fixture, find_stage, find_team
from ledger.scoreline import Scorer
from projections.model import CompetitionState, FixtureState
from projections.resolve import Resolver


class TeamScorers(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """The scorers of one side, the side named as typed ("home", "away" or a team)."""

    team: str
    scorers: tuple[Scorer, ...]


class ScheduleFixture(Command, frozen=True, kw_only=True, tag="schedule_fixture"):
    """A side is a team or a slot; names are resolved as a clerk types them."""

    stage: str
    home: Side
    away: Side
    round: str | None = None
    group: str | None = None
    fixture: str | None = None
    kickoff: dt.date | None = None
    venue: str = ""


class RescheduleFixture(Command, frozen=True, kw_only=True, tag="reschedule_fixture"):
    fixture: str
    kickoff: dt.date
    reason: str = ""


class CancelFixture(Command, frozen=True, kw_only=True, tag="cancel_fixture"):
    fixture: str
    reason: str


class CancelRound(Command, frozen=True, kw_only=True, tag="cancel_round"):
    stage: str
    round: str
    reason: str


class GrantBye(Command, frozen=True, kw_only=True, tag="grant_bye"):
    stage: str
    team: str
    round: str
    into: str | None = None


class RecordResult(Command, frozen=True, kw_only=True, tag="record_result"):
    """A result as typed: teams by name, the fixture found by stage, teams, round
    and date, or scheduled on the spot. `on` is the match date. With the score
    unknown (`Score(regulation=None)`), `winner` names who won."""

    stage: str
    home: str
    away: str
    score: Score
    round: str | None = None
    fixture: str | None = None
    scorers: tuple[TeamScorers, ...] = ()
    minutes: int | None = None
    winner: str | None = None
    supersedes: str | None = None


class CorrectResult(Command, frozen=True, kw_only=True, tag="correct_result"):
    """Replace a fixture's standing result. `target` is the result's event id (or
    the short id `ledger log` prints) or the fixture id. `home`/`away`, when typed,
    must be the fixture's teams in order. `scorers` None keeps the recorded ones."""

    target: str
    score: Score
    reason: str
    home: str | None = None
    away: str | None = None
    scorers: tuple[TeamScorers, ...] | None = None
    minutes: int | None = None
    winner: str | None = None


class VoidResult(Command, frozen=True, kw_only=True, tag="void_result"):
    target: str
    reason: str


class AwardForfeit(Command, frozen=True, kw_only=True, tag="award_forfeit"):
    fixture: str
    winner: str
    reason: str
    score: Score | None = None
    supersedes: str | None = None


class DecideAdvancement(Command, frozen=True, kw_only=True, tag="decide_advancement"):
    fixture: str
    team: str
    method: Literal["shootout", "decision", "unknown"]
    shootout: Goals | None = None
    detail: str = ""
    supersedes: str | None = None


class RecordCards(Command, frozen=True, kw_only=True, tag="record_cards"):
    fixture: str
    team: str
    yellow: int = 0
    second_yellow: int = 0
    red: int = 0
    yellow_red: int = 0
    supersedes: str | None = None


# --- resolving what a clerk typed ------------------------------------------------


def resolve_side(state: CompetitionState, stage: str, side: Side) -> Side:
    match side:
        case TeamSide():
            return TeamSide(find_team(state, side.team, within=state.stages[stage].teams))
        case WinnerOf():
            return WinnerOf(find_fixture(state, side.fixture).fixture)
        case LoserOf():
            return LoserOf(find_fixture(state, side.fixture).fixture)
        case StageWinner():
            return StageWinner(find_stage(state, side.stage).stage)
        case GroupPlace():
            return GroupPlace(find_stage(state, side.stage).stage, side.group, side.place)
        case BestRanked():
            return BestRanked(find_stage(state, side.stage).stage, side.ranking, side.rank)


def new_fixture_id(state: CompetitionState, stage: str) -> str:
    n = len(state.stages[stage].fixtures) + 1
    while f"{stage}-{n}" in state.fixtures:
        n += 1
    return f"{stage}-{n}"


def group_of(state: CompetitionState, stage: str, home: str, away: str) -> str | None:
    groups = state.stages[stage].groups
    if not groups:
        return None
    for name, teams in groups.items():
        if home in teams and away in teams:
            return name
    raise NotApplicable(f"{home} and {away} are not in the same group of {stage}")


def stage_participants(state: CompetitionState, stage: str) -> list[str]:
    """Entered teams, plus teams that reached the stage through a decided slot."""
    resolver = Resolver(state)
    teams = list(state.stages[stage].teams)
    for fixture in state.stages[stage].fixtures:
        fx = state.fixtures[fixture]
        for side in (fx.home, fx.away):
            team = resolver.team(side)
            if team is not None and team not in teams:
                teams.append(team)
    return teams


def _participant(state: CompetitionState, stage: str, text: str) -> str:
    """A team of the stage: entered, or (rarely) arrived through a decided slot."""
    try:
        return find_team(state, text, within=state.stages[stage].teams)
    except UnknownTeam:
        return find_team(state, text, within=stage_participants(state, stage))


def _day(fx: FixtureState) -> dt.date | None:
    """The day a fixture was (or is to be) played."""
    if fx.kickoff is not None:
        return fx.kickoff
    return fx.result.occurred_on if fx.result is not None else None


def match_fixture(
    state: CompetitionState,
    *,
    stage: str,
    home: str,
    away: str,
    on: dt.date,
    round_name: str | None,
) -> FixtureState | None:
    """The fixture a typed result belongs to: same stage, round and sides, and
    either still unplayed or played that same day (the same match told twice).

    The same pair typed the other way round on the day it was played is the
    same match: it is refused, not counted twice."""
    resolver = Resolver(state)
    reversed_match = None
    stage_state = state.stages[stage]
    candidates = [
        *stage_state.by_pair.get((home, away), ()),
        *stage_state.by_pair.get((away, home), ()),
        *stage_state.slotted,
    ]
    for fixture in (
        sorted(candidates, key=stage_state.fixtures.index) if stage_state.slotted else candidates
    ):
        fx = state.fixtures[fixture]
        if fx.status == "cancelled":
            continue
        if round_name is not None and fx.round is not None and fx.round != round_name:
            continue
        sides = (resolver.team(fx.home), resolver.team(fx.away))
        played = fx.result is not None or fx.forfeit is not None
        same_day = _day(fx) in (None, on)
        if sides == (home, away) and (not played or same_day):
            return fx
        if sides == (away, home) and played and same_day:
            told = fx.result or fx.forfeit
            assert told is not None
            raise AlreadyRecorded(
                f"{fx.fixture} is already recorded for {on}: {sides[0]} v {sides[1]}, "
                f"{resolver.outcome(fx.fixture).how} (event {told.event_id}); "
                "a second meeting that day needs --fixture"
            )
        if sides == (away, home) and not played:
            reversed_match = fx
    if reversed_match is not None:
        raise InvalidInput(
            f"{reversed_match.fixture} is scheduled as {away} v {home}; "
            "type the result with the home team first"
        )
    return None


def _goals(
    state: CompetitionState, typed: tuple[TeamScorers, ...], home: str, away: str
) -> tuple[Goal, ...]:
    goals: list[Goal] = []
    for entry in typed:
        side: Literal["home", "away"]
        word = entry.team.strip().casefold()
        if word == "home":
            side = "home"
        elif word == "away":
            side = "away"
        else:
            side = "home" if find_team(state, entry.team, within=[home, away]) == home else "away"
        goals.extend(
            Goal(
                side=side,
                player=s.player,
                minute=s.minute,
                stoppage=s.stoppage,
                penalty=s.penalty,
                own_goal=s.own_goal,
            )
            for s in entry.scorers
        )
    return tuple(goals)


def _minutes(minutes: int | None) -> int | None:
    if minutes is not None and not 1 <= minutes <= 150:
        raise InvalidInput(f"{minutes} minutes is not a match length")
    return minutes


# --- handlers ----------------------------------------------------------------------


def schedule_fixture(state: CompetitionState, cmd: ScheduleFixture, meta: Meta) -> list[Event]:
    stage = find_stage(state, cmd.stage).stage
    home = resolve_side(state, stage, cmd.home)
    away = resolve_side(state, stage, cmd.away)
    if cmd.fixture is None:
        # Without an id, the same pairing on the same day in the same round is
        # the fixture already scheduled, told again.
        for fixture in state.stages[stage].fixtures:
            fx = state.fixtures[fixture]
            same = (fx.home, fx.away, fx.round, fx.group, fx.kickoff) == (
                home,
                away,
                cmd.round,
                cmd.group,
                cmd.kickoff,
            )
            if same:
                return []
    return [
        FixtureScheduled(
            **stamp(meta, cmd),
            fixture=cmd.fixture or new_fixture_id(state, stage),
            stage=stage,
            round=cmd.round,
            group=cmd.group,
            home=home,
            away=away,
            kickoff=cmd.kickoff,
            venue=cmd.venue,
        )
    ]


def reschedule_fixture(state: CompetitionState, cmd: RescheduleFixture, meta: Meta) -> list[Event]:
    fixture = find_fixture(state, cmd.fixture).fixture
    return [
        FixtureRescheduled(
            **stamp(meta, cmd), fixture=fixture, kickoff=cmd.kickoff, reason=cmd.reason
        )
    ]


def cancel_fixture(state: CompetitionState, cmd: CancelFixture, meta: Meta) -> list[Event]:
    fixture = find_fixture(state, cmd.fixture).fixture
    return [FixtureCancelled(**stamp(meta, cmd), fixture=fixture, reason=cmd.reason)]


def cancel_round(state: CompetitionState, cmd: CancelRound, meta: Meta) -> list[Event]:
    stage = find_stage(state, cmd.stage).stage
    return [RoundCancelled(**stamp(meta, cmd), stage=stage, round=cmd.round, reason=cmd.reason)]


def grant_bye(state: CompetitionState, cmd: GrantBye, meta: Meta) -> list[Event]:
    stage = find_stage(state, cmd.stage)
    return [
        ByeGranted(
            **stamp(meta, cmd),
            stage=stage.stage,
            round=cmd.round,
            team=find_team(state, cmd.team, within=stage.teams),
            into_fixture=find_fixture(state, cmd.into).fixture if cmd.into else None,
        )
    ]


def record_result(state: CompetitionState, cmd: RecordResult, meta: Meta) -> list[Event]:
    """The fixture (if it is new) and its result."""
    slug = find_stage(state, cmd.stage).stage
    home = _participant(state, slug, cmd.home)
    away = _participant(state, slug, cmd.away)
    if home == away:
        raise InvalidInput(f"{home} cannot play itself")
    winner = find_team(state, cmd.winner, within=[home, away]) if cmd.winner else None
    events: list[Event] = []
    if cmd.fixture is not None:
        fx: FixtureState | None = find_fixture(state, cmd.fixture)
        assert fx is not None
        outcome = Resolver(state).outcome(fx.fixture)
        if (outcome.home, outcome.away) != (home, away):
            sides = f"{outcome.home or '(undecided)'} v {outcome.away or '(undecided)'}"
            raise InvalidInput(
                f"{fx.fixture} is {sides}, not {home} v {away}; name its teams, home team first"
            )
    else:
        fx = match_fixture(state, stage=slug, home=home, away=away, on=cmd.on, round_name=cmd.round)
    if fx is None:
        fixture = new_fixture_id(state, slug)
        events.append(
            FixtureScheduled(
                **stamp(meta, cmd),
                fixture=fixture,
                stage=slug,
                round=cmd.round,
                group=group_of(state, slug, home, away),
                home=TeamSide(home),
                away=TeamSide(away),
                kickoff=cmd.on,
            )
        )
        supersedes = None
    else:
        fixture = fx.fixture
        standing = fx.result
        told_again = (
            standing is not None
            and cmd.supersedes is None
            and standing.score == cmd.score
            and standing.winner == winner
        )
        if told_again:
            assert standing is not None
            goals = _goals(state, cmd.scorers, home, away)
            if goals and goals != standing.scorers:
                rid = standing.event_id
                raise Contradicts(
                    f"{fixture} is already recorded as {cmd.score} with other scorers; to "
                    f"add or change them use `ledger correct {rid} ... --scorer ...`"
                )
            return []  # the same result told again
        supersedes = supersedes_id(state, cmd.supersedes)
        if supersedes is None and fx.voided is not None and standing is None:
            # Recording a voided match again replaces the void.
            supersedes = fx.voided.event_id
    events.append(
        ResultRecorded(
            **stamp(meta, cmd),
            supersedes=supersedes,
            fixture=fixture,
            score=cmd.score,
            scorers=_goals(state, cmd.scorers, home, away),
            match_minutes=_minutes(cmd.minutes),
            teams=(home, away),
            winner=winner,
        )
    )
    return events


def standing_outcome(state: CompetitionState, target: str) -> tuple[str, str]:
    """(event id, fixture) of the standing result named by an event id or a fixture."""
    fx = state.fixtures.get(target)
    if fx is None:
        try:
            fx = find_fixture(state, target)
        except UnknownFixture:
            fx = None
    if fx is not None:
        standing = fx.result or fx.forfeit
        if standing is None:
            raise NotApplicable(f"{fx.fixture} has no result to replace")
        return standing.event_id, fx.fixture
    try:
        event_id = find_event(state, target)
    except UnknownEvent:
        raise UnknownEvent(
            f"no result event or fixture {target!r} to supersede (see `ledger log`)"
        ) from None
    event = state.events[event_id]
    if not isinstance(event, (ResultRecorded, ResultCorrected, ForfeitAwarded)):
        raise NotStanding(f"no result event {target!r}: event {event_id} is not a result")
    return event_id, event.fixture


def correct_result(state: CompetitionState, cmd: CorrectResult, meta: Meta) -> list[Event]:
    event_id, fixture = standing_outcome(state, cmd.target)
    outcome = Resolver(state).outcome(fixture)
    sides = [t for t in (outcome.home, outcome.away) if t is not None]
    if cmd.home is not None and cmd.away is not None:
        typed = (find_team(state, cmd.home, within=sides), find_team(state, cmd.away, within=sides))
        if typed != (outcome.home, outcome.away):
            raise InvalidInput(
                f"{fixture} is {outcome.home} v {outcome.away}: type the correction with "
                "the home team first"
            )
    old = state.fixtures[fixture].result
    home, away = outcome.home or "home", outcome.away or "away"
    if cmd.scorers is not None:
        goals = _goals(state, cmd.scorers, home, away)
    else:
        goals = old.scorers if old is not None and cmd.score.known else ()
    minutes = cmd.minutes if cmd.minutes is not None else (old.match_minutes if old else None)
    winner = find_team(state, cmd.winner, within=sides) if cmd.winner else None
    return [
        ResultCorrected(
            **stamp(meta, cmd),
            supersedes=event_id,
            fixture=fixture,
            score=cmd.score,
            scorers=goals,
            match_minutes=_minutes(minutes),
            reason=cmd.reason,
            teams=(outcome.home, outcome.away)
            if outcome.home is not None and outcome.away is not None
            else None,
            winner=winner,
        )
    ]


def void_result(state: CompetitionState, cmd: VoidResult, meta: Meta) -> list[Event]:
    fx = state.fixtures.get(cmd.target)
    if fx is not None and fx.voided is not None and fx.result is None and fx.forfeit is None:
        return []  # the void told again
    event_id, fixture = standing_outcome(state, cmd.target)
    return [
        ResultVoided(**stamp(meta, cmd), supersedes=event_id, fixture=fixture, reason=cmd.reason)
    ]


def award_forfeit(state: CompetitionState, cmd: AwardForfeit, meta: Meta) -> list[Event]:
    fx = find_fixture(state, cmd.fixture)
    outcome = Resolver(state).outcome(fx.fixture)
    sides = [t for t in (outcome.home, outcome.away) if t is not None]
    return [
        ForfeitAwarded(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            fixture=fx.fixture,
            winner=find_team(state, cmd.winner, within=sides),
            score=cmd.score,
            reason=cmd.reason,
        )
    ]


def decide_advancement(state: CompetitionState, cmd: DecideAdvancement, meta: Meta) -> list[Event]:
    fx = find_fixture(state, cmd.fixture)
    return [
        AdvancementDecided(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            fixture=fx.fixture,
            team=find_team(state, cmd.team),
            method=cmd.method,
            shootout=cmd.shootout,
            detail=cmd.detail,
        )
    ]


def record_cards(state: CompetitionState, cmd: RecordCards, meta: Meta) -> list[Event]:
    fx = find_fixture(state, cmd.fixture)
    return [
        CardsRecorded(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            fixture=fx.fixture,
            team=find_team(state, cmd.team),
            yellow=cmd.yellow,
            second_yellow=cmd.second_yellow,
            red=cmd.red,
            yellow_red=cmd.yellow_red,
        )
    ]

"""Decision functions: validate a proposed fact against the current competition.

Each takes the folded state and returns the events to append ([] when the same
fact is already recorded) or raises a LedgerError. They are pure: ids and the
recorded time come from the caller and the store.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from events.base import (
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
from events.qualification import (
    BerthAllocationChanged,
    BerthAllocationConfirmed,
    BerthDeclined,
    BerthReallocated,
    QualifierDeclared,
)
from events.structure import (
    AssumptionRecorded,
    CompetitionCreated,
    GroupDefined,
    LotsDrawn,
    QualificationPathDefined,
    RuleSetDeclared,
    SeedAssigned,
    SlotFilled,
    StageCreated,
    TeamAliasRecorded,
    TeamEntered,
    TeamWithdrew,
)
from ledger.errors import Duplicate, InvalidInput, LedgerError, NotFound
from ledger.lookup import find_team, norm, suggest
from projections.model import CompetitionState, FixtureState, apply, fingerprint
from projections.resolve import Resolver

MAX_GOALS = 99


def already_recorded(state: CompetitionState, event: Event) -> bool:
    """The same fact told twice: equal apart from id, citation and author."""
    return fingerprint(event) in state.fingerprints


def decide(state: CompetitionState, event: Event) -> list[Event]:
    """Validate one proposed fact; [] when it is already in the ledger."""
    if isinstance(event, CompetitionCreated):
        if state.created_by is None:
            return [event]
        if already_recorded(state, event):
            return []
        raise Duplicate(f"competition {state.slug!r} already exists")
    if state.created_by is None:
        raise NotFound("no such competition yet: create it first with `ledger new`")
    if already_recorded(state, event):
        return []
    _not_before_what_it_refers_to(state, event)
    check = _CHECKS.get(type(event))
    if check is not None:
        check(state, event)
    return [event]


def _not_before_what_it_refers_to(state: CompetitionState, event: Event) -> None:
    """A fact cannot be dated before the competition, stage or path it refers to:
    replayed in date order it would find nothing to apply to."""
    refs: list[tuple[str, str | None]] = [("the competition", state.created_by)]
    stage = getattr(event, "stage", None)
    if isinstance(stage, str) and stage in state.stages:
        refs.append((f"stage {stage}", state.stages[stage].created_by))
    path = getattr(event, "path", None)
    if isinstance(path, str) and path in state.paths:
        refs.append((f"path {path}", state.paths[path].defined_by))
    for what, event_id in refs:
        if event_id is None or (isinstance(event, StageCreated) and what.startswith("stage")):
            continue
        since = state.events[event_id].occurred_on
        if event.occurred_on < since:
            raise InvalidInput(
                f"the fact is dated {event.occurred_on}, before {what} begins ({since}); "
                "a fact cannot precede what it refers to"
            )


# --- checks, one per event type ---------------------------------------------


def _stage(state: CompetitionState, slug: str) -> None:
    if slug not in state.stages:
        raise NotFound(f"no stage {slug!r}{suggest(slug, state.stages)}")


def _path(state: CompetitionState, slug: str) -> None:
    if slug not in state.paths:
        raise NotFound(f"no qualification path {slug!r}{suggest(slug, state.paths)}")


def _fixture(state: CompetitionState, fixture: str, on: dt.date) -> FixtureState:
    fx = state.fixtures.get(fixture)
    if fx is None:
        raise NotFound(f"no fixture {fixture!r}{suggest(fixture, state.fixtures)}")
    scheduled = state.events[fx.scheduled_by].occurred_on
    if on < scheduled:
        raise InvalidInput(
            f"{on} is before fixture {fixture} was scheduled ({scheduled}); "
            "a fact cannot precede what it refers to"
        )
    return fx


def _entered(state: CompetitionState, stage: str, team: str) -> str:
    _stage(state, stage)
    return find_team(state, team, within=state.stages[stage].teams)


def _check_goals(goals: Goals | None, what: str) -> None:
    if goals is None:
        return
    if goals.home < 0 or goals.away < 0:
        raise InvalidInput(f"{what} cannot be negative: {goals.home}-{goals.away}")
    if goals.home > MAX_GOALS or goals.away > MAX_GOALS:
        raise InvalidInput(f"{what} {goals.home}-{goals.away} is not a football score")


def check_score(score: Score) -> None:
    if score.regulation is None and score.after_extra_time is None:
        raise InvalidInput("a result needs a score")
    _check_goals(score.regulation, "a score")
    _check_goals(score.after_extra_time, "a score after extra time")
    _check_goals(score.penalties, "a shoot-out score")
    reg, aet = score.regulation, score.after_extra_time
    if reg and aet and (aet.home < reg.home or aet.away < reg.away):
        raise InvalidInput(f"the score after extra time {aet} is lower than at full time {reg}")
    if reg and aet and reg.home != reg.away:
        raise InvalidInput(f"extra time is played only after a draw, not after {reg}")
    if score.penalties is not None:
        final = score.final
        if final.home != final.away:
            raise InvalidInput(f"a shoot-out follows only a drawn match, not {final}")
        if score.penalties.home == score.penalties.away:
            raise InvalidInput(f"a shoot-out has a winner; {score.penalties} has none")


def _check_side(state: CompetitionState, stage: str, side: Side) -> None:
    match side:
        case TeamSide():
            _entered(state, stage, side.team)
        case WinnerOf() | LoserOf():
            if side.fixture not in state.fixtures:
                raise NotFound(
                    f"no fixture {side.fixture!r}{suggest(side.fixture, state.fixtures)}"
                )
        case GroupPlace():
            _stage(state, side.stage)
            if side.group and side.group not in state.stages[side.stage].groups:
                groups = state.stages[side.stage].groups
                raise NotFound(
                    f"no group {side.group!r} in {side.stage}{suggest(side.group, groups)}"
                )
            if side.place < 1:
                raise InvalidInput(f"a group place starts at 1, not {side.place}")
        case StageWinner():
            _stage(state, side.stage)


def _fixture_scheduled(state: CompetitionState, e: FixtureScheduled) -> None:
    if e.fixture in state.fixtures:
        raise Duplicate(f"fixture {e.fixture!r} already exists")
    _stage(state, e.stage)
    stage = state.stages[e.stage]
    if e.round is not None and stage.rounds and e.round not in stage.rounds:
        raise NotFound(f"no round {e.round!r} in {stage.name}{suggest(e.round, stage.rounds)}")
    if e.group is not None and e.group not in stage.groups:
        raise NotFound(f"no group {e.group!r} in {stage.name}{suggest(e.group, stage.groups)}")
    if e.home == e.away:
        raise InvalidInput("a team cannot play itself")
    _check_side(state, e.stage, e.home)
    _check_side(state, e.stage, e.away)


def _check_scorers(score: Score, scorers: tuple[Goal, ...]) -> None:
    final = score.final
    for side, goals in (("home", final.home), ("away", final.away)):
        listed = sum(1 for g in scorers if g.side == side)
        if listed > goals:
            raise InvalidInput(f"{listed} scorers listed for the {side} side, which scored {goals}")


def _result(state: CompetitionState, e: ResultRecorded) -> None:
    fx = _fixture(state, e.fixture, e.occurred_on)
    check_score(e.score)
    _check_scorers(e.score, e.scorers)
    if fx.result is not None:
        raise Duplicate(
            f"{e.fixture} already has a result ({fx.result.score}, event {fx.result.event_id}); "
            f"to change it use `ledger correct {fx.result.event_id} ...`"
        )
    if fx.cancelled is not None:
        raise LedgerError(f"{e.fixture} was cancelled: {fx.cancelled.reason}")
    resolver = Resolver(state)
    for side in (fx.home, fx.away):
        if resolver.team(side) is None:
            raise LedgerError(
                f"{e.fixture} has no opponent yet: {resolver.describe(side)} is not decided"
            )


def _superseded(state: CompetitionState, fx: FixtureState, supersedes: str, on: dt.date) -> None:
    if supersedes not in state.events:
        raise NotFound(f"no event {supersedes!r} to supersede")
    if fx.forfeit is not None:
        raise LedgerError(
            f"{fx.fixture} was decided by forfeit (event {fx.forfeit.event_id}); "
            "its result can no longer be corrected or voided"
        )
    if fx.result is None or fx.result.event_id != supersedes:
        current = fx.result.event_id if fx.result is not None else "none"
        raise LedgerError(
            f"event {supersedes} is not the current result of {fx.fixture} (current: {current})"
        )
    if on < state.events[supersedes].occurred_on:
        raise InvalidInput(f"a correction cannot be dated before the result it corrects ({on})")


def _corrected(state: CompetitionState, e: ResultCorrected) -> None:
    fx = _fixture(state, e.fixture, e.occurred_on)
    _superseded(state, fx, e.supersedes, e.occurred_on)
    check_score(e.score)
    _check_scorers(e.score, e.scorers)
    if not e.reason.strip():
        raise InvalidInput("a correction needs a reason")
    old = fx.result
    assert old is not None
    if old.score == e.score and old.scorers == e.scorers and old.match_minutes == e.match_minutes:
        raise Duplicate(f"the correction changes nothing: {fx.fixture} is already {old.score}")


def _voided(state: CompetitionState, e: ResultVoided) -> None:
    fx = _fixture(state, e.fixture, e.occurred_on)
    _superseded(state, fx, e.supersedes, e.occurred_on)
    if not e.reason.strip():
        raise InvalidInput("voiding a result needs a reason")


def _sides(state: CompetitionState, fx: FixtureState) -> list[str]:
    resolver = Resolver(state)
    return [t for t in (resolver.team(fx.home), resolver.team(fx.away)) if t is not None]


def _forfeit(state: CompetitionState, e: ForfeitAwarded) -> None:
    fx = _fixture(state, e.fixture, e.occurred_on)
    find_team(state, e.winner, within=_sides(state, fx))
    if e.score is not None:
        check_score(e.score)
    if e.supersedes is not None:
        _superseded(state, fx, e.supersedes, e.occurred_on)


def _advancement(state: CompetitionState, e: AdvancementDecided) -> None:
    fx = _fixture(state, e.fixture, e.occurred_on)
    if state.stages[fx.stage].format != "knockout":
        raise LedgerError(f"{fx.fixture} is a group match: nobody advances from a single draw")
    if fx.result is None:
        raise LedgerError(f"{fx.fixture} has no result yet; record the drawn score first")
    final = fx.result.score.final
    if final.home != final.away:
        raise LedgerError(f"{fx.fixture} ended {final}: the score already decides who advanced")
    if fx.result.score.penalties is not None:
        raise LedgerError(f"{fx.fixture} was decided on penalties {fx.result.score.penalties}")
    if fx.advancement is not None:
        raise Duplicate(f"{fx.fixture} already has an advancement decision ({fx.advancement.team})")
    find_team(state, e.team, within=_sides(state, fx))
    if e.method == "shootout":
        if e.shootout is None:
            raise InvalidInput("a shoot-out decision needs the shoot-out score")
        _check_goals(e.shootout, "a shoot-out score")
        # The shoot-out score is home-away, like every score in the ledger.
        resolver = Resolver(state)
        outcome = resolver.outcome(fx.fixture)
        won_home = e.shootout.home > e.shootout.away
        team = find_team(state, e.team, within=_sides(state, fx))
        if e.shootout.home == e.shootout.away or won_home != (team == outcome.home):
            raise InvalidInput(
                f"shoot-out {e.shootout} (home-away: {outcome.home} v {outcome.away}) "
                f"does not make {team} the winner"
            )


def _cards(state: CompetitionState, e: CardsRecorded) -> None:
    fx = _fixture(state, e.fixture, e.occurred_on)
    find_team(state, e.team, within=_sides(state, fx))
    if min(e.yellow, e.second_yellow, e.red, e.yellow_red) < 0:
        raise InvalidInput("card counts cannot be negative")
    team = state.canonical(e.team)
    if team in fx.cards:
        raise Duplicate(f"cards for {team} in {fx.fixture} are already recorded")


def _bye(state: CompetitionState, e: ByeGranted) -> None:
    _entered(state, e.stage, e.team)
    stage = state.stages[e.stage]
    if stage.rounds and e.round not in stage.rounds:
        raise NotFound(f"no round {e.round!r} in {stage.name}{suggest(e.round, stage.rounds)}")
    if e.into_fixture is not None:
        _fixture(state, e.into_fixture, e.occurred_on)
    if any(b.team == state.canonical(e.team) and b.round == e.round for b in stage.byes):
        raise Duplicate(f"{e.team} already has a bye in {e.round}")


def _entered_check(state: CompetitionState, e: TeamEntered) -> None:
    _stage(state, e.stage)
    if not e.team.strip():
        raise InvalidInput("a team needs a name")
    team = state.canonical(e.team)
    if team in state.stages[e.stage].teams:
        raise Duplicate(f"{e.team} is already entered in {e.stage}")
    for known in [*state.all_teams(), *state.aliases]:
        if norm(known) == norm(team) and known != team:
            raise Duplicate(
                f"{e.team!r} is written {known!r} in this ledger; use that spelling "
                "(or record an alias)"
            )


def _stage_created(state: CompetitionState, e: StageCreated) -> None:
    for stage in state.stages.values():
        taken = {norm(stage.stage), norm(stage.name)}
        if norm(e.stage) in taken or norm(e.name) in taken:
            raise Duplicate(
                f"a stage {stage.stage!r} ({stage.name}) already exists; "
                "stages need their own slug and name"
            )
    if e.path is not None:
        _path(state, e.path)
    for feeder in e.feeds_from:
        _stage(state, feeder)


def _path_defined(state: CompetitionState, e: QualificationPathDefined) -> None:
    for path in state.paths.values():
        taken = {norm(path.path), norm(path.name)}
        if norm(e.path) in taken or norm(e.name) in taken:
            raise Duplicate(f"a qualification path {path.path!r} ({path.name}) already exists")
    if e.berths is not None and e.berths < 0:
        raise InvalidInput("berths cannot be negative")
    if e.parent is not None:
        _path(state, e.parent)


def _group(state: CompetitionState, e: GroupDefined) -> None:
    _stage(state, e.stage)
    if state.stages[e.stage].format != "group":
        raise LedgerError(f"{e.stage} is a knockout stage; groups belong to group stages")
    for team in e.teams:
        _entered(state, e.stage, team)


def _alias(state: CompetitionState, e: TeamAliasRecorded) -> None:
    if e.alias == e.team:
        raise InvalidInput("an alias must differ from the name")
    if e.alias in state.aliases:
        raise Duplicate(f"{e.alias!r} is already an alias of {state.aliases[e.alias].team!r}")
    find_team(state, e.team)


def _slot(state: CompetitionState, e: SlotFilled) -> None:
    _path(state, e.path)
    slot = e.slot
    if isinstance(slot, (WinnerOf, LoserOf)) and slot.fixture not in state.fixtures:
        raise NotFound(f"no fixture {slot.fixture!r}{suggest(slot.fixture, state.fixtures)}")
    if isinstance(slot, (StageWinner, GroupPlace)):
        _stage(state, slot.stage)


def _qualifier(state: CompetitionState, e: QualifierDeclared) -> None:
    _path(state, e.path)
    if not e.team.strip():
        raise InvalidInput("a qualifier needs a team name")
    team = state.canonical(e.team)
    if any(state.canonical(q.team) == team for q in state.paths[e.path].declared):
        raise Duplicate(f"{team} is already a qualifier of {e.path}")


def _berths(state: CompetitionState, e: BerthAllocationConfirmed | BerthAllocationChanged) -> None:
    _path(state, e.path)
    if e.berths < 0:
        raise InvalidInput("berths cannot be negative")


def _declined(state: CompetitionState, e: BerthDeclined) -> None:
    _path(state, e.path)
    find_team(state, e.team)


def _reallocated(state: CompetitionState, e: BerthReallocated) -> None:
    _path(state, e.path)
    if e.to_path is not None:
        _path(state, e.to_path)
    find_team(state, e.from_team)


def _lots(state: CompetitionState, e: LotsDrawn) -> None:
    _stage(state, e.stage)
    stage = state.stages[e.stage]
    teams = stage.groups.get(e.group or "", stage.teams)
    for team in e.order:
        find_team(state, team, within=teams)


def _stage_team(state: CompetitionState, e: TeamWithdrew | SeedAssigned) -> None:
    _entered(state, e.stage, e.team)


def _rules(state: CompetitionState, e: RuleSetDeclared) -> None:
    _stage(state, e.stage)
    if not e.rules.tiebreaks:
        raise InvalidInput("a rule set needs at least one tiebreak step (e.g. points)")
    lengths = [e.rules.match_minutes, *e.rules.round_minutes.values()]
    if any(not 1 <= minutes <= 150 for minutes in lengths):
        raise InvalidInput(f"a match lasts between 1 and 150 minutes, not {min(lengths)}")


def _rescheduled(state: CompetitionState, e: FixtureRescheduled | FixtureCancelled) -> None:
    _fixture(state, e.fixture, e.occurred_on)


def _round_cancelled(state: CompetitionState, e: RoundCancelled) -> None:
    _stage(state, e.stage)
    stage = state.stages[e.stage]
    if stage.rounds and e.round not in stage.rounds:
        raise NotFound(f"no round {e.round!r} in {stage.name}{suggest(e.round, stage.rounds)}")


def _assumption(state: CompetitionState, e: AssumptionRecorded) -> None:
    if not e.assumption.strip():
        raise InvalidInput("an assumption needs a statement")


_CHECKS: dict[type[Any], Callable[[CompetitionState, Any], None]] = {
    FixtureScheduled: _fixture_scheduled,
    ResultRecorded: _result,
    ResultCorrected: _corrected,
    ResultVoided: _voided,
    ForfeitAwarded: _forfeit,
    AdvancementDecided: _advancement,
    CardsRecorded: _cards,
    ByeGranted: _bye,
    TeamEntered: _entered_check,
    StageCreated: _stage_created,
    QualificationPathDefined: _path_defined,
    GroupDefined: _group,
    TeamAliasRecorded: _alias,
    SlotFilled: _slot,
    QualifierDeclared: _qualifier,
    BerthAllocationConfirmed: _berths,
    BerthAllocationChanged: _berths,
    BerthDeclined: _declined,
    BerthReallocated: _reallocated,
    LotsDrawn: _lots,
    TeamWithdrew: _stage_team,
    SeedAssigned: _stage_team,
    RuleSetDeclared: _rules,
    FixtureRescheduled: _rescheduled,
    FixtureCancelled: _rescheduled,
    RoundCancelled: _round_cancelled,
    AssumptionRecorded: _assumption,
}


def decide_all(
    state: CompetitionState, events: list[Event], *, in_place: bool = False
) -> list[Event]:
    """Validate a batch in order, each against the state the previous ones leave.

    Facts already recorded are dropped, so repeating a batch appends nothing.
    With `in_place` the accepted facts are applied to `state` itself.
    """
    work = state if in_place else copy.deepcopy(state)
    accepted: list[Event] = []
    for event in events:
        for new in decide(work, event):
            apply(work, new)
            accepted.append(new)
    return accepted


def match_fixture(
    state: CompetitionState, *, stage: str, home: str, away: str, on: dt.date
) -> FixtureState | None:
    """The fixture a typed result belongs to: same stage, same sides, and either
    still unplayed or played on the same date (the same match told twice)."""
    resolver = Resolver(state)
    reversed_match = None
    for fixture in state.stages[stage].fixtures:
        fx = state.fixtures[fixture]
        if fx.status == "cancelled":
            continue
        sides = (resolver.team(fx.home), resolver.team(fx.away))
        same_day = fx.kickoff is None or fx.kickoff == on
        if sides == (home, away) and (fx.result is None or same_day):
            return fx
        if sides == (away, home) and fx.result is None:
            reversed_match = fx
    if reversed_match is not None:
        raise LedgerError(
            f"{reversed_match.fixture} is scheduled as {away} v {home}; "
            "type the result with the home team first"
        )
    return None


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
    raise LedgerError(f"{home} and {away} are not in the same group of {stage}")


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

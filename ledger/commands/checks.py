"""What every fact must satisfy to enter the ledger, whoever proposes it.

Handlers turn what a clerk asked into facts and pass each one through `admit`;
an imported export is re-decided through the same checks, fact by fact. A
check raises the most specific `LedgerError`; `admit` answers False for a fact
that is already on record (the same content, told again).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any

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
from events.catalogue import Event, tag_of
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
    DrawMade,
    FactRetracted,
    GroupDefined,
    LotsDrawn,
    QualificationPathDefined,
    RankingDeclared,
    RuleSetDeclared,
    SeedAssigned,
    SlotFilled,
    StageCreated,
    TeamAliasRecorded,
    TeamEntered,
    TeamWithdrew,
)
from ledger.errors import (
    AlreadyRecorded,
    BadScore,
    Contradicts,
    Duplicate,
    HoldsNoBerth,
    InvalidInput,
    NotApplicable,
    NotLevel,
    NotStanding,
    TooEarly,
    UnknownCompetition,
    UnknownEvent,
    UnknownFixture,
    UnknownPath,
    UnknownStage,
    WouldDropTeams,
)
from ledger.lookup import find_team, norm, suggest
from projections.model import CompetitionState, FixtureState, fingerprint
from projections.qualifiers import qualifiers
from projections.resolve import Resolver, ranking_key

MAX_GOALS = 99
MAX_NAME = 200

# Facts a later fact may replace or retract. Structure (competition, stages,
# entries, fixtures) is fixed once written; a result is withdrawn with `void`.
OUTCOMES = (ResultRecorded, ResultCorrected, ResultVoided, ForfeitAwarded)
RETRACTABLE = (
    AdvancementDecided,
    CardsRecorded,
    GroupDefined,
    TeamWithdrew,
    TeamAliasRecorded,
    SlotFilled,
    QualifierDeclared,
    BerthAllocationConfirmed,
    BerthAllocationChanged,
    BerthDeclined,
    BerthReallocated,
    LotsDrawn,
    RankingDeclared,
    AssumptionRecorded,
)


def admit(state: CompetitionState, event: Event) -> bool:
    """Check one proposed fact; False when the same fact is already on record."""
    if isinstance(event, CompetitionCreated):
        if state.created_by is None:
            _name(event.competition, "a competition slug")
            _name(event.name, "a competition")
            return True
        if fingerprint(event) in state.fingerprints:
            return False
        raise Duplicate(f"competition {state.slug!r} already exists")
    if state.created_by is None:
        raise UnknownCompetition("no such competition yet: create it first with `ledger new`")
    if fingerprint(event) in state.fingerprints:
        return False
    _not_before_what_it_refers_to(state, event)
    if event.supersedes is not None:
        _supersession(state, event, event.supersedes)
    check = _CHECKS.get(type(event))
    if check is not None:
        check(state, event)
    return True


def _name(text: str, what: str) -> None:
    if not text.strip():
        raise InvalidInput(f"{what} needs a name")
    if len(text) > MAX_NAME:
        raise InvalidInput(f"{what} is {len(text)} characters long; the limit is {MAX_NAME}")
    # Control and format characters (a zero-width space, a direction override)
    # make two names that look the same differ: none belongs in a name.
    hidden = next((c for c in text if unicodedata.category(c) in ("Cc", "Cf")), None)
    if hidden is not None:
        raise InvalidInput(
            f"{what} '{text.encode('unicode_escape').decode()}' holds the invisible character "
            f"U+{ord(hidden):04X} ({unicodedata.name(hidden, 'control')}); names may not"
        )


def _not_before_what_it_refers_to(state: CompetitionState, event: Event) -> None:
    """A fact cannot be dated before the competition, stage or path it refers to:
    replayed in date order it would find nothing to apply to."""
    refs: list[tuple[str, str | None]] = [("the competition", state.created_by)]
    stage = getattr(event, "stage", None)
    if isinstance(stage, str) and stage in state.stages and not isinstance(event, StageCreated):
        refs.append((f"stage {stage}", state.stages[stage].created_by))
    path = getattr(event, "path", None)
    if isinstance(path, str) and path in state.paths:
        refs.append((f"path {path}", state.paths[path].defined_by))
    for what, event_id in refs:
        if event_id is None:
            continue
        since = state.events[event_id].occurred_on
        if event.occurred_on < since:
            raise TooEarly(
                f"the fact is dated {event.occurred_on}, before {what} begins ({since}); "
                "a fact cannot precede what it refers to"
            )


# --- the fact lifecycle -------------------------------------------------------


def _supersession(state: CompetitionState, event: Event, old_id: str) -> None:
    """A fact may replace only a standing fact of its own kind and subject."""
    old = state.events.get(old_id)
    if old is None:
        raise UnknownEvent(f"no event {old_id!r} to supersede (see `ledger log`)")
    if old_id in state.retired:
        raise NotStanding(
            f"event {old_id} no longer stands: {state.retired[old_id]} replaced it; "
            "supersede that one instead"
        )
    if isinstance(event, FactRetracted):
        if isinstance(old, OUTCOMES):
            raise NotApplicable(
                f"event {old_id} is a result: withdraw it with `ledger void {old_id}`"
            )
        if not isinstance(old, RETRACTABLE):
            raise NotApplicable(
                f"event {old_id} ({tag_of(old)}) is part of the competition's structure "
                "and cannot be retracted"
            )
        return
    if isinstance(event, OUTCOMES):
        if not isinstance(old, OUTCOMES) or old.fixture != event.fixture:
            raise NotStanding(
                f"event {old_id} is not a result of {event.fixture}; name the fixture's "
                "standing result"
            )
        if isinstance(event, ResultRecorded) and not isinstance(old, ResultVoided):
            raise Contradicts(
                f"{event.fixture} already has a result (event {old_id}); "
                f"to change it use `ledger correct {old_id} ...`"
            )
        if not isinstance(event, ResultRecorded) and event.occurred_on < old.occurred_on:
            raise TooEarly(
                f"a correction cannot be dated before the fact it corrects ({old.occurred_on})"
            )
        return
    if type(old) is not type(event) and not (
        isinstance(old, (BerthAllocationConfirmed, BerthAllocationChanged))
        and isinstance(event, (BerthAllocationConfirmed, BerthAllocationChanged))
    ):
        raise NotStanding(
            f"event {old_id} is a {tag_of(old)}, not a {tag_of(event)}: a fact can only "
            "replace one of its own kind"
        )
    if event.occurred_on < old.occurred_on:
        raise TooEarly(f"a fact cannot be dated before the one it replaces ({old.occurred_on})")


def standing_pointer(event_id: str) -> str:
    return f"to change it, add --supersedes {event_id}"


def _unless_superseded(e: Event, standing: str | None, said: str) -> None:
    """A fact where `standing` already says something must name it to replace it."""
    if standing is not None and e.supersedes != standing:
        raise Contradicts(f"{said} (event {standing}); {standing_pointer(standing)}")


# --- checks, one per event type -------------------------------------------------


def _stage(state: CompetitionState, slug: str) -> None:
    if slug not in state.stages:
        raise UnknownStage(f"no stage {slug!r}{suggest(slug, state.stages)}")


def _path(state: CompetitionState, slug: str) -> None:
    if slug not in state.paths:
        raise UnknownPath(f"no qualification path {slug!r}{suggest(slug, state.paths)}")


def _fixture(state: CompetitionState, fixture: str, on: dt.date) -> FixtureState:
    fx = state.fixtures.get(fixture)
    if fx is None:
        raise UnknownFixture(f"no fixture {fixture!r}{suggest(fixture, state.fixtures)}")
    scheduled = state.events[fx.scheduled_by].occurred_on
    if on < scheduled:
        raise TooEarly(
            f"{on} is before fixture {fixture} was scheduled ({scheduled}); "
            "a fact cannot precede what it refers to"
        )
    return fx


def _entered(state: CompetitionState, stage: str, team: str) -> str:
    _stage(state, stage)
    return find_team(state, team, within=state.stages[stage].teams)


def check_goals(goals: Goals | None, what: str) -> None:
    if goals is None:
        return
    if goals.home < 0 or goals.away < 0:
        raise BadScore(f"{what} cannot be negative: {goals.home}-{goals.away}")
    if goals.home > MAX_GOALS or goals.away > MAX_GOALS:
        raise BadScore(f"{what} {goals.home}-{goals.away} is not a football score")


def check_score(score: Score) -> None:
    if not score.known:
        if score.penalties is not None:
            raise BadScore("a shoot-out score needs the score of the match before it")
        return
    check_goals(score.regulation, "a score")
    check_goals(score.after_extra_time, "a score after extra time")
    check_goals(score.penalties, "a shoot-out score")
    reg, aet = score.regulation, score.after_extra_time
    if reg and aet and (aet.home < reg.home or aet.away < reg.away):
        raise BadScore(f"the score after extra time {aet} is lower than at full time {reg}")
    if reg and aet and reg.home != reg.away:
        raise BadScore(f"extra time is played only after a draw, not after {reg}")
    if score.penalties is not None:
        final = score.final
        if final.home != final.away:
            raise BadScore(f"a shoot-out follows only a drawn match, not {final}")
        if score.penalties.home == score.penalties.away:
            raise BadScore(f"a shoot-out has a winner; {score.penalties} has none")


def _check_side(state: CompetitionState, stage: str, side: Side) -> None:
    if isinstance(side, (GroupPlace, StageWinner, BestRanked)) and side.stage == stage:
        # Its team would come from a table or a winner that its own result decides.
        raise InvalidInput(
            f"a fixture of {stage} cannot take a team from {stage} itself; "
            "schedule it in a later stage"
        )
    match side:
        case TeamSide():
            _entered(state, stage, side.team)
        case WinnerOf() | LoserOf():
            if side.fixture not in state.fixtures:
                raise UnknownFixture(
                    f"no fixture {side.fixture!r}{suggest(side.fixture, state.fixtures)}"
                )
        case GroupPlace():
            _stage(state, side.stage)
            if side.group and side.group not in state.stages[side.stage].groups:
                groups = state.stages[side.stage].groups
                raise UnknownStage(
                    f"no group {side.group!r} in {side.stage}{suggest(side.group, groups)}"
                )
            if side.place < 1:
                raise InvalidInput(f"a group place starts at 1, not {side.place}")
        case StageWinner():
            _stage(state, side.stage)
        case BestRanked():
            _best_ranked(state, side)


def _best_ranked(state: CompetitionState, side: BestRanked) -> None:
    _stage(state, side.stage)
    rankings = state.stages[side.stage].rankings
    declared = rankings.get(side.ranking)
    if declared is None:
        raise UnknownStage(
            f"no ranking {side.ranking!r} in {side.stage}{suggest(side.ranking, rankings)}"
        )
    if not 1 <= side.rank <= declared.take:
        raise InvalidInput(
            f"ranking {side.ranking} of {side.stage} takes {declared.take}; "
            f"rank {side.rank} is not one of them"
        )


def _fixture_scheduled(state: CompetitionState, e: FixtureScheduled) -> None:
    if e.fixture in state.fixtures:
        raise Duplicate(f"fixture {e.fixture!r} already exists")
    _name(e.fixture, "a fixture")
    _stage(state, e.stage)
    stage = state.stages[e.stage]
    if e.round is not None and stage.rounds and e.round not in stage.rounds:
        raise UnknownStage(f"no round {e.round!r} in {stage.name}{suggest(e.round, stage.rounds)}")
    if e.group is not None and e.group not in stage.groups:
        raise UnknownStage(f"no group {e.group!r} in {stage.name}{suggest(e.group, stage.groups)}")
    if e.home == e.away:
        raise InvalidInput("a team cannot play itself")
    _check_side(state, e.stage, e.home)
    _check_side(state, e.stage, e.away)


def _check_scorers(score: Score, scorers: tuple[Goal, ...]) -> None:
    if not score.known:
        if scorers:
            raise InvalidInput("scorers need a score: the score of this result is unknown")
        return
    final = score.final
    for side, goals in (("home", final.home), ("away", final.away)):
        listed = sum(1 for g in scorers if g.side == side)
        if listed > goals:
            raise InvalidInput(f"{listed} scorers listed for the {side} side, which scored {goals}")


def _check_winner(
    state: CompetitionState, fx: FixtureState, score: Score, winner: str | None
) -> None:
    if score.known:
        if winner is not None:
            raise InvalidInput("a winner is named only when the score is unknown")
        return
    if winner is None:
        raise InvalidInput("a result needs a score, or the winner when the score is unknown")
    find_team(state, winner, within=_sides(state, fx))


def _result(state: CompetitionState, e: ResultRecorded) -> None:
    fx = _fixture(state, e.fixture, e.occurred_on)
    check_score(e.score)
    _check_scorers(e.score, e.scorers)
    _check_winner(state, fx, e.score, e.winner)
    if fx.forfeit is not None and e.supersedes != fx.forfeit.event_id:
        raise Contradicts(
            f"{e.fixture} was decided by forfeit (event {fx.forfeit.event_id}); "
            f"{standing_pointer(fx.forfeit.event_id)}"
        )
    if fx.result is not None:
        rid = fx.result.event_id
        raise Contradicts(
            f"{e.fixture} already has a result ({fx.result.score}, event {rid}); "
            f"to change it use `ledger correct {rid} ...`"
        )
    if fx.voided is not None and e.supersedes != fx.voided.event_id:
        raise Contradicts(
            f"the result of {e.fixture} was voided (event {fx.voided.event_id}); "
            f"record it again with --supersedes {fx.voided.event_id}"
        )
    if fx.cancelled is not None:
        raise NotApplicable(f"{e.fixture} was cancelled: {fx.cancelled.reason}")
    resolver = Resolver(state)
    for side in (fx.home, fx.away):
        if resolver.team(side) is None:
            raise NotApplicable(
                f"{e.fixture} has no opponent yet: {resolver.describe(side)} is not decided"
            )


def _replaces_outcome(state: CompetitionState, fx: FixtureState, e: Event) -> None:
    """A correction, void or forfeit names the fixture's standing outcome."""
    standing = fx.result or fx.forfeit
    if e.supersedes is None:
        if standing is not None and not isinstance(e, ForfeitAwarded):
            raise InvalidInput(f"name the result to replace ({standing.event_id})")
        if isinstance(e, ForfeitAwarded) and standing is not None:
            what = "forfeit" if fx.forfeit is not None else "result"
            raise Contradicts(
                f"{fx.fixture} already has a {what} (event {standing.event_id}); "
                f"{standing_pointer(standing.event_id)}"
            )
        return
    if standing is None or standing.event_id != e.supersedes:
        current = standing.event_id if standing is not None else "none"
        raise NotStanding(
            f"event {e.supersedes} is not the standing result of {fx.fixture} (standing: {current})"
        )


def _corrected(state: CompetitionState, e: ResultCorrected) -> None:
    fx = _fixture(state, e.fixture, e.occurred_on)
    _replaces_outcome(state, fx, e)
    check_score(e.score)
    _check_scorers(e.score, e.scorers)
    _check_winner(state, fx, e.score, e.winner)
    if not e.reason.strip():
        raise InvalidInput("a correction needs a reason")
    old = fx.result
    if (
        old is not None
        and old.score == e.score
        and old.scorers == e.scorers
        and old.match_minutes == e.match_minutes
        and old.winner == e.winner
    ):
        raise AlreadyRecorded(
            f"the correction changes nothing: {fx.fixture} is already {old.score}"
        )


def _voided(state: CompetitionState, e: ResultVoided) -> None:
    fx = _fixture(state, e.fixture, e.occurred_on)
    _replaces_outcome(state, fx, e)
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
    if not e.reason.strip():
        raise InvalidInput("a forfeit needs a reason")
    _replaces_outcome(state, fx, e)


def _advancement(state: CompetitionState, e: AdvancementDecided) -> None:
    fx = _fixture(state, e.fixture, e.occurred_on)
    if state.stages[fx.stage].format != "knockout":
        raise NotApplicable(f"{fx.fixture} is a group match: nobody advances from a single draw")
    if fx.result is None:
        raise NotApplicable(f"{fx.fixture} has no result yet; record the drawn score first")
    if not fx.result.score.known:
        raise NotApplicable(f"{fx.fixture} is recorded with its winner, {fx.result.winner}")
    final = fx.result.score.final
    if final.home != final.away:
        raise NotApplicable(f"{fx.fixture} ended {final}: the score already decides who advanced")
    if fx.result.score.penalties is not None:
        raise NotApplicable(f"{fx.fixture} was decided on penalties {fx.result.score.penalties}")
    if fx.advancement is not None:
        _unless_superseded(
            e,
            fx.advancement.event_id,
            f"{fx.fixture} already has an advancement decision ({fx.advancement.team})",
        )
    team = find_team(state, e.team, within=_sides(state, fx))
    if e.method == "shootout":
        if e.shootout is None:
            raise InvalidInput("a shoot-out decision needs the shoot-out score")
        check_goals(e.shootout, "a shoot-out score")
        # The shoot-out score is home-away, like every score in the ledger.
        outcome = Resolver(state).outcome(fx.fixture)
        won_home = e.shootout.home > e.shootout.away
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
    standing = fx.cards.get(team)
    if standing is not None:
        _unless_superseded(
            e, standing.event_id, f"cards for {team} in {fx.fixture} are already recorded"
        )


def _bye(state: CompetitionState, e: ByeGranted) -> None:
    _entered(state, e.stage, e.team)
    stage = state.stages[e.stage]
    if stage.rounds and e.round not in stage.rounds:
        raise UnknownStage(f"no round {e.round!r} in {stage.name}{suggest(e.round, stage.rounds)}")
    if e.into_fixture is not None:
        _fixture(state, e.into_fixture, e.occurred_on)
    if any(b.team == state.canonical(e.team) and b.round == e.round for b in stage.byes):
        raise Duplicate(f"{e.team} already has a bye in {e.round}")


def _entered_check(state: CompetitionState, e: TeamEntered) -> None:
    _stage(state, e.stage)
    _name(e.team, "a team")
    team = state.canonical(e.team)
    if team in state.stages[e.stage].teams:
        raise AlreadyRecorded(f"{e.team} is already entered in {e.stage}")
    for known in [*state.all_teams(), *state.aliases]:
        if norm(known) == norm(team) and known != team:
            raise Duplicate(
                f"{e.team!r} is written {known!r} in this ledger; use that spelling "
                "(or record an alias)"
            )


def _stage_created(state: CompetitionState, e: StageCreated) -> None:
    _name(e.stage, "a stage slug")
    _name(e.name, "a stage")
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
    _name(e.path, "a path slug")
    _name(e.name, "a path")
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
    stage = state.stages[e.stage]
    if stage.format != "group":
        raise NotApplicable(f"{e.stage} is a knockout stage; groups belong to group stages")
    _name(e.group, "a group")
    members = [_entered(state, e.stage, team) for team in e.teams]
    if len(set(members)) != len(members):
        raise InvalidInput("a team is listed twice in the group")
    dropped = [t for t in _teams_with_results(state, e.stage, e.group) if t not in members]
    if dropped:
        raise WouldDropTeams(
            f"the new group {e.group} leaves out teams that already have results in it: "
            + ", ".join(dropped)
        )
    _unless_superseded(
        e, stage.group_events.get(e.group), f"group {e.group} of {e.stage} is already defined"
    )


def _teams_with_results(state: CompetitionState, stage: str, group: str) -> list[str]:
    resolver = Resolver(state)
    teams: dict[str, None] = {}
    for fixture in state.stages[stage].fixtures:
        fx = state.fixtures[fixture]
        if (fx.group or "") != group or fx.status in ("scheduled", "cancelled"):
            continue
        for side in (fx.home, fx.away):
            team = resolver.team(side)
            if team is not None:
                teams[team] = None
    return list(teams)


def _alias(state: CompetitionState, e: TeamAliasRecorded) -> None:
    _name(e.alias, "an alias")
    if norm(e.alias) == norm(e.team):
        raise InvalidInput("an alias must differ from the name")
    standing = state.aliases.get(e.alias)
    if standing is not None:
        _unless_superseded(
            e, standing.event_id, f"{e.alias!r} is already an alias of {standing.team!r}"
        )
    find_team(state, e.team)


def _slot(state: CompetitionState, e: SlotFilled) -> None:
    _path(state, e.path)
    slot = e.slot
    if isinstance(slot, (WinnerOf, LoserOf)) and slot.fixture not in state.fixtures:
        raise UnknownFixture(f"no fixture {slot.fixture!r}{suggest(slot.fixture, state.fixtures)}")
    if isinstance(slot, (StageWinner, GroupPlace)):
        _stage(state, slot.stage)
    if isinstance(slot, BestRanked):
        _best_ranked(state, slot)
    if isinstance(slot, TeamSide):
        raise InvalidInput(
            "a slot is winner:, loser:, champion:, group: or best:; declare a team with qualify"
        )
    if any(f.slot == slot for f in state.paths[e.path].slots if f.event_id != e.supersedes):
        raise Duplicate(f"{e.path} already takes a berth from that slot")


def _qualifier(state: CompetitionState, e: QualifierDeclared) -> None:
    _path(state, e.path)
    _name(e.team, "a qualifier")
    team = state.canonical(e.team)
    for q in state.paths[e.path].declared:
        if state.canonical(q.team) == team:
            _unless_superseded(e, q.event_id, f"{team} is already a qualifier of {e.path}")


def _berths(state: CompetitionState, e: BerthAllocationConfirmed | BerthAllocationChanged) -> None:
    _path(state, e.path)
    if e.berths < 0:
        raise InvalidInput("berths cannot be negative")


def berth_holders(state: CompetitionState, path: str) -> list[str]:
    """Teams holding a berth of the path now (declared, filled slots, reallocated)."""
    _, entries = qualifiers(state)
    return [q.team for q in entries if q.path == path and q.team is not None]


def _declined(state: CompetitionState, e: BerthDeclined) -> None:
    _path(state, e.path)
    team = find_team(state, e.team)
    standing = state.paths[e.path].declined.get(team)
    if standing is not None:
        _unless_superseded(e, standing.event_id, f"{team} already declined its {e.path} berth")
    elif team not in berth_holders(state, e.path):
        raise HoldsNoBerth(f"{team} holds no berth of {e.path} to decline")


def _reallocated(state: CompetitionState, e: BerthReallocated) -> None:
    _path(state, e.path)
    if e.to_path is not None:
        _path(state, e.to_path)
    _name(e.to_team, "the team receiving the berth")
    team = find_team(state, e.from_team)
    path = state.paths[e.path]
    if team not in berth_holders(state, e.path) and team not in path.declined:
        raise HoldsNoBerth(f"{team} holds no berth of {e.path} to reallocate")
    for moved in path.reallocated:
        if state.canonical(moved.from_team) == team:
            _unless_superseded(
                e, moved.event_id, f"{team}'s berth was already reallocated to {moved.to_team}"
            )


def _lots(state: CompetitionState, e: LotsDrawn) -> None:
    _stage(state, e.stage)
    stage = state.stages[e.stage]
    group = e.group or ""
    if stage.format != "group":
        raise NotApplicable(f"{e.stage} is a knockout stage: lots order teams of a table")
    if group.startswith("ranking:"):
        _ranking_lots(state, e, group.removeprefix("ranking:"))
        return
    if e.group is not None and e.group not in stage.groups:
        raise UnknownStage(f"no group {e.group!r} in {e.stage}{suggest(e.group, stage.groups)}")
    teams = stage.groups.get(group, stage.teams)
    order = [find_team(state, team, within=teams) for team in e.order]
    if len(set(order)) != len(order) or len(order) < 2:
        raise InvalidInput("lots order two or more different teams")
    standing = stage.lots.get(group)
    if standing is not None:
        _unless_superseded(e, standing.event_id, f"lots are already drawn for {e.group or e.stage}")
    # Judge levelness on the table without any lots, not the ones being replaced.
    resolver = Resolver(state)
    rows = resolver.table(e.stage, group, use_lots=False)
    level = [r for r in rows if r.team in order]
    positions = {r.position for r in level}
    # Level for lots: sharing one position, stopped at lots or at a fair-play
    # step whose cards nobody recorded (the draw says fair play did not decide).
    waiting = {
        r.team
        for r in level
        if r.lots_pending or (r.shared_with and (r.tiebreak_step or "").endswith("fair_play"))
    }
    if len(positions) != 1 or waiting != set(order):
        raise NotLevel(
            "lots decide only between teams the rules leave level: "
            + ", ".join(f"{r.team} ({r.tiebreak})" for r in level)
        )


def _ranking_lots(state: CompetitionState, e: LotsDrawn, name: str) -> None:
    """Lots for a ranking across groups: only between teams it leaves level at lots."""
    stage = state.stages[e.stage]
    if name not in stage.rankings:
        raise UnknownStage(f"no ranking {name!r} in {e.stage}{suggest(name, stage.rankings)}")
    table = Resolver(state).ranking(e.stage, name, use_lots=False)
    assert table is not None
    order = [find_team(state, team, within=[r.team for _, r in table.rows]) for team in e.order]
    if len(set(order)) != len(order) or len(order) < 2:
        raise InvalidInput("lots order two or more different teams")
    standing = stage.lots.get(ranking_key(name))
    if standing is not None:
        _unless_superseded(e, standing.event_id, f"lots are already drawn for ranking {name}")
    level = [r for _, r in table.rows if r.team in order]
    waiting = {
        r.team
        for r in level
        if r.lots_pending or (r.shared_with and (r.tiebreak_step or "").endswith("fair_play"))
    }
    if not table.complete or len({r.position for r in level}) != 1 or waiting != set(order):
        raise NotLevel(
            "lots decide only between teams the ranking leaves level once every group "
            "is complete: " + ", ".join(f"{r.team} ({r.tiebreak or r.points})" for r in level)
        )


def _withdrew(state: CompetitionState, e: TeamWithdrew) -> None:
    team = _entered(state, e.stage, e.team)
    if not e.reason.strip():
        raise InvalidInput("a withdrawal needs a reason")
    standing = state.stages[e.stage].withdrawn.get(team)
    if standing is not None:
        _unless_superseded(e, standing.event_id, f"{team} already withdrew from {e.stage}")


def _seed(state: CompetitionState, e: SeedAssigned) -> None:
    _entered(state, e.stage, e.team)


def _rules(state: CompetitionState, e: RuleSetDeclared) -> None:
    _stage(state, e.stage)
    if not e.rules.tiebreaks:
        raise InvalidInput("a rule set needs at least one tiebreak step (e.g. points)")
    lengths = [e.rules.match_minutes, *e.rules.round_minutes.values()]
    if any(not 1 <= minutes <= 150 for minutes in lengths):
        raise InvalidInput(f"a match lasts between 1 and 150 minutes, not {min(lengths)}")


def _ranking(state: CompetitionState, e: RankingDeclared) -> None:
    _stage(state, e.stage)
    stage = state.stages[e.stage]
    if stage.format != "group":
        raise NotApplicable(
            f"{e.stage} is a knockout stage: a ranking compares the groups of a group stage"
        )
    _name(e.name, "a ranking")
    if ":" in e.name:
        raise InvalidInput(f"a ranking name cannot hold ':' ({e.name!r})")
    if e.place < 1:
        raise InvalidInput(f"a group place starts at 1, not {e.place}")
    if e.take < 1:
        raise InvalidInput(f"a ranking takes at least one team, not {e.take}")
    if not e.tiebreaks:
        raise InvalidInput("a ranking needs at least one step (e.g. points)")
    if any(s.scope == "head_to_head" for s in e.tiebreaks):
        raise InvalidInput("teams of different groups never met: a ranking has no h2h steps")
    standing = stage.rankings.get(e.name)
    if standing is not None:
        _unless_superseded(
            e, standing.event_id, f"ranking {e.name} of {e.stage} is already declared"
        )


def _rescheduled(state: CompetitionState, e: FixtureRescheduled | FixtureCancelled) -> None:
    _fixture(state, e.fixture, e.occurred_on)


def _round_cancelled(state: CompetitionState, e: RoundCancelled) -> None:
    _stage(state, e.stage)
    stage = state.stages[e.stage]
    if stage.rounds and e.round not in stage.rounds:
        raise UnknownStage(f"no round {e.round!r} in {stage.name}{suggest(e.round, stage.rounds)}")


def _assumption(state: CompetitionState, e: AssumptionRecorded) -> None:
    if not e.assumption.strip():
        raise InvalidInput("an assumption needs a statement")


def _draw(state: CompetitionState, e: DrawMade) -> None:
    _stage(state, e.stage)
    if len(set(e.fixtures)) != len(e.fixtures):
        raise InvalidInput("a draw names each of its fixtures once")


def _retracted(state: CompetitionState, e: FactRetracted) -> None:
    if not e.reason.strip():
        raise InvalidInput("a retraction needs a reason")


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
    TeamWithdrew: _withdrew,
    SeedAssigned: _seed,
    RuleSetDeclared: _rules,
    RankingDeclared: _ranking,
    FixtureRescheduled: _rescheduled,
    FixtureCancelled: _rescheduled,
    RoundCancelled: _round_cancelled,
    AssumptionRecorded: _assumption,
    FactRetracted: _retracted,
    DrawMade: _draw,
}

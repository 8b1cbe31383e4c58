"""What people read: stages, group tables and brackets, as plain rows.

Pure functions of a folded competition; the CLI prints them and the read-model
writer stores them.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from events.base import Goals, Score
from projections.model import CompetitionState, FixtureState, StageState
from projections.resolve import Resolver
from projections.scenarios import TeamOutlook, scenarios
from projections.standings import StandingRow


class StageRow(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    slug: str
    name: str
    format: str
    path: str | None
    rounds: list[str]
    groups: list[str]
    teams: int
    fixtures: int
    played: int
    status: str  # not started, in progress, complete
    winner: str | None
    rules: str
    match_minutes: int
    feeds_from: list[str]
    entries_open: bool


class TableRow(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    stage: str
    group: str
    complete: bool
    position: int
    team: str
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    goal_difference: int
    points: int
    fair_play: int
    tiebreak: str
    tiebreak_step: str | None
    shared_with: list[str]
    lots_pending: bool
    # From the remaining fixtures (see projections/scenarios.py): sure of a place
    # that matters (qualification places, else 1st), or out of reach of all of
    # them. None where not worked out (the read-model table leaves them to
    # `ledger scenarios`: the exact answer can take a solver).
    clinched: bool | None = None
    eliminated: bool | None = None
    best_position: int | None = None
    worst_position: int | None = None


class BracketMatch(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    stage: str
    fixture: str | None  # None for a bye
    round: str | None
    date: dt.date | None
    home: str | None  # the team, or the slot still to be decided ("winner of ...")
    away: str | None
    home_team: str | None
    away_team: str | None
    score: str | None
    regulation: Goals | None
    after_extra_time: Goals | None
    penalties: Goals | None
    winner: str | None
    status: str  # scheduled, played, awaiting_decision, bye, forfeit, void, cancelled
    how: str
    decided_by: str | None
    match_minutes: int
    events: list[str]


def stage_rows(state: CompetitionState, resolver: Resolver | None = None) -> list[StageRow]:
    resolver = resolver or Resolver(state)
    return [stage_row(state, stage, resolver) for stage in state.stages.values()]


def stage_row(state: CompetitionState, stage: StageState, resolver: Resolver) -> StageRow:
    """One stage's row (the read models rewrite only the stages an append touched)."""
    fixtures = [state.fixtures[f] for f in stage.fixtures]
    done = [fx for fx in fixtures if fx.status != "scheduled"]
    winner = resolver.stage_winner(stage.stage)
    complete = _complete(resolver, stage, fixtures)
    status = "complete" if complete else "in progress" if done else "not started"
    return StageRow(
        slug=stage.stage,
        name=stage.name,
        format=stage.format,
        path=stage.path,
        rounds=list(stage.rounds),
        groups=list(stage.groups),
        teams=len(stage.teams),
        fixtures=len(fixtures),
        played=len(done),
        status=status,
        winner=winner,
        rules=stage.rules.name,
        match_minutes=stage.rules.match_minutes,
        feeds_from=list(stage.feeds_from),
        entries_open=stage.entries_open,
    )


def _complete(resolver: Resolver, stage: StageState, fixtures: list[FixtureState]) -> bool:
    if stage.format == "group":
        return all(resolver.group_complete(stage.stage, g) for g in resolver.group_names(stage))
    return resolver.stage_winner(stage.stage) is not None


def table_rows(
    state: CompetitionState,
    stage_slug: str,
    resolver: Resolver | None = None,
    *,
    outlook: bool = True,
) -> list[TableRow]:
    resolver = resolver or Resolver(state)
    stage = state.stages[stage_slug]
    out = []
    outlooks = {(o.group, o.team): o for o in scenarios(state, stage_slug)} if outlook else {}
    for group in resolver.group_names(stage):
        complete = resolver.group_complete(stage_slug, group)
        for row in resolver.table(stage_slug, group):
            out.append(
                _table_row(stage_slug, group, complete, row, outlooks.get((group, row.team)))
            )
    return out


def group_rows(stage_slug: str, group: str, resolver: Resolver) -> list[TableRow]:
    """One group's table as the read models keep it (without the outlook columns)."""
    complete = resolver.group_complete(stage_slug, group)
    return [
        _table_row(stage_slug, group, complete, row, None)
        for row in resolver.table(stage_slug, group)
    ]


def _table_row(
    stage: str, group: str, complete: bool, row: StandingRow, outlook: TeamOutlook | None
) -> TableRow:
    return TableRow(
        clinched=outlook.clinched if outlook else None,
        eliminated=outlook.eliminated if outlook else None,
        best_position=outlook.best_position if outlook else None,
        worst_position=outlook.worst_position if outlook else None,
        stage=stage,
        group=group,
        complete=complete,
        position=row.position,
        team=row.team,
        played=row.played,
        won=row.won,
        drawn=row.drawn,
        lost=row.lost,
        goals_for=row.goals_for,
        goals_against=row.goals_against,
        goal_difference=row.goal_difference,
        points=row.points,
        fair_play=row.fair_play,
        tiebreak=row.tiebreak,
        tiebreak_step=row.tiebreak_step,
        shared_with=list(row.shared_with),
        lots_pending=row.lots_pending,
    )


def bracket_matches(
    state: CompetitionState, stage_slug: str, resolver: Resolver | None = None
) -> list[BracketMatch]:
    resolver = resolver or Resolver(state)
    stage = state.stages[stage_slug]
    out: list[BracketMatch] = []
    for bye in stage.byes:
        out.append(
            BracketMatch(
                stage=stage_slug,
                fixture=None,
                round=bye.round,
                date=None,
                home=bye.team,
                away=None,
                home_team=state.canonical(bye.team),
                away_team=None,
                score=None,
                regulation=None,
                after_extra_time=None,
                penalties=None,
                winner=state.canonical(bye.team),
                status="bye",
                how=f"bye through the {bye.round}",
                decided_by=bye.event_id,
                match_minutes=stage.rules.minutes_for(bye.round),
                events=[bye.event_id],
            )
        )
    for fixture in stage.fixtures:
        out.append(bracket_match(state, resolver, state.fixtures[fixture]))
    order = {name: i for i, name in enumerate(stage.rounds)}
    out.sort(
        key=lambda m: (
            order.get(m.round or "", len(order)),
            m.status != "bye",
            m.date or dt.date.max,
        )
    )
    return out


def bracket_match(state: CompetitionState, resolver: Resolver, fx: FixtureState) -> BracketMatch:
    outcome = resolver.outcome(fx.fixture)
    stage = state.stages[fx.stage]
    result = fx.result
    score = result.score if result is not None else None
    if fx.forfeit is not None and fx.forfeit.score is not None:
        score = fx.forfeit.score
    minutes = stage.rules.minutes_for(fx.round)
    if result is not None and result.match_minutes is not None:
        minutes = result.match_minutes
    return BracketMatch(
        stage=fx.stage,
        fixture=fx.fixture,
        round=fx.round,
        date=fx.kickoff,
        home=outcome.home or resolver.describe(fx.home),
        away=outcome.away or resolver.describe(fx.away),
        home_team=outcome.home,
        away_team=outcome.away,
        score=str(score) if score is not None else None,
        regulation=score.regulation if score else None,
        after_extra_time=score.after_extra_time if score else None,
        penalties=_penalties(fx, score),
        winner=outcome.winner,
        status=outcome.status,
        how=outcome.how,
        decided_by=outcome.decided_by,
        match_minutes=minutes,
        events=list(fx.facts),
    )


def _penalties(fx: FixtureState, score: Score | None) -> Goals | None:
    """The shoot-out, whether typed with the score or recorded as the advancement."""
    if score is not None and score.penalties is not None:
        return score.penalties
    adv = fx.advancement
    return adv.shootout if adv is not None and adv.method == "shootout" else None

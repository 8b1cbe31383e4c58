"""Why a team stands where it stands: its path, each step with the events behind it.

Every conclusion cites the events that reach it, including the facts behind the
slots it depends on (the other semi-final, the whole group), so re-folding only
the cited events and the structure they rest on gives the same answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec

from events.base import BestRanked, GroupPlace, LoserOf, Side, StageWinner, WinnerOf
from events.catalogue import Recorded
from events.structure import (
    AssumptionRecorded,
    CompetitionCreated,
    GroupDefined,
    QualificationPathDefined,
    RuleSetDeclared,
    StageCreated,
    TeamAliasRecorded,
    TeamEntered,
)
from projections.model import CompetitionState, FixtureState, StageState
from projections.qualifiers import QualifierEntry, qualifiers
from projections.resolve import Resolver, ordinal, ranking_key

# Facts that shape the competition; an audit's citations rest on them.
STRUCTURE = (
    CompetitionCreated,
    QualificationPathDefined,
    StageCreated,
    RuleSetDeclared,
    GroupDefined,
    TeamEntered,
    TeamAliasRecorded,
    AssumptionRecorded,
)


class Step(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    date: dt.date | None
    kind: str  # entry, qualification, alias, bye, match, advancement, group_finish, status
    stage: str | None
    round: str | None
    text: str
    events: list[str]
    sources: list[str]


class Lineage(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    fixture: str
    original: str
    superseded_by: str
    kind: str
    reason: str
    original_occurred_on: dt.date
    original_recorded_at: dt.datetime | None
    occurred_on: dt.date
    recorded_at: dt.datetime | None


class Audit(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    team: str
    aliases: list[str]
    # qualified, provisional, pending, eliminated, champion (of a stage that feeds
    # no qualification path), competing, not involved
    status: str
    open: list[str]
    steps: list[Step]
    lineage: list[Lineage]
    events: list[str]  # every event cited, in ledger order of the fold


def evidence(
    state: CompetitionState, resolver: Resolver, fixture: str, seen: set[str] | None = None
) -> list[str]:
    """Every event the outcome of `fixture` depends on, its sides' sources included."""
    seen = set() if seen is None else seen
    if fixture in seen or fixture not in state.fixtures:
        return []
    seen.add(fixture)
    fx = state.fixtures[fixture]
    out = list(fx.facts)
    for side in (fx.home, fx.away):
        out += side_evidence(state, resolver, side, seen)
    return out


def side_evidence(
    state: CompetitionState, resolver: Resolver, side: Side, seen: set[str]
) -> list[str]:
    match side:
        case WinnerOf() | LoserOf():
            return evidence(state, resolver, side.fixture, seen)
        case StageWinner():
            final = resolver.final_fixture(side.stage)
            return evidence(state, resolver, final.fixture, seen) if final else []
        case GroupPlace():
            return group_evidence(state, resolver, side.stage, side.group, seen)
        case BestRanked():
            stage = state.stages.get(side.stage)
            declared = stage.rankings.get(side.ranking) if stage is not None else None
            if stage is None or declared is None:
                return []
            out = [declared.event_id]
            lots = stage.lots.get(ranking_key(side.ranking))
            if lots is not None:
                out.append(lots.event_id)
            for group in resolver.group_names(stage):
                out += group_evidence(state, resolver, side.stage, group, seen)
            return out
    return []


def group_evidence(
    state: CompetitionState, resolver: Resolver, stage_slug: str, group: str, seen: set[str]
) -> list[str]:
    stage = state.stages.get(stage_slug)
    if stage is None:
        return []
    out: list[str] = []
    if group in stage.group_events:
        out.append(stage.group_events[group])
    lots = stage.lots.get(group)
    if lots is not None:
        out.append(lots.event_id)
    for fx in resolver.group_fixtures(stage, group):
        out += evidence(state, resolver, fx.fixture, seen)
    return out


def _unique(ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def audit(state: CompetitionState, team: str, records: Sequence[Recorded] = ()) -> Audit:
    resolver = Resolver(state)
    recorded_at = {r.event.event_id: r.recorded_at for r in records}
    steps: list[Step] = []

    def step(
        kind: str,
        date: dt.date | None,
        text: str,
        events: list[str],
        stage: str | None = None,
        round_name: str | None = None,
    ) -> None:
        events = _unique(events)
        sources = _unique(
            [state.events[e].source for e in events if e in state.events and state.events[e].source]
        )
        steps.append(
            Step(
                date=date,
                kind=kind,
                stage=stage,
                round=round_name,
                text=text,
                events=events,
                sources=sources,
            )
        )

    aliases = [a for a, fact in state.aliases.items() if fact.team == team]
    for alias in aliases:
        fact = state.aliases[alias]
        step(
            "alias",
            fact.occurred_on,
            f"also written {alias!r}: recorded as the same team"
            + (f" ({fact.note})" if fact.note else ""),
            [fact.event_id],
        )

    for stage in state.stages.values():
        if team in stage.teams:
            event_id = stage.entry_events[team]
            seed = f", seed {stage.seeds[team]}" if team in stage.seeds else ""
            on_path = (
                f" on the {state.paths[stage.path].name} path" if stage.path in state.paths else ""
            )
            step(
                "entry",
                state.events[event_id].occurred_on,
                f"entered {stage.name}{on_path}{seed}",
                [event_id],
                stage.stage,
            )
        for bye in stage.byes:
            if state.canonical(bye.team) == team:
                step(
                    "bye",
                    bye.occurred_on,
                    f"received a bye through the {bye.round} of {stage.name}",
                    [bye.event_id],
                    stage.stage,
                    bye.round,
                )

    for path in state.paths.values():
        for q in path.declared:
            if state.canonical(q.team) == team:
                region = f" (Region {q.region})" if q.region else ""
                step(
                    "qualification",
                    q.occurred_on,
                    f"declared a {path.name} qualifier: {q.method}{region}",
                    [path.defined_by, q.event_id],
                )
        declined = path.declined.get(team)
        if declined is not None:
            step(
                "berth",
                declined.occurred_on,
                f"declined its {path.name} berth: {declined.reason}",
                [path.defined_by, declined.event_id],
            )
        for moved in path.reallocated:
            to_path = state.paths.get(moved.to_path or path.path, path)
            why = f": {moved.reason}" if moved.reason else ""
            if state.canonical(moved.from_team) == team:
                step(
                    "berth",
                    moved.occurred_on,
                    f"its {path.name} berth was reallocated to {moved.to_team} "
                    f"({to_path.name}){why}",
                    [path.defined_by, moved.event_id],
                )
            if state.canonical(moved.to_team) == team:
                step(
                    "berth",
                    moved.occurred_on,
                    f"received the {to_path.name} berth reallocated from {moved.from_team}{why}",
                    [path.defined_by, moved.event_id],
                )

    for stage in state.stages.values():
        withdrawal = stage.withdrawn.get(team)
        if withdrawal is not None:
            settled = (
                "its unplayed fixtures are walkovers for the opponents"
                if withdrawal.fixtures == "walkover"
                else "its unplayed fixtures are cancelled"
            )
            step(
                "withdrawal",
                withdrawal.occurred_on,
                f"withdrew from {stage.name}: {withdrawal.reason}; {settled}",
                [withdrawal.event_id],
                stage.stage,
            )

    for fx in state.fixtures.values():
        outcome = resolver.outcome(fx.fixture)
        if team not in (outcome.home, outcome.away):
            continue
        steps.extend(_match_steps(state, resolver, fx, team))

    for stage in state.stages.values():
        if stage.format != "group":
            continue
        for group in resolver.group_names(stage):
            if team not in resolver.group_teams(stage, group):
                continue
            rows = resolver.table(stage.stage, group)
            row = next(r for r in rows if r.team == team)
            done = resolver.group_complete(stage.stage, group)
            label = f"{stage.name} {group}".strip()
            verb = "finished" if done else "stands"
            shared = f" (shared with {', '.join(row.shared_with)})" if row.shared_with else ""
            why = f"; {row.tiebreak}" if row.tiebreak else ""
            rules = f"; rules {stage.rules.name}, {stage.rules.match_minutes}-minute games"
            events = group_evidence(state, resolver, stage.stage, group, set())
            if stage.rules_event:
                events.append(stage.rules_event)
            played = [fx.kickoff for fx in resolver.group_fixtures(stage, group) if fx.kickoff]
            step(
                "group_finish",
                max(played) if done and played else None,
                f"{verb} {ordinal(row.position)} in {label} with "
                f"{row.points} points ({row.won}W {row.drawn}D {row.lost}L, goals "
                f"{row.goals_for}-{row.goals_against}){shared}{why}{rules}",
                events,
                stage.stage,
            )

    status, open_items, status_events = _status(state, resolver, team)
    step(
        "status",
        None,
        f"{status}" + (f": {'; '.join(open_items)}" if open_items else ""),
        status_events,
    )

    lineage = []
    for fx in state.fixtures.values():
        outcome = resolver.outcome(fx.fixture)
        if team not in (outcome.home, outcome.away):
            continue
        for old, new in fx.lineage:
            if old not in state.events or new not in state.events:
                continue  # a fact outside the reading's dates
            newer = state.events[new]
            reason = getattr(newer, "reason", "")
            lineage.append(
                Lineage(
                    fixture=fx.fixture,
                    original=old,
                    superseded_by=new,
                    kind=str(type(newer).__struct_config__.tag),
                    reason=str(reason),
                    original_occurred_on=state.events[old].occurred_on,
                    original_recorded_at=recorded_at.get(old),
                    occurred_on=newer.occurred_on,
                    recorded_at=recorded_at.get(new),
                )
            )

    steps.sort(key=lambda s: (s.date or dt.date.max, _KIND_ORDER.get(s.kind, 9)))
    cited = _unique(
        [e for s in steps for e in s.events]
        + [x for lin in lineage for x in (lin.original, lin.superseded_by)]
    )
    return Audit(
        team=team,
        aliases=aliases,
        status=status,
        open=open_items,
        steps=steps,
        lineage=lineage,
        events=cited,
    )


_KIND_ORDER = {
    "alias": 0,
    "qualification": 1,
    "entry": 2,
    "bye": 3,
    "match": 4,
    "advancement": 5,
    "group_finish": 6,
    "berth": 7,
    "withdrawal": 8,
    "status": 9,
}


def _match_steps(
    state: CompetitionState, resolver: Resolver, fx: FixtureState, team: str
) -> list[Step]:
    stage = state.stages[fx.stage]
    outcome = resolver.outcome(fx.fixture)
    opponent = outcome.away if outcome.home == team else outcome.home
    facts = evidence(state, resolver, fx.fixture)
    sources = _unique([state.events[e].source for e in fx.facts if state.events[e].source])
    date = fx.kickoff or state.events[fx.scheduled_by].occurred_on
    where = (
        f"{stage.name}"
        + (f", {fx.round}" if fx.round else "")
        + (f", {fx.group}" if fx.group else "")
    )

    def match_step(text: str) -> Step:
        return Step(
            date=date,
            kind="match",
            stage=fx.stage,
            round=fx.round,
            text=text,
            events=facts,
            sources=sources,
        )

    if fx.result is None and fx.forfeit is None:
        return [match_step(f"{where}: v {opponent}, {outcome.how}")]
    minutes, why = stage.rules.minutes_for(fx.round), "stage rule"
    if fx.result is not None and fx.result.match_minutes is not None:
        minutes, why = fx.result.match_minutes, "as recorded"
    length = f", {minutes}-minute match ({why})" if minutes != 90 else ""
    score = fx.result.score if fx.result is not None else None
    shown = (
        f"{outcome.home} {score} {outcome.away}"
        if score is not None
        else (f"{outcome.home} v {outcome.away}")
    )
    drawn = score is not None and score.final.home == score.final.away
    if drawn:
        verdict = {outcome.winner: "drew, went through", outcome.loser: "drew, went out"}.get(
            team, "drew"
        )
    else:
        verdict = "won" if outcome.winner == team else "lost"
    # The outcome sentence adds something only when the score alone does not decide.
    decisive = outcome.how.startswith("won ") or stage.format == "group"
    extra = "" if decisive else f"; {outcome.how}"
    out = [match_step(f"{where}: {shown}: {verdict}{length}{extra}")]
    adv = fx.advancement
    if adv is not None:
        cite = f" (source: {adv.source})" if adv.source else ""
        if adv.method == "unknown":
            text = (
                f"{state.canonical(adv.team)} advanced after the draw; the method is not "
                f"given by the source{cite}"
            )
        elif adv.method == "shootout":
            text = f"{state.canonical(adv.team)} won the shoot-out {adv.shootout}{cite}"
        else:
            text = f"{state.canonical(adv.team)} advanced by decision: {adv.detail}{cite}"
        out.append(
            Step(
                date=adv.occurred_on,
                kind="advancement",
                stage=fx.stage,
                round=fx.round,
                text=text,
                events=[adv.event_id],
                sources=[adv.source] if adv.source else [],
            )
        )
    return out


def _status(
    state: CompetitionState, resolver: Resolver, team: str
) -> tuple[str, list[str], list[str]]:
    _, entries = qualifiers(state)
    mine = [e for e in entries if e.team == team]
    if mine:
        entry = mine[0]
        status = {"confirmed": "qualified"}.get(entry.status, entry.status)
        return (
            status,
            [f"{entry.path_name}: {o}" for o in entry.open],
            entry_evidence(state, resolver, entry),
        )
    hoping = [e for e in entries if e.team is None and team in e.candidates]
    if hoping:
        entry = hoping[0]
        return (
            "pending",
            [f"{entry.path_name}: {o}" for o in entry.open],
            entry_evidence(state, resolver, entry),
        )
    for stage in state.stages.values():
        withdrawal = stage.withdrawn.get(team)
        if withdrawal is not None:
            return (
                "withdrawn",
                [f"withdrew from {stage.name}: {withdrawal.reason}"],
                [withdrawal.event_id],
            )
    for path in state.paths.values():
        declined = path.declined.get(team)
        if declined is not None:
            return (
                "declined",
                [f"declined its {path.name} berth: {declined.reason}"],
                [path.defined_by, declined.event_id],
            )
    losses = [
        fx
        for fx in state.fixtures.values()
        if resolver.outcome(fx.fixture).loser == team
        and state.stages[fx.stage].format == "knockout"
    ]
    if losses:
        last = max(losses, key=lambda fx: fx.kickoff or dt.date.min)
        o = resolver.outcome(last.fixture)
        stage = state.stages[last.stage]
        return (
            "eliminated",
            [f"lost to {o.winner} in {stage.name} {last.round or ''}".strip()],
            evidence(state, resolver, last.fixture),
        )
    out = _out_of_group(state, resolver, team)
    if out is not None:
        stage, group, place = out
        return (
            "eliminated",
            [f"finished {ordinal(place)} in {stage.name} {group}; that place does not go through"],
            group_evidence(state, resolver, stage.stage, group, set()),
        )
    won = [s for s in state.stages.values() if resolver.stage_winner(s.stage) == team]
    if won:
        final = resolver.final_fixture(won[-1].stage)
        cited = evidence(state, resolver, final.fixture) if final else []
        return "champion", [f"won {', '.join(s.name for s in won)}"], cited
    if any(team in s.teams for s in state.stages.values()):
        return "competing", [], []
    return "not involved", [], []


def _out_of_group(
    state: CompetitionState, resolver: Resolver, team: str
) -> tuple[StageState, str, int] | None:
    """(stage, group, place) when the team's group is complete and its place feeds nothing."""
    for stage in state.stages.values():
        if stage.format != "group" or team not in stage.teams:
            continue
        for group in resolver.group_names(stage):
            if team not in resolver.group_teams(stage, group):
                continue
            if not resolver.group_complete(stage.stage, group):
                return None
            place = next(r.position for r in resolver.table(stage.stage, group) if r.team == team)
            fed = [
                side
                for fx in state.fixtures.values()
                for side in (fx.home, fx.away)
                if isinstance(side, GroupPlace)
                and side.stage == stage.stage
                and side.group == group
                and side.place == place
            ]
            fed += [
                slot.slot
                for p in state.paths.values()
                for slot in p.slots
                if isinstance(slot.slot, GroupPlace)
                and slot.slot.stage == stage.stage
                and slot.slot.group == group
                and slot.slot.place == place
            ]
            return None if fed else (stage, group, place)
    return None


def entry_evidence(state: CompetitionState, resolver: Resolver, entry: QualifierEntry) -> list[str]:
    events = list(entry.events)
    path = state.paths[entry.path]
    for slot in path.slots:
        if resolver.describe(slot.slot) == entry.slot:
            events += side_evidence(state, resolver, slot.slot, set())
    return _unique(events)

"""Commands that shape a competition: paths, stages, rules, entries, groups, names."""

from __future__ import annotations

from typing import Literal

from events.catalogue import Event
from events.rules import RuleSet, TiebreakStep, preset
from events.structure import (
    AssumptionRecorded,
    CompetitionCreated,
    GroupDefined,
    LotsDrawn,
    QualificationPathDefined,
    RankingDeclared,
    RuleSetDeclared,
    StageCreated,
    TeamAliasRecorded,
    TeamEntered,
    TeamWithdrew,
)
from ledger.commands.base import Command, Meta, stamp, supersedes_id
from ledger.errors import InvalidInput
from ledger.lookup import find_path, find_stage, find_team
from projections.model import CompetitionState
from projections.resolve import ranking_key


class CreateCompetition(Command, frozen=True, kw_only=True, tag="create_competition"):
    """Start a competition; the commands after it in a batch apply to it."""

    slug: str
    name: str
    season: str = ""
    field_size: int | None = None


class UseCompetition(Command, frozen=True, kw_only=True, tag="use_competition"):
    """The commands after it in a batch apply to this existing competition."""

    slug: str


class DefinePath(Command, frozen=True, kw_only=True, tag="define_path"):
    slug: str
    name: str
    berths: int | None = None
    entry_round: int | None = None
    confirmed: bool = True
    governing_body: str = ""
    parent: str | None = None


class CreateStage(Command, frozen=True, kw_only=True, tag="create_stage"):
    slug: str
    name: str
    format: Literal["knockout", "group"]
    path: str | None = None
    rounds: tuple[str, ...] = ()
    feeds_from: tuple[str, ...] = ()
    preset: str | None = None  # a tiebreak preset, declared with the stage
    entries_open: bool = False


class DeclareRules(Command, frozen=True, kw_only=True, tag="declare_rules"):
    stage: str
    rules: RuleSet


class EnterTeams(Command, frozen=True, kw_only=True, tag="enter_teams"):
    stage: str
    teams: tuple[str, ...]
    seed: int | None = None


class WithdrawTeam(Command, frozen=True, kw_only=True, tag="withdraw_team"):
    stage: str
    team: str
    reason: str
    fixtures: Literal["walkover", "cancelled"] = "walkover"
    supersedes: str | None = None


class DefineGroup(Command, frozen=True, kw_only=True, tag="define_group"):
    stage: str
    group: str
    teams: tuple[str, ...]
    supersedes: str | None = None


class RecordAlias(Command, frozen=True, kw_only=True, tag="record_alias"):
    alias: str
    team: str
    supersedes: str | None = None


class RecordAssumption(Command, frozen=True, kw_only=True, tag="record_assumption"):
    subject: str
    assumption: str


class DrawLots(Command, frozen=True, kw_only=True, tag="draw_lots"):
    stage: str
    order: tuple[str, ...]  # best first
    group: str | None = None
    ranking: str | None = None  # a ranking across groups, instead of a group
    supersedes: str | None = None


class DeclareRanking(Command, frozen=True, kw_only=True, tag="declare_ranking"):
    """Rank the teams at `place` of every group of a stage; the best `take` go through."""

    stage: str
    name: str
    place: int
    take: int
    tiebreaks: tuple[TiebreakStep, ...]
    supersedes: str | None = None


def create_competition(state: CompetitionState, cmd: CreateCompetition, meta: Meta) -> list[Event]:
    return [
        CompetitionCreated(
            **stamp(meta, cmd),
            competition=cmd.slug,
            name=cmd.name,
            season=cmd.season,
            field_size=cmd.field_size,
        )
    ]


def use_competition(state: CompetitionState, cmd: UseCompetition, meta: Meta) -> list[Event]:
    return []  # the batch switches competition; nothing is recorded


def define_path(state: CompetitionState, cmd: DefinePath, meta: Meta) -> list[Event]:
    return [
        QualificationPathDefined(
            **stamp(meta, cmd),
            path=cmd.slug,
            name=cmd.name,
            berths=cmd.berths,
            entry_round=cmd.entry_round,
            allocation_confirmed=cmd.confirmed,
            governing_body=cmd.governing_body,
            parent=find_path(state, cmd.parent).path if cmd.parent else None,
        )
    ]


def create_stage(state: CompetitionState, cmd: CreateStage, meta: Meta) -> list[Event]:
    events: list[Event] = [
        StageCreated(
            **stamp(meta, cmd),
            stage=cmd.slug,
            name=cmd.name,
            format=cmd.format,
            path=find_path(state, cmd.path).path if cmd.path else None,
            rounds=cmd.rounds,
            feeds_from=tuple(find_stage(state, s).stage for s in cmd.feeds_from),
            entries_open=cmd.entries_open,
        )
    ]
    if cmd.preset is not None:
        try:
            rules = preset(cmd.preset)
        except KeyError:
            raise InvalidInput(f"no tiebreak preset {cmd.preset!r}") from None
        events.append(RuleSetDeclared(**stamp(meta, cmd), stage=cmd.slug, rules=rules))
    return events


def declare_rules(state: CompetitionState, cmd: DeclareRules, meta: Meta) -> list[Event]:
    stage = find_stage(state, cmd.stage).stage
    return [RuleSetDeclared(**stamp(meta, cmd), stage=stage, rules=cmd.rules)]


def enter_teams(state: CompetitionState, cmd: EnterTeams, meta: Meta) -> list[Event]:
    if cmd.seed is not None and len(cmd.teams) != 1:
        raise InvalidInput("a seed goes with exactly one team")
    stage = find_stage(state, cmd.stage).stage
    return [
        TeamEntered(
            **stamp(meta, cmd), stage=stage, team=state.canonical(team.strip()), seed=cmd.seed
        )
        for team in cmd.teams
    ]


def withdraw_team(state: CompetitionState, cmd: WithdrawTeam, meta: Meta) -> list[Event]:
    stage = find_stage(state, cmd.stage)
    return [
        TeamWithdrew(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            stage=stage.stage,
            team=find_team(state, cmd.team, within=stage.teams),
            reason=cmd.reason,
            fixtures=cmd.fixtures,
        )
    ]


def define_group(state: CompetitionState, cmd: DefineGroup, meta: Meta) -> list[Event]:
    stage = find_stage(state, cmd.stage)
    members = tuple(find_team(state, t, within=stage.teams) for t in cmd.teams)
    return [
        GroupDefined(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            stage=stage.stage,
            group=cmd.group,
            teams=members,
        )
    ]


def record_alias(state: CompetitionState, cmd: RecordAlias, meta: Meta) -> list[Event]:
    return [
        TeamAliasRecorded(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            alias=cmd.alias.strip(),
            team=find_team(state, cmd.team),
        )
    ]


def record_assumption(state: CompetitionState, cmd: RecordAssumption, meta: Meta) -> list[Event]:
    return [AssumptionRecorded(**stamp(meta, cmd), subject=cmd.subject, assumption=cmd.assumption)]


def draw_lots(state: CompetitionState, cmd: DrawLots, meta: Meta) -> list[Event]:
    stage = find_stage(state, cmd.stage)
    group = cmd.group
    if cmd.ranking is not None:
        if group is not None:
            raise InvalidInput("lots decide within a group or a ranking, not both")
        group = ranking_key(cmd.ranking)
    elif group is not None and group not in stage.groups:
        # Groups are named as the stage writes them; match case-insensitively.
        group = next((g for g in stage.groups if g.casefold() == group.casefold()), group)
    return [
        LotsDrawn(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            stage=stage.stage,
            group=group,
            order=tuple(find_team(state, t) for t in cmd.order),
        )
    ]


def declare_ranking(state: CompetitionState, cmd: DeclareRanking, meta: Meta) -> list[Event]:
    stage = find_stage(state, cmd.stage)
    return [
        RankingDeclared(
            **stamp(meta, cmd),
            supersedes=supersedes_id(state, cmd.supersedes),
            stage=stage.stage,
            name=cmd.name.strip(),
            place=cmd.place,
            take=cmd.take,
            tiebreaks=cmd.tiebreaks,
        )
    ]

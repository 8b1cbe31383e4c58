"""Draws: a stage's whole schedule as one decision (round robin or knockout).

The pairing itself is in `ledger/pairings.py`; this handler turns it into the
facts a clerk would otherwise record one `schedule` (and `bye`) at a time,
preceded by the `draw_made` fact that names them all. A draw is refused for a
stage that already has fixtures; it can be superseded (`--supersedes`) while
none of its matches has a result, and its fixtures and byes go with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from events.base import Side, TeamSide, WinnerOf
from events.catalogue import Event
from events.matches import ByeGranted, FixtureScheduled
from events.structure import DrawMade
from ledger.commands.base import Command, Meta, stamp
from ledger.errors import Contradicts, InvalidInput, NotApplicable
from ledger.lookup import find_event, find_stage, find_team
from ledger.pairings import Tie, knockout, round_names, round_robin
from projections.model import CompetitionState, StageState


class DrawStage(Command, frozen=True, kw_only=True, tag="draw_stage"):
    """Lay out a stage's fixtures: every pairing of each group (twice with
    `double`), or a seeded knockout with byes for the top seeds. With `start`,
    round k kicks off `start + k * every_days`."""

    stage: str
    kind: Literal["round_robin", "knockout"]
    double: bool = False
    seeds: tuple[str, ...] = ()  # best first; teams not named follow in entry order
    start: dt.date | None = None
    every_days: int = 7
    supersedes: str | None = None


def _fresh_ids(state: CompetitionState, stage: str, count: int) -> list[str]:
    """Fixture ids never used in the competition, not even by a withdrawn draw."""
    used = set(state.fixtures) | set(state.drawn_by)
    used |= {e.fixture for e in state.events.values() if isinstance(e, FixtureScheduled)}
    out: list[str] = []
    n = 1
    while len(out) < count:
        fixture = f"{stage}-{n}"
        if fixture not in used:
            out.append(fixture)
        n += 1
    return out


def _kickoff(cmd: DrawStage, round_index: int) -> dt.date | None:
    if cmd.start is None:
        return None
    return cmd.start + dt.timedelta(days=cmd.every_days * round_index)


def _replaced_draw(state: CompetitionState, stage: StageState, cmd: DrawStage) -> str | None:
    """The draw this one replaces, after checking that it may be replaced."""
    if cmd.supersedes is None:
        if stage.draw is not None:
            raise Contradicts(
                f"{stage.name} is already drawn (event {stage.draw}); to draw it again "
                f"add --supersedes {stage.draw}"
            )
        if stage.fixtures:
            raise Contradicts(
                f"{stage.name} already has {len(stage.fixtures)} fixtures scheduled: "
                "a draw lays out a stage with none"
            )
        return None
    old = find_event(state, cmd.supersedes)
    if old != stage.draw:
        raise NotApplicable(f"event {old} is not the standing draw of {stage.name}")
    kept = [f for f in stage.fixtures if state.drawn_by.get(f) != old]
    if kept:
        raise Contradicts(
            f"{stage.name} has fixtures the draw did not make ({', '.join(kept)}): "
            "cancel them first"
        )
    decided = [
        f
        for f in stage.fixtures
        if (fx := state.fixtures[f]).status != "scheduled" or fx.advancement is not None
    ]
    if decided:
        raise Contradicts(
            f"the draw of {stage.name} cannot be replaced: {', '.join(decided)} "
            "already have results"
        )
    return old


def _told_again(state: CompetitionState, stage: StageState, cmd: DrawStage) -> bool:
    """The standing draw is this very draw, asked for again."""
    if cmd.supersedes is not None or stage.draw is None:
        return False
    old = state.events[stage.draw]
    assert isinstance(old, DrawMade)
    seeds = tuple(find_team(state, s, within=stage.teams) for s in cmd.seeds)
    same = (old.kind, old.double, old.start, old.every_days) == (
        cmd.kind,
        cmd.double,
        cmd.start,
        cmd.every_days if cmd.start is not None else old.every_days,
    )
    return same and old.seeds[: len(seeds)] == seeds


def draw_stage(state: CompetitionState, cmd: DrawStage, meta: Meta) -> list[Event]:
    stage = find_stage(state, cmd.stage)
    if _told_again(state, stage, cmd):
        return []
    replaced = _replaced_draw(state, stage, cmd)
    if cmd.every_days < 1:
        raise InvalidInput("rounds of a draw are at least one day apart")
    if cmd.kind == "round_robin":
        if stage.format != "group":
            raise NotApplicable(f"{stage.name} is a knockout stage: draw it with --knockout")
        if cmd.seeds:
            raise InvalidInput("seeds order a knockout draw, not a round robin")
        fixtures, byes, seeds = _round_robin(state, stage, cmd)
    else:
        if stage.format != "knockout":
            raise NotApplicable(f"{stage.name} is a group stage: draw it with --round-robin")
        if cmd.double:
            raise InvalidInput("--double is for a round robin")
        fixtures, byes, seeds = _knockout(state, stage, cmd)
    ids = _fresh_ids(state, stage.stage, len(fixtures))
    named = {i: fixture for i, fixture in enumerate(ids)}
    events: list[Event] = [
        DrawMade(
            **stamp(meta, cmd),
            supersedes=replaced,
            stage=stage.stage,
            kind=cmd.kind,
            double=cmd.double,
            seeds=seeds,
            fixtures=tuple(ids),
            start=cmd.start,
            every_days=cmd.every_days,
        )
    ]
    for i, (round_name, group, home, away, kickoff) in enumerate(fixtures):
        events.append(
            FixtureScheduled(
                **stamp(meta, cmd),
                fixture=named[i],
                stage=stage.stage,
                round=round_name,
                group=group,
                home=_side(home, named),
                away=_side(away, named),
                kickoff=kickoff,
            )
        )
    for team, round_name, into in byes:
        events.append(
            ByeGranted(
                **stamp(meta, cmd),
                stage=stage.stage,
                round=round_name,
                team=team,
                into_fixture=named[into],
            )
        )
    return events


# A planned fixture: (round, group, home, away, kickoff); a side is a team name
# or the index of the planned fixture whose winner it takes.
_Planned = tuple[str, str | None, "str | int", "str | int", dt.date | None]


def _side(side: str | int, named: dict[int, str]) -> Side:
    return WinnerOf(named[side]) if isinstance(side, int) else TeamSide(side)


def _field(stage: StageState) -> list[str]:
    return [t for t in stage.teams if t not in stage.withdrawn]


def _round_robin(
    state: CompetitionState, stage: StageState, cmd: DrawStage
) -> tuple[list[_Planned], list[tuple[str, str, int]], tuple[str, ...]]:
    groups = stage.groups or {"": _field(stage)}
    planned: list[_Planned] = []
    for group, members in groups.items():
        teams = [t for t in members if t not in stage.withdrawn]
        if len(teams) < 2:
            where = f"group {group} of {stage.name}" if group else stage.name
            raise NotApplicable(f"{where} has {len(teams)} team(s): a round robin needs two")
        rounds = round_robin(teams, double=cmd.double)
        if stage.rounds and len(stage.rounds) < len(rounds):
            raise NotApplicable(
                f"{stage.name} declares {len(stage.rounds)} rounds; the draw needs {len(rounds)}"
            )
        for k, pairs in enumerate(rounds):
            name = stage.rounds[k] if stage.rounds else f"Round {k + 1}"
            for home, away in pairs:
                planned.append((name, group or None, home, away, _kickoff(cmd, k)))
    return planned, [], ()


def _knockout(
    state: CompetitionState, stage: StageState, cmd: DrawStage
) -> tuple[list[_Planned], list[tuple[str, str, int]], tuple[str, ...]]:
    field = _field(stage)
    named = [find_team(state, s, within=field) for s in cmd.seeds]
    if len(set(named)) != len(named):
        raise InvalidInput("a team is seeded twice")
    by_seed = sorted((t for t in field if t not in named), key=lambda t: stage.seeds.get(t, 10**6))
    seeded = named + by_seed
    if len(seeded) < 2:
        raise NotApplicable(f"{stage.name} has {len(seeded)} team(s): a knockout needs two")
    rounds = knockout(seeded)
    names = list(stage.rounds) if stage.rounds else round_names(len(rounds))
    if len(names) != len(rounds):
        raise NotApplicable(
            f"{stage.name} declares {len(names)} rounds; a field of {len(seeded)} "
            f"needs {len(rounds)}"
        )
    planned: list[_Planned] = []
    index: dict[Tie, int] = {}
    byes: list[tuple[str, str, int]] = []
    bye_team: dict[Tie, str] = {}
    for k, ties in enumerate(rounds):
        for tie in ties:
            if tie.away is None:
                assert isinstance(tie.home, str)
                bye_team[tie] = tie.home
                continue
            sides = [_slot(s, index, bye_team) for s in (tie.home, tie.away)]
            index[tie] = len(planned)
            planned.append((names[k], None, sides[0], sides[1], _kickoff(cmd, k)))
    # Byes are only ever through the first round, into a second-round match.
    for tie in rounds[1] if len(rounds) > 1 else []:
        for side in (tie.home, tie.away):
            if isinstance(side, Tie) and side in bye_team:
                byes.append((bye_team[side], names[0], index[tie]))
    return planned, byes, tuple(seeded)


def _slot(side: Tie | str | None, index: dict[Tie, int], bye_team: dict[Tie, str]) -> str | int:
    assert side is not None
    if isinstance(side, str):
        return side
    if side in bye_team:
        return bye_team[side]
    return index[side]

"""Football.TXT into the commands a clerk would type: a group stage, a knockout
stage, fixtures, results. A file with `# stage:` notes (as `ledger export --format
football.txt` writes) gets one stage per note instead, with its byes, the
advancements noted `# advanced: ... (method unknown; source: ...)` and slots
(`W STAGE`, `W ID`, `L ID`, `1A`) resolved across its stages.

Everything the file does not say is reported as a warning: the group of a
match found by membership, placeholders turned into slots, a drawn knockout
match whose winner the file does not name, goals whose side is unknown. A
result is typed with its teams' names; for a played match still written with
placeholders ("W49 2-1 W50") they are the teams the earlier scores of the file
put in its slots, and the import is refused when those scores do not decide them.
"""

from __future__ import annotations

import datetime as dt
import re

import msgspec

from events.base import GroupPlace, LoserOf, Score, Side, StageWinner, TeamSide, WinnerOf
from events.rules import preset
from ledger.commands import (
    CreateCompetition,
    CreateStage,
    DecideAdvancement,
    DefineGroup,
    EnterTeams,
    GrantBye,
    RecordResult,
    ScheduleFixture,
    TeamScorers,
)
from ledger.errors import InvalidInput
from ledger.importers import footballtxt as ftxt
from ledger.importers.common import Batch, slugify, to_score
from ledger.scoreline import Scorer
from projections.standings import MatchLine, rank

GROUP_STAGE = "groups"
KNOCKOUT = "knockout"
_GROUP = re.compile(r"^group\s+(\S+)$", re.IGNORECASE)
_WINNER = re.compile(r"^(?:W|Winner(?: Match)?\s*)(\d+)$", re.IGNORECASE)
_LOSER = re.compile(r"^(?:L|Loser(?: Match)?\s*)(\d+)$", re.IGNORECASE)
_PLACE = re.compile(r"^([1-9])([A-Z])$")
_NAMED_SLOT = re.compile(r"^([WL]) ([a-z0-9][a-z0-9-]*)$")


def group_key(heading: str) -> str:
    match = _GROUP.match(heading.strip())
    return match.group(1) if match else heading.strip()


def build(doc: ftxt.Document, *, slug: str | None, rules: str, source: str, actor: str) -> Batch:
    """The commands of a parsed Football.TXT file, with the inferences made."""
    batch = Batch(slug=slug or slugify(doc.title), source=source, actor=actor)
    dates = [m.date for m in doc.matches if m.date]
    start = min(dates) if dates else dt.date(doc.year or 2000, 1, 1)
    if not dates:
        batch.warn("the file gives no match dates; structure dated 1 January")
    batch.commands.append(
        CreateCompetition(
            on=start,
            source=source,
            actor=actor,
            slug=batch.slug,
            name=doc.title,
            season=str(doc.year or ""),
        )
    )

    if doc.stages:
        return _build_stages(doc, batch, start, rules)

    knockout_rounds = [
        r for r in doc.rounds if not _GROUP.match(r) and not r.lower().startswith("matchday")
    ]
    grouped: list[tuple[ftxt.Match, str | None]] = []
    for m in doc.matches:
        group = m.group or ftxt.group_of(doc, m.home, m.away)
        if m.group is None and group is not None:
            batch.warn(
                f"line {m.line_no}: {m.home} v {m.away} placed in {group}: "
                "both teams are in its definition"
            )
        grouped.append((m, group))

    if doc.groups:
        batch.commands.append(
            CreateStage(
                on=start,
                source=source,
                actor=actor,
                slug=GROUP_STAGE,
                name="Group stage",
                format="group",
                preset=rules,
            )
        )
        for group, teams in doc.groups.items():
            batch.commands += [
                EnterTeams(
                    on=start, source=source, actor=actor, stage=GROUP_STAGE, teams=tuple(teams)
                ),
                DefineGroup(
                    on=start,
                    source=source,
                    actor=actor,
                    stage=GROUP_STAGE,
                    group=group_key(group),
                    teams=tuple(teams),
                ),
            ]

    ko_matches = [m for m, g in grouped if g is None]
    if ko_matches:
        batch.commands.append(
            CreateStage(
                on=start,
                source=source,
                actor=actor,
                slug=KNOCKOUT,
                name="Knockout stage",
                format="knockout",
                rounds=tuple(knockout_rounds),
                feeds_from=(GROUP_STAGE,) if doc.groups else (),
            )
        )
        entered: list[str] = []
        for m in ko_matches:
            for name, placeholder in (
                (m.home, m.home_is_placeholder),
                (m.away, m.away_is_placeholder),
            ):
                if not placeholder and name not in entered:
                    entered.append(name)
        if entered:
            batch.commands.append(
                EnterTeams(
                    on=start, source=source, actor=actor, stage=KNOCKOUT, teams=tuple(entered)
                )
            )
        if doc.groups and entered:
            batch.warn(
                f"knockout teams entered by name ({len(entered)}); the file does not "
                "say which group place each came from"
            )

    stage_of = {id(m): GROUP_STAGE if g is not None else KNOCKOUT for m, g in grouped}
    _fixtures(doc, batch, start, rules, grouped, stage_of)
    return batch


def _fixtures(
    doc: ftxt.Document,
    batch: Batch,
    start: dt.date,
    rules: str,
    grouped: list[tuple[ftxt.Match, str | None]],
    stage_of: dict[int, str],
) -> None:
    source, actor = batch.source, batch.actor
    knockout = {s.slug for s in doc.stages if s.format == "knockout"} | {KNOCKOUT}
    numbers = {m.number: _fixture_id(m, i) for i, (m, _) in enumerate(grouped, start=1) if m.number}
    slots = _Slots(
        fixtures={m.fixture for m, _ in grouped if m.fixture},
        stages={s.slug: s for s in doc.stages},
        doc=doc,
    )
    names = _Names(doc, grouped, rules)
    for i, (m, group) in enumerate(grouped, start=1):
        stage = stage_of[id(m)]
        fixture = _fixture_id(m, i)
        home = _side(batch, m, m.home, m.home_is_placeholder, numbers, slots)
        away = _side(batch, m, m.away, m.away_is_placeholder, numbers, slots)
        if home is None or away is None:
            continue
        batch.commands.append(
            ScheduleFixture(
                on=start,
                source=source,
                actor=actor,
                fixture=fixture,
                stage=stage,
                round=m.round if stage in knockout else None,
                group=group_key(group) if group is not None else None,
                home=home,
                away=away,
                kickoff=m.date,
                venue=m.venue or "",
            )
        )
        if m.score is None:
            continue
        score = to_score(m.score)
        if not m.score.regulation_known:
            batch.warn(
                f"line {m.line_no}: only the score after extra time is given; "
                "the 90-minute score is left unknown"
            )
        final = score.final
        if (
            stage in knockout
            and final.home == final.away
            and score.penalties is None
            and m.advanced is None
        ):
            batch.warn(
                f"line {m.line_no}: {m.home} v {m.away} ended {final} and the file does "
                "not name who went through: recorded as awaiting a decision"
            )
        named = (names.team(home), names.team(away))
        if named[0] is None or named[1] is None:
            raise InvalidInput(
                f"line {m.line_no}: {m.home} v {m.away} has a score, but the matches "
                "before it do not decide who played in it; write the teams' names"
            )
        names.played[fixture] = (named[0], named[1]), score
        batch.commands.append(
            RecordResult(
                on=m.date or start,
                source=source,
                actor=actor,
                stage=stage,
                fixture=fixture,
                home=named[0],
                away=named[1],
                score=score,
                scorers=_scorers(batch, m),
                minutes=m.minutes,
            )
        )
        if m.advanced is not None:
            team, cited = m.advanced
            batch.commands.append(
                DecideAdvancement(
                    on=m.date or start,
                    source=cited or source,
                    actor=actor,
                    fixture=fixture,
                    team=team,
                    method="unknown",
                )
            )


def _build_stages(doc: ftxt.Document, batch: Batch, start: dt.date, rules: str) -> Batch:
    """A file whose sections are marked `# stage: SLUG | NAME | FORMAT`: one stage each."""
    source, actor = batch.source, batch.actor
    group_stage = {g: s.slug for s in doc.stages for g in s.groups}
    grouped: list[tuple[ftxt.Match, str | None]] = []
    stage_of: dict[int, str] = {}
    for m in doc.matches:
        if m.stage is None:
            raise InvalidInput(
                f"line {m.line_no}: {m.home} v {m.away} comes before the first '# stage:' note"
            )
        group = m.group
        if group is None:
            found = ftxt.group_of(doc, m.home, m.away)
            if found is not None and group_stage.get(found) == m.stage:
                group = found
        grouped.append((m, group))
        stage_of[id(m)] = m.stage
    for mark in doc.stages:
        mine = [m for m in doc.matches if m.stage == mark.slug]
        rounds = mark.rounds or tuple(dict.fromkeys(m.round for m in mine if m.round))
        batch.commands.append(
            CreateStage(
                on=start,
                source=source,
                actor=actor,
                slug=mark.slug,
                name=mark.name,
                format=mark.format,
                rounds=rounds if mark.format == "knockout" else (),
                feeds_from=mark.feeds_from,
                preset=rules if mark.format == "group" else None,
            )
        )
        entered: list[str] = []
        for group in mark.groups:
            for team in doc.groups[group]:
                if team not in entered:
                    entered.append(team)
        for m in mine:
            for name, placeholder in (
                (m.home, m.home_is_placeholder),
                (m.away, m.away_is_placeholder),
            ):
                if not placeholder and name not in entered:
                    entered.append(name)
        for bye in doc.byes:
            if bye.stage == mark.slug and bye.team not in entered:
                entered.append(bye.team)
        if entered:
            batch.commands.append(
                EnterTeams(
                    on=start, source=source, actor=actor, stage=mark.slug, teams=tuple(entered)
                )
            )
        for group in mark.groups:
            batch.commands.append(
                DefineGroup(
                    on=start,
                    source=source,
                    actor=actor,
                    stage=mark.slug,
                    group=group_key(group),
                    teams=doc.groups[group],
                )
            )
        for bye in doc.byes:
            if bye.stage == mark.slug:
                batch.commands.append(
                    GrantBye(
                        on=start,
                        source=source,
                        actor=actor,
                        stage=mark.slug,
                        team=bye.team,
                        round=bye.round,
                    )
                )
    _fixtures(doc, batch, start, rules, grouped, stage_of)
    return batch


class _Names:
    """Who fills a side of a played match, as far as the file itself tells: a team
    it names, the winner or loser of an earlier numbered match it gives the score
    of, or a place in a group whose every match it gives the score of."""

    def __init__(
        self, doc: ftxt.Document, grouped: list[tuple[ftxt.Match, str | None]], rules: str
    ) -> None:
        self.doc = doc
        self.grouped = grouped
        self.rules = rules
        self.played: dict[str, tuple[tuple[str, str], Score]] = {}

    def team(self, side: Side) -> str | None:
        if isinstance(side, TeamSide):
            return side.team
        if isinstance(side, (WinnerOf, LoserOf)) and side.fixture in self.played:
            (home, away), score = self.played[side.fixture]
            decider = score.penalties if score.final.home == score.final.away else score.final
            if decider is None or decider.home == decider.away:
                return None
            home_won = decider.home > decider.away
            winner, loser = (home, away) if home_won else (away, home)
            return winner if isinstance(side, WinnerOf) else loser
        if isinstance(side, GroupPlace):
            return self.group_place(side.group, side.place)
        return None

    def group_place(self, key: str, place: int) -> str | None:
        teams = next((t for g, t in self.doc.groups.items() if group_key(g) == key), None)
        matches = [m for m, g in self.grouped if g is not None and group_key(g) == key]
        if teams is None or any(m.score is None for m in matches):
            return None
        lines = []
        for m in matches:
            assert m.score is not None
            final = to_score(m.score).final
            lines.append(
                MatchLine(home=m.home, away=m.away, home_goals=final.home, away_goals=final.away)
            )
        for row in rank(teams=teams, matches=lines, rules=preset(self.rules)):
            if row.position == place and not row.shared_with:
                return row.team
        return None


def _scorers(batch: Batch, m: ftxt.Match) -> tuple[TeamScorers, ...]:
    """The goals by side, in the order the file lists them."""
    if any(g.side is None for g in m.goals):
        batch.warn(f"line {m.line_no}: scorers left out: the file does not say which side scored")
        return ()
    runs: list[TeamScorers] = []
    try:
        for g in m.goals:
            assert g.side is not None
            scorer = Scorer(
                player=g.player,
                minute=g.minute,
                stoppage=g.stoppage,
                penalty=g.penalty,
                own_goal=g.own_goal,
            )
            if runs and runs[-1].team == g.side:
                runs[-1] = TeamScorers(team=g.side, scorers=(*runs[-1].scorers, scorer))
            else:
                runs.append(TeamScorers(team=g.side, scorers=(scorer,)))
    except ValueError as exc:
        batch.warn(f"line {m.line_no}: scorers left out: {exc}")
        return ()
    return tuple(runs)


def _fixture_id(m: ftxt.Match, index: int) -> str:
    if m.fixture is not None:
        return m.fixture
    return f"m{m.number}" if m.number is not None else f"m-{index}"


class _Slots(msgspec.Struct, frozen=True, kw_only=True):
    """What `W ID` and `1A` refer to in a file marked with `# stage:` notes."""

    fixtures: set[str]
    stages: dict[str, ftxt.StageMark]
    doc: ftxt.Document

    def named(self, name: str) -> Side | None:
        """`W swc-sf-1`, `L swc-sf-1`: a fixture noted `# fixture: ID`; `W norcal`: a stage."""
        found = _NAMED_SLOT.match(name)
        if found is None:
            return None
        kind, ref = found.group(1), found.group(2)
        if ref in self.fixtures:
            return WinnerOf(ref) if kind == "W" else LoserOf(ref)
        if kind == "W" and ref in self.stages:
            return StageWinner(ref)
        return None

    def group_stage(self, stage: str | None, group: str) -> str:
        """The group stage that `1A` in `stage` refers to: the one it feeds from with
        that group, else the only one with it."""
        mark = self.stages.get(stage or "")
        candidates = [
            s
            for s in ((self.stages[f] for f in mark.feeds_from if f in self.stages) if mark else ())
            if s.format == "group"
        ] or [s for s in self.stages.values() if s.format == "group"]
        for s in candidates:
            if any(group_key(g) == group for g in s.groups):
                return s.slug
        return GROUP_STAGE


def _side(
    batch: Batch,
    m: ftxt.Match,
    name: str,
    placeholder: bool,
    numbers: dict[int, str],
    slots: _Slots,
) -> Side | None:
    if not placeholder:
        return TeamSide(name)
    if (slot := slots.named(name)) is not None:
        return slot
    for pattern, kind in ((_WINNER, WinnerOf), (_LOSER, LoserOf)):
        found = pattern.match(name)
        if found and int(found.group(1)) in numbers:
            batch.warn(
                f"line {m.line_no}: {name!r} read as the {kind.__name__.lower()[:-2]} of "
                f"match {found.group(1)}"
            )
            return kind(numbers[int(found.group(1))])
    place = _PLACE.match(name)
    if place:
        batch.warn(
            f"line {m.line_no}: {name!r} read as group {place.group(2)}, place {place.group(1)}"
        )
        stage = slots.group_stage(m.stage, place.group(2)) if slots.stages else GROUP_STAGE
        return GroupPlace(stage, place.group(2), int(place.group(1)))
    batch.warn(f"line {m.line_no}: placeholder {name!r} not understood; match skipped")
    return None

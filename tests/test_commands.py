"""The command handlers on their own: no store, no click, no clock.

A competition is built by deciding commands in order from an empty
`CompetitionState`, with event ids drawn from a counter, exactly as
`Ledger.execute` decides a batch before appending it. Every expected value
below is worked out by hand from the commands typed in the test.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import itertools
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import pytest

import ledger.commands as commands
from events.base import Goals, Score, TeamSide, WinnerOf
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
from events.rules import RuleSet, TiebreakStep, preset
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
    SlotFilled,
    StageCreated,
    TeamAliasRecorded,
    TeamEntered,
    TeamWithdrew,
)
from ledger.commands import (
    HANDLERS,
    AwardForfeit,
    CancelFixture,
    CancelRound,
    ChangeBerths,
    Command,
    ConfirmBerths,
    CorrectResult,
    CreateCompetition,
    CreateStage,
    DecideAdvancement,
    DeclareQualifier,
    DeclareRanking,
    DeclareRules,
    DeclineBerth,
    DefineGroup,
    DefinePath,
    DrawLots,
    DrawStage,
    EnterTeams,
    FillSlot,
    GrantBye,
    Meta,
    ReallocateBerth,
    RecordAlias,
    RecordAssumption,
    RecordCards,
    RecordResult,
    Replay,
    RescheduleFixture,
    Retract,
    ScheduleFixture,
    UseCompetition,
    VoidResult,
    WithdrawTeam,
    decide,
)
from ledger.errors import (
    AlreadyRecorded,
    BadScore,
    Contradicts,
    Duplicate,
    HoldsNoBerth,
    NotLevel,
    NotStanding,
    TooEarly,
    UnknownTeam,
    WouldDropTeams,
)
from projections.model import CompetitionState

REPO = Path(__file__).resolve().parent.parent

D0 = dt.date(2025, 3, 1)  # the competition, its paths, stages and entries
D1 = dt.date(2025, 3, 8)  # semi-finals and the first group games
D2 = dt.date(2025, 3, 15)  # the final

GROUP = ("Harbor City", "Mill Town", "Old Quarry", "Lakeside Athletic")
CUP = ("Alpha FC", "Beta United", "Gamma Town", "Delta Rovers")


def score(home: int, away: int) -> Score:
    return Score(regulation=Goals(home, away))


# --- a clerk deciding commands against one competition --------------------------------------


@dataclass
class Clerk:
    """Decides commands in order against one state, with ids from a counter."""

    state: CompetitionState = field(default_factory=CompetitionState)
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # Event ids a test needs later, by a name the test gives them.
    marked: dict[str, str] = field(default_factory=dict)

    def next_id(self) -> str:
        return hashlib.sha256(f"fact {next(self.counter)}".encode()).hexdigest()[:32]

    @property
    def meta(self) -> Meta:
        return Meta(actor="clerk", ids=self.next_id)

    def __call__(self, *cmds: Command) -> list[Event]:
        facts: list[Event] = []
        for cmd in cmds:
            facts += decide(self.state, cmd, self.meta)
        return facts

    def one(self, cmd: Command, mark: str | None = None) -> Event:
        """Decide a command that adds exactly one fact; optionally remember its id."""
        facts = self(cmd)
        assert len(facts) == 1, facts
        if mark is not None:
            self.marked[mark] = facts[0].event_id
        return facts[0]


def spring_cup() -> Clerk:
    """A competition with a four-team group stage (group A) and a four-team cup:
    two semi-finals on D1 and a final between their winners on D2."""
    c = Clerk()
    c(
        CreateCompetition(slug="spring-cup", name="Spring Cup", season="2025", on=D0),
        DefinePath(slug="state-cup", name="State Cup", berths=1, on=D0),
        DefinePath(slug="regional", name="Regional Cup", berths=2, confirmed=False, on=D0),
        CreateStage(
            slug="groups", name="Group stage", format="group", preset="points-gd-gf", on=D0
        ),
        EnterTeams(stage="groups", teams=GROUP, on=D0),
    )
    c.one(DefineGroup(stage="groups", group="A", teams=GROUP, on=D0), mark="group A")
    c(
        CreateStage(
            slug="ko",
            name="Knockout",
            format="knockout",
            rounds=("Semi-finals", "Final"),
            path="state-cup",
            on=D0,
        ),
        EnterTeams(stage="ko", teams=CUP, on=D0),
        ScheduleFixture(
            stage="ko",
            round="Semi-finals",
            fixture="sf1",
            home=TeamSide("Alpha FC"),
            away=TeamSide("Beta United"),
            kickoff=D1,
            on=D0,
        ),
        ScheduleFixture(
            stage="ko",
            round="Semi-finals",
            fixture="sf2",
            home=TeamSide("Gamma Town"),
            away=TeamSide("Delta Rovers"),
            kickoff=D1,
            on=D0,
        ),
        ScheduleFixture(
            stage="ko",
            round="Final",
            fixture="final",
            home=WinnerOf("sf1"),
            away=WinnerOf("sf2"),
            kickoff=D2,
            on=D0,
        ),
    )
    return c


def short(event_id: str) -> str:
    """The short id `ledger log` prints."""
    return event_id[:12]


def blank_id(event: Event) -> Event:
    return msgspec.structs.replace(event, event_id="")


# --- one case per command class: the facts it adds ------------------------------------------


@dataclass(frozen=True)
class Case:
    """A command decided against a prepared competition, and the facts it must add.

    `command` may decide preparatory commands on the clerk first; `fields` gives
    the key fields of the last fact, worked out by hand."""

    command: Callable[[Clerk], Command]
    facts: tuple[type[Any], ...]
    fields: Callable[[Clerk], dict[str, Any]] = lambda c: {}
    start: Callable[[], Clerk] = spring_cup


def _lots(c: Clerk) -> Command:
    # Harbor City 1-1 Mill Town: both 1 point, goal difference 0, 1 goal scored;
    # points-gd-gf leaves them level up to the drawing of lots.
    c(RecordResult(stage="groups", home="Harbor City", away="Mill Town", score=score(1, 1), on=D1))
    return DrawLots(stage="groups", group="a", order=("mill town", "HARBOR CITY"), on=D1)


def _correct(c: Clerk) -> Command:
    c.one(
        RecordResult(stage="ko", home="Alpha FC", away="Beta United", score=score(2, 1), on=D1),
        mark="sf1 result",
    )
    return CorrectResult(
        target=short(c.marked["sf1 result"]), score=score(3, 1), reason="typo in the report", on=D1
    )


def _void(c: Clerk) -> Command:
    c.one(
        RecordResult(stage="ko", home="Alpha FC", away="Beta United", score=score(2, 1), on=D1),
        mark="sf1 result",
    )
    return VoidResult(target="sf1", reason="ineligible player", on=D2)


def _advance(c: Clerk) -> Command:
    c(RecordResult(stage="ko", home="Alpha FC", away="Beta United", score=score(1, 1), on=D1))
    # The shoot-out is written home-away: Beta United, the away side, won 4-3.
    return DecideAdvancement(
        fixture="SF1", team="beta united", method="shootout", shootout=Goals(3, 4), on=D1
    )


def _declared(c: Clerk) -> None:
    c.one(
        DeclareQualifier(path="regional", team="harbor city", method="Regional champion", on=D0),
        mark="Harbor City qualifier",
    )


def _decline(c: Clerk) -> Command:
    _declared(c)
    return DeclineBerth(path="Regional Cup", team="HARBOR CITY", reason="cannot travel", on=D1)


def _reallocate(c: Clerk) -> Command:
    _declared(c)
    return ReallocateBerth(
        path="regional", from_team="harbor city", to_team="Mill Town", reason="declined", on=D1
    )


def _retract(c: Clerk) -> Command:
    _declared(c)
    return Retract(
        target=short(c.marked["Harbor City qualifier"]), reason="announced in error", on=D1
    )


SHORT_RULES = RuleSet(name="short games", tiebreaks=(TiebreakStep(criterion="points"),))
IMPORTED = AssumptionRecorded(
    event_id="0123456789abcdef0123456789abcdef",
    occurred_on=D0,
    subject="Final",
    assumption="played over 90 minutes",
)

CASES: dict[str, Case] = {
    "create competition": Case(
        lambda c: CreateCompetition(slug="autumn-cup", name="Autumn Cup", on=D0),
        (CompetitionCreated,),
        lambda c: {"competition": "autumn-cup", "name": "Autumn Cup", "actor": "clerk"},
        start=Clerk,
    ),
    "use competition": Case(lambda c: UseCompetition(slug="spring-cup", on=D0), ()),
    "define path": Case(
        lambda c: DefinePath(
            slug="usasa", name="USASA", berths=8, confirmed=False, parent="State Cup", on=D0
        ),
        (QualificationPathDefined,),
        lambda c: {
            "path": "usasa",
            "berths": 8,
            "allocation_confirmed": False,
            "parent": "state-cup",
        },
    ),
    "create stage": Case(
        lambda c: CreateStage(
            slug="plate",
            name="Plate",
            format="group",
            preset="fifa-2018",
            feeds_from=("GROUP STAGE",),
            on=D0,
        ),
        (StageCreated, RuleSetDeclared),
        lambda c: {"stage": "plate", "rules": preset("fifa-2018")},
    ),
    "declare rules": Case(
        lambda c: DeclareRules(stage="group stage", rules=SHORT_RULES, on=D0),
        (RuleSetDeclared,),
        lambda c: {"stage": "groups", "rules": SHORT_RULES},
    ),
    "declare ranking": Case(
        lambda c: DeclareRanking(
            stage="group stage",
            name="best seconds",
            place=2,
            take=1,
            tiebreaks=(TiebreakStep(criterion="points"),),
            on=D0,
        ),
        (RankingDeclared,),
        lambda c: {"stage": "groups", "name": "best seconds", "place": 2, "take": 1},
    ),
    "enter teams": Case(
        lambda c: EnterTeams(stage="Knockout", teams=("  Epsilon FC ",), on=D0),
        (TeamEntered,),
        lambda c: {"stage": "ko", "team": "Epsilon FC"},
    ),
    "withdraw team": Case(
        lambda c: WithdrawTeam(stage="groups", team="old quarry", reason="folded", on=D1),
        (TeamWithdrew,),
        lambda c: {"stage": "groups", "team": "Old Quarry", "fixtures": "walkover"},
    ),
    "define group": Case(
        lambda c: DefineGroup(
            stage="groups",
            group="A",
            teams=("harbor city", "mill town", "old quarry"),
            supersedes=short(c.marked["group A"]),
            on=D0,
        ),
        (GroupDefined,),
        lambda c: {
            "teams": ("Harbor City", "Mill Town", "Old Quarry"),
            "supersedes": c.marked["group A"],
        },
    ),
    "record alias": Case(
        lambda c: RecordAlias(alias=" Harbour City ", team="harbor city", on=D0),
        (TeamAliasRecorded,),
        lambda c: {"alias": "Harbour City", "team": "Harbor City"},
    ),
    "record assumption": Case(
        lambda c: RecordAssumption(subject="Final", assumption="played over 90 minutes", on=D0),
        (AssumptionRecorded,),
        lambda c: {"subject": "Final"},
    ),
    "draw lots": Case(
        _lots,
        (LotsDrawn,),
        lambda c: {"stage": "groups", "group": "A", "order": ("Mill Town", "Harbor City")},
    ),
    "schedule fixture": Case(
        lambda c: ScheduleFixture(
            stage="Group stage",
            group="A",
            home=TeamSide("harbor city"),
            away=TeamSide("OLD QUARRY"),
            kickoff=D1,
            on=D0,
        ),
        (FixtureScheduled,),
        lambda c: {
            "fixture": "groups-1",
            "stage": "groups",
            "home": TeamSide("Harbor City"),
            "away": TeamSide("Old Quarry"),
        },
    ),
    "reschedule fixture": Case(
        lambda c: RescheduleFixture(fixture="SF1", kickoff=D1 + dt.timedelta(days=1), on=D1),
        (FixtureRescheduled,),
        lambda c: {"fixture": "sf1", "kickoff": dt.date(2025, 3, 9)},
    ),
    "cancel fixture": Case(
        lambda c: CancelFixture(fixture="sf2", reason="floodlights failed", on=D1),
        (FixtureCancelled,),
        lambda c: {"fixture": "sf2"},
    ),
    "cancel round": Case(
        lambda c: CancelRound(stage="knockout", round="Semi-finals", reason="all advance", on=D1),
        (RoundCancelled,),
        lambda c: {"stage": "ko", "round": "Semi-finals"},
    ),
    "grant bye": Case(
        lambda c: GrantBye(stage="ko", team="delta rovers", round="Semi-finals", on=D0),
        (ByeGranted,),
        lambda c: {"stage": "ko", "team": "Delta Rovers", "round": "Semi-finals"},
    ),
    "record result of a scheduled fixture": Case(
        lambda c: RecordResult(
            stage="KO", home="alpha fc", away="beta united", score=score(2, 1), on=D1
        ),
        (ResultRecorded,),
        lambda c: {
            "fixture": "sf1",
            "teams": ("Alpha FC", "Beta United"),
            "score": score(2, 1),
            "occurred_on": D1,
            "supersedes": None,
        },
    ),
    "record result of an unscheduled match": Case(
        lambda c: RecordResult(
            stage="groups", home="lakeside athletic", away="Mill Town", score=score(0, 2), on=D1
        ),
        (FixtureScheduled, ResultRecorded),
        lambda c: {"fixture": "groups-1", "teams": ("Lakeside Athletic", "Mill Town")},
    ),
    "correct result": Case(
        _correct,
        (ResultCorrected,),
        lambda c: {
            "fixture": "sf1",
            "score": score(3, 1),
            "supersedes": c.marked["sf1 result"],
            "teams": ("Alpha FC", "Beta United"),
        },
    ),
    "void result": Case(
        _void,
        (ResultVoided,),
        lambda c: {"fixture": "sf1", "supersedes": c.marked["sf1 result"]},
    ),
    "award forfeit": Case(
        lambda c: AwardForfeit(
            fixture="sf2", winner="delta rovers", reason="Gamma Town did not travel", on=D1
        ),
        (ForfeitAwarded,),
        lambda c: {"fixture": "sf2", "winner": "Delta Rovers", "score": None},
    ),
    "decide advancement": Case(
        _advance,
        (AdvancementDecided,),
        lambda c: {
            "fixture": "sf1",
            "team": "Beta United",
            "method": "shootout",
            "shootout": Goals(3, 4),
        },
    ),
    "record cards": Case(
        lambda c: RecordCards(fixture="sf1", team="alpha fc", yellow=2, red=1, on=D1),
        (CardsRecorded,),
        lambda c: {"fixture": "sf1", "team": "Alpha FC", "yellow": 2, "red": 1},
    ),
    "declare qualifier": Case(
        lambda c: DeclareQualifier(
            path="Regional Cup",
            team="harbor city",
            method="Regional champion",
            provisional=True,
            on=D0,
        ),
        (QualifierDeclared,),
        lambda c: {"path": "regional", "team": "Harbor City", "confirmed": False},
    ),
    "fill slot": Case(
        lambda c: FillSlot(path="state-cup", slot=WinnerOf("FINAL"), method="Cup winner", on=D0),
        (SlotFilled,),
        lambda c: {"path": "state-cup", "slot": WinnerOf("final")},
    ),
    "confirm berths": Case(
        lambda c: ConfirmBerths(path="regional", berths=2, on=D1),
        (BerthAllocationConfirmed,),
        lambda c: {"path": "regional", "berths": 2},
    ),
    "change berths": Case(
        lambda c: ChangeBerths(path="regional", berths=3, confirmed=False, on=D1),
        (BerthAllocationChanged,),
        lambda c: {"path": "regional", "berths": 3, "confirmed": False},
    ),
    "decline berth": Case(
        _decline,
        (BerthDeclined,),
        lambda c: {"path": "regional", "team": "Harbor City", "reason": "cannot travel"},
    ),
    "reallocate berth": Case(
        _reallocate,
        (BerthReallocated,),
        lambda c: {"path": "regional", "from_team": "Harbor City", "to_team": "Mill Town"},
    ),
    "retract": Case(
        _retract,
        (FactRetracted,),
        lambda c: {"supersedes": c.marked["Harbor City qualifier"]},
    ),
    "draw stage": Case(
        # Four teams, one group: six fixtures in three rounds, after the draw itself.
        lambda c: DrawStage(stage="group stage", kind="round_robin", start=D1, on=D0),
        (DrawMade, *(FixtureScheduled,) * 6),
        lambda c: {"stage": "groups", "group": "A", "round": "Round 3"},
    ),
    "replay": Case(
        lambda c: Replay(event=IMPORTED, on=D0),
        (AssumptionRecorded,),
        lambda c: {"event_id": IMPORTED.event_id, "assumption": "played over 90 minutes"},
    ),
}


def _command_classes() -> list[type[Command]]:
    found = [getattr(commands, name) for name in commands.__all__]
    return [
        cls
        for cls in found
        if isinstance(cls, type) and issubclass(cls, Command) and cls is not Command
    ]


def test_ledger_commands_import_without_click_or_rich() -> None:
    code = (
        "import ledger.commands, sys; "
        "assert 'click' not in sys.modules and 'rich' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_this_module_imports_without_click_rich_or_the_cli() -> None:
    code = (
        "import tests.test_commands, sys; "
        "assert not {'click', 'rich', 'ledger.cli'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


@pytest.mark.parametrize("cls", _command_classes(), ids=lambda cls: cls.__name__)
def test_every_command_class_has_a_handler(cls: type[Command]) -> None:
    assert callable(HANDLERS[cls])


def test_the_cases_cover_every_command_class() -> None:
    covered = {type(case.command(case.start())) for case in CASES.values()}
    assert covered == set(_command_classes()) == set(HANDLERS)
    assert len(HANDLERS) == 32


@pytest.mark.parametrize("name", list(CASES))
def test_each_command_adds_its_facts(name: str) -> None:
    case = CASES[name]
    c = case.start()
    cmd = case.command(c)
    facts = c(cmd)
    assert tuple(type(f) for f in facts) == case.facts
    for fact in facts:
        assert c.state.stands(fact.event_id)
    if facts:
        last = facts[-1]
        for key, value in case.fields(c).items():
            assert getattr(last, key) == value, key
        if not isinstance(cmd, Replay):
            assert last.actor == "clerk"
            assert last.occurred_on == cmd.on


@pytest.mark.parametrize("name", list(CASES))
def test_each_handler_is_pure(name: str) -> None:
    case = CASES[name]
    c = case.start()
    cmd = case.command(c)
    before = copy.deepcopy(c.state)
    handler = HANDLERS[type(cmd)]
    first = handler(c.state, cmd, c.meta)
    second = handler(c.state, cmd, c.meta)
    assert c.state == before
    assert [blank_id(e) for e in first] == [blank_id(e) for e in second]
    assert tuple(type(e) for e in first) == case.facts
    if not isinstance(cmd, Replay):
        # Each call draws fresh ids from the counter, never reusing one.
        ids = [e.event_id for e in first + second]
        assert len(set(ids)) == len(ids)


# --- what the facts say -----------------------------------------------------------------------


def test_result_names_are_canonicalised_and_aliases_resolved() -> None:
    c = spring_cup()
    alias = c.one(RecordAlias(alias="Harbour City", team="HARBOR CITY", on=D0))
    assert isinstance(alias, TeamAliasRecorded)
    assert (alias.alias, alias.team) == ("Harbour City", "Harbor City")
    facts = c(
        RecordResult(
            stage="group stage", home="harbour city", away="MILL  town", score=score(2, 0), on=D1
        )
    )
    assert [type(f) for f in facts] == [FixtureScheduled, ResultRecorded]
    fixture, result = facts
    assert isinstance(fixture, FixtureScheduled) and isinstance(result, ResultRecorded)
    assert fixture.fixture == "groups-1"
    assert fixture.stage == "groups"
    assert fixture.group == "A"  # both teams are in group A
    assert (fixture.home, fixture.away) == (TeamSide("Harbor City"), TeamSide("Mill Town"))
    assert fixture.kickoff == D1
    assert result.fixture == "groups-1"
    assert result.teams == ("Harbor City", "Mill Town")
    assert result.score.final == Goals(2, 0)
    # An entry under the alias enters the team itself.
    c(CreateStage(slug="plate", name="Plate", format="knockout", on=D0))
    (entered,) = c(EnterTeams(stage="plate", teams=("Harbour City",), on=D0))
    assert isinstance(entered, TeamEntered)
    assert entered.team == "Harbor City"


def test_a_known_team_typed_another_way_is_not_entered_as_a_new_team() -> None:
    c = spring_cup()
    c(CreateStage(slug="plate", name="Plate", format="knockout", on=D0))
    with pytest.raises(Duplicate, match="'Harbor City'"):
        c(EnterTeams(stage="plate", teams=("harbor CITY",), on=D0))


def test_short_ids_of_supersedes_resolve_to_full_ids() -> None:
    c = spring_cup()
    group_a = c.marked["group A"]
    (regroup,) = c(
        DefineGroup(
            stage="groups",
            group="A",
            teams=GROUP[:3],
            supersedes=short(group_a).upper(),
            on=D0,
        )
    )
    assert isinstance(regroup, GroupDefined)
    assert regroup.supersedes == group_a
    assert c.state.retired[group_a] == regroup.event_id
    assert c.state.stages["groups"].groups["A"] == list(GROUP[:3])

    first = c.one(DeclareQualifier(path="regional", team="Mill Town", method="Cup winner", on=D0))
    (replacement,) = c(
        DeclareQualifier(
            path="regional",
            team="Mill Town",
            method="Regional champion",
            supersedes=first.event_id[:6],
            on=D1,
        )
    )
    assert replacement.supersedes == first.event_id


def test_the_same_entries_twice_add_nothing() -> None:
    c = spring_cup()
    c(CreateStage(slug="plate", name="Plate", format="knockout", on=D0))
    entries = c(EnterTeams(stage="plate", teams=("Harbor City", "Mill Town"), on=D0))
    assert [(type(e), e.team) for e in entries if isinstance(e, TeamEntered)] == [
        (TeamEntered, "Harbor City"),
        (TeamEntered, "Mill Town"),
    ]
    before = copy.deepcopy(c.state)
    assert c(EnterTeams(stage="plate", teams=("Harbor City", "Mill Town"), on=D0)) == []
    assert c.state == before


def test_the_same_result_twice_adds_nothing() -> None:
    c = spring_cup()
    cmd = RecordResult(stage="ko", home="Alpha FC", away="Beta United", score=score(2, 1), on=D1)
    (result,) = c(cmd)
    assert c(cmd) == []
    # Told again in other words (case and spacing), it is still the same result.
    again = RecordResult(stage="KO", home="ALPHA fc", away="beta  united", score=score(2, 1), on=D1)
    assert c(again) == []
    assert c.state.fixtures["sf1"].result == result


def test_a_second_different_result_is_refused_as_a_contradiction() -> None:
    c = spring_cup()
    (first,) = c(
        RecordResult(stage="ko", home="Alpha FC", away="Beta United", score=score(2, 1), on=D1)
    )
    with pytest.raises(Contradicts, match=first.event_id):
        c(RecordResult(stage="ko", home="Alpha FC", away="Beta United", score=score(0, 0), on=D1))
    assert c.state.fixtures["sf1"].result == first


def test_the_same_match_with_home_and_away_swapped_on_the_same_day_is_already_recorded() -> None:
    c = spring_cup()
    c(RecordResult(stage="groups", home="Harbor City", away="Mill Town", score=score(2, 1), on=D1))
    before = copy.deepcopy(c.state)
    with pytest.raises(AlreadyRecorded, match="groups-1"):
        c(
            RecordResult(
                stage="groups", home="Mill Town", away="Harbor City", score=score(1, 2), on=D1
            )
        )
    assert c.state == before
    # The return match, a week later, is a new fixture.
    later = c(
        RecordResult(stage="groups", home="Mill Town", away="Harbor City", score=score(0, 0), on=D2)
    )
    assert [f.fixture for f in later if isinstance(f, FixtureScheduled)] == ["groups-2"]


def test_an_unknown_team_is_refused_with_the_nearest_names() -> None:
    c = spring_cup()
    with pytest.raises(UnknownTeam, match="Harbor City"):
        c(
            RecordResult(
                stage="groups", home="Harbor Town", away="Mill Town", score=score(1, 0), on=D1
            )
        )


def test_a_group_change_that_drops_a_team_with_results_is_refused() -> None:
    c = spring_cup()
    c(RecordResult(stage="groups", home="Harbor City", away="Mill Town", score=score(1, 0), on=D1))
    with pytest.raises(WouldDropTeams, match="Mill Town"):
        c(
            DefineGroup(
                stage="groups",
                group="A",
                teams=("Harbor City", "Old Quarry", "Lakeside Athletic"),
                supersedes=c.marked["group A"],
                on=D1,
            )
        )
    # Dropping a team without results is allowed.
    (regroup,) = c(
        DefineGroup(
            stage="groups",
            group="A",
            teams=("Harbor City", "Mill Town", "Old Quarry"),
            supersedes=c.marked["group A"],
            on=D1,
        )
    )
    assert isinstance(regroup, GroupDefined)


def test_lots_between_teams_already_separated_are_refused() -> None:
    c = spring_cup()
    # Harbor City 1-1 Mill Town, Old Quarry 2-0 Lakeside Athletic: Old Quarry 3 points,
    # Harbor City and Mill Town 1 each (level), Lakeside Athletic 0.
    c(
        RecordResult(
            stage="groups", home="Harbor City", away="Mill Town", score=score(1, 1), on=D1
        ),
        RecordResult(
            stage="groups", home="Old Quarry", away="Lakeside Athletic", score=score(2, 0), on=D1
        ),
    )
    with pytest.raises(NotLevel, match="Old Quarry"):
        c(DrawLots(stage="groups", group="A", order=("Harbor City", "Old Quarry"), on=D1))
    (lots,) = c(DrawLots(stage="groups", group="A", order=("Mill Town", "Harbor City"), on=D1))
    assert isinstance(lots, LotsDrawn)


def test_reallocating_a_berth_from_a_team_without_one_is_refused() -> None:
    c = spring_cup()
    _declared(c)  # Harbor City holds a Regional Cup berth; Mill Town does not
    with pytest.raises(HoldsNoBerth, match="Mill Town"):
        c(ReallocateBerth(path="regional", from_team="Mill Town", to_team="Old Quarry", on=D1))
    with pytest.raises(HoldsNoBerth, match="Mill Town"):
        c(DeclineBerth(path="regional", team="Mill Town", reason="no travel budget", on=D1))


def test_a_fact_dated_before_its_competition_is_refused() -> None:
    c = spring_cup()
    before = D0 - dt.timedelta(days=1)
    with pytest.raises(TooEarly, match=str(D0)):
        c(
            RecordResult(
                stage="groups", home="Harbor City", away="Mill Town", score=score(1, 0), on=before
            )
        )
    with pytest.raises(TooEarly):
        c(RecordAssumption(subject="Final", assumption="played at night", on=before))


def test_a_negative_score_is_refused() -> None:
    c = spring_cup()
    with pytest.raises(BadScore, match="negative"):
        c(RecordResult(stage="ko", home="Alpha FC", away="Beta United", score=score(-1, 0), on=D1))
    assert c.state.fixtures["sf1"].result is None


def test_superseding_a_fact_that_was_already_superseded_is_refused() -> None:
    c = spring_cup()
    first = c.one(DeclareQualifier(path="regional", team="Mill Town", method="Cup winner", on=D0))
    second = c.one(
        DeclareQualifier(
            path="regional",
            team="Mill Town",
            method="Regional champion",
            supersedes=first.event_id,
            on=D1,
        )
    )
    with pytest.raises(NotStanding, match=second.event_id):
        c(
            DeclareQualifier(
                path="regional",
                team="Mill Town",
                method="League champion",
                supersedes=short(first.event_id),
                on=D1,
            )
        )


def test_a_batch_sees_the_facts_decided_before_it() -> None:
    c = spring_cup()
    # The semi-finals decide who plays the final: the final's result then names them.
    facts = c(
        RecordResult(stage="ko", home="Alpha FC", away="Beta United", score=score(2, 1), on=D1),
        RecordResult(stage="ko", home="Gamma Town", away="Delta Rovers", score=score(0, 3), on=D1),
        RecordResult(stage="ko", home="Alpha FC", away="Delta Rovers", score=score(1, 1), on=D2),
        DecideAdvancement(fixture="final", team="Delta Rovers", method="unknown", on=D2),
    )
    results = [f for f in facts if isinstance(f, ResultRecorded)]
    assert [(r.fixture, r.teams) for r in results] == [
        ("sf1", ("Alpha FC", "Beta United")),
        ("sf2", ("Gamma Town", "Delta Rovers")),
        ("final", ("Alpha FC", "Delta Rovers")),
    ]
    advanced = facts[-1]
    assert isinstance(advanced, AdvancementDecided)
    assert (advanced.fixture, advanced.team, advanced.method) == (
        "final",
        "Delta Rovers",
        "unknown",
    )


# A repeat of a standing fact appends nothing.
@pytest.mark.parametrize("name", list(CASES))
def test_each_command_told_twice_adds_nothing_the_second_time(name: str) -> None:
    case = CASES[name]
    c = case.start()
    cmd = case.command(c)
    c(cmd)
    before = copy.deepcopy(c.state)
    assert c(cmd) == []
    assert c.state == before

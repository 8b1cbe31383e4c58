"""The read-model tables a ledger keeps current as it appends equal a fresh rebuild.

After an append the writer rewrites only the rows the new facts can reach (the
fixture's row, the rows of fixtures fed by slots, its group's table, its stage's
row, the qualifier list) and all of a competition's rows after a change of its
structure. After every command below, and after a catch-up that applies many
facts at once, the stored tables must equal a build from the events, on SQLite
and on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import ledger
from events.base import GroupPlace, StageWinner, WinnerOf
from events.matches import ResultRecorded
from events.structure import TeamAliasRecorded
from ledger.commands import (
    AwardForfeit,
    CancelFixture,
    Command,
    CorrectResult,
    CreateCompetition,
    CreateStage,
    DecideAdvancement,
    DefinePath,
    EnterTeams,
    FillSlot,
    RecordAlias,
    RecordCards,
    RecordResult,
    RescheduleFixture,
    Retract,
    ScheduleFixture,
    VoidResult,
)
from ledger.service import Ledger
from ledger.store import EventStore
from projections import readmodel
from projections.reach import touched
from tests.test_incremental_state import _read_db, resolve, score, steps

D = dt.date(2025, 5, 1)
TEAMS = ("Ashford", "Bexley", "Croydon", "Dover")


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def last_id(lg: Ledger, kind: str) -> str:
    records = lg.store.read_stream("league")
    return next(r.event.event_id for r in reversed(records) if type(r.event).__name__ == kind)


def league_steps() -> list[Command | tuple[str, str]]:
    """A group whose places feed a play-off that fills a berth: results, and every
    way of changing one, reach the slots, the table, the stages and the qualifiers.
    ("retract"/"void"/"forfeit", kind) name the last fact of that kind, and
    ("final"/"advance", ...) the play-off's teams, looked up when the step runs."""
    return [
        CreateCompetition(slug="league", name="League", on=D),
        DefinePath(slug="berth", name="Berth", berths=1, confirmed=False, on=D),
        CreateStage(slug="table", name="Table", format="group", on=D),
        EnterTeams(stage="table", teams=TEAMS, on=D),
        CreateStage(slug="po", name="Play-off", format="knockout", rounds=("Final",), on=D),
        ScheduleFixture(
            stage="po",
            home=GroupPlace("table", "", 1),
            away=GroupPlace("table", "", 2),
            round="Final",
            fixture="po-final",
            kickoff=day(30),
            on=day(1),
        ),
        FillSlot(path="berth", slot=StageWinner("po"), method="play-off winner", on=day(1)),
        ScheduleFixture(
            stage="po",
            home=WinnerOf("po-final"),
            away=GroupPlace("table", "", 4),
            fixture="exhibition",
            on=day(1),
        ),
        RecordResult(stage="table", home="Ashford", away="Bexley", score=score(2, 0), on=day(3)),
        RecordResult(stage="table", home="Croydon", away="Dover", score=score(1, 1), on=day(3)),
        RecordCards(fixture="table-1", team="Bexley", yellow=3, on=day(3)),
        # Listed late: dated before the results already applied.
        RecordResult(stage="table", home="Ashford", away="Croydon", score=score(0, 1), on=day(2)),
        CorrectResult(target="table-2", score=score(2, 1), reason="report", on=day(4)),
        VoidResult(target="table-3", reason="abandoned", on=day(5)),
        RecordResult(
            stage="table",
            home="Ashford",
            away="Croydon",
            score=score(3, 3),
            fixture="table-3",
            on=day(6),
        ),
        RecordResult(stage="table", home="Bexley", away="Dover", score=score(1, 0), on=day(6)),
        ScheduleFixture(
            stage="po",
            home=GroupPlace("table", "", 3),
            away=GroupPlace("table", "", 1),
            fixture="friendly",
            kickoff=day(9),
            on=day(6),
        ),
        RescheduleFixture(fixture="friendly", kickoff=day(10), reason="pitch", on=day(7)),
        CancelFixture(fixture="friendly", reason="no date", on=day(7)),
        RecordResult(stage="table", home="Ashford", away="Dover", score=score(0, 0), on=day(7)),
        ("forfeit", "ResultRecorded"),
        RecordResult(stage="table", home="Bexley", away="Croydon", score=score(2, 2), on=day(8)),
        ("void", "ForfeitAwarded"),
        RecordAlias(alias="Croydon Town", team="Croydon", on=day(8)),
        RecordResult(
            stage="table",
            home="Ashford",
            away="Dover",
            score=score(0, 2),
            fixture="table-5",
            on=day(9),
        ),
        ("final", "1-1"),
        ("advance", "away"),
        ("retract", "AdvancementDecided"),
        ("advance", "home"),
        ("void", "ResultRecorded"),
    ]


def resolve_league(lg: Ledger, step: Command | tuple[str, str]) -> Command:
    if isinstance(step, Command):
        return step
    what, kind = step
    if what in ("final", "advance"):
        final = lg.bracket("po", competition="league")[0]
        assert final.home_team is not None and final.away_team is not None, final
        if what == "final":
            return RecordResult(
                stage="po",
                home=final.home_team,
                away=final.away_team,
                score=score(1, 1),
                fixture="po-final",
                on=day(30),
            )
        team = final.home_team if kind == "home" else final.away_team
        return DecideAdvancement(fixture="po-final", team=team, method="unknown", on=day(31))
    if what == "forfeit":
        return AwardForfeit(
            fixture="table-5",
            winner="Dover",
            reason="ineligible",
            supersedes=last_id(lg, kind),
            on=day(8),
        )
    if what == "void":
        return VoidResult(target=last_id(lg, kind), reason="mistaken", on=day(31))
    return Retract(target=last_id(lg, kind), reason="mistaken", on=day(31))


def test_the_tables_equal_a_rebuild_after_every_kind_of_fact(ledger_url: str) -> None:
    with ledger.open(ledger_url, read_models=_read_db(ledger_url)) as lg:
        for step in steps(lg):
            command = resolve(lg, step)
            lg.execute(command, competition="cup")
            assert lg.read_model_differences() == [], command
            assert lg.warnings == []


def test_the_tables_equal_a_rebuild_as_results_feed_slots_and_berths(ledger_url: str) -> None:
    with ledger.open(ledger_url, read_models=_read_db(ledger_url)) as lg:
        for step in league_steps():
            command = resolve_league(lg, step)
            lg.execute(command, competition="league")
            assert lg.read_model_differences() == [], command
            assert lg.warnings == []
        assert lg.standings("table", competition="league")[0].played > 0


def test_a_catch_up_over_many_facts_equals_a_rebuild(ledger_url: str) -> None:
    with ledger.open(ledger_url, read_models=_read_db(ledger_url)) as lg:
        plan = league_steps()
        for step in plan[:9]:
            lg.execute(resolve_league(lg, step), competition="league")
        lg.auto_catch_up = False
        for step in plan[9:20]:
            lg.execute(resolve_league(lg, step), competition="league")
        assert lg.read_model_differences() != []
        lg.catch_up()
        assert lg.read_model_differences() == []


def test_an_append_after_another_writers_uncaught_facts_applies_them_too(tmp_path: Path) -> None:
    """The writer applies its own just-stored facts without reading them back only
    when they are all the read models lack; another writer's facts stored in
    between (its catch-up not done) are read from the log first."""
    db = str(tmp_path / "ledger.db")
    plan = league_steps()
    with ledger.open(db) as lg:
        for step in plan[:9]:
            lg.execute(resolve_league(lg, step), competition="league")
    with ledger.open(db) as first, ledger.open(db) as second:
        first.auto_catch_up = False
        first.execute(resolve_league(first, plan[9]), competition="league")
        assert second.read_model_differences() != []
        second.execute(resolve_league(second, plan[10]), competition="league")
        assert second.read_model_differences() == []
        assert second.warnings == []


@contextlib.contextmanager
def log_unread_in_catch_ups(
    monkeypatch: pytest.MonkeyPatch, *, streams: bool = False
) -> Iterator[None]:
    """Fail any catch-up that reads events back from the log (with `streams`, from
    a competition's stream too: a fact out of date order makes the next command
    fold its competition afresh, so only where none is). A catch-up that fails is
    redone as a rebuild with a warning, which the callers assert there is none of."""
    catching_up = False
    catch_up = readmodel.catch_up

    def watched_catch_up(*args: Any, **kwargs: Any) -> int:
        nonlocal catching_up
        catching_up = True
        try:
            return catch_up(*args, **kwargs)
        finally:
            catching_up = False

    def watched(read: Callable[..., Any]) -> Callable[..., Any]:
        def reading(*args: Any, **kwargs: Any) -> Any:
            assert not catching_up, f"the catch-up read events back ({read.__name__})"
            return read(*args, **kwargs)

        return reading

    with monkeypatch.context() as patch:
        patch.setattr(readmodel, "catch_up", watched_catch_up)
        for name in ("read_all", "read_stream", "read_stream_after")[: 3 if streams else 1]:
            patch.setattr(EventStore, name, watched(getattr(EventStore, name)))
        yield


def test_an_append_applies_its_own_facts_without_reading_them_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = league_steps()
    with ledger.open(str(tmp_path / "ledger.db")) as lg:
        for step in plan[:9]:
            lg.execute(resolve_league(lg, step), competition="league")
        with log_unread_in_catch_ups(monkeypatch):
            for step in plan[9:16]:
                lg.execute(resolve_league(lg, step), competition="league")
                assert lg.warnings == []
        assert lg.read_model_differences() == []


def test_what_new_facts_can_reach(tmp_path: Path) -> None:
    """A result reaches its fixture; a new spelling of a team reaches everything."""
    with ledger.open(str(tmp_path / "ledger.db")) as lg:
        for step in league_steps()[:10]:
            lg.execute(resolve_league(lg, step), competition="league")
        state = lg.state("league")
        records = lg.store.read_stream("league")
        result = next(r.event for r in records if isinstance(r.event, ResultRecorded))
        reach = touched(state, [result])
        assert reach is not None and reach.fixtures == (result.fixture,)
        alias = TeamAliasRecorded(
            event_id="x", occurred_on=day(3), source="", alias="Ash", team="Ashford"
        )
        assert touched(state, [alias]) is None


@pytest.fixture(autouse=True)
def _no_stray_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEDGER_READ_DB", raising=False)

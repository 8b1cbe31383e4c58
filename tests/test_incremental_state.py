"""The state a ledger keeps current as it appends equals a fresh fold of the events.

A ledger keeps each competition's state at its head and applies its own appends
to it; another process starts from the snapshot in the read-model file and
applies what came after. After every command below (every kind of fact,
corrections, voids, supersessions and retractions, out-of-date-order results),
both must equal folding the competition's events from nothing, on SQLite and on
PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import ledger
from events.base import Goals, Score, TeamSide, WinnerOf
from ledger.cli_io import bundled_text
from ledger.commands import (
    AwardForfeit,
    ChangeBerths,
    Command,
    ConfirmBerths,
    CorrectResult,
    CreateCompetition,
    CreateStage,
    DecideAdvancement,
    DeclareQualifier,
    DeclineBerth,
    DefineGroup,
    DefinePath,
    DrawLots,
    EnterTeams,
    FillSlot,
    GrantBye,
    ReallocateBerth,
    RecordAlias,
    RecordAssumption,
    RecordCards,
    RecordResult,
    RescheduleFixture,
    Retract,
    ScheduleFixture,
    VoidResult,
    WithdrawTeam,
)
from ledger.script import run_script
from ledger.service import Ledger
from projections.model import CompetitionState, fold

D = dt.date(2025, 3, 1)


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def score(home: int, away: int) -> Score:
    return Score(regulation=Goals(home, away))


def last_id(lg: Ledger, kind: str) -> str:
    records = lg.store.read_stream("cup")
    return next(r.event.event_id for r in reversed(records) if type(r.event).__name__ == kind)


def steps(lg: Ledger) -> list[Command | tuple[str, str]]:
    """A competition touching every kind of fact; ("retract"/"forfeit", kind) name
    the last fact of that kind, looked up when the step runs."""
    teams = ("Ashford", "Bexley", "Croydon", "Dover")
    return [
        CreateCompetition(slug="cup", name="Cup", on=D),
        DefinePath(slug="berth", name="Berth", berths=1, confirmed=False, on=D),
        CreateStage(slug="gs", name="Groups", format="group", preset="uefa", on=D),
        CreateStage(slug="ko", name="Knockout", format="knockout", rounds=("Semi", "Final"), on=D),
        EnterTeams(stage="gs", teams=teams, on=D),
        EnterTeams(stage="ko", teams=teams, on=D),
        DefineGroup(stage="gs", group="A", teams=teams, on=D),
        # Before a ball is kicked all four are level: the draw orders them.
        DrawLots(stage="gs", group="A", order=teams, on=D),
        RecordAlias(alias="Ashford Town", team="Ashford", on=D),
        RecordAssumption(subject="cup", assumption="groups as announced", on=D),
        RecordResult(stage="gs", home="Ashford Town", away="Bexley", score=score(1, 1), on=day(7)),
        RecordResult(stage="gs", home="Croydon", away="Dover", score=score(1, 1), on=day(7)),
        # Listed late: a result dated before the last one applied.
        RecordResult(stage="gs", home="Ashford", away="Croydon", score=score(2, 0), on=day(3)),
        RecordCards(fixture="gs-1", team="Bexley", yellow=2, on=day(7)),
        ScheduleFixture(
            stage="ko",
            home=TeamSide("Ashford"),
            away=TeamSide("Bexley"),
            round="Semi",
            fixture="sf1",
            kickoff=day(10),
            on=day(8),
        ),
        ScheduleFixture(
            stage="ko",
            home=TeamSide("Croydon"),
            away=TeamSide("Dover"),
            round="Semi",
            fixture="sf2",
            kickoff=day(10),
            on=day(8),
        ),
        ScheduleFixture(
            stage="ko",
            home=WinnerOf("sf1"),
            away=WinnerOf("sf2"),
            round="Final",
            fixture="final",
            kickoff=day(20),
            on=day(8),
        ),
        RescheduleFixture(fixture="final", kickoff=day(21), reason="pitch", on=day(9)),
        GrantBye(stage="ko", team="Dover", round="Semi", on=day(8)),
        FillSlot(path="berth", slot=WinnerOf("final"), method="cup winner", on=day(8)),
        RecordResult(stage="ko", home="Ashford", away="Bexley", score=score(1, 1), on=day(10)),
        DecideAdvancement(fixture="sf1", team="Bexley", method="unknown", on=day(11)),
        RecordResult(stage="ko", home="Croydon", away="Dover", score=score(3, 0), on=day(10)),
        CorrectResult(target="sf2", score=score(0, 3), reason="report", on=day(12)),
        VoidResult(target="sf2", reason="replay", on=day(13)),
        RecordResult(stage="ko", home="Croydon", away="Dover", score=score(2, 1), on=day(14)),
        ("forfeit", "ResultRecorded"),
        ("forfeit", "ForfeitAwarded"),
        DeclareQualifier(path="berth", team="Elmstead", method="wildcard", on=day(16)),
        ConfirmBerths(path="berth", berths=2, on=day(16)),
        ChangeBerths(path="berth", berths=3, confirmed=False, on=day(17)),
        DeclineBerth(path="berth", team="Elmstead", reason="no travel", on=day(18)),
        ReallocateBerth(path="berth", from_team="Elmstead", to_team="Farleigh", on=day(18)),
        ("retract", "BerthReallocated"),
        WithdrawTeam(stage="gs", team="Dover", reason="folded", on=day(19)),
    ]


def resolve(lg: Ledger, step: Command | tuple[str, str]) -> Command:
    if isinstance(step, Command):
        return step
    what, kind = step
    target = last_id(lg, kind)
    if what == "retract":
        return Retract(target=target, reason="mistaken", on=day(19))
    winner = "Dover" if kind == "ResultRecorded" else "Croydon"
    return AwardForfeit(
        fixture="sf2", winner=winner, reason="ineligible", supersedes=target, on=day(16)
    )


def fresh(lg: Ledger, slug: str) -> CompetitionState:
    return fold(lg.store.read_stream(slug))


def test_the_kept_state_equals_a_fresh_fold_after_every_kind_of_fact(ledger_url: str) -> None:
    with ledger.open(ledger_url, read_models=_read_db(ledger_url)) as lg:
        checked = 0
        for step in steps(lg):
            command = resolve(lg, step)
            try:
                lg.execute(command, competition="cup")
            except Exception as exc:  # pragma: no cover - the message names the step
                raise AssertionError(f"{command!r} was refused: {exc}") from exc
            assert lg.state("cup") == fresh(lg, "cup"), command
            checked += 1
        assert checked == len(steps(lg))


def test_another_process_starts_from_the_snapshot_and_agrees(ledger_url: str) -> None:
    read_db = _read_db(ledger_url)
    with ledger.open(ledger_url, read_models=read_db) as lg:
        for step in steps(lg)[:12]:
            lg.execute(resolve(lg, step), competition="cup")
    with ledger.open(ledger_url, read_models=read_db) as lg:
        # The snapshot is at the head: used as it is.
        assert lg.state("cup") == fresh(lg, "cup")
        lg.auto_catch_up = False
        for step in steps(lg)[12:20]:
            lg.execute(resolve(lg, step), competition="cup")
    with ledger.open(ledger_url, read_models=read_db) as lg:
        # The snapshot is behind: the later facts are applied to it.
        assert lg.state("cup") == fresh(lg, "cup")


def test_the_bundled_2014_ledger_kept_as_built_equals_its_fold(tmp_path: Path) -> None:
    with ledger.open(str(tmp_path / "usoc.db")) as lg:
        run_script(lg, bundled_text(), filename="bundled")
        assert lg.state("usoc-2014") == fresh(lg, "usoc-2014")
    with ledger.open(str(tmp_path / "usoc.db")) as lg:
        assert lg.state("usoc-2014") == fresh(lg, "usoc-2014")


def _read_db(url: str) -> str | None:
    if url.startswith("postgres"):
        import tempfile

        return str(Path(tempfile.mkdtemp()) / "read.db")
    return None


@pytest.fixture(autouse=True)
def _no_stray_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEDGER_READ_DB", raising=False)


def test_a_snapshot_of_another_ledger_is_never_used(tmp_path: Path) -> None:
    """Two ledgers with a competition of the same name and length share one
    read-model file: each still decides on its own events."""
    shared = str(tmp_path / "read.db")
    for name, winner_goals in (("a", 2), ("b", 5)):
        with ledger.open(str(tmp_path / f"{name}.db"), read_models=shared) as lg:
            lg.execute(
                CreateCompetition(slug="cup", name="Cup", on=D),
                CreateStage(slug="gs", name="Groups", format="group", on=D),
                EnterTeams(stage="gs", teams=("Ashford", "Bexley"), on=D),
                RecordResult(
                    stage="gs",
                    home="Ashford",
                    away="Bexley",
                    score=score(winner_goals, 0),
                    on=day(1),
                ),
            )
    for name in ("a", "b"):
        with ledger.open(str(tmp_path / f"{name}.db"), read_models=shared) as lg:
            assert lg.state("cup") == fresh(lg, "cup")

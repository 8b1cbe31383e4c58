"""The Python API end to end: `ledger.open`, `execute` of command structs, the reads.

Run on a SQLite file and on PostgreSQL. The rows the API returns are compared
with what the `ledger` console script prints with --json for the same ledger.
Every expected value below is worked out by hand from the commands executed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

import ledger
from events.base import Goals, Score, TeamSide, WinnerOf
from ledger.commands import (
    CorrectResult,
    CreateCompetition,
    CreateStage,
    DecideAdvancement,
    DeclareQualifier,
    DefineGroup,
    DefinePath,
    EnterTeams,
    FillSlot,
    RecordResult,
    ScheduleFixture,
)
from ledger.errors import Contradicts, UnknownTeam
from ledger.service import Ledger

REPO = Path(__file__).resolve().parent.parent
LEDGER_SCRIPT = Path(sys.executable).parent / "ledger"

README_EXAMPLE = """\
import datetime as dt

import ledger
from events.base import Goals, Score
from ledger.commands import CreateCompetition, CreateStage, EnterTeams, RecordResult

day = dt.date(2025, 3, 1)
with ledger.open("league.db") as lg:
    lg.execute(
        CreateCompetition(slug="spring-league", name="Spring League", on=day),
        CreateStage(slug="table", name="League table", format="group", on=day),
        EnterTeams(stage="table", teams=("Harbor City", "Mill Town", "Old Quarry"), on=day),
        RecordResult(
            stage="table",
            home="Harbor City",
            away="Mill Town",
            score=Score(regulation=Goals(2, 0)),
            on=dt.date(2025, 3, 8),
        ),
        RecordResult(
            stage="table",
            home="Mill Town",
            away="Old Quarry",
            score=Score(regulation=Goals(1, 1)),
            on=dt.date(2025, 3, 15),
        ),
    )
    for row in lg.standings("table"):
        print(row.position, row.team, row.played, row.goal_difference, row.points)
"""

D0 = dt.date(2025, 3, 1)  # the competition, its paths, stages and entries
MAR2, MAR4, MAR6 = dt.date(2025, 3, 2), dt.date(2025, 3, 4), dt.date(2025, 3, 6)  # group A
SEMIS = dt.date(2025, 3, 8)
FINAL = dt.date(2025, 3, 15)
DECIDED = dt.date(2025, 3, 16)  # the association names the finalist that went through

GROUP = ("Harbor City", "Mill Town", "Old Quarry")
CUP = ("Alpha FC", "Beta United", "Gamma Town", "Delta Rovers")


def score(home: int, away: int) -> Score:
    return Score(regulation=Goals(home, away))


# --- one ledger per test, on SQLite and on PostgreSQL ---------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "cup.db")
    pg_url = request.getfixturevalue("pg_url")
    assert isinstance(pg_url, str)
    return pg_url


@pytest.fixture
def lg(url: str, tmp_path: Path) -> Iterator[Ledger]:
    opened = ledger.open(url, read_models=str(tmp_path / "read-models.db"))
    yield opened
    opened.close()


def cli_json(url: str, tmp_path: Path, *args: str) -> tuple[Any, str]:
    """Run the `ledger` console script with --json; its output parsed, and as printed."""
    where = ["--database-url", url] if url.startswith("postgres") else ["--db", url]
    env = {**os.environ, "LEDGER_READ_DB": str(tmp_path / "cli-read-models.db")}
    done = subprocess.run(
        [str(LEDGER_SCRIPT), *where, *args, "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stdout


def as_json(data: Any) -> Any:
    return json.loads(msgspec.json.encode(data))


def printed(data: Any) -> str:
    """`data` as `ledger ... --json` prints it."""
    return msgspec.json.format(msgspec.json.encode(data), indent=2).decode() + "\n"


# --- the Valley Cup ---------------------------------------------------------------------------
#
# Group stage, group A (points, goal difference, goals scored):
#   2 Mar  Harbor City 2-0 Mill Town
#   4 Mar  Mill Town   1-1 Old Quarry
#   6 Mar  Old Quarry  0-3 Harbor City
# Knockout: sf1 Alpha FC v Beta United, sf2 Gamma Town v Delta Rovers (8 Mar),
# final winner of sf1 v winner of sf2 (15 Mar). The State Cup berth goes to the
# winner of the final; the Regional Cup names Harbor City, not yet confirmed.


def build_cup(lg: Ledger) -> None:
    lg.execute(
        CreateCompetition(slug="valley-cup", name="Valley Cup", season="2025", on=D0),
        DefinePath(slug="state-cup", name="State Cup", berths=1, on=D0),
        DefinePath(slug="regional", name="Regional Cup", berths=1, on=D0),
        CreateStage(
            slug="groups", name="Group stage", format="group", preset="points-gd-gf", on=D0
        ),
        EnterTeams(stage="groups", teams=GROUP, on=D0),
        DefineGroup(stage="groups", group="A", teams=GROUP, on=D0),
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
            kickoff=SEMIS,
            on=D0,
        ),
        ScheduleFixture(
            stage="ko",
            round="Semi-finals",
            fixture="sf2",
            home=TeamSide("Gamma Town"),
            away=TeamSide("Delta Rovers"),
            kickoff=SEMIS,
            on=D0,
        ),
        ScheduleFixture(
            stage="ko",
            round="Final",
            fixture="final",
            home=WinnerOf("sf1"),
            away=WinnerOf("sf2"),
            kickoff=FINAL,
            on=D0,
        ),
        FillSlot(path="state-cup", slot=WinnerOf("final"), method="Valley Cup winner", on=D0),
        DeclareQualifier(
            path="regional",
            team="harbor city",
            method="Group A winner",
            provisional=True,
            on=D0,
        ),
    )
    lg.execute(
        RecordResult(
            stage="groups",
            home="Harbor City",
            away="Mill Town",
            score=score(2, 0),
            on=MAR2,
        ),
        RecordResult(
            stage="groups",
            home="Mill Town",
            away="Old Quarry",
            score=score(1, 1),
            on=MAR4,
        ),
        RecordResult(
            stage="groups",
            home="Old Quarry",
            away="Harbor City",
            score=score(0, 3),
            on=MAR6,
        ),
        RecordResult(stage="ko", home="Alpha FC", away="Beta United", score=score(2, 1), on=SEMIS),
        RecordResult(
            stage="ko", home="Gamma Town", away="Delta Rovers", score=score(0, 3), on=SEMIS
        ),
        RecordResult(stage="ko", home="Alpha FC", away="Delta Rovers", score=score(1, 1), on=FINAL),
    )


def decide_final(lg: Ledger) -> str:
    """The drawn final: the association says Delta Rovers went through, not how."""
    (recorded,) = lg.execute(
        DecideAdvancement(
            fixture="final",
            team="Delta Rovers",
            method="unknown",
            source="Valley FA announcement",
            on=DECIDED,
        )
    )
    return recorded.event.event_id


def table(lg: Ledger, **when: Any) -> list[tuple[Any, ...]]:
    return [
        (
            r.position,
            r.team,
            r.played,
            r.won,
            r.drawn,
            r.lost,
            r.goals_for,
            r.goals_against,
            r.goal_difference,
            r.points,
        )
        for r in lg.standings("Group stage", **when)
    ]


# Harbor City: 2-0, 3-0 = 2W, goals 5-0, 6 points. Mill Town: 0-2, 1-1 = 1D 1L,
# goals 1-3, 1 point. Old Quarry: 1-1, 0-3 = 1D 1L, goals 1-4, 1 point; level on
# points with Mill Town, below it on goal difference (-3 against -2).
GROUP_TABLE = [
    (1, "Harbor City", 2, 2, 0, 0, 5, 0, 5, 6),
    (2, "Mill Town", 2, 0, 1, 1, 1, 3, -2, 1),
    (3, "Old Quarry", 2, 0, 1, 1, 1, 4, -3, 1),
]


# --- the tests --------------------------------------------------------------------------------


def test_group_standings(lg: Ledger) -> None:
    build_cup(lg)
    assert table(lg) == GROUP_TABLE
    rows = lg.standings("groups")
    assert {r.group for r in rows} == {"A"}
    assert all(r.complete for r in rows)  # all three games played
    assert [r.shared_with for r in rows] == [[], [], []]
    # As of 4 March only the first two games count: Harbor City 3 points (2-0),
    # Mill Town 1-1 with Old Quarry after losing 0-2.
    assert table(lg, as_of=MAR4) == [
        (1, "Harbor City", 1, 1, 0, 0, 2, 0, 2, 3),
        (2, "Old Quarry", 1, 0, 1, 0, 1, 1, 0, 1),
        (3, "Mill Town", 2, 0, 1, 1, 1, 3, -2, 1),
    ]


def test_drawn_final_waits_for_the_decision_then_names_the_winner(lg: Ledger) -> None:
    build_cup(lg)
    before = lg.bracket("ko")
    assert [(m.fixture, m.home, m.away, m.score, m.winner, m.status) for m in before] == [
        ("sf1", "Alpha FC", "Beta United", "2-1", "Alpha FC", "played"),
        ("sf2", "Gamma Town", "Delta Rovers", "0-3", "Delta Rovers", "played"),
        ("final", "Alpha FC", "Delta Rovers", "1-1", None, "awaiting_decision"),
    ]
    (pending,) = [e for e in lg.qualifiers()[1] if e.path == "state-cup"]
    assert (pending.team, pending.status) == (None, "pending")
    assert pending.candidates == ["Alpha FC", "Delta Rovers"]

    decision = decide_final(lg)
    final = lg.bracket("knockout")[-1]
    # The score stays a draw; who went through is a separate fact.
    assert (final.score, final.regulation, final.penalties) == ("1-1", Goals(1, 1), None)
    assert (final.winner, final.status, final.decided_by) == ("Delta Rovers", "played", decision)
    assert "does not say how" in final.how
    assert decision in final.events
    (stage,) = [s for s in lg.stages() if s.slug == "ko"]
    assert (stage.status, stage.winner, stage.played, stage.fixtures) == (
        "complete",
        "Delta Rovers",
        3,
        3,
    )


def test_qualifiers_and_audit(lg: Ledger) -> None:
    build_cup(lg)
    decision = decide_final(lg)
    summaries, entries = lg.qualifiers()
    assert [(s.path, s.berths, s.entries, s.decided, s.pending) for s in summaries] == [
        ("state-cup", 1, 1, 1, 0),
        ("regional", 1, 1, 1, 0),
    ]
    assert [(e.path, e.team, e.status, e.method) for e in entries] == [
        ("state-cup", "Delta Rovers", "confirmed", "Valley Cup winner"),
        ("regional", "Harbor City", "provisional", "Group A winner"),
    ]
    assert decision in entries[0].events
    assert lg.qualifiers(path="Regional Cup")[1] == entries[1:]

    report = lg.audit("delta rovers")
    assert (report.team, report.status, report.open) == ("Delta Rovers", "qualified", [])
    assert [(s.date, s.kind, s.round) for s in report.steps] == [
        (D0, "entry", None),
        (SEMIS, "match", "Semi-finals"),
        (FINAL, "match", "Final"),
        (DECIDED, "advancement", "Final"),
        (None, "status", None),
    ]
    semi, final, advancement = report.steps[1:4]
    assert "Gamma Town 0-3 Delta Rovers: won" in semi.text
    assert "Alpha FC 1-1 Delta Rovers: drew, went through" in final.text
    assert "the method is not given by the source" in advancement.text
    assert advancement.events == [decision]
    assert advancement.sources == ["Valley FA announcement"]
    # The losing finalist's trail ends at the final.
    assert lg.audit("Alpha FC").status == "eliminated"


def test_a_batch_with_one_bad_command_writes_nothing(lg: Ledger) -> None:
    build_cup(lg)
    events_before = lg.store.max_position()
    history_before = lg.history("valley-cup")
    standings_before = lg.standings("groups")
    good = RecordResult(
        stage="groups", home="Harbor City", away="Mill Town", score=score(4, 4), on=FINAL
    )
    with pytest.raises(UnknownTeam, match="Harbor City") as refused:
        lg.execute(
            good,
            RecordResult(
                stage="groups", home="Harbor Town", away="Old Quarry", score=score(1, 0), on=FINAL
            ),
            RecordResult(
                stage="groups", home="Old Quarry", away="Mill Town", score=score(0, 1), on=FINAL
            ),
        )
    assert refused.value.index == 1
    # The second command contradicts the first of its own batch.
    with pytest.raises(Contradicts) as contradicted:
        lg.execute(
            good,
            RecordResult(
                stage="groups", home="Harbor City", away="Mill Town", score=score(0, 0), on=FINAL
            ),
        )
    assert contradicted.value.index == 1
    assert lg.store.max_position() == events_before
    assert lg.history("valley-cup") == history_before
    assert lg.standings("groups") == standings_before
    # The good command alone is written: one fixture and its result.
    assert len(lg.execute(good)) == 2
    assert lg.store.max_position() == events_before + 2
    # Told again, it is on record already: nothing is appended.
    assert lg.execute(good) == []
    assert lg.store.max_position() == events_before + 2


def test_known_at_shows_what_the_ledger_knew_before_a_superseding_fact(lg: Ledger) -> None:
    build_cup(lg)
    decision = decide_final(lg)
    moment = lg.history("valley-cup")[-1].recorded_at
    (group_result,) = [
        r.event.event_id
        for r in lg.history("valley-cup")
        if r.event.occurred_on == MAR2 and type(r.event).__name__ == "ResultRecorded"
    ]
    later = lg.execute(
        # The shoot-out after all: Alpha FC, the home side, won it 5-4.
        DecideAdvancement(
            fixture="final",
            team="Alpha FC",
            method="shootout",
            shootout=Goals(5, 4),
            supersedes=decision[:12],
            source="match report",
            on=DECIDED,
        ),
        # Harbor City 2-0 Mill Town was 2-2.
        CorrectResult(target=group_result[:12], score=score(2, 2), reason="misread", on=DECIDED),
    )
    assert all(r.recorded_at > moment for r in later)
    assert later[0].event.supersedes == decision
    assert later[1].event.supersedes == group_result

    final = lg.bracket("ko")[-1]
    assert (final.winner, final.penalties, final.score) == ("Alpha FC", Goals(5, 4), "1-1")
    assert lg.bracket("ko", known_at=moment)[-1].winner == "Delta Rovers"
    assert [e.team for e in lg.qualifiers(path="state-cup")[1]] == ["Alpha FC"]
    assert [e.team for e in lg.qualifiers(path="state-cup", known_at=moment)[1]] == ["Delta Rovers"]
    assert lg.audit("Delta Rovers").status == "eliminated"
    assert lg.audit("Delta Rovers", known_at=moment).status == "qualified"
    # With 2-2: Harbor City 1W 1D, goals 5-2, 4 points; Mill Town 2D, goals 3-3,
    # 2 points; Old Quarry unchanged.
    assert table(lg) == [
        (1, "Harbor City", 2, 1, 1, 0, 5, 2, 3, 4),
        (2, "Mill Town", 2, 0, 2, 0, 3, 3, 0, 2),
        (3, "Old Quarry", 2, 0, 1, 1, 1, 4, -3, 1),
    ]
    assert table(lg, known_at=moment) == GROUP_TABLE


def test_api_rows_are_what_the_cli_prints(lg: Ledger, url: str, tmp_path: Path) -> None:
    build_cup(lg)
    decision = decide_final(lg)
    moment = lg.history("valley-cup")[-1].recorded_at
    lg.execute(
        DecideAdvancement(
            fixture="final",
            team="Alpha FC",
            method="shootout",
            shootout=Goals(5, 4),
            supersedes=decision,
            on=DECIDED,
        )
    )
    lg.close()  # the CLI opens the same ledger on its own
    reader = ledger.open(url, read_models=str(tmp_path / "again.db"))
    with contextlib.closing(reader):
        stamp = moment.isoformat()
        for args, rows in [
            (("stages",), reader.stages()),
            (("standings", "group stage"), reader.standings("group stage")),
            (("qualifiers",), reader.qualifiers()[1]),
            (("qualifiers", "--known-at", stamp), reader.qualifiers(known_at=moment)[1]),
            (("audit", "Delta Rovers"), reader.audit("Delta Rovers")),
            (
                ("audit", "Delta Rovers", "--known-at", stamp),
                reader.audit("Delta Rovers", known_at=moment),
            ),
        ]:
            data, text = cli_json(url, tmp_path, *args)
            assert data == as_json(rows), args
            assert text == printed(rows), args
        data, _ = cli_json(url, tmp_path, "bracket", "ko")
        assert data["matches"] == as_json(reader.bracket("ko"))
        assert data["champion"] == "Alpha FC"
        data, _ = cli_json(url, tmp_path, "bracket", "ko", "--known-at", stamp)
        assert data["matches"] == as_json(reader.bracket("ko", known_at=moment))
        assert data["champion"] == "Delta Rovers"


def test_readme_example_runs_as_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(README_EXAMPLE, "README example", "exec"), {"__name__": "__main__"})
    # Harbor City 2-0 Mill Town, Mill Town 1-1 Old Quarry: Harbor City 3 points,
    # Old Quarry 1 (goal difference 0), Mill Town 1 (goal difference -2).
    assert capsys.readouterr().out == (
        "1 Harbor City 1 2 3\n2 Old Quarry 1 0 1\n3 Mill Town 2 -2 1\n"
    )
    assert (tmp_path / "league.db").exists()
    assert len(README_EXAMPLE.strip().splitlines()) <= 30


def test_the_readme_shows_this_example() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```python\n")[1:]
    shown = [block.split("```", 1)[0] for block in blocks]
    assert README_EXAMPLE in shown

"""The bundled 2014 U.S. Open Cup qualification against values worked out from the article."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlite_utils

from projections.readmodel import dump
from tests.conftest import Cli


def read(cli: Cli, *args: str) -> Any:
    return json.loads(cli(*args, "--json").stdout)


def played(cli: Cli, stage: str) -> list[tuple[str, str, str, str, str | None]]:
    """(round, home, score, away, winner) of every played match of a stage."""
    return [
        (m["round"], m["home"], m["score"], m["away"], m["winner"])
        for m in read(cli, "bracket", stage)["matches"]
        if m["status"] == "played"
    ]


def test_southwest_conference_byes_and_champion(demo_cli: Cli) -> None:
    bracket = read(demo_cli, "bracket", "Southwest Conference")
    byes = sorted(m["home"] for m in bracket["matches"] if m["status"] == "bye")
    assert byes == ["FC Hasental", "San Diego Flash"]
    assert played(demo_cli, "swc") == [
        ("First round", "Temecula FC", "2-5", "FC Force", "FC Force"),
        ("First round", "FC Santa Clarita", "1-0", "Del Rey City SC", "FC Santa Clarita"),
        ("Semi-finals", "FC Hasental", "6-1", "FC Santa Clarita", "FC Hasental"),
        ("Semi-finals", "San Diego Flash", "3-0", "FC Force", "San Diego Flash"),
        ("Final", "San Diego Flash", "2-1", "FC Hasental", "San Diego Flash"),
    ]
    assert bracket["champion"] == "San Diego Flash"


def test_golden_gate_play_in_scorers_and_undecided_draw(demo_cli: Cli) -> None:
    bracket = read(demo_cli, "bracket", "ggc")
    play_in = next(m for m in bracket["matches"] if m["round"] == "Play-in")
    assert (play_in["home"], play_in["score"], play_in["away"]) == (
        "Sonoma County Sol",
        "2-1",
        "Sacramento Gold",
    )
    final = next(m for m in bracket["matches"] if m["round"] == "Final")
    # A 1-1 draw stays a draw; who went through is a separate decision.
    assert final["regulation"] == [1, 1] and final["penalties"] is None
    assert final["winner"] == "CD Aguiluchos USA"
    assert "the source does not say how" in final["how"]
    log = read(demo_cli, "log")
    scorers = next(
        e["event"]["scorers"]
        for e in log
        if e["type"] == "result_recorded" and e["event"]["fixture"] == "ggc-playin"
    )
    assert [(g["side"], g["player"], g["minute"]) for g in scorers] == [
        ("home", "Eric Larson", 14),
        ("home", "Tyler Hurst", 48),
        ("away", "Jose Martinez", 24),
    ]
    decision = next(e for e in log if e["type"] == "advancement_decided")
    assert decision["event"]["method"] == "unknown" and decision["event"]["source"]


def test_northwest_and_playoff_champions(demo_cli: Cli) -> None:
    assert read(demo_cli, "bracket", "nwc")["champion"] == "Spartans Futbol Club"
    playoff = read(demo_cli, "bracket", "west-playoff")
    assert playoff["champion"] == "CD Aguiluchos USA"
    assert played(demo_cli, "west-playoff") == [
        ("Final", "CD Aguiluchos USA", "2-1", "Spartans Futbol Club", "CD Aguiluchos USA")
    ]


def test_the_full_qualifier_list(demo_cli: Cli) -> None:
    entries = read(demo_cli, "qualifiers")
    by_path: dict[str, list[tuple[str | None, str]]] = {}
    for e in entries:
        by_path.setdefault(e["path"], []).append((e["team"], e["status"]))
    npsl = dict(by_path["npsl"])
    # Nine named regional qualifiers plus the two West brackets' champions.
    assert len(npsl) == 11 and set(npsl.values()) == {"confirmed"}
    assert npsl["San Diego Flash"] == npsl["CD Aguiluchos USA"] == "confirmed"
    usasa = by_path["usasa"]
    # Ten teams for eight berths whose allocation U.S. Soccer has not confirmed.
    assert len(usasa) == 10 and {s for _, s in usasa} == {"provisional"}
    assert all(e["oversubscribed"] for e in entries if e["path"] == "usasa")
    assert by_path["usssa"] == [("Colorado Rovers", "confirmed")]
    club = next(e for e in entries if e["path"] == "us-club-soccer")
    assert (club["team"], club["status"]) == (None, "pending")
    assert club["candidates"] == ["Juventus SC Black 93", "Chivas USA U23s", "Corinthians USA"]
    assert any("entries still open" in o for o in club["open"])
    assert {"mls", "nasl", "usl-pro"}.isdisjoint(by_path)


def test_replay_to_the_day_before_and_after_each_final(demo_cli: Cli) -> None:
    def champion(stage: str, day: str) -> str | None:
        return read(demo_cli, "bracket", stage, "--as-of", day)["champion"]

    assert champion("swc", "2014-03-14") is None
    assert champion("swc", "2014-03-15") == "San Diego Flash"
    assert champion("nwc", "2014-03-12") is None
    assert champion("nwc", "2014-03-13") == "Spartans Futbol Club"
    assert champion("usssa-final", "2014-03-15") is None
    assert champion("usssa-final", "2014-03-16") == "Colorado Rovers"
    before = read(demo_cli, "qualifiers", "--as-of", "2014-03-15", "--path", "npsl")
    pending = [e for e in before if e["status"] == "pending"]
    assert [e["candidates"] for e in pending] == [["CD Aguiluchos USA", "Spartans Futbol Club"]]


def test_export_then_import_gives_the_same_log_and_read_models(
    demo_cli: Cli, tmp_path: Path
) -> None:
    export = tmp_path / "usoc.jsonl"
    demo_cli("export", str(export))
    copy = Cli(str(tmp_path / "copy.db"))
    copy("import", str(export))
    assert copy.log() == demo_cli.log()
    copy("verify")
    original = sqlite_utils.Database(demo_cli.url)
    copied = sqlite_utils.Database(copy.url)
    assert dump(copied) == dump(original)
    again = copy("import", str(export))
    assert "nothing appended" in again.stdout
    assert copy.log() == demo_cli.log()


def test_diff_after_a_correction_names_the_rows_and_the_correcting_event(
    demo_cli: Cli,
) -> None:
    log = read(demo_cli, "log")
    stamp = log[-1]["recorded_at"]
    result = next(
        e for e in log if e["type"] == "result_recorded" and e["event"]["fixture"] == "usssa-sf-1"
    )
    # Suppose the referee's report shows FC Denver won the semi-final 2-1.
    demo_cli(
        "correct",
        result["event_id"][:10],
        "Colorado Rovers 1-2 FC Denver",
        "--reason",
        "referee's report",
        "--on",
        "2014-03-17",
    )
    correction = read(demo_cli, "log")[-1]
    changes = read(demo_cli, "diff", "--known-at", stamp)["changes"]
    keys = {(c["kind"], c["key"]) for c in changes}
    assert ("bracket", "usssa-final/usssa-sf-1") in keys
    assert ("bracket", "usssa-final/usssa-final-1") in keys  # the final's away side moved
    assert ("qualifier", "usssa/winner of USSSA championship stage") in keys
    for change in changes:
        assert change["events"] == [correction["event_id"]], change["key"]
    qualifier = next(c for c in changes if c["kind"] == "qualifier")
    # KC Athletics 0-1 Colorado Rovers was the final; with FC Denver now in it the
    # final's away side is FC Denver, who has not played it: the berth is pending.
    assert qualifier["before"]["team"] == "Colorado Rovers"
    assert qualifier["after"]["status"] == "pending"

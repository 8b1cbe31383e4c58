"""Formats out: Football.TXT, CSV and Wikipedia-style text, each read back or
checked against the ledger's own `--json` reads."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

DATA = Path(__file__).resolve().parent / "data"
MATCH_KEYS = ("round", "home_team", "away_team", "score", "winner", "status", "how")


def load(cli: Cli, *args: str) -> Any:
    return json.loads(cli(*args, "--json").stdout)


# Which places "matter" for clinching depends on the slots later stages take from
# a group; a Football.TXT file names knockout teams, not group places, so those
# marks are compared apart from the table itself.
OUTLOOK = {"clinched", "eliminated", "best_position", "worst_position"}


def tables(cli: Cli, by: str = "slug") -> dict[str, list[dict[str, Any]]]:
    return {
        s[by]: [
            {k: v for k, v in r.items() if k != "stage" and k not in OUTLOOK}
            for r in load(cli, "standings", s["slug"])
        ]
        for s in load(cli, "stages")
        if s["format"] == "group"
    }


def brackets(
    cli: Cli, by: str = "slug", keys: tuple[str, ...] = MATCH_KEYS
) -> dict[str, tuple[Any, list[tuple[Any, ...]]]]:
    out = {}
    for s in load(cli, "stages"):
        if s["format"] == "knockout":
            data = load(cli, "bracket", s["slug"])
            matches = sorted(tuple(str(m[k]) for k in keys) for m in data["matches"])
            out[s[by]] = (data["champion"], matches)
    return out


def round_trip(cli: Cli, fmt: str, tmp_path: Path) -> Cli:
    out = tmp_path / f"export.{fmt}"
    cli("export", str(out), "--format", fmt)
    back = Cli(str(tmp_path / f"back-{fmt}.db"))
    back("import", str(out))
    return back


@pytest.fixture
def euro(sqlite_cli: Cli) -> Cli:
    sqlite_cli("import", str(DATA / "euro2016.txt"))
    return sqlite_cli


def test_football_txt_of_euro_2016_reads_back_to_identical_tables_and_brackets(
    euro: Cli, tmp_path: Path
) -> None:
    back = round_trip(euro, "football.txt", tmp_path)
    assert tables(back) == tables(euro)
    assert brackets(back) == brackets(euro)
    assert full_brackets(back) == full_brackets(euro)
    assert stage_shapes(back) == stage_shapes(euro)
    # The knockout sides are named teams on both sides here, so even the scenario
    # marks come back equal.
    assert [load(back, "standings", "groups")] == [load(euro, "standings", "groups")]


# Ids of events and fixtures are the ledger's own; everything else a bracket says
# about a match must come back.
IDS = {"stage", "fixture", "decided_by", "events"}


def full_brackets(cli: Cli) -> dict[str, dict[str, Any]]:
    out = {}
    for s in load(cli, "stages"):
        if s["format"] == "knockout":
            data = load(cli, "bracket", s["slug"])
            matches = sorted(
                json.dumps({k: v for k, v in m.items() if k not in IDS}, sort_keys=True)
                for m in data["matches"]
            )
            out[s["slug"]] = {
                "name": data["name"],
                "rounds": data["rounds"],
                "champion": data["champion"],
                "matches": matches,
            }
    return out


def stage_shapes(cli: Cli) -> list[tuple[Any, ...]]:
    return [
        (s["slug"], s["name"], s["format"], s["rounds"], s["feeds_from"], s["status"], s["winner"])
        for s in load(cli, "stages")
    ]


def test_football_txt_of_the_2014_ledger_reads_back_to_identical_tables_and_brackets(
    demo_cli: Cli, tmp_path: Path
) -> None:
    """One `# stage:` section per stage: the five conference and USSSA brackets come
    back apart, each with its byes, 50-minute games, champion and, for the Golden
    Gate final, the advancement whose method the source does not give, decided by
    the same source; the US Club Soccer play-in comes back waiting for the NorCal
    winner. Only the scenario marks of the USSSA tables differ: the file names the
    teams of the played semi-finals, not the group places they came from."""
    text_file = tmp_path / "usoc.txt"
    demo_cli("export", str(text_file), "--format", "football.txt")
    text = text_file.read_text(encoding="utf-8")
    back = Cli(str(tmp_path / "back.db"))
    back("import", str(text_file))
    assert stage_shapes(back) == stage_shapes(demo_cli)
    assert tables(back) == tables(demo_cli)
    assert full_brackets(back) == full_brackets(demo_cli)
    log = {e["event_id"]: e for e in load(demo_cli, "log")}
    log_back = {e["event_id"]: e for e in load(back, "log")}
    for s in load(demo_cli, "stages"):
        for m in load(demo_cli, "bracket", s["slug"])["matches"]:
            decision = log.get(m["decided_by"] or "")
            if decision and decision["event"].get("method") == "unknown":
                source = decision["event"]["source"]
                assert f"# advanced: {m['winner']} (method unknown; source: {source})" in text
                mine = load(back, "bracket", s["slug"])["matches"]
                again = next(b for b in mine if (b["home"], b["away"]) == (m["home"], m["away"]))
                event = log_back[again["decided_by"]]["event"]
                assert (event["method"], event["source"]) == ("unknown", source)
            if m["match_minutes"] != 90 and m["status"] == "played":
                assert f"{m['match_minutes']}-minute match" in text
            if m["status"] == "bye":
                assert f"# bye: {m['home']} through the {m['round']}" in text


def test_csv_results_have_one_row_per_match_with_every_score_apart(
    euro: Cli, tmp_path: Path
) -> None:
    rows = list(csv.DictReader(io.StringIO(euro("export", "--format", "csv").stdout)))
    matches = [m for s in load(euro, "stages") for m in load(euro, "bracket", s["slug"])["matches"]]
    assert len(rows) == len(matches)
    by_fixture = {r["fixture"]: r for r in rows}
    for m in matches:
        row = by_fixture[m["fixture"]]
        for part, key in (("regulation", ""), ("after_extra_time", "_aet"), ("penalties", "")):
            goals = m[part]
            if part == "penalties":
                pair = (row["home_penalties"], row["away_penalties"])
            else:
                pair = (row[f"home_goals{key}"], row[f"away_goals{key}"])
            assert pair == ((str(goals[0]), str(goals[1])) if goals else ("", ""))
        assert row["status"] == m["status"]
        assert row["winner"] == (m["winner"] or "")
        assert row["source"]


def test_csv_standings_have_one_row_per_team_per_group(euro: Cli) -> None:
    out = euro("export", "--format", "csv", "--table", "standings").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    want = [r for t in tables(euro).values() for r in t]
    assert len(rows) == len(want)
    for got, r in zip(rows, want, strict=True):
        assert (got["group"], got["team"], int(got["position"])) == (
            r["group"],
            r["team"],
            r["position"],
        )
        assert int(got["points"]) == r["points"]
        assert int(got["goal_difference"]) == r["goal_difference"]


def test_the_default_export_is_unchanged_json_lines(demo_cli: Cli, tmp_path: Path) -> None:
    default = demo_cli("export").stdout
    assert demo_cli("export", "--format", "jsonl").stdout == default
    demo_cli("export", str(tmp_path / "out.jsonl"))
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == default
    back = Cli(str(tmp_path / "back.db"))
    back("import", str(tmp_path / "out.jsonl"))
    assert back("export").stdout == default


def test_wikitext_reads_back_to_the_same_tables_brackets_and_qualifiers(
    demo_cli: Cli, tmp_path: Path
) -> None:
    """By name: the importer makes its own slugs from the section titles. US Club
    Soccer, whose tournament and play-in are not played yet, goes out as the
    article's prose and comes back as the same path with its berth pending."""
    back = round_trip(demo_cli, "wikitext", tmp_path)
    assert tables(back, by="name") == tables(demo_cli, by="name")
    # Who went through and how it reads ("the source does not say how") are the
    # importer's words, so matches compare by sides, score, winner and status.
    keys = MATCH_KEYS[:-1]
    ours = brackets(demo_cli, by="name", keys=keys)
    theirs = brackets(back, by="name", keys=keys)
    played = {name: b for name, b in ours.items() if any(m[-1] == "played" for m in b[1])}
    assert {name: theirs.get(name) for name in played} == played

    def entries(cli: Cli) -> list[tuple[Any, ...]]:
        return sorted(
            (e["path_name"], e["team"] or "", e["status"]) for e in load(cli, "qualifiers")
        )

    assert entries(back) == entries(demo_cli)

    def pending(cli: Cli) -> list[tuple[Any, ...]]:
        return sorted(
            (e["path_name"], e["method"], sorted(e["candidates"]), e["berths"])
            for e in load(cli, "qualifiers")
            if e["status"] == "pending"
        )

    assert pending(back) == pending(demo_cli) != []


def test_an_export_format_option_that_does_not_apply_is_refused(demo_cli: Cli) -> None:
    before = demo_cli.log()
    demo_cli.refused("export", "--format", "csv", "--all")
    demo_cli.refused("export", "--as-of", "2014-03-10")
    assert demo_cli.log() == before

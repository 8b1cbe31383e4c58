"""Importing Football.TXT: Euro 2016 tables under each rule preset, and a knockout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli

EURO = Path(__file__).parent / "data" / "euro2016.txt"


def _table(cli: Cli, group: str) -> list[tuple[str, int]]:
    rows = json.loads(cli("standings", "groups", "--json").stdout)
    return [(r["team"], r["points"]) for r in rows if r["group"] == group]


@pytest.mark.parametrize(
    ("rules", "group_e"),
    [
        # Italy and Belgium both 6 points, goal difference +2 each; Italy won their
        # meeting 2-0, Belgium scored more (4 to 3). Head-to-head first puts Italy
        # top (the published UEFA table); overall goals first puts Belgium top.
        ("uefa", ["Italy", "Belgium", "Ireland", "Sweden"]),
        ("fifa-2026", ["Italy", "Belgium", "Ireland", "Sweden"]),
        ("fifa-2018", ["Belgium", "Italy", "Ireland", "Sweden"]),
        ("points-gd-gf", ["Belgium", "Italy", "Ireland", "Sweden"]),
    ],
)
def test_euro_2016_group_e_order_follows_the_rules(
    sqlite_cli: Cli, rules: str, group_e: list[str]
) -> None:
    sqlite_cli("import", str(EURO), "--rules", rules)
    table = _table(sqlite_cli, "E")
    assert [team for team, _ in table] == group_e
    assert [points for _, points in table] == [6, 6, 4, 1]


def test_euro_2016_published_tables(sqlite_cli: Cli) -> None:
    sqlite_cli("import", str(EURO), "--rules", "uefa")
    published = {
        "A": [("France", 7), ("Switzerland", 5), ("Albania", 3), ("Romania", 1)],
        "B": [("Wales", 6), ("England", 5), ("Slovakia", 4), ("Russia", 1)],
        "C": [("Germany", 7), ("Poland", 7), ("Northern Ireland", 3), ("Ukraine", 0)],
        "D": [("Croatia", 7), ("Spain", 6), ("Turkey", 3), ("Czech Republic", 1)],
        "E": [("Italy", 6), ("Belgium", 6), ("Ireland", 4), ("Sweden", 1)],
        "F": [("Hungary", 5), ("Iceland", 5), ("Portugal", 3), ("Austria", 1)],
    }
    for group, expected in published.items():
        assert _table(sqlite_cli, group) == expected, group


def test_euro_2016_knockout_keeps_extra_time_and_penalties_apart(sqlite_cli: Cli) -> None:
    sqlite_cli("import", str(EURO))
    bracket = json.loads(sqlite_cli("bracket", "knockout", "--json").stdout)
    assert bracket["champion"] == "Portugal"
    final = next(m for m in bracket["matches"] if m["round"] == "Final")
    assert final["regulation"] == [0, 0]
    assert final["after_extra_time"] == [1, 0]
    assert final["penalties"] is None
    shootout = next(
        m
        for m in bracket["matches"]
        if {m["home_team"], m["away_team"]} == {"Switzerland", "Poland"}
    )
    # 1-1 after extra time, Poland through 5-4 on penalties: never 6-5.
    assert shootout["after_extra_time"] == [1, 1]
    assert sorted(shootout["penalties"]) == [4, 5]
    assert shootout["winner"] == "Poland"


def test_reimporting_the_same_file_appends_nothing(sqlite_cli: Cli) -> None:
    sqlite_cli("import", str(EURO))
    before = sqlite_cli.log()
    again = sqlite_cli("import", str(EURO))
    assert "nothing appended" in again.stdout
    assert sqlite_cli.log() == before


def test_a_malformed_file_writes_nothing_and_names_the_line(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(
        "= Cup 2020\n\nGroup A  |  FC Tacoma 253   Spartans Futbol Club\n\n"
        "Group A:\n[Mar/1]\n  FC Tacoma 253  2-x  Spartans Futbol Club\n"
    )
    result = sqlite_cli.refused("import", str(bad))
    assert "bad.txt:7" in result.stderr
    # Nothing written: the refused import did not even create the ledger file.
    assert not Path(sqlite_cli.url).exists()


def test_team_names_with_digits_import(sqlite_cli: Cli, tmp_path: Path) -> None:
    cup = tmp_path / "cup.txt"
    cup.write_text(
        "= Cup 2020\n\nGroup A  |  FC Tacoma 253   Spartans Futbol Club   1860 Munich\n\n"
        "Group A:\n[Mar/1]\n  FC Tacoma 253  2-1  Spartans Futbol Club\n"
        "[Mar/8]\n  1860 Munich  0-3  FC Tacoma 253\n"
    )
    sqlite_cli("import", str(cup))
    table = _table(sqlite_cli, "A")
    assert table[0] == ("FC Tacoma 253", 6)


MARKED = """\
= Test Cup 2014

# stage: north | North Conference | knockout | rounds: Semi-finals, Final
▪ Semi-finals
2014-03-01
  Alpha  2-0  Beta   # fixture: north-sf-1
  Gamma  1-1  Delta  # 50-minute match
  # advanced: Delta (method unknown; source: article: North)
  # bye: Epsilon through the Semi-finals

# stage: south | South Cup | knockout | rounds: Final | feeds from: north
▪ Final
  W north  v  L north-sf-1
"""


def test_stage_notes_import_as_stages_with_byes_decisions_and_slots(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "marked.txt"
    path.write_text(MARKED, encoding="utf-8")
    sqlite_cli("import", str(path))
    stages = json.loads(sqlite_cli("stages", "--json").stdout)
    assert [(s["slug"], s["name"], s["feeds_from"]) for s in stages] == [
        ("north", "North Conference", []),
        ("south", "South Cup", ["north"]),
    ]
    north = json.loads(sqlite_cli("bracket", "north", "--json").stdout)["matches"]
    by_home = {m["home"]: m for m in north}
    assert by_home["Epsilon"]["status"] == "bye"
    drawn = by_home["Gamma"]
    assert (drawn["winner"], drawn["match_minutes"]) == ("Delta", 50)
    assert "the source does not say how (article: North)" in drawn["how"]
    (final,) = json.loads(sqlite_cli("bracket", "south", "--json").stdout)["matches"]
    assert (final["status"], final["away_team"]) == ("scheduled", "Beta")
    assert final["home"] == "winner of North Conference"

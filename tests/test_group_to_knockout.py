"""Group stages feeding a knockout: slots wait for complete groups, follow corrections,
and never invent an order the rules cannot give. Plus the 2014 USSSA groups and finals.

Every table below is computed by hand from the results in the test (see the comments).
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from click.testing import Result

from tests.conftest import Cli

ON = "2025-03-01"  # the date of every structural fact
DAY1, DAY2, DAY3 = "2025-03-08", "2025-03-15", "2025-03-22"
_RECORDED = re.compile(r"recorded (\w+) ([0-9a-f]{32})")


# --- helpers ------------------------------------------------------------------------------


def run(cli: Cli, line: str) -> Result:
    """One `ledger` command line, quoted as in a shell."""
    return cli(*shlex.split(line))


def read(cli: Cli, *args: str) -> Any:
    return json.loads(cli(*args, "--json").stdout)


def result_id(result: Result) -> str:
    ids = [eid for tag, eid in _RECORDED.findall(result.stdout) if tag == "result_recorded"]
    assert len(ids) == 1, result.stdout
    return ids[0]


def match(data: dict[str, Any], fixture: str) -> dict[str, Any]:
    found = [m for m in data["matches"] if m["fixture"] == fixture]
    assert len(found) == 1
    return found[0]


def sides(data: dict[str, Any], fixture: str) -> tuple[str | None, str | None]:
    m = match(data, fixture)
    return m["home_team"], m["away_team"]


def table(cli: Cli, stage: str, group: str, *args: str) -> list[tuple[Any, ...]]:
    """(position, team, P, W, D, L, GF, GA, GD, Pts) rows of one group, in order."""
    keys = ("position", "team", "played", "won", "drawn", "lost", "goals_for",
            "goals_against", "goal_difference", "points")  # fmt: skip
    rows = read(cli, "standings", stage, *args)
    return [tuple(r[k] for k in keys) for r in rows if r["group"] == group]


def rows_by_team(cli: Cli, stage: str, *args: str) -> dict[str, dict[str, Any]]:
    return {r["team"]: r for r in read(cli, "standings", stage, *args)}


SETUP = f"""
new league-cup-2025 --name "League Cup 2025" --on {ON}
path regional --name "Regional berth" --berths 1 --on {ON}
stage gs --name "Group stage" --format group --path regional --on {ON}
enter gs Ashford Bexley Croydon Dulwich Enfield "Fulham Park" Greenwich Hackney --on {ON}
group gs A Ashford Bexley Croydon Dulwich --on {ON}
group gs B Enfield "Fulham Park" Greenwich Hackney --on {ON}
stage ko --name Knockout --format knockout --path regional --rounds "Semi-finals,Final" \
  --feeds-from gs --on {ON}
schedule ko group:gs:A:1 group:gs:B:2 --round Semi-finals --fixture ko-sf-1 \
  --kickoff 2025-03-29 --on {ON}
schedule ko group:gs:B:1 group:gs:A:2 --round Semi-finals --fixture ko-sf-2 \
  --kickoff 2025-03-29 --on {ON}
schedule ko winner:ko-sf-1 winner:ko-sf-2 --round Final --fixture ko-final \
  --kickoff 2025-04-05 --on {ON}
slot regional champion:ko --method "League Cup winner" --on {ON}
"""


def setup(cli: Cli) -> None:
    """Two groups of four; 1st A v 2nd B and 1st B v 2nd A in the semi-finals."""
    for line in SETUP.splitlines():
        if line.strip():
            run(cli, line)


# Group A (all six games):
#   Ashford 2-0 Bexley, Croydon 1-1 Dulwich, Ashford 1-1 Croydon,
#   Bexley 3-1 Dulwich, Dulwich 0-2 Ashford, Bexley 0-1 Croydon
#   Ashford: W 2-0, D 1-1, W 2-0 -> 7 pts, 5-1, +4
#   Croydon: D 1-1, D 1-1, W 1-0 -> 5 pts, 3-2, +1
#   Bexley:  L 0-2, W 3-1, L 0-1 -> 3 pts, 3-4, -1
#   Dulwich: D 1-1, L 1-3, L 0-2 -> 1 pt,  2-6, -4
GROUP_A_RESULTS = (
    ("Ashford 2-0 Bexley", DAY1),
    ("Croydon 1-1 Dulwich", DAY1),
    ("Ashford 1-1 Croydon", DAY2),
    ("Bexley 3-1 Dulwich", DAY2),
    ("Dulwich 0-2 Ashford", DAY3),
    ("Bexley 0-1 Croydon", DAY3),
)
GROUP_A_TABLE = [
    (1, "Ashford", 3, 2, 1, 0, 5, 1, 4, 7),
    (2, "Croydon", 3, 1, 2, 0, 3, 2, 1, 5),
    (3, "Bexley", 3, 1, 0, 2, 3, 4, -1, 3),
    (4, "Dulwich", 3, 0, 1, 2, 2, 6, -4, 1),
]

# Group B, all but the last game (Fulham Park 1-0 Greenwich on DAY3):
#   Enfield 3-0 Fulham Park, Greenwich 2-1 Hackney, Enfield 0-1 Greenwich,
#   Fulham Park 2-2 Hackney, Hackney 0-4 Enfield
GROUP_B_FIRST_FIVE = (
    ("Enfield 3-0 Fulham Park", DAY1),
    ("Greenwich 2-1 Hackney", DAY1),
    ("Enfield 0-1 Greenwich", DAY2),
    ("Fulham Park 2-2 Hackney", DAY2),
    ("Hackney 0-4 Enfield", DAY3),
)
GROUP_B_LAST = ("Fulham Park 1-0 Greenwich", DAY3)
# With all six:
#   Enfield:     W 3-0, L 0-1, W 4-0 -> 6 pts, 7-1, +6
#   Greenwich:   W 2-1, W 1-0, L 0-1 -> 6 pts, 3-2, +1   (2nd: goal difference +1 < +6)
#   Fulham Park: L 0-3, D 2-2, W 1-0 -> 4 pts, 3-5, -2
#   Hackney:     L 1-2, D 2-2, L 0-4 -> 1 pt,  3-8, -5
GROUP_B_TABLE = [
    (1, "Enfield", 3, 2, 0, 1, 7, 1, 6, 6),
    (2, "Greenwich", 3, 2, 0, 1, 3, 2, 1, 6),
    (3, "Fulham Park", 3, 1, 1, 1, 3, 5, -2, 4),
    (4, "Hackney", 3, 0, 1, 2, 3, 8, -5, 1),
]


def record_all(cli: Cli, results: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {line: result_id(cli("record", "gs", line, "--on", day)) for line, day in results}


# --- slots wait for complete groups ---------------------------------------------------------


def test_group_slots_stay_open_until_every_group_fixture_is_played(sqlite_cli: Cli) -> None:
    setup(sqlite_cli)
    data = read(sqlite_cli, "bracket", "ko")
    assert match(data, "ko-sf-1")["home"] == "Group stage A, 1st"
    assert match(data, "ko-sf-1")["away"] == "Group stage B, 2nd"
    assert sides(data, "ko-sf-1") == (None, None)

    record_all(sqlite_cli, GROUP_A_RESULTS)
    record_all(sqlite_cli, GROUP_B_FIRST_FIVE)
    # Group A is complete and resolves; group B lacks one game. Its table already has an
    # order (Enfield 6 pts +6, Greenwich 6 pts +2, ...), but one game can still change it:
    # nothing in B is resolved.
    data = read(sqlite_cli, "bracket", "ko")
    assert sides(data, "ko-sf-1") == ("Ashford", None)
    assert match(data, "ko-sf-1")["away"] == "Group stage B, 2nd"
    assert sides(data, "ko-sf-2") == (None, "Croydon")
    assert match(data, "ko-sf-2")["home"] == "Group stage B, 1st"
    completeness = {(r["group"], r["complete"]) for r in read(sqlite_cli, "standings", "gs")}
    assert completeness == {("A", True), ("B", False)}
    assert table(sqlite_cli, "gs", "A") == GROUP_A_TABLE
    gs = next(r for r in read(sqlite_cli, "stages") if r["slug"] == "gs")
    # 6 + 5 of 12 group games played.
    assert (gs["fixtures"], gs["played"], gs["status"]) == (11, 11, "in progress")

    sqlite_cli("record", "gs", GROUP_B_LAST[0], "--on", GROUP_B_LAST[1])
    assert table(sqlite_cli, "gs", "B") == GROUP_B_TABLE
    data = read(sqlite_cli, "bracket", "ko")
    # 1st A v 2nd B, 1st B v 2nd A.
    assert sides(data, "ko-sf-1") == ("Ashford", "Greenwich")
    assert sides(data, "ko-sf-2") == ("Enfield", "Croydon")
    assert match(data, "ko-sf-1")["home"] == "Ashford"
    assert rows_by_team(sqlite_cli, "gs")["Enfield"]["tiebreak"] == (
        "ahead of Greenwich on overall goal difference (Enfield +6, Greenwich +1)"
    )
    gs = next(r for r in read(sqlite_cli, "stages") if r["slug"] == "gs")
    assert gs["status"] == "complete"
    entry = read(sqlite_cli, "qualifiers", "--path", "regional")[0]
    assert entry["status"] == "pending"
    assert sorted(entry["candidates"]) == ["Ashford", "Croydon", "Enfield", "Greenwich"]


def test_correcting_a_group_result_changes_the_order_and_who_reaches_the_knockout(
    sqlite_cli: Cli,
) -> None:
    setup(sqlite_cli)
    record_all(sqlite_cli, GROUP_A_RESULTS)
    ids = record_all(sqlite_cli, (*GROUP_B_FIRST_FIVE, GROUP_B_LAST))
    data = read(sqlite_cli, "bracket", "ko")
    assert sides(data, "ko-sf-1") == ("Ashford", "Greenwich")
    assert sides(data, "ko-sf-2") == ("Enfield", "Croydon")

    # Hackney 0-4 Enfield was in fact 0-0.
    #   Greenwich:   unchanged            -> 6 pts, 3-2, +1
    #   Enfield:     W 3-0, L 0-1, D 0-0  -> 4 pts, 3-1, +2
    #   Fulham Park: unchanged            -> 4 pts, 3-5, -2   (Enfield ahead on +2 > -2)
    #   Hackney:     L 1-2, D 2-2, D 0-0  -> 2 pts, 3-4, -1
    run(
        sqlite_cli,
        f'correct {ids["Hackney 0-4 Enfield"]} "Hackney 0-0 Enfield" '
        '--reason "referee\'s report" --on 2025-03-24',
    )
    assert table(sqlite_cli, "gs", "B") == [
        (1, "Greenwich", 3, 2, 0, 1, 3, 2, 1, 6),
        (2, "Enfield", 3, 1, 1, 1, 3, 1, 2, 4),
        (3, "Fulham Park", 3, 1, 1, 1, 3, 5, -2, 4),
        (4, "Hackney", 3, 0, 2, 1, 3, 4, -1, 2),
    ]
    data = read(sqlite_cli, "bracket", "ko")
    # Greenwich move from 2nd B (away in ko-sf-1) to 1st B (home in ko-sf-2); Enfield the
    # other way round.
    assert sides(data, "ko-sf-1") == ("Ashford", "Enfield")
    assert sides(data, "ko-sf-2") == ("Greenwich", "Croydon")
    # Group A is untouched.
    assert table(sqlite_cli, "gs", "A") == GROUP_A_TABLE
    # Before the correction's date the original table still decides.
    before = read(sqlite_cli, "bracket", "ko", "--as-of", "2025-03-23")
    assert sides(before, "ko-sf-1") == ("Ashford", "Greenwich")


def test_knockout_played_after_groups_crowns_the_champion(sqlite_cli: Cli) -> None:
    setup(sqlite_cli)
    record_all(sqlite_cli, GROUP_A_RESULTS)
    record_all(sqlite_cli, (*GROUP_B_FIRST_FIVE, GROUP_B_LAST))
    run(sqlite_cli, 'record ko "Ashford 2-1 Greenwich" --fixture ko-sf-1 --on 2025-03-29')
    run(sqlite_cli, 'record ko "Enfield 0-1 Croydon" --fixture ko-sf-2 --on 2025-03-29')
    data = read(sqlite_cli, "bracket", "ko")
    assert sides(data, "ko-final") == ("Ashford", "Croydon")
    sqlite_cli("record", "ko", "Ashford 0-2 Croydon", "--fixture", "ko-final", "--on", "2025-04-05")
    assert read(sqlite_cli, "bracket", "ko")["champion"] == "Croydon"
    entry = read(sqlite_cli, "qualifiers", "--path", "regional")[0]
    assert (entry["team"], entry["status"]) == ("Croydon", "confirmed")


# --- ties the rules cannot separate -----------------------------------------------------------

# Group A with a dead heat for 2nd:
#   Ashford 1-0 Bexley, Ashford 1-0 Croydon, Ashford 1-0 Dulwich,
#   Bexley 1-1 Croydon, Bexley 1-0 Dulwich, Croydon 1-0 Dulwich
#   Ashford: 9 pts, 3-0
#   Bexley:  L 0-1, D 1-1, W 1-0 -> 4 pts, 2-2, 0
#   Croydon: L 0-1, D 1-1, W 1-0 -> 4 pts, 2-2, 0   (level on points, GD and goals: lots)
#   Dulwich: 0 pts, 0-3
TIED_GROUP_A = (
    ("Ashford 1-0 Bexley", DAY1),
    ("Croydon 1-0 Dulwich", DAY1),
    ("Ashford 1-0 Croydon", DAY2),
    ("Bexley 1-0 Dulwich", DAY2),
    ("Dulwich 0-1 Ashford", DAY3),
    ("Bexley 1-1 Croydon", DAY3),
)


def test_group_tie_the_rules_cannot_break_leaves_the_slot_open_until_lots_are_drawn(
    sqlite_cli: Cli,
) -> None:
    setup(sqlite_cli)
    record_all(sqlite_cli, TIED_GROUP_A)
    record_all(sqlite_cli, (*GROUP_B_FIRST_FIVE, GROUP_B_LAST))
    assert table(sqlite_cli, "gs", "A") == [
        (1, "Ashford", 3, 3, 0, 0, 3, 0, 3, 9),
        (2, "Bexley", 3, 1, 1, 1, 2, 2, 0, 4),
        (2, "Croydon", 3, 1, 1, 1, 2, 2, 0, 4),
        (4, "Dulwich", 3, 0, 0, 3, 0, 3, -3, 0),
    ]
    rows = rows_by_team(sqlite_cli, "gs")
    assert rows["Bexley"]["shared_with"] == ["Croydon"]
    assert rows["Croydon"]["shared_with"] == ["Bexley"]
    for team in ("Bexley", "Croydon"):
        assert "drawing of lots" in rows[team]["tiebreak"]
        assert rows[team]["tiebreak_step"] == "lots"
        assert rows[team]["lots_pending"] is True
    assert rows["Ashford"]["shared_with"] == [] and rows["Ashford"]["lots_pending"] is False

    data = read(sqlite_cli, "bracket", "ko")
    # 1st A is known; 2nd A is shared, so nobody holds it yet.
    assert sides(data, "ko-sf-1") == ("Ashford", "Greenwich")
    assert sides(data, "ko-sf-2") == ("Enfield", None)
    assert match(data, "ko-sf-2")["away"] == "Group stage A, 2nd"

    # The drawing of lots, recorded as a fact, settles it: Croydon ahead of Bexley.
    sqlite_cli("lots", "gs", "Croydon", "Bexley", "--group", "A", "--on", "2025-03-23")
    assert [row[:2] for row in table(sqlite_cli, "gs", "A")] == [
        (1, "Ashford"),
        (2, "Croydon"),
        (3, "Bexley"),
        (4, "Dulwich"),
    ]
    rows = rows_by_team(sqlite_cli, "gs")
    assert rows["Croydon"]["shared_with"] == [] and rows["Croydon"]["lots_pending"] is False
    assert "drawing of lots" in rows["Croydon"]["tiebreak"]
    assert sides(read(sqlite_cli, "bracket", "ko"), "ko-sf-2") == ("Enfield", "Croydon")


# --- the 2014 USSSA groups and championship stage -----------------------------------------------

# Group A (article, "Group play"):
#   14 Mar Colorado Rovers 2-0 Comets Express, Boulevard 0-5 CO Sporting Premier
#   15 Mar Boulevard 0-0 Colorado Rovers, CO Sporting Premier 4-0 Comets Express,
#          Colorado Rovers 1-0 CO Sporting Premier, Comets Express 0-5 Boulevard
#   Colorado Rovers:     W 2-0, D 0-0, W 1-0 -> 7 pts, 3-0,  +3
#   CO Sporting Premier: W 5-0, W 4-0, L 0-1 -> 6 pts, 9-1,  +8
#   Boulevard:           L 0-5, D 0-0, W 5-0 -> 4 pts, 5-5,   0
#   Comets Express:      L 0-2, L 0-4, L 0-5 -> 0 pts, 0-11, -11
USSSA_A = [
    (1, "Colorado Rovers", 3, 2, 1, 0, 3, 0, 3, 7),
    (2, "CO Sporting Premier", 3, 2, 0, 1, 9, 1, 8, 6),
    (3, "Boulevard", 3, 1, 1, 1, 5, 5, 0, 4),
    (4, "Comets Express", 3, 0, 0, 3, 0, 11, -11, 0),
]
# Group B:
#   14 Mar FC Denver 3-0 Performance Soccer, KC Athletics 4-0 Azteca Mojos,
#          Azteca Mojos 0-0 FC Denver (listed among the 15 March games)
#   15 Mar Performance Soccer 0-9 KC Athletics, FC Denver 0-0 KC Athletics,
#          Performance Soccer 0-7 Aztecs Mojos (the same club, another spelling)
#   KC Athletics:       W 4-0, W 9-0, D 0-0 -> 7 pts, 13-0, +13
#   FC Denver:          W 3-0, D 0-0, D 0-0 -> 5 pts, 3-0,  +3
#   Azteca Mojos:       L 0-4, D 0-0, W 7-0 -> 4 pts, 7-4,  +3
#   Performance Soccer: L 0-3, L 0-9, L 0-7 -> 0 pts, 0-19, -19
USSSA_B = [
    (1, "KC Athletics", 3, 2, 1, 0, 13, 0, 13, 7),
    (2, "FC Denver", 3, 1, 2, 0, 3, 0, 3, 5),
    (3, "Azteca Mojos", 3, 1, 1, 1, 7, 4, 3, 4),
    (4, "Performance Soccer", 3, 0, 0, 3, 0, 19, -19, 0),
]


def test_usssa_2014_group_tables_from_the_article(demo_cli: Cli) -> None:
    assert table(demo_cli, "usssa-groups", "A") == USSSA_A
    assert table(demo_cli, "usssa-groups", "B") == USSSA_B
    # The display name finds the stage too; every row is final.
    rows = read(demo_cli, "standings", "USSSA group play")
    assert len(rows) == 8 and all(r["complete"] for r in rows)
    # "Aztecs Mojos" never appears as a team of its own.
    assert "Aztecs Mojos" not in {r["team"] for r in rows}


def test_usssa_2014_semi_finals_champion_and_match_lengths(demo_cli: Cli) -> None:
    data = read(demo_cli, "bracket", "usssa-final")
    # 1st A v 2nd B, 1st B v 2nd A.
    assert sides(data, "usssa-sf-1") == ("Colorado Rovers", "FC Denver")
    assert sides(data, "usssa-sf-2") == ("KC Athletics", "CO Sporting Premier")
    assert sides(data, "usssa-final-1") == ("KC Athletics", "Colorado Rovers")
    assert match(data, "usssa-sf-1")["winner"] == "Colorado Rovers"  # 1-0
    assert match(data, "usssa-sf-2")["winner"] == "KC Athletics"  # 6-0
    assert match(data, "usssa-final-1")["winner"] == "Colorado Rovers"  # 0-1 away
    assert data["champion"] == "Colorado Rovers"
    # Shortened 50-minute games except the 90-minute final.
    assert match(data, "usssa-sf-1")["match_minutes"] == 50
    assert match(data, "usssa-sf-2")["match_minutes"] == 50
    assert match(data, "usssa-final-1")["match_minutes"] == 90
    groups = read(demo_cli, "bracket", "usssa-groups")
    assert len(groups["matches"]) == 12
    assert {m["match_minutes"] for m in groups["matches"]} == {50}
    stages = {r["slug"]: r for r in read(demo_cli, "stages")}
    assert stages["usssa-groups"]["match_minutes"] == 50
    assert stages["usssa-final"]["winner"] == "Colorado Rovers"
    entry = read(demo_cli, "qualifiers", "--path", "usssa")[0]
    assert (entry["team"], entry["status"]) == ("Colorado Rovers", "confirmed")


# --- what the clerk types must mean what it says ---------------------------------------------


def test_correction_naming_teams_not_in_the_fixture_is_refused(sqlite_cli: Cli) -> None:
    setup(sqlite_cli)
    ids = record_all(sqlite_cli, GROUP_B_FIRST_FIVE)
    log_before = sqlite_cli.log()
    # Hackney v Enfield cannot be corrected into a game between two group A teams.
    sqlite_cli.refused(
        *shlex.split(
            f'correct {ids["Hackney 0-4 Enfield"]} "Ashford 1-0 Bexley" --reason typo '
            "--on 2025-03-24"
        )
    )
    assert sqlite_cli.log() == log_before


def test_correction_typed_away_team_first_is_not_stored_as_the_opposite_result(
    sqlite_cli: Cli,
) -> None:
    setup(sqlite_cli)
    ids = record_all(sqlite_cli, GROUP_B_FIRST_FIVE)
    # The fixture is Hackney (home) v Enfield (away). The clerk types "Enfield 3-0 Hackney":
    # Enfield won 3-0. Refusing (as `record` does for a reversed line) or storing Hackney
    # 0-3 Enfield are both honest; recording Hackney 3-0 Enfield is not.
    result = sqlite_cli(
        *shlex.split(
            f'correct {ids["Hackney 0-4 Enfield"]} "Enfield 3-0 Hackney" --reason report '
            "--on 2025-03-24"
        ),
        ok=False,
    )
    games = read(sqlite_cli, "bracket", "gs")["matches"]
    (game,) = [m for m in games if (m["home_team"], m["away_team"]) == ("Hackney", "Enfield")]
    if result.exit_code == 0:
        assert (game["score"], game["winner"]) == ("0-3", "Enfield")
    else:
        assert game["score"] == "0-4"
    hackney = rows_by_team(sqlite_cli, "gs")["Hackney"]
    # Hackney: L 1-2 v Greenwich, D 2-2 v Fulham Park, and lost to Enfield either way.
    assert (hackney["won"], hackney["lost"], hackney["points"]) == (0, 2, 1)


def test_result_typed_in_another_letter_case_counts_for_the_named_teams(sqlite_cli: Cli) -> None:
    setup(sqlite_cli)
    # Team names are matched case-insensitively, so this is Fulham Park 2-0 Hackney.
    run(sqlite_cli, 'record gs "fulham park 2-0 HACKNEY" --on 2025-03-08')
    rows = rows_by_team(sqlite_cli, "gs")
    assert (rows["Fulham Park"]["played"], rows["Fulham Park"]["points"]) == (1, 3)
    assert (rows["Hackney"]["played"], rows["Hackney"]["goals_against"]) == (1, 2)
    (game,) = read(sqlite_cli, "bracket", "gs")["matches"]
    assert (game["home_team"], game["away_team"]) == ("Fulham Park", "Hackney")


def test_a_fixture_cannot_take_its_team_from_its_own_stage(ledger_cli: Cli) -> None:
    """A group match between places of its own group (or the stage's own winner)
    would be decided by the table its result makes: refused, nothing written."""
    setup(ledger_cli)
    before = ledger_cli.log()

    for sides in (
        ("group:gs:A:1", "group:gs:A:3"),
        ("group:gs:A:1", "Enfield"),
        ("champion:gs", "Hackney"),
    ):
        refused = ledger_cli.refused("schedule", "gs", *sides, "--group", "A", "--on", ON)
        assert "cannot take a team from gs itself" in refused.stderr, refused.stderr
    refused = ledger_cli.refused("schedule", "ko", "champion:ko", "winner:ko-sf-1", "--on", ON)
    assert "cannot take a team from ko itself" in refused.stderr

    assert ledger_cli.log() == before
    assert sides_of_semi_finals_unchanged(ledger_cli)


def sides_of_semi_finals_unchanged(cli: Cli) -> bool:
    data = read(cli, "bracket", "ko")
    return sides(data, "ko-sf-1") == (None, None) and sides(data, "ko-sf-2") == (None, None)

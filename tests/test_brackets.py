"""Knockout brackets, driven through the CLI as a clerk would type them, read back as JSON.

Every expected value below is worked out by hand from the results typed in the test.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from click.testing import Result

from tests.conftest import Cli

ON = "2025-01-10"  # the date every structural fact of these cups carries
_RECORDED = re.compile(r"recorded (\w+) ([0-9a-f]{32})")


# --- helpers ------------------------------------------------------------------------------


def run(cli: Cli, line: str) -> Result:
    """One `ledger` command line, quoted as in a shell."""
    return cli(*shlex.split(line))


def read(cli: Cli, line: str) -> Any:
    return json.loads(run(cli, f"{line} --json").stdout)


def event_id(result: Result, tag: str) -> str:
    """The id of the one `tag` event a write command reports."""
    ids = [eid for t, eid in _RECORDED.findall(result.stdout) if t == tag]
    assert len(ids) == 1, result.stdout
    return ids[0]


def bracket(cli: Cli, stage: str, extra: str = "") -> dict[str, Any]:
    data = read(cli, f"bracket {stage} {extra}")
    assert isinstance(data, dict)
    return data


def match(data: dict[str, Any], fixture: str) -> dict[str, Any]:
    found = [m for m in data["matches"] if m["fixture"] == fixture]
    assert len(found) == 1, [m["fixture"] for m in data["matches"]]
    return found[0]


def qualifier(cli: Cli, path: str) -> dict[str, Any]:
    entries = read(cli, f"qualifiers --path {path}")
    assert len(entries) == 1, entries
    entry = entries[0]
    assert isinstance(entry, dict)
    return entry


def stage_row(cli: Cli, slug: str) -> dict[str, Any]:
    rows = [r for r in read(cli, "stages") if r["slug"] == slug]
    assert len(rows) == 1
    row = rows[0]
    assert isinstance(row, dict)
    return row


# --- scenarios ----------------------------------------------------------------------------

# The Valley Cup: seven entrants for a six-team field. Mill Town and Old Quarry play a
# play-in for the sixth place; Harbor City and Northgate Rovers receive byes through the
# first round; the other four first-round places make two first-round games.
#
#   Play-in       Mill Town v Old Quarry                         (vc-playin)
#   First round   FC Tacoma 253 v Spartans Futbol Club           (vc-r1-1)
#                 Lakeside Athletic v winner of the play-in      (vc-r1-2)
#                 byes: Harbor City, Northgate Rovers
#   Semi-finals   Harbor City v winner of vc-r1-2                (vc-sf-1)
#                 Northgate Rovers v winner of vc-r1-1           (vc-sf-2)
#   Final         winner of vc-sf-1 v winner of vc-sf-2          (vc-final)
VALLEY_CUP = f"""
new valley-2025 --name "Valley Cup 2025" --on {ON}
path amateur --name "Amateur berth" --berths 1 --entry-round 1 --on {ON}
stage vc --name "Valley Cup" --format knockout --path amateur \
  --rounds "Play-in,First round,Semi-finals,Final" --on {ON}
enter vc "Harbor City" "Northgate Rovers" "FC Tacoma 253" "Spartans Futbol Club" \
  "Lakeside Athletic" "Mill Town" "Old Quarry" --on {ON}
schedule vc "Mill Town" "Old Quarry" --round Play-in --fixture vc-playin \
  --kickoff 2025-02-01 --on {ON}
schedule vc "FC Tacoma 253" "Spartans Futbol Club" --round "First round" --fixture vc-r1-1 \
  --kickoff 2025-02-08 --on {ON}
schedule vc "Lakeside Athletic" winner:vc-playin --round "First round" --fixture vc-r1-2 \
  --kickoff 2025-02-08 --on {ON}
schedule vc "Harbor City" winner:vc-r1-2 --round Semi-finals --fixture vc-sf-1 \
  --kickoff 2025-02-15 --on {ON}
schedule vc "Northgate Rovers" winner:vc-r1-1 --round Semi-finals --fixture vc-sf-2 \
  --kickoff 2025-02-15 --on {ON}
schedule vc winner:vc-sf-1 winner:vc-sf-2 --round Final --fixture vc-final \
  --kickoff 2025-02-22 --on {ON}
bye vc "Harbor City" --round "First round" --into vc-sf-1 --on {ON}
bye vc "Northgate Rovers" --round "First round" --into vc-sf-2 --on {ON}
slot amateur champion:vc --method "Valley Cup champion" --on {ON}
"""

# The County Cup: four teams, two semi-finals and a final, whose champion takes the one
# berth of the "county" path. Used for the drawn-final, void and forfeit cases.
COUNTY_CUP = f"""
new county-2025 --name "County Cup 2025" --on {ON}
path county --name "County berth" --berths 1 --on {ON}
stage cc --name "County Cup" --format knockout --path county --rounds "Semi-finals,Final" \
  --on {ON}
enter cc "Harbor City" "Mill Town" "FC Tacoma 253" "Old Quarry" --on {ON}
schedule cc "Harbor City" "Mill Town" --round Semi-finals --fixture cc-sf-1 \
  --kickoff 2025-02-01 --on {ON}
schedule cc "FC Tacoma 253" "Old Quarry" --round Semi-finals --fixture cc-sf-2 \
  --kickoff 2025-02-01 --on {ON}
schedule cc winner:cc-sf-1 winner:cc-sf-2 --round Final --fixture cc-final \
  --kickoff 2025-02-08 --on {ON}
slot county champion:cc --method "County Cup champion" --on {ON}
"""


def script(cli: Cli, text: str) -> None:
    """Type every command of `text` (backslash continues a line)."""
    for line in text.replace("\\\n", " ").splitlines():
        if line.strip():
            run(cli, line)


def valley_cup(cli: Cli) -> None:
    script(cli, VALLEY_CUP)


def county_cup(cli: Cli) -> dict[str, str]:
    """The County Cup with both semi-finals played; returns their result event ids."""
    script(cli, COUNTY_CUP)
    sf1 = run(cli, 'record cc "Harbor City 2-0 Mill Town" --fixture cc-sf-1 --on 2025-02-01')
    sf2 = run(cli, 'record cc "FC Tacoma 253 3-0 Old Quarry" --fixture cc-sf-2 --on 2025-02-01')
    # Final: Harbor City (winner of cc-sf-1) v FC Tacoma 253 (winner of cc-sf-2).
    return {"sf1": event_id(sf1, "result_recorded"), "sf2": event_id(sf2, "result_recorded")}


def drawn_final(cli: Cli, extra: str = "") -> Result:
    return run(
        cli, f'record cc "Harbor City 1-1 FC Tacoma 253" --fixture cc-final --on 2025-02-08 {extra}'
    )


# --- (a) byes, a play-in, a first round of a field that is not a power of two ----------------


def test_field_of_six_with_byes_and_play_in_shows_byes_and_open_slots(sqlite_cli: Cli) -> None:
    valley_cup(sqlite_cli)
    data = bracket(sqlite_cli, "vc")
    assert data["rounds"] == ["Play-in", "First round", "Semi-finals", "Final"]
    # 7 entrants need 6 matches to leave one champion; the two byes are rows, not matches.
    rows = data["matches"]
    assert [(m["round"], m["status"]) for m in rows] == [
        ("Play-in", "scheduled"),
        ("First round", "bye"),
        ("First round", "bye"),
        ("First round", "scheduled"),
        ("First round", "scheduled"),
        ("Semi-finals", "scheduled"),
        ("Semi-finals", "scheduled"),
        ("Final", "scheduled"),
    ]
    byes = [m for m in rows if m["status"] == "bye"]
    assert {(m["home"], m["winner"]) for m in byes} == {
        ("Harbor City", "Harbor City"),
        ("Northgate Rovers", "Northgate Rovers"),
    }
    assert all(m["fixture"] is None and m["away"] is None and m["score"] is None for m in byes)
    # Open slots read as words and carry no team.
    r1_2 = match(data, "vc-r1-2")
    assert r1_2["home"] == "Lakeside Athletic"
    assert r1_2["away"] == "winner of Valley Cup Play-in (vc-playin)"
    assert r1_2["away_team"] is None
    final = match(data, "vc-final")
    assert final["home"] == "winner of Valley Cup Semi-finals (vc-sf-1)"
    assert final["away"] == "winner of Valley Cup Semi-finals (vc-sf-2)"
    assert (final["home_team"], final["away_team"], final["winner"]) == (None, None, None)
    assert data["champion"] is None


def test_winners_flow_into_winner_slots_round_by_round(sqlite_cli: Cli) -> None:
    valley_cup(sqlite_cli)
    # Old Quarry win the play-in 2-0 away, so they take the away place of vc-r1-2.
    run(sqlite_cli, 'record vc "Mill Town 0-2 Old Quarry" --fixture vc-playin --on 2025-02-01')
    data = bracket(sqlite_cli, "vc")
    assert match(data, "vc-playin")["winner"] == "Old Quarry"
    r1_2 = match(data, "vc-r1-2")
    assert (r1_2["away"], r1_2["away_team"]) == ("Old Quarry", "Old Quarry")
    # The semi-final fed by vc-r1-2 is still open.
    assert match(data, "vc-sf-1")["away"] == "winner of Valley Cup First round (vc-r1-2)"
    assert match(data, "vc-sf-1")["away_team"] is None

    script(
        sqlite_cli,
        """
        record vc "FC Tacoma 253 3-1 Spartans Futbol Club" --fixture vc-r1-1 --on 2025-02-08
        record vc "Lakeside Athletic 1-2 Old Quarry" --fixture vc-r1-2 --on 2025-02-08
        """,
    )
    data = bracket(sqlite_cli, "vc")
    sf1, sf2 = match(data, "vc-sf-1"), match(data, "vc-sf-2")
    assert (sf1["home_team"], sf1["away_team"]) == ("Harbor City", "Old Quarry")
    assert (sf2["home_team"], sf2["away_team"]) == ("Northgate Rovers", "FC Tacoma 253")
    assert match(data, "vc-final")["home"] == "winner of Valley Cup Semi-finals (vc-sf-1)"

    script(
        sqlite_cli,
        """
        record vc "Harbor City 2-0 Old Quarry" --fixture vc-sf-1 --on 2025-02-15
        record vc "Northgate Rovers 1-2 FC Tacoma 253" --fixture vc-sf-2 --on 2025-02-15
        """,
    )
    final = match(bracket(sqlite_cli, "vc"), "vc-final")
    assert (final["home"], final["away"]) == ("Harbor City", "FC Tacoma 253")
    assert (final["home_team"], final["away_team"]) == ("Harbor City", "FC Tacoma 253")
    assert final["status"] == "scheduled" and final["winner"] is None
    # Pending qualifier: only the two finalists can still take the berth.
    entry = qualifier(sqlite_cli, "amateur")
    assert entry["status"] == "pending" and entry["team"] is None
    assert sorted(entry["candidates"]) == ["FC Tacoma 253", "Harbor City"]

    run(sqlite_cli, 'record vc "Harbor City 0-1 FC Tacoma 253" --fixture vc-final --on 2025-02-22')
    data = bracket(sqlite_cli, "vc")
    assert match(data, "vc-final")["winner"] == "FC Tacoma 253"
    assert data["champion"] == "FC Tacoma 253"
    row = stage_row(sqlite_cli, "vc")
    # 6 matches played; the byes are not matches.
    assert (row["fixtures"], row["played"], row["status"], row["winner"]) == (
        6,
        6,
        "complete",
        "FC Tacoma 253",
    )
    entry = qualifier(sqlite_cli, "amateur")
    assert (entry["team"], entry["status"]) == ("FC Tacoma 253", "confirmed")


# --- (b)-(e) drawn finals ---------------------------------------------------------------------


def test_drawn_final_won_on_penalties_keeps_regulation_and_shootout_apart(
    sqlite_cli: Cli,
) -> None:
    county_cup(sqlite_cli)
    drawn_final(sqlite_cli, "--pens 4-3")
    data = bracket(sqlite_cli, "cc")
    final = match(data, "cc-final")
    # 1-1 after 90 minutes, 4-3 in the shoot-out: never 5-4 as one score.
    assert final["score"] == "1-1, 4-3 pen."
    assert final["regulation"] == [1, 1]
    assert final["after_extra_time"] is None
    assert final["penalties"] == [4, 3]
    assert final["status"] == "played"
    assert final["winner"] == "Harbor City"
    assert final["how"] == "drawn 1-1, won 4-3 on penalties"
    assert data["champion"] == "Harbor City"
    assert qualifier(sqlite_cli, "county")["team"] == "Harbor City"


def test_drawn_final_after_extra_time_won_on_penalties_by_the_away_side(
    sqlite_cli: Cli,
) -> None:
    county_cup(sqlite_cli)
    # 1-1 at full time, 2-2 after extra time, the away side wins the shoot-out 3-5.
    drawn_final(sqlite_cli, "--aet 2-2 --pens 3-5")
    final = match(bracket(sqlite_cli, "cc"), "cc-final")
    assert final["score"] == "1-1, 2-2 a.e.t., 3-5 pen."
    assert (final["regulation"], final["after_extra_time"], final["penalties"]) == (
        [1, 1],
        [2, 2],
        [3, 5],
    )
    assert final["winner"] == "FC Tacoma 253"
    assert final["how"] == "drawn 2-2, won 5-3 on penalties"


def test_drawn_final_decided_by_a_recorded_shootout_advancement(sqlite_cli: Cli) -> None:
    county_cup(sqlite_cli)
    drawn_final(sqlite_cli)
    decided = run(
        sqlite_cli,
        'advance cc-final "Harbor City" --method shootout --shootout 5-4 --on 2025-02-08 '
        '--source "match report"',
    )
    advancement = event_id(decided, "advancement_decided")
    data = bracket(sqlite_cli, "cc")
    final = match(data, "cc-final")
    # The result is still the 1-1 draw; who advanced is a second fact.
    assert final["score"] == "1-1"
    assert final["regulation"] == [1, 1]
    assert final["status"] == "played"
    assert final["winner"] == "Harbor City"
    assert final["how"] == "drawn 1-1, won the shoot-out 5-4"
    assert final["decided_by"] == advancement
    assert advancement in final["events"]
    assert data["champion"] == "Harbor City"
    entry = qualifier(sqlite_cli, "county")
    assert (entry["team"], entry["status"]) == ("Harbor City", "confirmed")
    assert advancement in entry["events"]


def test_drawn_final_advancement_of_unknown_method_says_the_source_does_not_say_how(
    sqlite_cli: Cli,
) -> None:
    county_cup(sqlite_cli)
    drawn_final(sqlite_cli)
    run(
        sqlite_cli,
        'advance cc-final "FC Tacoma 253" --method unknown --source "club statement" '
        "--on 2025-02-09",
    )
    data = bracket(sqlite_cli, "cc")
    final = match(data, "cc-final")
    assert final["winner"] == "FC Tacoma 253"
    assert final["status"] == "played"
    assert final["score"] == "1-1" and final["penalties"] is None
    assert final["how"] == "drawn 1-1, advanced; the source does not say how (club statement)"
    assert data["champion"] == "FC Tacoma 253"
    assert qualifier(sqlite_cli, "county")["team"] == "FC Tacoma 253"


def test_drawn_final_without_decision_awaits_and_invents_no_winner(sqlite_cli: Cli) -> None:
    county_cup(sqlite_cli)
    drawn_final(sqlite_cli)
    data = bracket(sqlite_cli, "cc")
    final = match(data, "cc-final")
    assert final["status"] == "awaiting_decision"
    assert final["winner"] is None
    assert final["decided_by"] is None
    assert final["how"] == "drawn 1-1; no advancement decision recorded"
    assert data["champion"] is None
    row = stage_row(sqlite_cli, "cc")
    assert (row["winner"], row["status"]) == (None, "in progress")
    entry = qualifier(sqlite_cli, "county")
    assert entry["status"] == "pending"
    assert entry["team"] is None
    assert sorted(entry["candidates"]) == ["FC Tacoma 253", "Harbor City"]


# --- (f) void and forfeit ---------------------------------------------------------------------


def test_voided_semi_final_reopens_the_final_slot_and_a_forfeit_fills_it(
    sqlite_cli: Cli,
) -> None:
    ids = county_cup(sqlite_cli)
    before = match(bracket(sqlite_cli, "cc"), "cc-final")
    assert (before["home_team"], before["away_team"]) == ("Harbor City", "FC Tacoma 253")

    run(sqlite_cli, f'void {ids["sf1"]} --reason "ineligible player; replay" --on 2025-02-03')
    data = bracket(sqlite_cli, "cc")
    sf1 = match(data, "cc-sf-1")
    assert (sf1["status"], sf1["winner"], sf1["score"]) == ("void", None, None)
    final = match(data, "cc-final")
    assert final["home"] == "winner of County Cup Semi-finals (cc-sf-1)"
    assert final["home_team"] is None
    assert final["away_team"] == "FC Tacoma 253"
    entry = qualifier(sqlite_cli, "county")
    assert entry["status"] == "pending"
    # Harbor City or Mill Town (cc-sf-1 is open again), or FC Tacoma 253 (won cc-sf-2).
    assert sorted(entry["candidates"]) == ["FC Tacoma 253", "Harbor City", "Mill Town"]

    # The replay never happens: Mill Town are awarded cc-sf-1.
    awarded = run(
        sqlite_cli,
        'forfeit cc-sf-1 "Mill Town" --reason "Harbor City did not appear for the replay" '
        "--on 2025-02-05",
    )
    forfeit_id = event_id(awarded, "forfeit_awarded")
    data = bracket(sqlite_cli, "cc")
    sf1 = match(data, "cc-sf-1")
    assert (sf1["status"], sf1["winner"], sf1["decided_by"]) == (
        "forfeit",
        "Mill Town",
        forfeit_id,
    )
    final = match(data, "cc-final")
    assert (final["home"], final["home_team"]) == ("Mill Town", "Mill Town")


def test_forfeit_replacing_a_played_result_gives_the_slot_to_the_awarded_team(
    sqlite_cli: Cli,
) -> None:
    ids = county_cup(sqlite_cli)
    # FC Tacoma 253 won cc-sf-2 3-0 on the field; the match is awarded to Old Quarry.
    run(
        sqlite_cli,
        f'forfeit cc-sf-2 "Old Quarry" --supersedes {ids["sf2"]} --score 0-3 '
        '--reason "FC Tacoma 253 fielded a suspended player" --on 2025-02-04',
    )
    data = bracket(sqlite_cli, "cc")
    sf2 = match(data, "cc-sf-2")
    assert (sf2["status"], sf2["winner"], sf2["score"]) == ("forfeit", "Old Quarry", "0-3")
    final = match(data, "cc-final")
    assert (final["away"], final["away_team"]) == ("Old Quarry", "Old Quarry")
    # A forfeit of the final itself decides the champion and the berth.
    run(
        sqlite_cli,
        'forfeit cc-final "Harbor City" --reason "Old Quarry withdrew" --on 2025-02-08',
    )
    data = bracket(sqlite_cli, "cc")
    assert match(data, "cc-final")["status"] == "forfeit"
    assert data["champion"] == "Harbor City"
    entry = qualifier(sqlite_cli, "county")
    assert (entry["team"], entry["status"]) == ("Harbor City", "confirmed")


def test_result_already_superseded_by_a_forfeit_cannot_be_corrected_silently(
    sqlite_cli: Cli,
) -> None:
    ids = county_cup(sqlite_cli)
    run(
        sqlite_cli,
        f'forfeit cc-sf-2 "Old Quarry" --supersedes {ids["sf2"]} '
        '--reason "FC Tacoma 253 fielded a suspended player" --on 2025-02-04',
    )
    log_before = sqlite_cli.log()
    # The 3-0 result is no longer the fixture's current fact: the forfeit superseded it.
    # "Correcting" it must be refused rather than quietly wiping out the forfeit.
    sqlite_cli.refused(
        *shlex.split(
            f'correct {ids["sf2"]} "FC Tacoma 253 4-0 Old Quarry" --reason "typo in the score" '
            "--on 2025-02-05"
        )
    )
    assert sqlite_cli.log() == log_before
    sf2 = match(bracket(sqlite_cli, "cc"), "cc-sf-2")
    assert (sf2["status"], sf2["winner"]) == ("forfeit", "Old Quarry")


# --- (g) corrections flow to later rounds and the qualifier list -------------------------------


def test_correcting_a_first_round_result_after_later_rounds_flows_everywhere(
    sqlite_cli: Cli,
) -> None:
    valley_cup(sqlite_cli)
    run(sqlite_cli, 'record vc "Mill Town 0-2 Old Quarry" --fixture vc-playin --on 2025-02-01')
    r1_1 = run(
        sqlite_cli,
        'record vc "FC Tacoma 253 3-1 Spartans Futbol Club" --fixture vc-r1-1 --on 2025-02-08',
    )
    script(
        sqlite_cli,
        """
        record vc "Lakeside Athletic 1-2 Old Quarry" --fixture vc-r1-2 --on 2025-02-08
        record vc "Harbor City 2-0 Old Quarry" --fixture vc-sf-1 --on 2025-02-15
        record vc "Northgate Rovers 1-2 FC Tacoma 253" --fixture vc-sf-2 --on 2025-02-15
        record vc "Harbor City 0-1 FC Tacoma 253" --fixture vc-final --on 2025-02-22
        """,
    )
    # vc-sf-2: Northgate Rovers 1-2 (winner of vc-r1-1): the away side won.
    # vc-final: (winner of vc-sf-1) 0-1 (winner of vc-sf-2): the away side won.
    assert bracket(sqlite_cli, "vc")["champion"] == "FC Tacoma 253"
    assert qualifier(sqlite_cli, "amateur")["team"] == "FC Tacoma 253"

    # The referee's report: vc-r1-1 ended 1-3, so Spartans Futbol Club won the first round.
    corrected = run(
        sqlite_cli,
        f'correct {event_id(r1_1, "result_recorded")} "FC Tacoma 253 1-3 Spartans Futbol Club" '
        '--reason "referee\'s report" --on 2025-02-25',
    )
    correction = event_id(corrected, "result_corrected")
    data = bracket(sqlite_cli, "vc")
    r1 = match(data, "vc-r1-1")
    assert (r1["score"], r1["winner"], r1["decided_by"]) == (
        "1-3",
        "Spartans Futbol Club",
        correction,
    )
    # The winner:vc-r1-1 slot of vc-sf-2 now holds Spartans Futbol Club. The semi-final
    # was recorded as Northgate Rovers v FC Tacoma 253, so it no longer counts for
    # anyone: the ledger never hands a result to a team that did not play it.
    sf2 = match(data, "vc-sf-2")
    assert (sf2["away"], sf2["away_team"]) == ("Spartans Futbol Club", "Spartans Futbol Club")
    assert (sf2["status"], sf2["winner"]) == ("disputed", None)
    assert "recorded as Northgate Rovers v FC Tacoma 253" in sf2["how"]
    # Everything downstream of the disputed semi-final is undecided again.
    final = match(data, "vc-final")
    assert final["away_team"] is None
    assert (final["status"], final["winner"]) == ("disputed", None)
    assert data["champion"] is None
    assert stage_row(sqlite_cli, "vc")["winner"] is None
    entry = qualifier(sqlite_cli, "amateur")
    assert (entry["team"], entry["status"]) == (None, "pending")
    assert "Spartans Futbol Club" in entry["candidates"]
    # Read as of the day before the correction, the original result still stands.
    assert bracket(sqlite_cli, "vc", "--as-of 2025-02-24")["champion"] == "FC Tacoma 253"


def test_correction_accepts_the_short_event_id_that_the_log_prints(sqlite_cli: Cli) -> None:
    ids = county_cup(sqlite_cli)
    # `ledger log` (text) shows each event id by its first 12 characters.
    line = next(ln for ln in run(sqlite_cli, "log").stdout.splitlines() if ids["sf1"][:12] in ln)
    short = line.split()[3]
    assert short == ids["sf1"][:12]
    corrected = run(
        sqlite_cli,
        f'correct {short} "Harbor City 2-3 Mill Town" --reason "referee\'s report" --on 2025-02-02',
    )
    correction = event_id(corrected, "result_corrected")
    (entry,) = [e for e in read(sqlite_cli, "log") if e["event_id"] == correction]
    # The correction names the full id of the result it supersedes.
    assert entry["event"]["supersedes"] == ids["sf1"]
    final = match(bracket(sqlite_cli, "cc"), "cc-final")
    assert final["home_team"] == "Mill Town"

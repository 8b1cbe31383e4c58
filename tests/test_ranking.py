"""A ranking across the groups of a stage: the best third-placed teams.

Three groups of three; the two best thirds go through. Every table is worked
out by hand in the comments.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from click.testing import Result

from ledger.service import Ledger
from tests.conftest import Cli

ON = "2025-03-01"
DAY1, DAY2, DAY3 = "2025-03-08", "2025-03-15", "2025-03-22"
STEPS = "points,goal_difference,goals_for,wins,fair_play,lots"

SETUP = f"""
new cup --name "Cup 2025" --on {ON}
path regional --name "Regional berth" --berths 1 --on {ON}
stage gs --name "Group stage" --format group --on {ON}
enter gs A1 A2 A3 B1 B2 B3 C1 C2 C3 --on {ON}
group gs A A1 A2 A3 --on {ON}
group gs B B1 B2 B3 --on {ON}
group gs C C1 C2 C3 --on {ON}
ranking gs thirds --place 3 --take 2 --tiebreaks {STEPS} --on {ON}
stage ko --name Knockout --format knockout --feeds-from gs --on {ON}
schedule ko group:gs:A:1 best:gs:thirds:2 --fixture qf1 --on {ON}
schedule ko group:gs:B:1 best:gs:thirds:1 --fixture qf2 --on {ON}
slot regional best:gs:thirds:1 --method "best third" --on {ON}
"""

# Group A: A1 2-0 A2, A1 1-0 A3, A2 1-1 A3
#   A1: 6 pts 3-0; A3: 1 pt 1-2 (-1); A2: 1 pt 1-3 (-2)  -> A2 third
GROUP_A = ("A1 2-0 A2", "A1 1-0 A3", "A2 1-1 A3")
# Group B: B1 3-1 B3, B1 1-0 B2, B2 1-1 B3
#   B1: 6 pts; B2: 1 pt 1-2 (-1); B3: 1 pt 2-4 (-2)  -> B3 third
GROUP_B = ("B1 3-1 B3", "B1 1-0 B2", "B2 1-1 B3")
# Group C: C1 1-0 C2, C1 1-0 C3, C2 1-0 C3
#   C1: 6 pts; C2: 3 pts; C3: 0 pts 0-2  -> C3 third
GROUP_C = ("C1 1-0 C2", "C1 1-0 C3", "C2 1-0 C3")
# Thirds: B3 1 pt -2 2 goals; A2 1 pt -2 1 goal; C3 0 pts.
#   B3 ahead of A2 on goals scored; both ahead of C3 on points.


def run(cli: Cli, line: str) -> Result:
    return cli(*shlex.split(line))


def read(cli: Cli, *args: str) -> Any:
    return json.loads(cli(*args, "--json").stdout)


def build(cli: Cli) -> None:
    for line in SETUP.splitlines():
        if line.strip():
            run(cli, line)


def record(cli: Cli, results: tuple[str, ...], day: str = DAY1) -> None:
    for line in results:
        cli("record", "gs", line, "--on", day)


def sides(cli: Cli, fixture: str) -> tuple[str | None, str | None]:
    data = read(cli, "bracket", "ko")
    m = next(m for m in data["matches"] if m["fixture"] == fixture)
    return m["home_team"], m["away_team"]


def ranking(cli: Cli) -> Any:
    with Ledger(cli.url) as ledger:
        return ledger.ranking("gs", "thirds")


def test_the_ranking_orders_the_thirds_and_fills_the_knockout(sqlite_cli: Cli) -> None:
    build(sqlite_cli)
    record(sqlite_cli, GROUP_A + GROUP_B + GROUP_C)
    table = ranking(sqlite_cli)
    assert table.complete and table.waiting == []
    got = [(g, r.position, r.team, r.points, r.goal_difference, r.goals_for) for g, r in table.rows]
    assert got == [
        ("B", 1, "B3", 1, -2, 2),
        ("A", 2, "A2", 1, -2, 1),
        ("C", 3, "C3", 0, -2, 0),
    ]
    b3, a2, _ = (r for _, r in table.rows)
    assert b3.tiebreak_step == "overall:goals_for"
    assert b3.tiebreak == "ahead of A2 on overall goals scored (B3 2, A2 1)"
    assert a2.tiebreak_step == "overall:goals_for"
    assert sides(sqlite_cli, "qf1") == ("A1", "A2")
    assert sides(sqlite_cli, "qf2") == ("B1", "B3")
    entry = read(sqlite_cli, "qualifiers", "--path", "regional")[0]
    assert entry["team"] == "B3"
    # The human standings show the ranking after the group tables; --json keeps
    # its shape: the rows of the groups only.
    out = sqlite_cli("standings", "gs").stdout
    assert "ranking thirds" in out and out.index("ranking thirds") > out.index("Group stage C")
    rows = read(sqlite_cli, "standings", "gs")
    assert {r["group"] for r in rows} == {"A", "B", "C"} and len(rows) == 9
    # Scenarios: with every group complete the ranking places are known.
    outlook = {o["team"]: o for o in read(sqlite_cli, "scenarios", "gs")}
    assert "1st in ranking thirds (3rd-placed teams): goes through" in outlook["B3"]["notes"]
    assert (
        "3rd in ranking thirds (3rd-placed teams): does not go through" in (outlook["C3"]["notes"])
    )


def test_the_slots_wait_until_every_group_is_complete(sqlite_cli: Cli) -> None:
    build(sqlite_cli)
    record(sqlite_cli, GROUP_A + GROUP_B + GROUP_C[:2])
    assert sides(sqlite_cli, "qf1") == ("A1", None)
    assert sides(sqlite_cli, "qf2") == ("B1", None)
    data = read(sqlite_cli, "bracket", "ko")
    qf2 = next(m for m in data["matches"] if m["fixture"] == "qf2")
    assert qf2["away"] == "Group stage thirds, 1st"
    assert read(sqlite_cli, "qualifiers", "--path", "regional")[0]["team"] is None
    assert ranking(sqlite_cli).waiting == ["C"]
    record(sqlite_cli, GROUP_C[2:], DAY2)
    assert sides(sqlite_cli, "qf2") == ("B1", "B3")


def test_thirds_the_ranking_cannot_separate_leave_the_slots_open(sqlite_cli: Cli) -> None:
    build(sqlite_cli)
    # Group B as above but B1 2-0 B3:
    #   B3: L 0-2, D 1-1 -> 1 pt, 1-3 (-2), no wins: level with A2 on points, goal
    #   difference, goals scored and wins; no cards are recorded, so fair play
    #   cannot decide and the two share 1st.
    record(sqlite_cli, (*GROUP_A, "B1 2-0 B3", "B1 1-0 B2", "B2 1-1 B3", *GROUP_C))
    table = ranking(sqlite_cli)
    assert table.complete
    top = [(r.position, r.team, r.shared_with) for _, r in table.rows[:2]]
    assert top == [(1, "A2", ("B3",)), (1, "B3", ("A2",))]
    assert sides(sqlite_cli, "qf1") == ("A1", None)
    assert sides(sqlite_cli, "qf2") == ("B1", None)
    # Cards decide it: A2 takes a yellow card, B3 none.
    fixture = next(
        m["fixture"] for m in read(sqlite_cli, "bracket", "gs")["matches"] if m["home"] == "A2"
    )
    sqlite_cli("cards", fixture, "A2", "--yellow", "1", "--on", DAY2)
    assert sides(sqlite_cli, "qf2") == ("B1", "B3")
    assert sides(sqlite_cli, "qf1") == ("A1", "A2")


def test_a_ranking_is_refused_for_an_unknown_or_knockout_stage(sqlite_cli: Cli) -> None:
    build(sqlite_cli)
    before = sqlite_cli.log()
    for line in (
        f"ranking nowhere thirds --place 3 --take 2 --on {ON}",
        f"ranking ko thirds --place 3 --take 2 --on {ON}",
        f"ranking gs other --place 0 --take 2 --on {ON}",
        f"ranking gs other --place 3 --take 0 --on {ON}",
        f"ranking gs thirds --place 3 --take 1 --on {ON}",
        f"ranking gs other --place 3 --take 1 --tiebreaks h2h:points --on {ON}",
        f"schedule ko group:gs:C:1 best:gs:thirds:3 --fixture qf3 --on {ON}",
        f"schedule ko group:gs:C:1 best:gs:fourths:1 --fixture qf3 --on {ON}",
    ):
        result = sqlite_cli.refused(*shlex.split(line))
        assert result.stderr.startswith("Error:"), result.stderr
    assert sqlite_cli.log() == before


def test_a_ranking_can_be_superseded(sqlite_cli: Cli) -> None:
    build(sqlite_cli)
    record(sqlite_cli, GROUP_A + GROUP_B + GROUP_C)
    log = read(sqlite_cli, "log")
    declared = next(e for e in log if e["type"] == "ranking_declared")
    run(
        sqlite_cli,
        f"ranking gs thirds --place 2 --take 2 --tiebreaks {STEPS} "
        f"--supersedes {declared['event_id']} --on {DAY3}",
    )
    # Seconds: A3 1 pt -1 1 goal; B2 1 pt -1 1 goal, 0 wins each, no cards: level.
    # C2 3 pts goes 1st.
    table = ranking(sqlite_cli)
    assert [(r.position, r.team) for _, r in table.rows] == [(1, "C2"), (2, "A3"), (2, "B2")]
    assert sides(sqlite_cli, "qf2") == ("B1", "C2")
    assert sides(sqlite_cli, "qf1") == ("A1", None)


def test_a_drawing_of_lots_settles_a_ranking_tie(sqlite_cli: Cli) -> None:
    build(sqlite_cli)
    # A2 and B3 level up to fair play, with no cards recorded (see above).
    record(sqlite_cli, (*GROUP_A, "B1 2-0 B3", "B1 1-0 B2", "B2 1-1 B3"))
    before = sqlite_cli.log()
    # Not while group C is unfinished, and never between teams the ranking separates.
    sqlite_cli.refused("lots", "gs", "B3", "A2", "--ranking", "thirds", "--on", DAY2)
    assert sqlite_cli.log() == before
    record(sqlite_cli, GROUP_C)
    before = sqlite_cli.log()
    sqlite_cli.refused("lots", "gs", "C3", "A2", "--ranking", "thirds", "--on", DAY2)
    sqlite_cli.refused("lots", "gs", "B3", "A2", "--ranking", "fourths", "--on", DAY2)
    assert sqlite_cli.log() == before
    sqlite_cli("lots", "gs", "B3", "A2", "--ranking", "thirds", "--on", DAY2)
    table = ranking(sqlite_cli)
    assert [(r.position, r.team, r.tiebreak_step) for _, r in table.rows] == [
        (1, "B3", "lots"),
        (2, "A2", "lots"),
        (3, "C3", None),
    ]
    assert sides(sqlite_cli, "qf2") == ("B1", "B3")
    assert sides(sqlite_cli, "qf1") == ("A1", "A2")


def test_a_retracted_ranking_leaves_its_slots_open(sqlite_cli: Cli) -> None:
    build(sqlite_cli)
    record(sqlite_cli, GROUP_A + GROUP_B + GROUP_C)
    assert sides(sqlite_cli, "qf2") == ("B1", "B3")
    declared = next(e for e in read(sqlite_cli, "log") if e["type"] == "ranking_declared")
    sqlite_cli("retract", declared["event_id"], "--reason", "no thirds go through", "--on", DAY3)
    assert sides(sqlite_cli, "qf2") == ("B1", None)
    assert "ranking thirds" not in sqlite_cli("standings", "gs").stdout
    # As of the day before the retraction, the ranking still stood.
    data = read(sqlite_cli, "bracket", "ko", "--as-of", DAY2)
    qf2 = next(m for m in data["matches"] if m["fixture"] == "qf2")
    assert qf2["away_team"] == "B3"

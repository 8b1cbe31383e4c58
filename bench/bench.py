"""Benchmark: append and read rates, and that one competition's read cost does not
grow with the rest of the ledger. Prints figures and ratios; asserts nothing.

    .venv/bin/python bench/bench.py [--leagues 60] [--teams 20]
    .venv/bin/python bench/bench.py --scenarios-only

Each synthetic league is a 20-team double round robin (380 matches, ~800 events).
The scenarios figure is for such a league with ten rounds (100 matches) to play.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from events.base import Goals, Score, TeamSide
from events.catalogue import decode_body
from ledger.cli_io import bundled_text
from ledger.commands import (
    Command,
    CreateCompetition,
    CreateStage,
    EnterTeams,
    RecordResult,
    ScheduleFixture,
)
from ledger.pairings import round_robin
from ledger.script import run_script
from ledger.service import Ledger
from ledger.store import open_envelope
from projections.views import table_rows

START = dt.date(2020, 8, 1)


def league(slug: str, teams: int) -> list[Command]:
    """A double round robin as the commands a clerk would type."""
    names = [f"{slug} FC {n}" for n in range(teams)]
    out: list[Command] = [
        CreateCompetition(slug=slug, name=slug, on=START, source="bench"),
        CreateStage(slug="league", name="League", format="group", preset="points-gd-gf", on=START),
        EnterTeams(stage="league", teams=tuple(names), on=START),
    ]
    for n, (home, away) in enumerate(itertools.permutations(names, 2)):
        day = START + dt.timedelta(days=n // (teams // 2))
        goals = Goals((n * 7) % 4, (n * 3) % 3)
        out.append(
            RecordResult(
                stage="league",
                home=home,
                away=away,
                score=Score(regulation=goals),
                on=day,
                source="bench",
            )
        )
    return out


def league_in_play(slug: str, teams: int, rounds_left: int) -> list[Command]:
    """A double round robin drawn by the circle method, all but the last
    `rounds_left` rounds played; those are scheduled fixtures."""
    names = [f"{slug} FC {n}" for n in range(teams)]
    out: list[Command] = [
        CreateCompetition(slug=slug, name=slug, on=START, source="bench"),
        CreateStage(slug="league", name="League", format="group", preset="points-gd-gf", on=START),
        EnterTeams(stage="league", teams=tuple(names), on=START),
    ]
    rounds = round_robin(names, double=True)
    for n, pairs in enumerate(rounds):
        day = START + dt.timedelta(days=7 * n)
        for home, away in pairs:
            if n < len(rounds) - rounds_left:
                # Lower numbers are stronger: the table spreads as a real one does.
                edge = names.index(away) - names.index(home)
                goals = Goals(max(0, 1 + edge // 6 + n % 2), max(0, 1 - edge // 6))
                out.append(
                    RecordResult(
                        stage="league", home=home, away=away, score=Score(regulation=goals), on=day
                    )
                )
            else:
                out.append(
                    ScheduleFixture(
                        stage="league",
                        home=TeamSide(home),
                        away=TeamSide(away),
                        kickoff=day,
                        on=START,
                    )
                )
    return out


def scenarios_figure(ledger: Ledger, teams: int = 20, rounds_left: int = 10) -> float:
    """Seconds for `ledger scenarios` (fold included) on a league with rounds to play."""
    ledger.execute(*league_in_play("scenarios-league", teams, rounds_left))
    _, took = timed(lambda: ledger.scenarios("league", competition="scenarios-league"))
    return took


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def median_time(fn, runs: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = sorted(timed(fn)[1] for _ in range(runs))
    return times[len(times) // 2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leagues", type=int, default=60)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--scenarios-only", action="store_true")
    args = parser.parse_args()
    if args.scenarios_only:
        with tempfile.TemporaryDirectory() as tmp, Ledger(str(Path(tmp) / "bench.db")) as ledger:
            took = scenarios_figure(ledger, args.teams)
        print(
            f"scenarios for a {args.teams}-team double round robin with ten rounds left "
            f"(exact, solver): {took:.2f} s"
        )
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.db")
        ledger = Ledger(path)
        ledger.auto_catch_up = False

        run_script(ledger, bundled_text(), filename="bundled")

        def usoc_read() -> None:
            state = ledger.view("usoc-2014", as_of=dt.date(2014, 3, 15))
            table_rows(state, "usssa-groups")

        small = median_time(usoc_read)
        total_events, append_time = 0, 0.0
        for n in range(args.leagues):
            commands = league(f"league-{n}", args.teams)
            recorded, took = timed(lambda c=commands: ledger.execute(*c))
            total_events += len(recorded)
            append_time += took
        large = median_time(usoc_read)

        all_positions, read_lib = timed(lambda: sum(1 for _ in ledger.store.read_all()))

        def raw_floor() -> int:
            conn = sqlite3.connect(path)
            count = 0
            for (state,) in conn.execute("SELECT state FROM stored_events ORDER BY rowid"):
                decode_body(open_envelope(state)[1])
                count += 1
            conn.close()
            return count

        _, read_raw = timed(raw_floor)
        one_league, league_read = timed(lambda: table_rows(ledger.view("league-0"), "league"))
        _, catch_up = timed(ledger.catch_up)
        _, rebuild = timed(ledger.rebuild)
        scenarios_time = scenarios_figure(ledger, args.teams)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        print(f"ledger: {all_positions} events in {args.leagues + 1} competitions")
        print(
            f"append (decide + hash + store), one execute per league: "
            f"{total_events / append_time:,.0f} events/s ({append_time:.2f} s)"
        )
        print(
            f"read all through the store: {all_positions / read_lib:,.0f} events/s "
            f"({read_lib:.2f} s); raw sqlite3 + msgspec floor: "
            f"{all_positions / read_raw:,.0f} events/s; ratio {read_lib / read_raw:.1f}x"
        )
        print(
            f"2014 USSSA standings as of 2014-03-15: {small * 1000:.1f} ms with 142 events "
            f"in the ledger, {large * 1000:.1f} ms with {all_positions}: "
            f"ratio {large / small:.2f} (1.0 = independent of ledger size)"
        )
        print(
            f"one {args.teams}-team league table (fold of its ~{len(league('x', args.teams))} "
            f"events): {league_read * 1000:.0f} ms, {len(one_league)} rows"
        )
        print(f"read models: catch-up of the whole log {catch_up:.2f} s, rebuild {rebuild:.2f} s")
        print(
            f"scenarios for a {args.teams}-team double round robin with ten rounds left "
            f"(exact, solver): {scenarios_time:.2f} s"
        )
        print(f"peak memory (max RSS): {rss_mb:.0f} MB")
        ledger.close()


if __name__ == "__main__":
    main()

"""Killing the ledger mid-write: SIGKILL at many moments, then reopen and check.

* `ledger import FILE` of a large ledger script (one competition, a 40-team
  group stage, 360 results) is one decision and one append: after a kill at any
  moment the log holds none of the file's events or all of them, `verify`
  passes, importing the file again leaves exactly all of them (no duplicates),
  and the read models after `catch-up` equal a full `rebuild`.
* A clerk typing `record` after `record`, killed at random moments: the log is
  always a prefix of the intended results, each exactly once and in order, and
  no fixture is left without the result it was scheduled for.

Delays and outcomes are printed (run with `-s`); the random seed is printed too.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import json
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlparse

import pytest
import sqlite_utils

from ledger.store import EventStore
from projections import readmodel
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[1]
CLERK = ROOT / "tests" / "workers" / "clerk.py"
LEDGER = [sys.executable, "-c", "from ledger.cli import main; main()"]
SEED = int(os.environ.get("LEDGER_CRASH_SEED", "20140315"))


def big_script(slug: str) -> tuple[str, int, int]:
    """(script, events it appends, record lines): 40 teams in 4 groups of 10,
    a double round robin of 360 results, each result scheduling its fixture."""
    teams = [f"Club {i:02d}" for i in range(1, 41)]
    groups = {g: teams[i * 10 : (i + 1) * 10] for i, g in enumerate("ABCD")}
    lines = [
        f'new {slug} --name "Big League {slug}" --on 2025-01-01 --source "crash test"',
        'stage grp --name "Group stage" --format group --rules points-gd-gf --on 2025-01-01',
        "enter grp " + " ".join(f'"{t}"' for t in teams) + " --on 2025-01-01",
    ]
    for g, members in groups.items():
        lines.append(f"group grp {g} " + " ".join(f'"{t}"' for t in members) + " --on 2025-01-01")
    records = 0
    for leg in (0, 1):
        for members in groups.values():
            for a, b in itertools.combinations(members, 2):
                home, away = (a, b) if leg == 0 else (b, a)
                records += 1
                day = dt.date(2025, 2, 1) + dt.timedelta(days=leg * 60 + records % 50)
                lines.append(
                    f'record grp "{home} {records % 4}-{(records * 7) % 3} {away}" --on {day} '
                    f'--source "match report {records}"'
                )
    # competition, stage + rules, 40 entries, 4 groups, a fixture and a result per line
    events = 1 + 2 + len(teams) + len(groups) + 2 * records
    return "\n".join(lines) + "\n", events, records


def base_args(url: str) -> list[str]:
    return ["--database-url", url] if url.startswith("postgres") else ["--db", url]


def env_for(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["LEDGER_READ_DB"] = str(tmp_path / "read.db")
    return env


def rm_position(read_db: Path) -> int:
    """How far the read models had got (0 when they do not exist yet)."""
    if not read_db.exists():
        return 0
    with sqlite_utils.Database(sqlite3.connect(read_db, timeout=30)) as db:
        return readmodel.position(db)


def read_models_equal_rebuild(cli: Cli, read_db: Path) -> int:
    cli("catch-up")
    with sqlite_utils.Database(sqlite3.connect(read_db, timeout=30)) as db:
        after_catch_up = readmodel.dump(db)
    cli("rebuild")
    with sqlite_utils.Database(sqlite3.connect(read_db, timeout=30)) as db:
        after_rebuild = readmodel.dump(db)
    differ = [
        t
        for t in set(after_catch_up) | set(after_rebuild)
        if after_catch_up.get(t) != after_rebuild.get(t)
    ]
    assert not differ, f"read models after catch-up differ from a rebuild in {differ}"
    return sum(len(rows) for rows in after_rebuild.values())


def timed_import(url: str, script: Path, tmp_path: Path) -> float:
    started = time.monotonic()
    done = subprocess.run(
        [*LEDGER, *base_args(url), "import", str(script)],
        env=env_for(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def kill_delays(rng: random.Random, duration: float, points: int) -> list[float]:
    """Very early, a few through start-up and deciding, most through the
    append, the read-model catch-up and the end (where the writes happen)."""
    early = max(2, points // 4)
    late = points - early - 1
    delays = [0.005]
    delays += [duration * 0.5 * (i + rng.random()) / early for i in range(early)]
    delays += [duration * (0.5 + 0.55 * (i + rng.random()) / late) for i in range(late)]
    return sorted(delays)


def import_then_kill(
    url: str, script: Path, tmp_path: Path, delay: float, trigger: str | None = None
) -> str:
    """Start `ledger import`, SIGKILL it after `delay` seconds; or, with a
    trigger, `delay` seconds after the write begins. SQLite: `append` = the
    write-ahead log first grows (the import's one append), `checkpoint` = the
    main file first grows (the log copied into it). PostgreSQL: `pg-append` =
    the server shows the import calling the schema's append function."""
    db = Path(url)
    wal = Path(f"{url}-wal")
    base = db.stat().st_size if trigger in ("append", "checkpoint") else 0
    monitor = None
    if trigger == "pg-append":
        import psycopg

        schema = parse_qs(urlparse(url).query)["schema"][0]
        monitor = psycopg.connect(url.split("?")[0], autocommit=True)
        inserting = (
            "SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            "AND state IN ('active', 'idle in transaction') AND ltrim(query) LIKE %s"
        )
        # Every write is a call of the schema's append (or restore) function.
        pattern = f'SELECT %"{schema}".ledger\\_%'
    proc = subprocess.Popen(
        [*LEDGER, *base_args(url), "import", str(script)],
        env=env_for(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if trigger is not None:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if monitor is not None:
                if monitor.execute(inserting, (pattern,)).fetchone():
                    break
                continue
            try:
                if trigger == "append" and wal.stat().st_size > 0:
                    break
                if trigger == "checkpoint" and db.stat().st_size != base:
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.0002)
        if monitor is not None:
            monitor.close()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)  # a no-op if it has already exited
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        return "finished before the kill"
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, err)
    return "killed"


class Point:
    """A ledger in its starting state for one crash point."""

    def __init__(self, url: str, slug: str, read_db: Path) -> None:
        self.url, self.slug, self.read_db = url, slug, read_db
        self.cli = Cli(url)


class Kill(NamedTuple):
    index: int
    point: Point
    script: Path
    n_events: int
    delay: float
    outcome: str
    found: int
    when: str
    before: int  # events in the whole log before the import started


def stream_length(url: str, slug: str) -> int:
    with EventStore(url) as store:
        return len(store.read_stream(slug))


def stream_entries(cli: Cli, slug: str) -> list[dict[str, Any]]:
    return [e for e in json.loads(cli.log()) if e["stream"] == slug]


class Killer(threading.Thread):
    """Imports and kills, one crash point after the other, in the background.

    The first kills are spread over the measured import; the next are aimed at
    the moment the import commits (between the latest kill that left nothing and
    the earliest that left everything), where a torn write would show; the last
    (`triggers`, SQLite) fire on the file changing: during the append, during
    the read-model catch-up, during the checkpoint."""

    def __init__(
        self,
        tmp_path: Path,
        points: int,
        fresh: Any,
        duration: float,
        seed: int,
        triggers: Sequence[tuple[str, float]] = (),
    ) -> None:
        super().__init__(daemon=True)
        self.tmp_path, self.fresh = tmp_path, fresh
        self.triggers = list(triggers)
        self.timed = points - len(self.triggers)
        self.points = points
        self.rng = random.Random(seed)
        spread = max(4, self.timed * 2 // 3)
        self.planned = kill_delays(self.rng, duration, spread)
        self.duration = duration
        self.done: queue.Queue[Kill | BaseException] = queue.Queue()
        self.seen: list[Kill] = []

    def next_delay(self, i: int, seen: list[Kill]) -> float:
        if i < len(self.planned):
            return self.planned[i]
        nothing = [k.delay for k in seen if k.found == 0]
        everything = [k.delay for k in seen if k.found == k.n_events]
        lo = max(nothing, default=0.0)
        # Nothing written yet by the latest kill: search later (the import may
        # run slower than measured while this process checks the last point).
        hi = min((d for d in everything if d > lo), default=None)
        if hi is None:
            return self.rng.uniform(lo, lo * 1.3 + 0.05)
        if (i - len(self.planned)) % 3 == 2:
            # Just after the commit: the read-model catch-up and the exit.
            return self.rng.uniform(hi, hi + 0.25 * self.duration)
        return self.rng.uniform(lo, hi)

    def one(self, i: int) -> Kill:
        point = self.fresh(str(i))
        text, n_events, _ = big_script(point.slug)
        script = self.tmp_path / f"{point.slug}-{i}.ledger"
        script.write_text(text)
        with EventStore(point.url) as store:
            before = len(store.rows())
        trigger = None
        if i >= self.timed:
            trigger, delay = self.triggers[i - self.timed]
        else:
            delay = self.next_delay(i, self.seen)
        how = import_then_kill(point.url, script, self.tmp_path, delay, trigger)
        # Reopen: before anything else runs, how far did it get?
        found = stream_length(point.url, point.slug)
        behind = 0
        if found:
            with EventStore(point.url) as store:
                behind = store.max_position() - rm_position(point.read_db)
        if how != "killed":
            outcome = how
        elif found == 0:
            outcome = "none written"
        elif found == n_events:
            outcome = "all written, read models " + ("behind" if behind > 0 else "current")
        else:
            outcome = f"PARTIAL: {found} of {n_events}"
        when = f"{delay:.3f}s" + (f" after the {trigger} write began" if trigger else "")
        kill = Kill(i, point, script, n_events, delay, outcome, found, when, before)
        if trigger is None:
            self.seen.append(kill)
        return kill

    def run(self) -> None:
        try:
            for i in range(self.points):
                self.done.put(self.one(i))
        except BaseException as exc:  # hand it to the test thread
            self.done.put(exc)


def crash_imports(
    tmp_path: Path,
    points: int,
    fresh: Any,
    backend: str,
    *,
    pipelined: bool,
    measure: int = 2,
    triggers: Sequence[tuple[str, float]] = (),
) -> list[str]:
    """Import-and-kill at `points` moments, each on `fresh(tag)`; check each
    ledger after its kill. With `pipelined`, the next kill runs while this
    thread checks the previous one (on separate ledgers). Returns the problems."""
    durations = []
    for i in range(measure):  # measure the import on throwaway ledgers
        point = fresh(f"m{i}")
        text, n_events, records = big_script(point.slug)
        path = tmp_path / f"{point.slug}-m{i}.ledger"
        path.write_text(text)
        durations.append(timed_import(point.url, path, tmp_path))
        assert stream_length(point.url, point.slug) == n_events
    duration = min(durations)
    print(
        f"[{backend}] import of {records} record lines = {n_events} events, measured at "
        f"{[round(d, 2) for d in durations]} s; {points} kills (seed {SEED})"
    )
    killer = Killer(tmp_path, points, fresh, duration, SEED, triggers)
    problems: list[str] = []
    outcomes: collections.Counter[str] = collections.Counter()
    if pipelined:
        killer.start()
    for i in range(points):
        item = killer.done.get(timeout=300) if pipelined else killer.one(i)
        if isinstance(item, BaseException):
            raise item
        kill = item
        cli, when, n = kill.point.cli, kill.when, kill.n_events
        outcomes[kill.outcome] += 1
        if kill.found not in (0, n):
            problems.append(f"kill at {when} left {kill.found} of {n} events")
        # The whole log, relative to before: none of the file's events or all.
        grew = len(json.loads(cli.log())) - kill.before
        if grew not in (0, n) or grew != kill.found:
            problems.append(f"kill at {when}: log --json grew by {grew} events (file: {n})")
        check = cli("verify", ok=False)
        if check.exit_code != 0:
            problems.append(f"kill at {when}: verify failed: {check.output.strip()}")
        again = cli("import", str(kill.script), ok=False)
        entries = stream_entries(cli, kill.point.slug)
        if again.exit_code != 0 or len(entries) != n:
            problems.append(
                f"kill at {when} ({kill.outcome}): re-import exited {again.exit_code} "
                f"and left {len(entries)} of {n} events: {again.output.strip()[-200:]}"
            )
        duplicated = len(entries) - len({e["event_id"] for e in entries})
        versions_ok = [e["version"] for e in entries] == list(range(1, len(entries) + 1))
        if duplicated or not versions_ok:
            problems.append(f"kill at {when}: {duplicated} duplicated ids, gaps={not versions_ok}")
        try:
            rows = read_models_equal_rebuild(cli, kill.point.read_db)
        except AssertionError as exc:
            problems.append(f"kill at {when}: {exc}")
            rows = -1
        print(
            f"  crash point {kill.index + 1:2d}: kill at {when} -> {kill.outcome}; "
            f"after re-import {len(entries)}/{n} events, verify exit {check.exit_code}, "
            f"read-model rows {rows}"
        )
    if pipelined:
        killer.join(timeout=60)
    partial = sum(n for o, n in outcomes.items() if o.startswith("PARTIAL"))
    print(
        f"  [{backend}] crash points tried={points} outcomes={dict(outcomes)} "
        f"partial imports={partial} problems={len(problems)}"
    )
    return problems


@pytest.mark.slow
def test_import_killed_at_any_moment_is_all_or_nothing_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: every crash point starts from a copy of a ledger that already
    holds another competition, so the count is checked relative to before."""
    monkeypatch.chdir(tmp_path)
    base = tmp_path / "base.db"
    base_cli = Cli(str(base))
    base_cli("new", "other", "--name", "Other Cup", "--on", "2025-01-01")
    base_cli("stage", "r1", "--name", "Round 1", "--format", "knockout", "--on", "2025-01-01")
    base_cli("enter", "r1", "Alpha FC", "Beta FC", "--on", "2025-01-01")
    base_cli("record", "r1", "Alpha FC 2-1 Beta FC", "--on", "2025-01-05")

    def fresh(tag: str) -> Point:
        path = tmp_path / f"crash-{tag}.db"
        src, dst = sqlite3.connect(base), sqlite3.connect(path)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        return Point(str(path), "big", path)  # read models share the SQLite file

    points = 15
    triggers = [("append", 0.0), ("append", 0.001), ("append", 0.02), ("checkpoint", 0.0)]
    problems = crash_imports(tmp_path, points, fresh, "sqlite", pipelined=True, triggers=triggers)
    assert not problems, f"{points} crash points\n" + "\n".join(problems)


@pytest.mark.slow
@pytest.mark.postgres
def test_import_killed_at_any_moment_is_all_or_nothing_postgres(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: one shared ledger; every crash point imports a new
    competition into it (the count is checked relative to before). The read
    models are the clerk's local file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEDGER_READ_DB", str(tmp_path / "read.db"))
    Cli(pg_url)("new", "other", "--name", "Other Cup", "--on", "2025-01-01")

    def fresh(tag: str) -> Point:
        return Point(pg_url, f"big-{tag}", tmp_path / "read.db")

    points = 8
    triggers = [("pg-append", 0.0), ("pg-append", 0.02), ("pg-append", 0.04), ("pg-append", 0.1)]
    problems = crash_imports(
        tmp_path, points, fresh, "postgres", pipelined=False, measure=1, triggers=triggers
    )
    assert not problems, f"{points} crash points\n" + "\n".join(problems)


# --- single appends: a clerk killed while typing result after result ------------------

LEAGUE = [f"Side {c}" for c in "ABCDEFGHIJKL"]


def intended_results() -> list[tuple[str, str, int, int, str]]:
    """(home, away, home goals, away goals, date): a round robin of 66 results."""
    out = []
    for n, (home, away) in enumerate(itertools.combinations(LEAGUE, 2)):
        day = dt.date(2025, 3, 1) + dt.timedelta(days=n)
        out.append((home, away, n % 5, (n * 3) % 4, day.isoformat()))
    return out


def results_in_log(entries: list[dict[str, Any]]) -> tuple[list[tuple[Any, ...]], int]:
    """The results of stage `grp` in ledger order, and how many fixtures it has."""
    sides = {}
    for e in entries:
        if e["type"] == "fixture_scheduled" and e["event"]["stage"] == "grp":
            ev = e["event"]
            sides[ev["fixture"]] = (ev["home"]["team"], ev["away"]["team"], ev["kickoff"])
    results = []
    for e in entries:
        if e["type"] == "result_recorded" and e["event"]["fixture"] in sides:
            home, away, day = sides[e["event"]["fixture"]]
            reg = e["event"]["score"]["regulation"]
            results.append((home, away, reg[0], reg[1], day))
    return results, len(sides)


@pytest.mark.slow
def test_clerk_killed_between_single_appends_leaves_a_prefix(
    ledger_cli: Cli, ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One clerk process types `record` after `record` (each result schedules
    its fixture: two events per append) and is killed at random moments. After
    each kill the clerk starts again from the last result the log shows (which
    it cannot know went through: typing it again must append nothing)."""
    backend = "postgres" if ledger_url.startswith("postgres") else "sqlite"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEDGER_READ_DB", str(tmp_path / "read.db"))
    cli = ledger_cli
    on = ("--on", "2025-01-01")
    cli("new", "league", "--name", "Sunday League", *on)
    cli("stage", "grp", "--name", "League", "--format", "group", "--rules", "points-gd-gf", *on)
    cli("enter", "grp", *LEAGUE, *on)
    intended = intended_results()
    rng = random.Random(SEED + 1)
    kills = 5
    progress: list[tuple[float, int, int, str]] = []
    problems: list[str] = []
    repeats_appending = 0

    def check(label: str) -> int:
        opened = cli("log", "--json", "--all", ok=False)
        if opened.exit_code != 0:
            # Reopening after the kill must work; note it, then look again so
            # that the other checks still run.
            problems.append(f"{label}: reopening failed: {opened.stderr.strip()}")
            time.sleep(0.5)
            opened = cli("log", "--json", "--all")
        entries = json.loads(opened.stdout)
        results, fixtures = results_in_log(entries)
        k = len(results)
        if results != intended[:k]:
            problems.append(f"{label}: the log is not a prefix of the intended results")
        if fixtures != k:
            problems.append(f"{label}: {fixtures} fixtures for {k} results (a torn append)")
        ids = [e["event_id"] for e in entries]
        if len(ids) != len(set(ids)):
            problems.append(f"{label}: duplicated event ids")
        report = cli("verify", ok=False)
        if report.exit_code != 0:
            problems.append(f"{label}: verify failed: {report.output.strip()}")
        return k

    def clerk(start: int, out: Path) -> subprocess.Popen[str]:
        plan = [
            {
                "kind": "record",
                "fixture": f"{h} v {a}",
                "args": [*base_args(ledger_url), "record", "grp", f"{h} {hg}-{ag} {a}", "--on", d],
            }
            for h, a, hg, ag, d in intended[start:]
        ]
        plan_file = tmp_path / f"plan-{start}.json"
        plan_file.write_text(json.dumps(plan))
        return subprocess.Popen(
            [sys.executable, str(CLERK), "--plan", str(plan_file), "--out", str(out)],
            env=env_for(tmp_path),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    # The clerk's start-up (imports, no command), so that kills land among commands.
    started = time.monotonic()
    proc = clerk(len(intended), tmp_path / "out-empty.json")
    proc.communicate(timeout=60)
    startup = time.monotonic() - started
    k = 0
    for n in range(kills):
        start = max(k - 1, 0)
        proc = clerk(start, tmp_path / f"out-{n}.json")
        delay = startup * 0.9 + rng.uniform(0, 0.3)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        k = check(f"kill {n + 1} at {delay:.2f}s")
        progress.append((round(delay, 2), start, k, "killed" if proc.returncode else "finished"))
    start = max(k - 1, 0)
    out = tmp_path / "out-last.json"
    proc = clerk(start, out)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    last_run = json.loads(out.read_text())
    failed = [s for s in last_run if s["traceback"] or s["exit_code"] != 0]
    if start and last_run and last_run[0]["recorded"]:
        repeats_appending += 1  # the result typed again after the last kill
    final = check("after the last, complete run")
    figures = (
        f"[{backend}] writers=1 intended appends={len(intended)} (2 events each) "
        f"clerk start-up={startup:.2f}s kills={kills} "
        f"(delay s, resumed at, results in log, how)={progress} "
        f"final results={final} lost={len(intended) - final} "
        f"duplicated={max(0, final - len(intended)) + repeats_appending} "
        f"failed commands in the last run={len(failed)}"
    )
    print(figures)
    if failed:
        problems.append(
            f"last run: {[(s['args'][-3], s['stderr'] or s['traceback'][-200:]) for s in failed]}"
        )
    if final != len(intended):
        problems.append(f"{final} of {len(intended)} results after the complete run")
    if repeats_appending:
        problems.append("typing the last recorded result again appended it again")
    assert not problems, f"{figures}\n" + "\n".join(problems)
    read_db = tmp_path / "read.db" if backend == "postgres" else Path(ledger_url)
    read_models_equal_rebuild(cli, read_db)

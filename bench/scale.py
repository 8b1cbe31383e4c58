"""National scale: does every command cost what its competition costs, not what
the ledger holds? One run prints, for each measure, the figure, the raw floor
measured in the same run, their ratio, the goal and whether it is met.

    .venv/bin/python bench/scale.py --events 1000000      # the full table (tens of minutes)
    .venv/bin/python bench/scale.py --events 20000        # a smoke run (about a minute)

Ledgers built (in --workdir, or a temporary directory removed afterwards):
- large: a generated season of --events events plus the bundled 2014 competition;
- small: the 2014 competition plus ~10k generated events (--small-events);
- competitions: an 80-team double round-robin (~12.7k events) and a 9-team one
  (~150 events) in one ledger, for the per-competition CLI comparisons;
- season: a generated season exported with `ledger export --all` and imported
  into an empty ledger with `ledger import`.

Rebuild, verify and their floors run in fresh processes (this script with
--worker), each reporting its own time and peak RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

BENCH = Path(__file__).resolve()
USOC = "usoc-2014"
STANDINGS_DAY = dt.date(2014, 3, 14)


# --- measuring -----------------------------------------------------------------------


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ledger_command() -> list[str]:
    script = Path(sys.executable).with_name("ledger")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from ledger.cli import main; main()"]


def run_cli(args: list[str], *, check: bool = True) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    took = time.perf_counter() - start
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip() or done.stdout}")
    return took


def worker(name: str, db: str) -> dict[str, Any]:
    """Run one measured operation in a fresh process; its time and peak RSS."""
    done = subprocess.run(
        [sys.executable, str(BENCH), "--worker", name, "--db", db],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker {name} failed: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def peak_rss_mb() -> float:
    """This process's own peak RSS.

    On Linux, `getrusage(RUSAGE_SELF).ru_maxrss` keeps the high-water mark of the
    address space a process had before `exec`: a worker forked from a large
    parent would report the parent's size. VmHWM belongs to the current program."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_worker(name: str, db: str) -> None:
    """The body of a worker process: one operation, then its figures as JSON."""
    import hashlib

    import msgspec

    from events.catalogue import decode_body
    from ledger.service import Ledger
    from ledger.store import open_envelope
    from ledger.verify import verify

    start = time.perf_counter()
    count = 0
    workers = 0
    if name == "rebuild":
        from ledger.rebuild_split import MAX_WORKERS, cores

        # The same number of processes for every ledger measured, so that their
        # memory compares: worker processes on every core (one process alone on one).
        workers = min(cores(), MAX_WORKERS)
        workers = workers if workers > 1 else 0
        with Ledger(db) as lg:
            count = lg.rebuild(processes=max(workers, 1))
    elif name == "verify":
        with Ledger(db) as lg:
            report = verify(lg.store)
        if not report.ok:
            raise SystemExit(f"verify found problems: {report.problems[:3]}")
        count = report.checked
    elif name == "fold":
        from projections.model import fold

        with Ledger(db, read_only=True) as lg:
            for slug in lg.competitions():
                records = lg.store.read_stream(slug, positions=True)
                fold(records)
                count += len(records)
    elif name == "tables-floor":
        # The SQL a rebuild cannot skip: drop every read-model table and write as many
        # rows again (copied here by INSERT ... SELECT, no Python), then the log's
        # indexes, in one transaction; rolled back, so the ledger stays as it was.
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        start = time.perf_counter()
        for table in ("rm_events", "rm_bracket", "rm_standings", "rm_stages", "rm_qualifiers"):
            schema = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()[0]
            conn.execute(schema.replace(table, f"bench_{table}", 1))
            conn.execute(f"INSERT INTO bench_{table} SELECT * FROM {table}")
            count += conn.execute("SELECT changes()").fetchone()[0]
            conn.execute(f"DROP TABLE {table}")
        conn.execute("CREATE INDEX bench_by_stream ON bench_rm_events (stream, occurred_on)")
        conn.execute("CREATE INDEX bench_by_time ON bench_rm_events (recorded_at)")
        seconds = time.perf_counter() - start
        conn.execute("ROLLBACK")
        conn.close()
        print(json.dumps({"seconds": seconds, "rss_mb": peak_rss_mb(), "count": count}))
        return
    elif name == "parse-floor":
        # What an import cannot skip before deciding anything: read the export,
        # decode each line and its event once, check each hash.
        from ledger.export import Line

        line_decoder = msgspec.json.Decoder(Line)
        with open(db, "rb") as export:
            next(export)  # the header
            for text in export:
                line = line_decoder.decode(text)
                raw = bytes(line.body)
                if hashlib.sha256(raw).hexdigest() != line.hash:
                    raise SystemExit("the export is damaged")
                decode_body(raw)
                count += 1
    elif name == "bulk-store":
        # The import's bulk store alone: the export's events (read and sealed
        # beforehand, not timed) stored with their heads and the clock check in one
        # transaction, into a new ledger beside the export.
        from ledger.export import Line
        from ledger.store import Pending, envelope, stream_id

        line_decoder = msgspec.json.Decoder(Line)
        pending = []
        with open(db, "rb") as export:
            next(export)
            for text in export:
                line = line_decoder.decode(text)
                raw = bytes(line.body)
                body = decode_body(raw)
                pending.append(
                    Pending(
                        stream_id(body.stream),
                        body.version,
                        body.event_type,
                        envelope(raw, line.hash),
                    )
                )
        target = f"{db}.bulk.db"
        with Ledger(target) as lg:
            start = time.perf_counter()
            lg.store.save_sealed(pending)
            count = len(pending)
    elif name in ("decode-floor", "sha-floor"):
        conn = sqlite3.connect(db)
        for (state,) in conn.execute("SELECT state FROM stored_events ORDER BY rowid"):
            _digest, raw = open_envelope(state)
            if name == "decode-floor":
                decode_body(raw)
            else:
                hashlib.sha256(raw).hexdigest()
            count += 1
        conn.close()
    else:
        raise SystemExit(f"no worker {name!r}")
    seconds = time.perf_counter() - start
    rss_mb = peak_rss_mb()
    # Workers' peaks: the largest of them (the kernel keeps only that), counted once
    # for each worker; an upper bound on their sum.
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if workers else 0.0
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rss_mb": rss_mb + workers * child_mb,
                "own_mb": rss_mb,
                "child_mb": child_mb,
                "workers": workers,
                "count": count,
            }
        )
    )


# --- the table -----------------------------------------------------------------------


@dataclass
class Row:
    what: str
    now: str
    floor: str
    ratio: float
    goal: str
    ok: bool
    # A part of the row above it (the work that command cannot skip), for reading
    # the gap: no goal of its own.
    part: bool = False


def part_of(what: str, now: str, floor: str, ratio: float) -> Row:
    return Row(f"&nbsp;&nbsp;part alone: {what}", now, floor, ratio, "", True, part=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s"


def at_most(what: str, now: str, floor: str, ratio: float, goal: float) -> Row:
    return Row(what, now, floor, ratio, f"<= {goal:g}x", ratio <= goal)


def print_table(rows: list[Row], header: str) -> None:
    print()
    print(header)
    print()
    print("| what | now | raw floor / baseline | ratio | goal | |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        mark = "" if r.part else "pass" if r.ok else "FAIL"
        print(f"| {r.what} | {r.now} | {r.floor} | {r.ratio:.2f}x | {r.goal} | {mark} |")
    goals = [r for r in rows if not r.part]
    print()
    print(f"{sum(r.ok for r in goals)} of {len(goals)} goals met")


# --- building the ledgers --------------------------------------------------------------


def log(text: str) -> None:
    print(text, flush=True)


def build_ledger(path: Path, events: int, seed: int, label: str) -> int:
    from ledger.service import Ledger

    log(f"building the {label} ledger: ~{events:,} generated events -> {path}")
    with Ledger(str(path)) as lg:
        built = generate.build(lg, events=events, seed=seed, progress=log)
    log(
        f"  {built.events:,} events in {len(built.competitions) + 1} competitions, "
        f"{built.seconds:.1f} s ({built.events / built.seconds:,.0f} events/s appended "
        "through Ledger.execute, one execute per competition)"
    )
    return built.events


def count_events(path: Path) -> int:
    with sqlite3.connect(str(path)) as conn:
        count: int = conn.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    return count


def open_league(slug: str, teams: int, unplayed: int, seed: int) -> generate.Competition:
    return generate.league(slug, teams, random.Random(seed), unplayed_rounds=unplayed)


def unplayed(comp: generate.Competition) -> list[Any]:
    """The scheduled fixtures a league left unplayed, in order."""
    from ledger.commands import RecordResult, ScheduleFixture

    played = {c.fixture for c in comp.commands if isinstance(c, RecordResult)}
    return [c for c in comp.commands if isinstance(c, ScheduleFixture) and c.fixture not in played]


def result_for(fixture: Any, n: int) -> Any:
    from events.base import Goals, Score
    from ledger.commands import RecordResult

    return RecordResult(
        stage="table",
        home=fixture.home.team,
        away=fixture.away.team,
        score=Score(regulation=Goals(n % 4, (n * 3) % 3)),
        fixture=fixture.fixture,
        on=fixture.kickoff,
        source="bench",
    )


# --- the measures ----------------------------------------------------------------------


def measure_append(large: Path, tmp: Path, runs: int) -> list[Row]:
    """One `record` append into an existing league of the large ledger, in-process;
    then the same without the read-model catch-up, and the rows it stores alone."""
    from ledger.service import Ledger

    comp = open_league(f"bench-open-{os.getpid()}", 20, 12, 99)  # new on every run
    fixtures = unplayed(comp)
    with Ledger(str(large)) as lg:
        lg.execute(*comp.commands)
        lg.execute(result_for(fixtures[0], 0), competition=comp.slug)  # warm
        times: list[float] = []
        stored_only: list[float] = []
        for n, fixture in enumerate(fixtures[1 : runs + 1], start=1):
            start = time.perf_counter()
            lg.execute(result_for(fixture, n), competition=comp.slug)
            times.append(time.perf_counter() - start)
        # The same appends with the read models left to the next command.
        lg.auto_catch_up = False
        for n, fixture in enumerate(fixtures[runs + 1 : 2 * runs + 1], start=runs + 1):
            start = time.perf_counter()
            lg.execute(result_for(fixture, n), competition=comp.slug)
            stored_only.append(time.perf_counter() - start)
        lg.auto_catch_up = True
        lg.catch_up()
        with lg.store.app.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute("PRAGMA synchronous")
            synchronous = int(cursor.fetchone()[0])
    now = statistics.median(times)
    # The floors: a copy of the same file, the same journal settings, one-row commits
    # into a new table; and the rows an append stores (its event and its head) into
    # the ledger's own tables, with their keys and triggers.
    copy = tmp / "append-floor.db"
    src = sqlite3.connect(str(large))
    dst = sqlite3.connect(str(copy))
    src.backup(dst)
    src.close()
    dst.close()
    conn = sqlite3.connect(str(copy), isolation_level=None)
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute(
        "CREATE TABLE scratch (originator_id TEXT, originator_version INTEGER, "
        "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
    )
    state = conn.execute("SELECT state FROM stored_events ORDER BY rowid DESC LIMIT 1").fetchone()[
        0
    ]
    floor_times: list[float] = []
    own_rows: list[float] = []
    for n in range(len(times)):
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO scratch VALUES (?, ?, ?, ?)", ("bench", n, "result_recorded", state)
        )
        conn.execute("COMMIT")
        floor_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?)",
            ("bench-stream", n + 1, "result_recorded", state),
        )
        conn.execute("INSERT INTO ledger_heads VALUES (?, ?, ?)", ("bench-stream", n + 1, "0" * 64))
        conn.execute("COMMIT")
        own_rows.append(time.perf_counter() - start)
    conn.close()
    # The read-model rows one result rewrites (its event's row, the fixture's row, the
    # league table's rows, the stage's row, the position), SQL only, in their own
    # transaction as the catch-up writes them (synchronous=1 in WAL mode).
    conn = sqlite3.connect(str(copy), isolation_level=None)
    conn.execute("PRAGMA synchronous=1")
    event_row = conn.execute("SELECT * FROM rm_events ORDER BY position DESC LIMIT 1").fetchone()
    fixture_row = conn.execute(
        "SELECT * FROM rm_bracket WHERE competition = ? AND key = ?",
        (comp.slug, fixtures[1].fixture),
    ).fetchone()
    table_rows = conn.execute(
        "SELECT * FROM rm_standings WHERE competition = ?", (comp.slug,)
    ).fetchall()
    stage_row = conn.execute(
        "SELECT * FROM rm_stages WHERE competition = ?", (comp.slug,)
    ).fetchone()

    def marks(row: tuple[Any, ...]) -> str:
        return ", ".join("?" for _ in row)

    read_rows = []
    for n in range(len(times)):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            f"INSERT INTO rm_events VALUES ({marks(event_row)})",
            (event_row[0] + 1 + n, *event_row[1:]),
        )
        conn.execute(
            f"INSERT OR REPLACE INTO rm_bracket VALUES ({marks(fixture_row)})", fixture_row
        )
        conn.executemany(
            f"INSERT OR REPLACE INTO rm_standings VALUES ({marks(table_rows[0])})", table_rows
        )
        conn.execute(f"INSERT OR REPLACE INTO rm_stages VALUES ({marks(stage_row)})", stage_row)
        conn.execute(
            "INSERT OR REPLACE INTO rm_position (reader, position) VALUES ('bench', ?)", (n,)
        )
        conn.execute("COMMIT")
        read_rows.append(time.perf_counter() - start)
    conn.close()
    copy.unlink()
    floor = statistics.median(floor_times)
    one_row = f"one-row INSERT + COMMIT ({mode}, synchronous={synchronous}): {ms(floor)}"
    stored, rows = statistics.median(stored_only), statistics.median(own_rows)
    read = statistics.median(read_rows)
    return [
        at_most(
            f"one `record` append, in-process (median of {len(times)})",
            ms(now),
            one_row,
            now / floor,
            2,
        ),
        part_of(
            f"deciding and storing, read models left to the next command (median of "
            f"{len(stored_only)})",
            ms(stored),
            one_row,
            stored / floor,
        ),
        part_of(
            "the rows an append stores (its event and its head, into the ledger's tables), "
            "INSERT + COMMIT, no Python",
            ms(rows),
            one_row,
            rows / floor,
        ),
        part_of(
            f"the read-model rows it rewrites (its event, its fixture, the {len(table_rows)} "
            "rows of the table, the stage, the position), their own commit, no Python",
            ms(read),
            one_row,
            read / floor,
        ),
    ]


def measure_reads(large: Path, small: Path, runs: int, n_large: int, n_small: int) -> list[Row]:
    """2014 reads on the large ledger against the same reads on the small one."""
    from ledger.service import Ledger

    known = dt.datetime.now(dt.UTC)
    reads: list[tuple[str, Callable[[Any], object]]] = [
        (
            "`standings usssa-groups --as-of 2014-03-14`",
            lambda lg: lg.standings("usssa-groups", competition=USOC, as_of=STANDINGS_DAY),
        ),
        (
            "`standings usssa-groups --known-at NOW`",
            lambda lg: lg.standings("usssa-groups", competition=USOC, known_at=known),
        ),
        ("`qualifiers` (2014)", lambda lg: lg.qualifiers(competition=USOC)),
        (
            '`audit "Colorado Rovers"` (2014)',
            lambda lg: lg.audit("Colorado Rovers", competition=USOC),
        ),
    ]
    rows = []
    with Ledger(str(large)) as big, Ledger(str(small)) as little:
        for what, read in reads:
            if what.startswith("`standings"):
                assert read(big) == read(little), f"{what} differs between the ledgers"
            t_big = median_time(lambda r=read: r(big), runs)  # type: ignore[misc]
            t_small = median_time(lambda r=read: r(little), runs)  # type: ignore[misc]
            rows.append(
                at_most(
                    f"{what}, {n_large:,}-event vs {n_small:,}-event ledger",
                    ms(t_big),
                    ms(t_small),
                    t_big / t_small,
                    1.2,
                )
            )
    return rows


def measure_keep(large: Path, small: Path, n_large: int, n_small: int) -> list[Row]:
    """Rebuild and verify, each in a fresh process, against their floors."""
    rows = []
    for op, floor_op, floor_what, goal in (
        ("rebuild", "decode-floor", "SELECT state + one msgspec decode per row", 1.5),
        ("verify", "sha-floor", "SELECT state + sha256 per row", 2.0),
    ):
        log(f"  {op} ({n_large:,} events) ...")
        big = worker(op, str(large))
        floor = worker(floor_op, str(large))
        little = worker(op, str(small))
        processes = (
            f" (rows computed by {big['workers']} worker processes)" if big.get("workers") else ""
        )
        memory = (
            f"{big['rss_mb']:.0f} MB (this process {big['own_mb']:.0f} MB + "
            f"{big['workers']} x at most {big['child_mb']:.0f} MB)"
            if big.get("workers")
            else f"{big['rss_mb']:.0f} MB"
        )
        rows.append(
            at_most(
                f"`ledger {op}`, {n_large:,} events{processes}",
                f"{secs(big['seconds'])}, peak RSS {memory}",
                f"{floor_what}: {secs(floor['seconds'])}, {floor['rss_mb']:.0f} MB",
                big["seconds"] / floor["seconds"],
                goal,
            )
        )
        if op == "rebuild":
            fold = worker("fold", str(large))
            tables = worker("tables-floor", str(large))
            rows.append(
                part_of(
                    "reading each competition and folding its events, no rows written, one process",
                    secs(fold["seconds"]),
                    f"{floor_what}: {secs(floor['seconds'])}",
                    fold["seconds"] / floor["seconds"],
                )
            )
            rows.append(
                part_of(
                    f"dropping the read-model tables and writing their {tables['count']:,} "
                    "rows again, in one transaction, SQL only (INSERT ... SELECT; rolled "
                    "back, so no commit)",
                    secs(tables["seconds"]),
                    f"{floor_what}: {secs(floor['seconds'])}",
                    tables["seconds"] / floor["seconds"],
                )
            )
        rows.append(
            at_most(
                f"`ledger {op}` peak RSS, {n_large:,} vs {n_small:,} events"
                + (", every process added up" if big.get("workers") else ""),
                f"{big['rss_mb']:.0f} MB",
                f"{little['rss_mb']:.0f} MB ({secs(little['seconds'])})",
                big["rss_mb"] / little["rss_mb"],
                1.5,
            )
        )
    return rows


def measure_import(season: Path, tmp: Path, events: int, seed: int) -> list[Row]:
    """`ledger import` of an exported season into an empty ledger, against executemany;
    and its dry run (the file read, hashes checked, every event decided again)."""
    ledger = ledger_command()
    count = build_ledger(season, events, seed, "season (for import)")
    export = tmp / "season.jsonl"
    run_cli([*ledger, "--db", str(season), "export", "--all", str(export)])
    target = tmp / "imported.db"
    log(f"  ledger import of {export.name} ...")
    checked = run_cli([*ledger, "--db", str(target), "import", str(export), "--dry-run"])
    parsed = worker("parse-floor", str(export))
    stored = worker("bulk-store", str(export))
    took = run_cli([*ledger, "--db", str(target), "import", str(export)])
    with sqlite3.connect(str(target)) as conn:
        imported = conn.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    # The floor: the same rows, executemany in one transaction into an empty copy of the table.
    src = sqlite3.connect(str(season))
    schema = src.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'stored_events'"
    ).fetchone()[0]
    rows = src.execute(
        "SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
    ).fetchall()
    src.close()
    floor_db = tmp / "floor-import.db"
    conn = sqlite3.connect(str(floor_db), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(schema)
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
        "VALUES (?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")
    floor = time.perf_counter() - start
    conn.close()
    rate, floor_rate = imported / took, len(rows) / floor
    ratio = rate / floor_rate
    floor_text = f"executemany, one transaction: {floor_rate:,.0f} events/s"
    return [
        Row(
            f"bulk `ledger import` of a season export ({count:,} events), whole process",
            f"{rate:,.0f} events/s ({secs(took)})",
            floor_text,
            ratio,
            ">= 0.8x",
            ratio >= 0.8,
        ),
        part_of(
            "`ledger import --dry-run` of the same file (read, hashes checked, every event "
            "decided again; nothing stored), whole process",
            f"{imported / checked:,.0f} events/s ({secs(checked)})",
            floor_text,
            imported / checked / floor_rate,
        ),
        part_of(
            "its bulk store alone: the same events, sealed beforehand, stored with their "
            "heads and the clock check in one transaction, without start-up",
            f"{stored['count'] / stored['seconds']:,.0f} events/s ({secs(stored['seconds'])})",
            floor_text,
            stored["count"] / stored["seconds"] / floor_rate,
        ),
        part_of(
            "reading the same file, decoding each line and its event once and checking "
            "its hash (no decisions, nothing stored), without start-up",
            f"{parsed['count'] / parsed['seconds']:,.0f} events/s ({secs(parsed['seconds'])})",
            floor_text,
            parsed["count"] / parsed["seconds"] / floor_rate,
        ),
    ]


def measure_startup(runs: int) -> Row:
    ledger = ledger_command()
    run_cli([*ledger, "--help"])  # warm the file cache
    help_time = statistics.median(run_cli([*ledger, "--help"]) for _ in range(runs))
    bare = statistics.median(run_cli([sys.executable, "-c", "pass"]) for _ in range(runs))
    return at_most(
        f"`ledger --help` (median of {runs})",
        ms(help_time),
        f"`python -c pass`: {ms(bare)}",
        help_time / bare,
        3,
    )


def measure_competition_size(path: Path, seed: int, runs: int) -> list[Row]:
    """CLI commands in an 80-team league against the same in a ~150-event one."""
    from ledger.service import Ledger

    big = generate.big_league(random.Random(seed), unplayed_rounds=1)
    little = open_league("small-league", 9, 2, seed)
    log(f"building the competitions ledger: an 80-team league and a 9-team one -> {path}")
    with Ledger(str(path)) as lg:
        start = time.perf_counter()
        n_big = len(lg.execute(*big.commands))
        took = time.perf_counter() - start
        n_little = len(lg.execute(*little.commands))
    log(f"  80-team league: {n_big:,} events in {took:.1f} s; 9-team league: {n_little} events")
    ledger = [*ledger_command(), "--db", str(path)]
    rows = []
    todo_big, todo_little = unplayed(big), unplayed(little)
    figures: dict[str, float] = {}
    for name, slug, todo in (("big", big.slug, todo_big), ("little", "small-league", todo_little)):
        times = []
        for fixture in todo[:runs]:
            text = f"{fixture.home.team} 2-1 {fixture.away.team}"
            times.append(
                run_cli(
                    [
                        *ledger,
                        "--competition",
                        slug,
                        "record",
                        "table",
                        text,
                        "--fixture",
                        fixture.fixture,
                        "--on",
                        fixture.kickoff.isoformat(),
                    ]
                )
            )
        record = statistics.median(times)
        standings = statistics.median(
            run_cli([*ledger, "--competition", slug, "standings", "table"]) for _ in range(runs)
        )
        bracket = statistics.median(
            run_cli([*ledger, "--competition", slug, "bracket", "table"]) for _ in range(runs)
        )
        figures[f"record-{name}"] = record
        figures[f"standings-{name}"] = standings
        figures[f"bracket-{name}"] = bracket
    for command in ("record", "standings", "bracket"):
        t_big, t_little = figures[f"{command}-big"], figures[f"{command}-little"]
        rows.append(
            at_most(
                f"`ledger {command}`, 80-team league ({n_big:,} events) vs "
                f"{n_little}-event league, whole process (median of {runs})",
                secs(t_big),
                secs(t_little),
                t_big / t_little,
                3,
            )
        )
    return rows


# --- main ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000, help="size of the large ledger")
    parser.add_argument("--small-events", type=int, default=10_000)
    parser.add_argument(
        "--import-events",
        type=int,
        default=None,
        help="size of the imported season [default: a tenth of --events, 10k to 100k]",
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=50, help="appends timed in-process")
    parser.add_argument("--read-runs", type=int, default=15)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the ledgers here")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the large and small ledgers already in --workdir instead of building "
        "them again (built earlier with the same --events, --small-events and --seed)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker, args.db)
        return
    import_events = args.import_events or max(10_000, min(args.events // 10, 100_000))

    started = time.perf_counter()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        work = args.workdir or tmp
        work.mkdir(parents=True, exist_ok=True)
        large, small = work / "large.db", work / "small.db"
        kept = ("large.db", "small.db") if args.reuse and large.exists() and small.exists() else ()
        for name in ("large.db", "small.db", "competitions.db", "season.db"):
            for suffix in ("", "-wal", "-shm"):
                if name not in kept:
                    (work / (name + suffix)).unlink(missing_ok=True)
        if kept:
            n_large, n_small = count_events(large), count_events(small)
            log(f"reusing {large} ({n_large:,} events) and {small} ({n_small:,} events)")
        else:
            n_large = build_ledger(large, args.events, args.seed, "large")
            n_small = build_ledger(small, args.small_events, args.seed + 1, "small")

        rows: list[Row] = []
        log("measuring: one record append")
        rows += measure_append(large, tmp, args.runs)
        n_large = count_events(large)
        log("measuring: 2014 reads")
        rows += measure_reads(large, small, args.read_runs, n_large, n_small)
        log("measuring: rebuild and verify (fresh processes)")
        rows += measure_keep(large, small, n_large, n_small)
        log("measuring: bulk import")
        rows += measure_import(work / "season.db", tmp, import_events, args.seed + 2)
        log("measuring: start-up")
        rows.append(measure_startup(max(args.cli_runs, 21)))  # tens of ms each: many runs
        log("measuring: commands in a large and a small competition")
        rows += measure_competition_size(work / "competitions.db", args.seed + 3, args.cli_runs)
        load_after = os.getloadavg()

    elapsed = time.perf_counter() - started
    loads = ", ".join(f"{x:.2f}" for x in load_before)
    loads_after = ", ".join(f"{x:.2f}" for x in load_after)
    print_table(
        rows,
        f"National scale: {n_large:,}-event ledger (seed {args.seed}), "
        f"{os.cpu_count()} CPUs, load average {loads} at the start and {loads_after} at the end; "
        f"run took {elapsed / 60:.1f} min. Python {sys.version.split()[0]}, "
        f"SQLite {sqlite3.sqlite_version}.",
    )


if __name__ == "__main__":
    main()

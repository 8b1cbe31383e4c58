"""Benchmark: checkpoint, `verify --checkpoint` and `prove` on a large ledger.

    .venv/bin/python bench/trust_bench.py [--leagues 375] [--db PATH]

Builds synthetic leagues (bench.py's 20-team double round robin, ~800 events
each) through `Ledger.execute`, publishes a checkpoint half-way, appends the
rest, then times the CLI as a user runs it. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import league  # bench/bench.py, beside this file
from ledger.service import Ledger


def run(*args: str) -> tuple[float, str]:
    ledger = str(Path(sys.executable).parent / "ledger")
    start = time.perf_counter()
    done = subprocess.run([ledger, *args], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leagues", type=int, default=375)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="trust-bench-"))
    db = args.db or str(work / "big.db")
    start = time.perf_counter()
    with Ledger(db) as lg:
        lg.auto_catch_up = False  # the read models are not what is measured
        for n in range(args.leagues):
            lg.execute(*league(f"l{n:04d}", 20))
            if n == args.leagues // 2:
                run("--db", db, "checkpoint", "-o", str(work / "half.checkpoint"))
        events = lg.store.max_position()
    print(f"built {events} events in {time.perf_counter() - start:.0f}s ({db})")
    half = json.loads((work / "half.checkpoint").read_text())["size"]
    took, _ = run("--db", db, "checkpoint", "-o", str(work / "full.checkpoint"))
    print(f"checkpoint of {events} events: {took:.2f}s")
    took, _ = run("--db", db, "verify", "--checkpoint", str(work / "half.checkpoint"))
    print(f"verify --checkpoint (checkpoint of {half}, ledger of {events}): {took:.2f}s")
    _, log = run("--db", db, "-c", "l0001", "log", "--json")
    event_id = json.loads(log)[-1]["event_id"]
    took, _ = run(
        "--db",
        db,
        "prove",
        event_id,
        "--checkpoint",
        str(work / "half.checkpoint"),
        "-o",
        str(work / "one.proof"),
    )
    print(f"prove one event against the checkpoint of {half}: {took:.2f}s")
    took, _ = run(
        "verify-proof", str(work / "one.proof"), "--checkpoint", str(work / "half.checkpoint")
    )
    print(f"verify-proof (no database): {took:.2f}s")


if __name__ == "__main__":
    main()

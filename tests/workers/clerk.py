"""A clerk in its own OS process: the subprocess entry point of the concurrency
and crash tests.

Three modes:

* one command through the real console entry point (`ledger.cli.main`), so its
  stdout, stderr and exit status are exactly what a clerk would see:

      python tests/workers/clerk.py [--ready F --go F] [--stats F] -- --db X record ...

* a plan: a JSON list of commands run one after the other in this process
  (each through click's CliRunner, each opening the ledger afresh, as separate
  `ledger` invocations would). `{id:KEY}` in an argument is replaced by the
  event id printed by the earlier command whose `key` is KEY. Results are
  written to --out as JSON when the plan ends.

      python tests/workers/clerk.py --plan plan.json --out out.json [--ready F --go F]

* `--open-loop N --url URL --out F`: open (and close) the event store N times,
  reporting every failure to open.

`--ready`/`--go` form a start barrier: the worker finishes its imports, creates
the ready file, then waits for the go file, so that several workers hit the
ledger at the same moment. `--stats` receives the number of `ConcurrentAppend`
conflicts this process met (counted by wrapping `EventStore.append_batches` here, in
the test process only; the product code is not changed).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from ledger import store as store_module
from ledger.cli import cli, main
from ledger.errors import ConcurrentAppend

CONFLICTS = 0
APPEND_CALLS = 0
RECORDED = re.compile(r"^recorded (\w+) ([0-9a-f]{32}) \(#(\d+)\)$", re.MULTILINE)


def _count_conflicts() -> None:
    original = store_module.EventStore.append_batches

    def append(self: Any, *args: Any, **kwargs: Any) -> Any:
        global CONFLICTS, APPEND_CALLS
        APPEND_CALLS += 1
        try:
            return original(self, *args, **kwargs)
        except ConcurrentAppend:
            CONFLICTS += 1
            raise

    store_module.EventStore.append_batches = append  # type: ignore[method-assign]


def _barrier(ready: str | None, go: str | None) -> None:
    if ready:
        Path(ready).touch()
    if go:
        deadline = time.monotonic() + 60
        while not os.path.exists(go):
            if time.monotonic() > deadline:
                raise SystemExit("clerk: no go signal within 60 s")
            time.sleep(0.0005)


def _run_plan(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    runner = CliRunner()
    ids: dict[str, str] = {}
    results: list[dict[str, Any]] = []
    for step in plan:
        args = [
            re.sub(r"\{id:([^}]+)\}", lambda m: ids.get(m.group(1), "?"), a) for a in step["args"]
        ]
        before = CONFLICTS
        started = time.monotonic()
        res = runner.invoke(cli, args, catch_exceptions=True)
        elapsed = time.monotonic() - started
        exc = res.exception
        tb = ""
        if exc is not None and not isinstance(exc, SystemExit):
            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        recorded = [
            {"type": m.group(1), "event_id": m.group(2), "position": int(m.group(3))}
            for m in RECORDED.finditer(res.stdout)
        ]
        if step.get("key") and recorded:
            ids[step["key"]] = recorded[-1]["event_id"]
        results.append(
            {
                **step,
                "args": args,
                "exit_code": res.exit_code,
                "stdout": res.stdout,
                "stderr": res.stderr,
                "exception": None if exc is None else type(exc).__name__,
                "traceback": tb,
                "recorded": recorded,
                "conflicts": CONFLICTS - before,
                "seconds": elapsed,
            }
        )
    return results


def run() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plan")
    parser.add_argument("--out")
    parser.add_argument("--ready")
    parser.add_argument("--go")
    parser.add_argument("--stats")
    parser.add_argument("--open-loop", type=int, default=0)
    parser.add_argument("--url")
    parser.add_argument("argv", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    _count_conflicts()
    if opts.stats:
        stats = opts.stats

        def write_stats() -> None:
            Path(stats).write_text(
                json.dumps({"conflicts": CONFLICTS, "append_calls": APPEND_CALLS})
            )

        atexit.register(write_stats)
    if opts.open_loop:
        _barrier(opts.ready, opts.go)
        failures: list[str] = []
        for _ in range(opts.open_loop):
            try:
                store_module.EventStore(opts.url).close()
            except Exception as exc:  # report every kind of failure to the test
                failures.append(f"{type(exc).__name__}: {exc}")
        Path(opts.out).write_text(json.dumps({"opens": opts.open_loop, "failures": failures}))
        return
    if opts.plan:
        plan = json.loads(Path(opts.plan).read_text())
        _barrier(opts.ready, opts.go)
        results = _run_plan(plan)
        Path(opts.out).write_text(json.dumps(results))
        return
    argv = opts.argv[1:] if opts.argv[:1] == ["--"] else opts.argv
    _barrier(opts.ready, opts.go)
    sys.argv = ["ledger", *argv]
    main()


if __name__ == "__main__":
    run()

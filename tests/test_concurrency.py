"""Several clerks writing to the same competition at the same moment.

Each clerk is its own OS process (`tests/workers/clerk.py`) started behind a
barrier, on a real SQLite file and on a real PostgreSQL schema. What must hold
whatever the interleaving:

* every command the ledger accepted is in `log --json` exactly once, and
  nothing else is (no event lost, none duplicated);
* every stream's versions are 1..n without gaps, `ledger verify` exits 0, and
  the read models after catch-up equal a full rebuild;
* a refused command says one line on stderr, never a traceback;
* at the library level, a conflicting append raises `ConcurrentAppend` and
  writes nothing at all;
* opening the ledger and catching up the read models survive other clerks
  doing the same at the same moment (the last three tests pin, without
  relying on luck, the races the process tests meet by chance).

Conflicts are counted inside the clerk processes by wrapping
`EventStore.append` there (test code only; nothing in the product changes).

The figures (writers, commands, appends, conflicts met, refusals, events lost or
duplicated) are printed; run with `-s` to see them.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from events.structure import AssumptionRecorded, TeamEntered
from ledger.cli import cli as ledger_cli
from ledger.commands import Replay
from ledger.errors import ConcurrentAppend
from ledger.service import Ledger
from ledger.store import EventStore
from ledger.verify import verify
from projections import readmodel
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[1]
CLERK = ROOT / "tests" / "workers" / "clerk.py"
TEAMS = [f"Team {i:02d}" for i in range(1, 17)]
WRITERS = 4
OWN_PER_WRITER = 5  # fixtures f01..f20, five per writer
CONTESTED = [f"f{n:02d}" for n in range(21, 25)]  # each written by two writers


def fixtures() -> list[tuple[str, str, str, int]]:
    """(fixture id, home, away, round number): 8 fixtures in each of 3 rounds."""
    out = []
    n = 0
    for rnd, shift in ((1, 1), (2, 3), (3, 5)):
        for k in range(8):
            n += 1
            out.append((f"f{n:02d}", TEAMS[2 * k], TEAMS[(2 * k + shift) % 16], rnd))
    return out


FIXTURES = {fid: (home, away, rnd) for fid, home, away, rnd in fixtures()}


def setup_script() -> str:
    lines = [
        'new cup --name "County Cup" --on 2025-01-01',
        'stage ko --name "Knockout" --format knockout '
        '--rounds "Round 1,Round 2,Round 3" --on 2025-01-01',
        "enter ko " + " ".join(f'"{t}"' for t in TEAMS) + " --on 2025-01-01",
    ]
    for fid, (home, away, rnd) in FIXTURES.items():
        lines.append(
            f'schedule ko "{home}" "{away}" --round "Round {rnd}" --fixture {fid} '
            f"--kickoff 2025-02-0{rnd} --on 2025-01-02"
        )
    return "\n".join(lines) + "\n"


def base_args(url: str) -> list[str]:
    return ["--database-url", url] if url.startswith("postgres") else ["--db", url]


def worker_env(tmp_path: Path, name: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    # A clerk's local read-model file (used only with PostgreSQL).
    env["LEDGER_READ_DB"] = str(tmp_path / f"read-{name}.db")
    env["LEDGER_ACTOR"] = name
    return env


def build_cup(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The county cup: 16 teams, 24 fixtures, built through `ledger import`."""
    monkeypatch.setenv("LEDGER_READ_DB", str(tmp_path / "read-test.db"))
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "setup.ledger"
    script.write_text(setup_script())
    cli = Cli(url)
    out = cli("import", str(script))
    assert "imported 42 events" in out.stdout, out.stdout
    return cli


@pytest.fixture
def cup(ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return build_cup(ledger_url, tmp_path, monkeypatch)


@pytest.fixture
def sqlite_cup(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return build_cup(sqlite_url, tmp_path, monkeypatch)


def load_log(cli: Cli) -> list[dict[str, Any]]:
    return json.loads(cli.log())


def check_stream_integrity(entries: list[dict[str, Any]]) -> dict[str, int]:
    """Versions 1..n per stream, positions increasing, ids unique, chain linked."""
    ids = collections.Counter(e["event_id"] for e in entries)
    dup_ids = {k: v for k, v in ids.items() if v > 1}
    assert not dup_ids, f"duplicated event ids in the log: {dup_ids}"
    positions = [e["position"] for e in entries]
    assert positions == sorted(positions) and len(set(positions)) == len(positions), positions
    by_stream: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for e in entries:
        by_stream[e["stream"]].append(e)
    for stream, items in by_stream.items():
        versions = [e["version"] for e in items]
        assert versions == list(range(1, len(items) + 1)), (
            f"stream {stream}: versions not contiguous: {versions}"
        )
        for prev, cur in itertools.pairwise(items):
            assert cur["prev_hash"] == prev["hash"], f"chain not linked at {cur['version']}"
    return {s: len(v) for s, v in by_stream.items()}


def read_models_equal_rebuild(cli: Cli, read_db: Path) -> int:
    """`catch-up` then `rebuild` must leave identical read-model tables."""
    cli("catch-up")
    with sqlite_utils.Database(read_db) as db:
        after_catch_up = readmodel.dump(db)
    cli("rebuild")
    with sqlite_utils.Database(read_db) as db:
        after_rebuild = readmodel.dump(db)
    diff = {
        t: (len(after_catch_up.get(t, [])), len(after_rebuild.get(t, [])))
        for t in set(after_catch_up) | set(after_rebuild)
        if after_catch_up.get(t) != after_rebuild.get(t)
    }
    assert after_catch_up == after_rebuild, f"read models differ from a rebuild: {diff}"
    return sum(len(v) for v in after_rebuild.values())


def read_db_of(url: str, tmp_path: Path) -> Path:
    return tmp_path / "read-test.db" if url.startswith("postgres") else Path(url)


def start_together(
    commands: list[list[str]], envs: list[dict[str, str]], tmp_path: Path
) -> list[subprocess.Popen[str]]:
    """Start one clerk process per command; release them all at the same moment."""
    tag = uuid.uuid4().hex[:8]
    go = tmp_path / f"go-{tag}"
    readies = [tmp_path / f"ready-{tag}-{i}" for i in range(len(commands))]
    procs = [
        subprocess.Popen(
            [sys.executable, str(CLERK), "--ready", str(ready), "--go", str(go), *cmd],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for cmd, env, ready in zip(commands, envs, readies, strict=True)
    ]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in readies):
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            for p in procs:
                p.kill()
            outs = [p.communicate() for p in procs]
            raise AssertionError(f"clerks did not get ready: {outs}")
        time.sleep(0.005)
    go.touch()
    return procs


# --- many clerks, different fixtures -------------------------------------------------


def plan_for(writer: int, url: str) -> list[dict[str, Any]]:
    """Five results of its own, one contested result on each side, cards for both
    teams of its fixtures, a repeated result and two corrections; interleaved so
    that they overlap with the other writers. `expect` is the fact each
    accepted command must leave in the log."""
    base = base_args(url)
    own = [
        f"f{n:02d}" for n in range(writer * OWN_PER_WRITER + 1, (writer + 1) * OWN_PER_WRITER + 1)
    ]

    def rec(fid: str, hg: int, ag: int, kind: str) -> dict[str, Any]:
        home, away, rnd = FIXTURES[fid]
        return {
            "kind": kind,
            "key": fid,
            "fixture": fid,
            "expect": {"type": "result_recorded", "fixture": fid, "score": [hg, ag]},
            "args": [
                *base,
                *("record", "ko", f"{home} {hg}-{ag} {away}"),
                *("--on", f"2025-02-0{rnd}", "--round", f"Round {rnd}", "--fixture", fid),
                *("--source", f"clerk {writer}"),
            ],
        }

    def corr(fid: str, hg: int, ag: int) -> dict[str, Any]:
        home, away, _ = FIXTURES[fid]
        return {
            "kind": "correct",
            "fixture": fid,
            "supersedes": fid,
            "expect": {"type": "result_corrected", "fixture": fid, "score": [hg, ag]},
            "args": [
                *base,
                *("correct", f"{{id:{fid}}}", f"{home} {hg}-{ag} {away}"),
                *("--reason", f"referee's report (clerk {writer})", "--on", "2025-03-01"),
            ],
        }

    def cards(fid: str, side: int) -> dict[str, Any]:
        team = FIXTURES[fid][side]
        yellow = 1 + (writer + side) % 4
        return {
            "kind": "cards",
            "fixture": fid,
            "expect": {"type": "cards_recorded", "fixture": fid, "team": team, "yellow": yellow},
            "args": [
                *base,
                *("cards", fid, team, "--yellow", str(yellow)),
                *("--on", f"2025-02-0{FIXTURES[fid][2]}", "--source", f"clerk {writer}"),
            ],
        }

    mine = CONTESTED[writer]
    theirs = CONTESTED[(writer - 1) % WRITERS]
    scores = [(writer + k) % 5 for k in range(OWN_PER_WRITER)]
    return [
        rec(own[0], scores[0], 1, "own"),
        rec(mine, 1, 0, "contested"),
        rec(own[1], scores[1], 2, "own"),
        cards(own[0], 0),
        rec(own[2], scores[2], 0, "own"),
        cards(own[0], 1),
        rec(theirs, 0, 2, "contested"),
        rec(own[3], scores[3], 3, "own"),
        cards(own[1], 0),
        corr(own[0], 7, 7),
        rec(own[4], scores[4], 1, "own"),
        cards(own[1], 1),
        rec(own[2], scores[2], 0, "repeat"),
        cards(own[2], 0),
        corr(own[1], 6, 0),
        cards(own[2], 1),
        cards(own[3], 0),
        cards(own[3], 1),
        cards(own[4], 0),
        cards(own[4], 1),
    ]


def fact_of(e: dict[str, Any]) -> tuple[Any, ...]:
    """What an event says, ignoring ids, citations and clocks."""
    ev = e["event"]
    if e["type"] in ("result_recorded", "result_corrected"):
        return (e["type"], ev["fixture"], tuple(ev["score"]["regulation"]))
    if e["type"] == "cards_recorded":
        return (e["type"], ev["fixture"], ev["team"], ev["yellow"])
    return (e["type"], ev["event_id"])


def expected_fact(expect: dict[str, Any]) -> tuple[Any, ...]:
    if expect["type"] == "cards_recorded":
        return (expect["type"], expect["fixture"], expect["team"], expect["yellow"])
    return (expect["type"], expect["fixture"], tuple(expect["score"]))


@pytest.mark.slow
def test_four_clerks_append_to_one_competition_at_once(
    cup: Cli, ledger_url: str, tmp_path: Path
) -> None:
    backend = "postgres" if ledger_url.startswith("postgres") else "sqlite"
    before = load_log(cup)
    commands, envs = [], []
    for w in range(WRITERS):
        plan_file = tmp_path / f"plan-{w}.json"
        plan_file.write_text(json.dumps(plan_for(w, ledger_url)))
        commands.append(
            [
                *("--plan", str(plan_file), "--out", str(tmp_path / f"out-{w}.json")),
                *("--stats", str(tmp_path / f"stats-{w}.json")),
            ]
        )
        envs.append(worker_env(tmp_path, f"clerk{w}"))
    started = time.monotonic()
    procs = start_together(commands, envs, tmp_path)
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, f"a clerk process died: {err}"
    wall = time.monotonic() - started
    results = [json.loads((tmp_path / f"out-{w}.json").read_text()) for w in range(WRITERS)]
    stats = [json.loads((tmp_path / f"stats-{w}.json").read_text()) for w in range(WRITERS)]
    conflicts = sum(s["conflicts"] for s in stats)
    steps = [(w, step) for w, res in enumerate(results) for step in res]
    problems: list[str] = []

    def what(w: int, s: dict[str, Any]) -> str:
        return f"clerk {w} {s['kind']} {s['fixture']} ({' '.join(s['args'][2:5])})"

    # -- every command: accepted, or refused with one line; never a traceback ------
    crashed = [
        (w, s)
        for w, s in steps
        if s["traceback"] or "Traceback" in s["stderr"] or s["exit_code"] not in (0, 1)
    ]
    for w, s in crashed:
        last = (s["traceback"] or s["stderr"]).strip().splitlines()[-1:]
        problems.append(f"{what(w, s)} crashed with a traceback: {last}")
    accepted = [(w, s) for w, s in steps if s["exit_code"] == 0]
    refused = [(w, s) for w, s in steps if s["exit_code"] != 0 and (w, s) not in crashed]
    for w, s in refused:
        lines = [ln for ln in s["stderr"].splitlines() if ln.strip()]
        if len(lines) != 1 or not lines[0].startswith("Error: "):
            problems.append(f"{what(w, s)} refused without one clear line: {s['stderr']!r}")
    appended = [r for _, s in accepted for r in s["recorded"]]

    # -- what each clerk was told -----------------------------------------------------
    for w, s in refused:
        # Nobody else writes these facts: only an exhausted retry budget
        # (ConcurrentAppend: "another clerk appended") may refuse them.
        if s["kind"] != "contested" and "another clerk appended" not in s["stderr"]:
            problems.append(f"{what(w, s)} refused: {s['stderr'].strip()}")
    for w, s in accepted:
        if s["kind"] == "repeat":
            if s["recorded"] or "already recorded" not in s["stdout"]:
                problems.append(f"{what(w, s)}: repeating a result appended: {s['stdout']!r}")
        elif len(s["recorded"]) != 1:
            problems.append(f"{what(w, s)} accepted but told {s['stdout']!r}")
    for fid in CONTESTED:
        tries = [s for _, s in steps if s["kind"] == "contested" and s["fixture"] == fid]
        won = [s for s in tries if s["exit_code"] == 0]
        if len(won) != 1:
            problems.append(
                f"contested {fid}: {len(won)} of 2 different results accepted: "
                f"{[(s['exit_code'], s['stderr'].strip()[-80:]) for s in tries]}"
            )
        for s in tries:
            clean_refusal = s["exit_code"] == 1 and not s["traceback"]
            if clean_refusal and "already has a result" not in s["stderr"]:
                problems.append(f"contested {fid} refused for another reason: {s['stderr']}")

    # -- the log holds exactly the accepted facts, once each ----------------------------
    after = load_log(cup)
    assert after[: len(before)] == before, "events present before the clerks started changed"
    per_stream = check_stream_integrity(after)
    new = after[len(before) :]
    by_id = {e["event_id"]: e for e in new}
    told = collections.Counter(r["event_id"] for r in appended)
    lost = [i for i in told if i not in by_id]
    facts = collections.Counter(fact_of(e) for e in new)
    duplicated = [f"{k} x{n}" for k, n in facts.items() if n > 1]
    duplicated += [f"{i} told {n} times" for i, n in told.items() if n > 1]
    results_per_fixture = collections.Counter(
        e["event"]["fixture"] for e in new if e["type"] == "result_recorded"
    )
    duplicated += [f"{f}: {n} results" for f, n in results_per_fixture.items() if n > 1]
    unexplained = [e for e in new if e["event_id"] not in told]
    crashed_facts = {expected_fact(s["expect"]): what(w, s) for w, s in crashed}
    crashed_but_written = [
        crashed_facts[fact_of(e)] for e in unexplained if fact_of(e) in crashed_facts
    ]
    for w, s in accepted:
        for r in s["recorded"]:
            e = by_id.get(r["event_id"])
            if e is not None and fact_of(e) != expected_fact(s["expect"]):
                problems.append(f"{what(w, s)} was told {r} but the log holds {e['event']}")
            if e is not None and s.get("supersedes"):
                original = next(
                    x for _, x in steps if x["kind"] == "own" and x["fixture"] == s["fixture"]
                )
                if e["event"]["supersedes"] != original["recorded"][0]["event_id"]:
                    problems.append(f"{what(w, s)} supersedes the wrong event: {e['event']}")
    for w, s in refused:
        if any(fact_of(e) == expected_fact(s["expect"]) for e in unexplained):
            problems.append(f"{what(w, s)} was refused but its fact was written")

    verify_result = cup("verify", ok=False)
    figures = (
        f"[{backend}] writers={WRITERS} commands={len(steps)} accepted={len(accepted)} "
        f"refused={len(refused)} crashed={len(crashed)} appends reported={len(appended)} "
        f"new events in log={len(new)} conflicts (ConcurrentAppend met, each retried)="
        f"{conflicts} append attempts={sum(s['append_calls'] for s in stats)} "
        f"events lost={len(lost)} duplicated={len(duplicated)} unexplained={len(unexplained)} "
        f"(written by commands that then crashed: {len(crashed_but_written)}) "
        f"verify exit={verify_result.exit_code} wall={wall:.2f}s"
    )
    print(figures)
    print(f"  stream lengths {per_stream}")
    for w, s in refused:
        print(f"  refused: {what(w, s)}: {s['stderr'].strip()}")
    for item in crashed_but_written:
        print(f"  crashed after its events were committed: {item}")
    if lost or duplicated:
        problems.append(f"events lost {lost}, duplicated {duplicated}")
    if len(unexplained) != len(crashed_but_written):
        problems.append(f"events nobody was told about: {[e['event'] for e in unexplained]}")
    if verify_result.exit_code != 0:
        problems.append(f"verify failed: {verify_result.output}")
    try:
        rows = read_models_equal_rebuild(cup, read_db_of(ledger_url, tmp_path))
        print(f"  read models after catch-up == rebuild ({rows} rows)")
    except AssertionError as exc:
        problems.append(str(exc))
    assert not problems, f"{figures}\n" + "\n".join(problems)


# --- two clerks, the same result --------------------------------------------------------


@pytest.mark.slow
def test_two_clerks_recording_the_same_result_at_once(
    cup: Cli, ledger_url: str, tmp_path: Path
) -> None:
    """Many rounds of two `ledger record` processes released together, each with
    the same result of the same fixture (different citations: the same fact)."""
    backend = "postgres" if ledger_url.startswith("postgres") else "sqlite"
    rounds = 12
    conflicts = 0
    outcomes: collections.Counter[str] = collections.Counter()
    refusals: collections.Counter[str] = collections.Counter()
    problems = []
    results_per_round = []
    for n, fid in enumerate(list(FIXTURES)[:rounds]):
        home, away, rnd = FIXTURES[fid]
        cmds, envs = [], []
        for clerk in ("alice", "bob"):
            stats = tmp_path / f"stats-{fid}-{clerk}.json"
            cmds.append(
                [
                    *("--stats", str(stats), "--", *base_args(ledger_url)),
                    *("record", "ko", f"{home} {n % 4}-1 {away}", "--on", f"2025-02-0{rnd}"),
                    *("--fixture", fid, "--source", f"{clerk}'s match report"),
                ]
            )
            envs.append(worker_env(tmp_path, clerk))
        procs = start_together(cmds, envs, tmp_path)
        said = []
        for p in procs:
            out, err = p.communicate(timeout=60)
            said.append((p.returncode, out.strip(), err.strip()))
        for clerk in ("alice", "bob"):
            stats_file = tmp_path / f"stats-{fid}-{clerk}.json"
            conflicts += json.loads(stats_file.read_text())["conflicts"]
        results = [
            e
            for e in load_log(cup)
            if e["type"] == "result_recorded" and e["event"]["fixture"] == fid
        ]
        results_per_round.append(len(results))

        def kind(code: int, out: str, err: str) -> str:
            if "Traceback" in err or code not in (0, 1):
                return "traceback"
            if code == 0 and out.startswith("recorded result_recorded"):
                return "recorded"
            if code == 0 and "already recorded" in out:
                return "already recorded"
            if code == 1 and len(err.splitlines()) == 1 and err.startswith("Error: "):
                refusals[err.split(": ", 1)[1][:60]] += 1
                return "refused"
            return "unclear"

        told = [kind(*s) for s in said]
        kinds = sorted(told)
        outcomes[" + ".join(kinds)] += 1
        recorded = [s for s, k in zip(said, told, strict=True) if k == "recorded"]
        ok = (
            len(results) == 1
            and len(recorded) == 1
            and results[0]["event_id"] in recorded[0][1]
            and sorted(kinds) in (["already recorded", "recorded"], ["recorded", "refused"])
        )
        if not ok:
            tails = [(code, out, err.splitlines()[-1:]) for code, out, err in said]
            problems.append(f"{fid}: {len(results)} result events; clerks said {tails}")
    check_stream_integrity(load_log(cup))
    report = cup("verify", ok=False)
    figures = (
        f"[{backend}] rounds={rounds} writers per round=2 outcomes={dict(outcomes)} "
        f"refusal reasons={dict(refusals)} conflicts met={conflicts} "
        f"duplicated results={sum(n - 1 for n in results_per_round if n > 1)} "
        f"lost results={results_per_round.count(0)} verify exit={report.exit_code}"
    )
    print(figures)
    assert not problems, f"{figures}\n" + "\n".join(problems)
    assert report.exit_code == 0, f"{figures}\n{report.output}"
    read_models_equal_rebuild(cup, read_db_of(ledger_url, tmp_path))


# --- the library: a conflicting append writes nothing ----------------------------------


def _note(text: str) -> AssumptionRecorded:
    return AssumptionRecorded(
        event_id=uuid.uuid4().hex,
        occurred_on=dt.date(2025, 1, 5),
        source="test",
        actor="test",
        subject="ko",
        assumption=text,
    )


def _entry(team: str) -> TeamEntered:
    return TeamEntered(
        event_id=uuid.uuid4().hex, occurred_on=dt.date(2025, 1, 5), stage="ko", team=team
    )


def test_a_conflicting_append_never_half_writes(cup: Cli, ledger_url: str) -> None:
    first, second = EventStore(ledger_url), EventStore(ledger_url)
    try:
        rounds = 0
        for size_a, size_b in ((1, 1), (1, 3), (2, 3), (3, 1)):
            rounds += 1
            history_a = first.read_stream("cup")
            history_b = second.read_stream("cup")
            assert history_a == history_b
            events_a = [_note(f"a{rounds}.{i}") for i in range(size_a)]
            events_b = [_entry(f"Late Team {rounds}.{i}") for i in range(size_b)]
            written = first.append("cup", events_a, after=history_a)
            assert [r.event for r in written] == events_a
            with pytest.raises(ConcurrentAppend):
                second.append("cup", events_b, after=history_b)
            now = first.read_stream("cup")
            assert now == second.read_stream("cup")
            assert [r.event for r in now[len(history_a) :]] == events_a, (
                f"round {rounds}: the stream must hold only the first writer's events"
            )
            ids_b = {e.event_id for e in events_b}
            assert not any(r.event.event_id in ids_b for r in first.read_all())
            heads = {(sid, v) for sid, v, _ in first.heads()}
            assert len(heads) == len(now), "a head was sealed for an event that is not stored"
            report = verify(first)
            assert report.ok, report.problems
            # The loser decides again on fresh state and succeeds.
            again = second.append("cup", events_b, after=second.read_stream("cup"))
            assert [r.version for r in again] == list(range(len(now) + 1, len(now) + 1 + size_b))
        final = first.read_stream("cup")
        assert [r.version for r in final] == list(range(1, len(final) + 1))
        assert verify(second).ok
        print(
            f"[{'postgres' if ledger_url.startswith('postgres') else 'sqlite'}] "
            f"library: writers=2 rounds={rounds} conflicts raised={rounds} "
            f"half-written events=0 stream length={len(final)}"
        )
    finally:
        first.close()
        second.close()
    with Ledger(ledger_url) as led:
        assert led.store.read_stream("cup") == final


# --- the two races the clerk tests above meet, made deterministic ----------------------


def test_clerks_opening_a_shared_ledger_at_once(cup: Cli, ledger_url: str, tmp_path: Path) -> None:
    """Opening the ledger must not fail because another clerk opens it at the same
    moment (every command opens the store first)."""
    backend = "postgres" if ledger_url.startswith("postgres") else "sqlite"
    writers, opens = 4, 15
    commands = [
        ["--open-loop", str(opens), "--url", ledger_url, "--out", str(tmp_path / f"open-{i}.json")]
        for i in range(writers)
    ]
    envs = [worker_env(tmp_path, f"opener{i}") for i in range(writers)]
    for p in start_together(commands, envs, tmp_path):
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    failures = [
        f
        for i in range(writers)
        for f in json.loads((tmp_path / f"open-{i}.json").read_text())["failures"]
    ]
    reasons = collections.Counter(f.split(": ")[-1] for f in failures)
    figures = (
        f"[{backend}] processes={writers} opens each={opens} total opens={writers * opens} "
        f"failed opens={len(failures)} reasons={dict(reasons)}"
    )
    print(figures)
    assert not failures, figures


class OtherClerk(threading.Thread):
    """A second clerk's command, run in its own thread with its own connections."""

    def __init__(self, url: str, job: Callable[[Ledger], Any]) -> None:
        super().__init__(daemon=True)
        self.url, self.job = url, job
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with Ledger(self.url) as other:
                self.result = self.job(other)
        except BaseException as exc:  # reported by the test
            self.error = exc


def run_with_a_clerk_in_between(
    cli: Cli, args: list[str], url: str, job: Callable[[Ledger], Any], hook: Callable[..., Any]
) -> tuple[Any, OtherClerk]:
    """Run `ledger ARGS` in this thread; when `hook` first fires inside it, start
    the other clerk's `job` and give it a second to get through (it may have to
    wait for a lock this command holds: then this command goes on first)."""
    other = OtherClerk(url, job)

    def fire() -> None:
        if not other.is_alive() and other.ident is None:
            other.start()
            other.join(timeout=1.0)

    with hook(fire):
        result = cli.runner.invoke(ledger_cli, args, catch_exceptions=True)
    other.join(timeout=60)
    return result, other


def test_catch_up_survives_a_command_committed_meanwhile(
    sqlite_cup: Cli, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After its append, a command brings the read models up to date. If another
    clerk's command (append, then catch-up) commits while that catch-up has read
    but not yet written, the command (whose events are already stored) must
    still succeed, and so must the other clerk's.

    The hook only chooses the moment: between this catch-up's first read of the
    read-model tables and its first insert, the other clerk's command is started
    in a thread and given a second to finish. That is what the clerk tests above
    can meet by chance on SQLite, where the read models share the ledger file.
    (Two commands sharing one local read-model file with PostgreSQL: see the
    next test.)"""
    cup, url = sqlite_cup, sqlite_url
    original = readmodel._insert_events

    @contextlib.contextmanager
    def hook(fire: Callable[[], None]) -> Iterator[None]:
        def insert_events(conn: Any, rows: Any) -> Any:
            if rows and threading.current_thread() is threading.main_thread():
                fire()
            return original(conn, rows)

        monkeypatch.setattr(readmodel, "_insert_events", insert_events)
        yield
        monkeypatch.setattr(readmodel, "_insert_events", original)

    home, away, rnd = FIXTURES["f01"]
    args = [*base_args(url), "record", "ko", f"{home} 2-1 {away}", "--on", f"2025-02-0{rnd}"]
    result, other = run_with_a_clerk_in_between(
        cup,
        [*args, "--fixture", "f01"],
        url,
        lambda led: led.execute(
            Replay(event=(note := _note("another clerk's fact")), on=note.occurred_on),
            competition="cup",
        ),
        hook,
    )
    entries = load_log(cup)
    results = [e for e in entries if e["type"] == "result_recorded"]
    theirs = [e for e in entries if e["type"] == "assumption_recorded"]
    crash = None if isinstance(result.exception, SystemExit | None) else result.exception
    figures = (
        f"[sqlite] writers=2 appends=2 (one during the other's catch-up) "
        f"exit={result.exit_code} exception={crash!r} other clerk: {other.error!r} "
        f"results in log={len(results)} other clerk's facts in log={len(theirs)}"
    )
    print(figures)
    assert other.ident is not None, "the other clerk never started"
    assert len(results) == 1 and len(theirs) == 1, figures
    assert crash is None, f"{figures}\nthe record was stored but the command crashed"
    assert other.error is None, f"{figures}\nthe other clerk's command failed"
    assert result.exit_code == 0 and result.stdout.startswith("recorded result_recorded"), (
        f"{figures}\n{result.output}"
    )
    assert cup("verify").exit_code == 0
    read_models_equal_rebuild(cup, Path(url))


def test_two_catch_ups_at_once_apply_each_event_once(
    cup: Cli, ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two clerks' commands catching up the same read models at the same moment:
    the other clerk's catch-up runs between this one's reading of its position
    and its inserts (started in a thread, given a second). Each event must reach
    rm_events once, and both commands (whose appends are stored) must succeed.
    On PostgreSQL this is two commands run from the same directory, sharing the
    default local `ledger-read.db`."""
    backend = "postgres" if ledger_url.startswith("postgres") else "sqlite"
    original = readmodel.position

    @contextlib.contextmanager
    def hook(fire: Callable[[], None]) -> Iterator[None]:
        def position(db: sqlite_utils.Database) -> int:
            last = original(db)
            if last > 0 and threading.current_thread() is threading.main_thread():
                fire()  # this clerk's catch-up has read its position
            return last

        monkeypatch.setattr(readmodel, "position", position)
        yield
        monkeypatch.setattr(readmodel, "position", original)

    home, away, rnd = FIXTURES["f02"]
    result, other = run_with_a_clerk_in_between(
        cup,
        [
            *(*base_args(ledger_url), "record", "ko", f"{home} 0-3 {away}"),
            *("--on", f"2025-02-0{rnd}", "--fixture", "f02"),
        ],
        ledger_url,
        lambda led: led.catch_up(),
        hook,
    )
    crash = None if isinstance(result.exception, SystemExit | None) else result.exception
    figures = (
        f"[{backend}] catch-ups at once=2 events applied by the other={other.result} "
        f"exit={result.exit_code} exception={crash!r} other clerk: {other.error!r}"
    )
    print(figures)
    assert other.ident is not None, "the other catch-up never ran"
    assert crash is None, f"{figures}\nthe record was stored but the command crashed"
    assert other.error is None, f"{figures}\nthe other clerk's catch-up failed"
    assert result.exit_code == 0, f"{figures}\n{result.output}"
    read_models_equal_rebuild(cup, read_db_of(ledger_url, tmp_path))

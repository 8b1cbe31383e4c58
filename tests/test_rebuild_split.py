"""A rebuild whose rows are computed by worker processes builds exactly the tables
one process builds; a worker that fails or dies fails the rebuild and leaves the
old tables; events after the position fixed at the start are left to the catch-up.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from ledger import rebuild_split
from ledger.commands import RecordResult
from ledger.progress import DISPLAY_THREAD
from ledger.rebuild_split import RebuildFailed
from ledger.service import Ledger
from ledger.store import EventStore
from projections import readmodel
from tests.conftest import Cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import generate
import scale


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated season (leagues, cups, groups feeding knockouts, qualification
    paths, corrections and voids) beside the bundled 2014 competition."""
    path = tmp_path_factory.mktemp("season") / "season.db"
    with Ledger(str(path)) as lg:
        generate.build(lg, events=3000, seed=11)
    return path


def dump(path: Path) -> dict[str, Any]:
    return readmodel.dump(sqlite_utils.Database(str(path)))


def copy_of(season: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ledger.db"
    with EventStore(str(season)) as store:  # settle the log into the file
        store.max_position()
    target.write_bytes(season.read_bytes())
    return target


@pytest.mark.parametrize("processes", [2, 3, 7])
def test_workers_build_what_one_process_builds(
    season: Path, tmp_path: Path, processes: int
) -> None:
    db = copy_of(season, tmp_path)
    with Ledger(str(db)) as lg:
        alone = lg.rebuild(processes=1)
    one = dump(db)
    with Ledger(str(db)) as lg:
        split = lg.rebuild(processes=processes)
        assert lg.read_model_differences() == []
    assert split == alone >= 3000
    assert dump(db) == one
    assert one["rm_bracket"] and one["rm_standings"] and one["rm_qualifiers"]


def test_a_failing_worker_fails_the_rebuild_and_leaves_the_tables(
    season: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = copy_of(season, tmp_path)
    before = dump(db)
    original = rebuild_split.stream_rows

    def failing(records: Any) -> Any:
        if records[0].stream == "usoc-2014":
            raise RuntimeError("out of memory")
        return original(records)

    monkeypatch.setattr(rebuild_split, "stream_rows", failing)  # forked: workers see it too
    with Ledger(str(db)) as lg, pytest.raises(RebuildFailed, match="out of memory"):
        lg.rebuild(processes=2)
    assert dump(db) == before


def test_a_worker_that_dies_fails_the_rebuild_and_leaves_the_tables(
    season: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = copy_of(season, tmp_path)
    before = dump(db)

    def killed(records: Any) -> Any:
        os._exit(9)  # as the kernel's out-of-memory killer would

    monkeypatch.setattr(rebuild_split, "stream_rows", killed)
    with Ledger(str(db)) as lg, pytest.raises(RebuildFailed, match="stopped before it finished"):
        lg.rebuild(processes=2)
    assert dump(db) == before


def test_the_cli_says_a_failed_rebuild_in_one_line(
    season: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = copy_of(season, tmp_path)
    before = dump(db)
    # The command's own choice: workers on a ledger this large (here: any) with cores.
    monkeypatch.setattr("ledger.service.SPLIT_REBUILD_FROM", 0)
    monkeypatch.setattr("ledger.service.cores", lambda: 2)

    def failing(records: Any) -> Any:
        raise RuntimeError("the disk is full\nwhile writing page 12")

    monkeypatch.setattr(rebuild_split, "stream_rows", failing)
    refused = Cli(str(db)).refused("rebuild")
    assert "the disk is full" in refused.stderr
    assert "page 12" not in refused.stderr  # the first line of the worker's error only
    assert dump(db) == before


def test_events_after_the_fixed_position_are_left_to_the_catch_up(
    season: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Events stored after a rebuild fixed its position (here: the last ten, as if
    appended while the workers ran) are not in the rebuilt tables; the next
    catch-up applies them, and the tables then equal a fresh build."""
    db = copy_of(season, tmp_path)
    comp = scale.open_league("late", 6, 2, 3)
    with Ledger(str(db)) as lg:
        lg.execute(*comp.commands)
        played = [scale.result_for(f, n) for n, f in enumerate(scale.unplayed(comp)[:10])]
        lg.execute(*played, competition="late")
        assert all(isinstance(c, RecordResult) for c in played)
        last = lg.store.max_position()
        monkeypatch.setattr(EventStore, "max_position", lambda self: last - 10)
        count = lg.rebuild(processes=2)
        monkeypatch.undo()
        stale = lg.read_model_differences()
        assert count == last - 10
        assert readmodel.position(lg.read_db) == last - 10
        late = {f"rm_events: row (position={p}) is missing" for p in range(last - 9, last + 1)}
        assert late <= set(stale)
        others = [line for line in stale if line not in late]
        assert all("competition='late'" in line or "rm_position" in line for line in others)
        assert lg.catch_up() == 10
        assert lg.read_model_differences() == []


@pytest.mark.postgres
def test_postgres_rebuilds_in_one_process(pg_url: str, tmp_path: Path) -> None:
    with Ledger(pg_url, read_models=str(tmp_path / "read.db")) as lg:
        lg.execute(*scale.open_league("pg-league", 6, 2, 5).commands)
        assert lg.rebuild(processes=4) == len(lg.store.read_stream("pg-league"))
        assert lg.read_model_differences() == []


def test_a_worker_that_hangs_fails_the_rebuild_and_leaves_the_tables(
    season: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = copy_of(season, tmp_path)
    before = dump(db)

    def stuck(records: Any) -> Any:
        time.sleep(60)  # as a worker waiting on a disk that does not answer

    monkeypatch.setattr(rebuild_split, "stream_rows", stuck)
    monkeypatch.setattr(rebuild_split, "_SILENCE", 0.5)
    started = time.monotonic()
    with Ledger(str(db)) as lg, pytest.raises(RebuildFailed, match=r"has answered for 0\.5 s"):
        lg.rebuild(processes=2)
    assert time.monotonic() - started < 30  # the stuck workers were stopped, not awaited
    assert dump(db) == before


def test_a_process_running_other_threads_rebuilds_without_forking(
    season: Path, tmp_path: Path
) -> None:
    db = copy_of(season, tmp_path)
    with Ledger(str(db)) as lg:
        lg.rebuild(processes=1)
    one = dump(db)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert rebuild_split.start_workers(str(db), [["usoc-2014"], []], 10) is None
        with Ledger(str(db)) as lg:
            lg.rebuild(processes=2)
    finally:
        stop.set()
        other.join()
    assert dump(db) == one


def test_the_commands_progress_display_does_not_keep_the_workers_from_starting(
    season: Path, tmp_path: Path
) -> None:
    db = copy_of(season, tmp_path)
    stop = threading.Event()
    display = threading.Thread(target=stop.wait, name=DISPLAY_THREAD, daemon=True)
    display.start()
    try:
        started = rebuild_split.start_workers(str(db), [["usoc-2014"], []], 10)
        assert started is not None and len(started) == 2
        assert sum(len(rows[0]["rm_events"]) for rows in rebuild_split.rows_from(started)) == 10
        rebuild_split.stop_workers(started)
    finally:
        stop.set()
        display.join()

"""The CLI cannot be turned against its own ledger: every bad input is one line, nothing written.

Each refused operation is checked to leave `ledger log --json` exactly as it was.
The figures (bad inputs tried, tracebacks, partial writes) are printed.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from events.catalogue import Recorded
from ledger.service import Ledger
from projections import readmodel
from tests.conftest import Cli

CUP = "cup"


def small(cli: Cli) -> None:
    cli("new", CUP, "--name", "County Cup", "--on", "2025-01-10")
    cli("stage", "ko", "--name", "Knockout", "--format", "knockout", "--on", "2025-01-10")
    cli("enter", "ko", "Alpha", "Beta", "Gamma", "Delta", "--on", "2025-01-10")
    cli("record", "ko", "Alpha 2-1 Beta", "--on", "2025-02-01")


# --- export ------------------------------------------------------------------------


def test_export_never_overwrites_the_ledger_or_a_link_to_it(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    small(sqlite_cli)
    db = Path(sqlite_cli.url)
    before, data = sqlite_cli.log(), db.read_bytes()
    link = tmp_path / "link.db"
    link.symlink_to(db)

    for target in (str(db), str(link), os.path.relpath(db), str(tmp_path / "." / "ledger.db")):
        for force in ((), ("--force",)):
            refused = sqlite_cli.refused("export", target, *force)
            assert "the ledger itself" in refused.stderr

    assert db.read_bytes() == data
    assert sqlite_cli.log() == before
    assert sqlite_cli("verify").exit_code == 0


def test_export_replaces_an_existing_file_only_with_force(ledger_cli: Cli, tmp_path: Path) -> None:
    small(ledger_cli)
    out = tmp_path / "cup.jsonl"
    out.write_text("keep me\n")

    assert "already exists" in ledger_cli.refused("export", str(out)).stderr
    assert out.read_text() == "keep me\n"
    ledger_cli("export", str(out), "--force")
    assert out.read_text().startswith('{"format":"results-ledger-export"')
    # Written through a rename: no temporary file is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".cup")) == []


# --- imports -----------------------------------------------------------------------

BAD_IMPORTS = ("/dev/zero", "fifo", "directory", "not utf-8", "too long a line", "imports itself")


def _bad_input(tmp_path: Path, what: str) -> str:
    if what == "/dev/zero":
        return "/dev/zero"
    if what == "fifo":
        path = tmp_path / "pipe.ledger"
        os.mkfifo(path)
        return str(path)
    if what == "directory":
        return str(tmp_path)
    path = tmp_path / f"{what.replace(' ', '-')}.ledger"
    if what == "not utf-8":
        path.write_bytes(b"new x --name ok --on 2025-01-01\nnew y --name \xff --on 2025-01-01\n")
    elif what == "too long a line":
        path.write_text("new x --name ok --on 2025-01-01\nnew y --name " + "a" * 1_000_000 + "\n")
    else:
        path.write_text(f"new x --name ok --on 2025-01-01\nimport {path}\n")
    return str(path)


@pytest.mark.parametrize("what", BAD_IMPORTS)
def test_a_bad_import_is_one_clear_line_and_writes_nothing(
    ledger_cli: Cli, tmp_path: Path, what: str
) -> None:
    small(ledger_cli)
    before = ledger_cli.log()
    target = _bad_input(tmp_path, what)

    started = time.monotonic()
    refused = ledger_cli.refused("import", target)

    assert time.monotonic() - started < 30
    assert ledger_cli.log() == before
    expected = {
        "/dev/zero": "not a regular file",
        "fifo": "not a regular file",
        "directory": "directory",
        "not utf-8": ":2: line 2 is not UTF-8; save the file as UTF-8",
        "too long a line": ":2: the line is 1000013 characters long; the limit is 4000",
        "imports itself": ":2: `import` cannot appear in a ledger script",
    }[what]
    assert expected in refused.stderr, refused.stderr
    print(f"[safe edges] bad import {what!r}: refused, 0 tracebacks, 0 events written")


def test_an_import_larger_than_the_limit_is_refused_unread(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledger import files

    small(sqlite_cli)
    before = sqlite_cli.log()
    big = tmp_path / "big.ledger"
    big.write_text("# padding\n" * 200)
    monkeypatch.setattr(files, "MAX_IMPORT_BYTES", 1000)

    refused = sqlite_cli.refused("import", str(big))

    assert "the limit is 1000 bytes" in refused.stderr
    assert sqlite_cli.log() == before


# --- names ---------------------------------------------------------------------------

BAD_NAMES = {
    "120 KB team": ("enter", "ko", "x" * 120_000),
    "zero-width space in a team": ("enter", "ko", "Alpha\u200b"),
    "control character in a team": ("enter", "ko", "Al\x07pha"),
    "direction override in a stage name": (
        "stage",
        "r2",
        "--name",
        "Round \u202e2",
        "--format",
        "knockout",
    ),
    "zero-width joiner in an alias": ("alias", "Al\u200dpha", "Alpha"),
    "bidi mark in a competition name": ("new", "cup2", "--name", "Cup\u200f"),
}


@pytest.mark.parametrize("case", sorted(BAD_NAMES))
def test_names_refuse_invisible_characters_and_huge_lengths(ledger_cli: Cli, case: str) -> None:
    small(ledger_cli)
    before = ledger_cli.log()

    refused = ledger_cli.refused(*BAD_NAMES[case], "--on", "2025-01-11")

    assert "invisible character" in refused.stderr or "the limit is 200" in refused.stderr
    assert ledger_cli.log() == before


# --- reading a ledger that is not there, or read-only --------------------------------


def test_a_read_of_a_missing_ledger_says_so_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    cli = Cli(str(missing))
    for args in (
        ("log",),
        ("verify",),
        ("bracket", "ko"),
        ("export",),
        ("record", "ko", "A 1-0 B", "--on", "2025-02-01"),
    ):
        refused = cli.refused(*args)
        assert "no ledger at" in refused.stderr
    assert list(tmp_path.iterdir()) == []


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions bind, even for root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only directory cannot be made")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def test_verify_and_reads_work_on_a_ledger_in_a_read_only_directory(sqlite_cli: Cli) -> None:
    small(sqlite_cli)
    expected_log = sqlite_cli.log()
    archive = Path(tempfile.mkdtemp(prefix="ledger-archive-"))
    try:
        copy = archive / "archived.db"
        src = sqlite3.connect(sqlite_cli.url)
        dst = sqlite3.connect(copy)
        src.backup(dst)
        src.close()
        dst.close()
        os.chmod(copy, 0o444)
        os.chmod(archive, 0o555)
        prefix = _without_root_powers()
        for args in (
            ["verify"],
            ["log", "--json", "--all"],
            ["bracket", "ko"],
            ["bracket", "ko"],
        ):
            done = subprocess.run(
                [*prefix, str(Path(sys.executable).parent / "ledger"), "--db", str(copy), *args],
                capture_output=True,
                text=True,
                env={**os.environ, "HOME": str(archive)},
                cwd=archive,
                timeout=120,
            )
            assert done.returncode == 0, (args, done.stderr)
            assert "Traceback" not in done.stderr
            if args[0] == "log":
                assert json.loads(done.stdout) == json.loads(expected_log)
        assert sorted(p.name for p in archive.iterdir()) == ["archived.db"]
    finally:
        os.chmod(archive, 0o755)
        for p in archive.iterdir():
            p.unlink()
        archive.rmdir()


# --- read models ----------------------------------------------------------------------


def _read_db(url: str) -> str:
    return url if not url.startswith("postgres") else os.environ.get("LEDGER_READ_DB", "")


def test_a_read_model_failure_after_a_commit_is_a_warning_and_is_repaired(
    sqlite_cli: Cli,
) -> None:
    small(sqlite_cli)
    with sqlite3.connect(sqlite_cli.url) as conn:  # move rm_position back
        conn.execute("UPDATE rm_position SET position = 2")

    result = sqlite_cli("record", "ko", "Gamma 1-0 Delta", "--on", "2025-02-01")

    warnings = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and warnings[0].startswith("warning: "), result.stderr
    assert "Traceback" not in result.output
    assert "Gamma" in sqlite_cli.log()  # the facts were committed
    assert sqlite_cli("verify", "--read-models").exit_code == 0


def test_verify_read_models_names_every_difference(sqlite_cli: Cli) -> None:
    small(sqlite_cli)
    assert "match the events" in sqlite_cli("verify", "--read-models").stdout
    with sqlite3.connect(sqlite_cli.url) as conn:
        conn.execute("UPDATE rm_bracket SET winner = 'Beta' WHERE winner = 'Alpha'")
        conn.execute("DELETE FROM rm_events WHERE position = 3")

    result = sqlite_cli("verify", "--read-models", ok=False)

    assert result.exit_code == 2
    assert "rm_bracket: row" in result.stderr and "differs in" in result.stderr
    assert "winner" in result.stderr
    assert "rm_events: row (position=3) is missing" in result.stderr
    sqlite_cli("rebuild")
    assert sqlite_cli("verify", "--read-models").exit_code == 0


def test_rebuild_is_one_transaction(sqlite_cli: Cli) -> None:
    """A rebuild that fails half-way leaves the old tables, rows and all."""
    small(sqlite_cli)
    before = readmodel.dump(sqlite_utils.Database(sqlite_cli.url))
    assert before["rm_stages"]
    with Ledger(sqlite_cli.url) as lg:

        def failing_streams() -> Iterator[list[Recorded]]:
            for slug in lg.competitions():
                yield lg.store.read_stream(slug, positions=True)
            raise RuntimeError("the disk is full")

        with pytest.raises(RuntimeError):
            readmodel.rebuild(lg.read_db, streams=failing_streams())

    assert readmodel.dump(sqlite_utils.Database(sqlite_cli.url)) == before

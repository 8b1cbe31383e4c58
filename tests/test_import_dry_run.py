"""`ledger import FILE --dry-run` decides every fact of FILE as the import would
and writes nothing: the count it gives is the count the import then appends, for
every format the import reads, and the ledger (or the absence of one) is left as
it was. What the import refuses, the dry run refuses (see test_forged_export).
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
import sqlite_utils

from ledger.cli_io import bundled_text
from ledger.store import ledger_exists
from projections import readmodel
from tests.conftest import Cli
from tests.test_bulk_import import season

DATA = Path(__file__).parent / "data"


def would_append(cli: Cli, file: Path) -> int:
    out = cli("import", str(file), "--dry-run").stdout
    found = re.fullmatch(
        rf"{re.escape(file.name)}: (\d+) events would be appended; nothing written \(dry run\)\n",
        out,
    )
    assert found, out
    return int(found[1])


def appended(cli: Cli, file: Path) -> int:
    out = cli("import", str(file)).stdout
    if "nothing appended" in out:
        return 0
    found = re.fullmatch(rf"imported (\d+) events from {re.escape(file.name)}\n", out)
    assert found, out
    return int(found[1])


def test_an_export_checked_then_imported(ledger_cli: Cli, tmp_path: Path) -> None:
    source = Cli(str(tmp_path / "source.db"))
    season(source)
    export = tmp_path / "season.jsonl"
    source("export", "--all", str(export))
    exported = len(export.read_text().splitlines()) - 1  # the header line

    before = ledger_cli.log()  # on SQLite: no file yet, and the dry run makes none
    assert would_append(ledger_cli, export) == exported
    assert ledger_cli.log() == before

    assert appended(ledger_cli, export) == exported
    after = ledger_cli.log()
    assert would_append(ledger_cli, export) == 0
    assert ledger_cli.log() == after


@pytest.mark.parametrize("name", ["script", "wikitext", "football.txt"])
def test_each_format_checked_then_imported(sqlite_cli: Cli, tmp_path: Path, name: str) -> None:
    files = {
        "script": tmp_path / "usoc.ledger",
        "wikitext": DATA / "2014-us-open-cup-qualification.txt",
        "football.txt": DATA / "euro2016.txt",
    }
    files["script"].write_text(bundled_text())
    file = files[name]

    would = would_append(sqlite_cli, file)
    assert sqlite_cli.log() == "<no ledger file>"
    assert would > 0

    assert appended(sqlite_cli, file) == would
    after = sqlite_cli.log()
    assert would_append(sqlite_cli, file) == 0
    assert sqlite_cli.log() == after


def test_a_dry_run_into_a_ledger_with_other_competitions(demo_cli: Cli, tmp_path: Path) -> None:
    before, tables = demo_cli.log(), readmodel.dump(sqlite_utils.Database(demo_cli.url))
    would = would_append(demo_cli, DATA / "euro2016.txt")
    assert demo_cli.log() == before
    assert readmodel.dump(sqlite_utils.Database(demo_cli.url)) == tables
    assert appended(demo_cli, DATA / "euro2016.txt") == would > 0


@pytest.mark.postgres
def test_a_dry_run_on_postgres_creates_nothing(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No tables on the server where there were none, and no local read-model file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_READ_DB", raising=False)
    source = Cli(str(tmp_path / "source.db"))
    source("new", "early", "--name", "Early Cup", "--on", "2025-01-01")
    export = tmp_path / "early.jsonl"
    source("export", "--all", str(export))
    target = Cli(pg_url)

    assert would_append(target, export) == 1
    assert objects_in_schema(pg_url) == 0
    assert not (tmp_path / "ledger-read.db").exists()

    target("new", "later", "--name", "Later Cup", "--on", "2025-01-01")
    assert ledger_exists(pg_url)
    objects = objects_in_schema(pg_url)
    source = Cli(str(tmp_path / "season.db"))  # recorded after the target's first fact
    season(source)
    source("export", "--all", str(export), "--force")
    (tmp_path / "ledger-read.db").unlink()
    before = target.log()
    would = would_append(target, export)
    assert target.log() == before
    assert objects_in_schema(pg_url) == objects
    assert not (tmp_path / "ledger-read.db").exists()
    assert appended(target, export) == would > 1


def objects_in_schema(url: str) -> int:
    """Tables, indexes, sequences, types and functions in the URL's schema."""
    import psycopg

    base, schema = url.split("?schema=")
    with psycopg.connect(base) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %(s)s)"
            " + (SELECT count(*) FROM pg_type t JOIN pg_namespace n "
            "ON n.oid = t.typnamespace WHERE n.nspname = %(s)s)"
            " + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = %(s)s)",
            {"s": schema},
        ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("kind", ["empty file", "another database"])
def test_a_dry_run_into_a_file_that_is_no_ledger_leaves_it_as_it_was(
    tmp_path: Path, kind: str
) -> None:
    target = tmp_path / "target.db"
    if kind == "empty file":
        target.touch()
    else:
        with sqlite3.connect(target) as conn:
            conn.execute("CREATE TABLE notes (text TEXT)")
            conn.execute("INSERT INTO notes VALUES ('kept')")
    before = target.read_bytes()
    cli = Cli(str(target))
    assert would_append(cli, DATA / "euro2016.txt") > 0
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target.db"]


def test_a_dry_run_leaves_no_temporary_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert would_append(Cli(str(tmp_path / "none.db")), DATA / "euro2016.txt") > 0
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("form", ["sqlite:///{abs}", "sqlite://{rel}", "{rel}"])
def test_each_way_of_naming_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    monkeypatch.chdir(tmp_path)
    url = form.format(abs=tmp_path / "named.db", rel="named.db")
    cli = Cli(url)
    would = would_append(cli, DATA / "euro2016.txt")
    assert not (tmp_path / "named.db").exists()
    assert appended(cli, DATA / "euro2016.txt") == would > 0
    assert (tmp_path / "named.db").exists()

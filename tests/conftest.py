"""Shared fixtures: a ledger on a real SQLite file, and on the real PostgreSQL server.

`ledger_url` runs a test on both backends. PostgreSQL tests use a fresh schema
per test in the database named by LEDGER_TEST_DATABASE_URL; without it they skip,
unless LEDGER_REQUIRE_POSTGRES is set (as CI does), when they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ledger.cli import cli, load_all

load_all()  # tests walk every command; the CLI itself loads them on use

PG_URL = os.environ.get("LEDGER_TEST_DATABASE_URL", "")
REQUIRE_PG = bool(os.environ.get("LEDGER_REQUIRE_POSTGRES"))


def _pg_schema() -> Iterator[str]:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("LEDGER_REQUIRE_POSTGRES is set but LEDGER_TEST_DATABASE_URL is not")
        pytest.skip("no PostgreSQL: set LEDGER_TEST_DATABASE_URL=postgresql://... to run")
    import psycopg

    base = PG_URL.split("?")[0]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as exc:
        if REQUIRE_PG:
            raise
        pytest.skip(f"PostgreSQL at {base} is not reachable: {exc}")
    try:
        yield f"{base}?schema={schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "ledger.db")


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _pg_schema()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.db")
    else:
        yield from _pg_schema()


class Cli:
    """Runs `ledger` against one database, as a user would."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def _base(self) -> list[str]:
        if self.url.startswith("postgres"):
            return ["--database-url", self.url]
        return ["--db", self.url]

    def __call__(self, *args: str, ok: bool = True, **kwargs: Any) -> Result:
        result = self.runner.invoke(cli, [*self._base(), *args], catch_exceptions=False, **kwargs)
        if ok and result.exit_code != 0:
            raise AssertionError(
                f"ledger {' '.join(args)} exited {result.exit_code}: {result.output}"
            )
        return result

    def refused(self, *args: str) -> Result:
        """Run a command that must be refused: one line on stderr, exit != 0."""
        result = self(*args, ok=False)
        assert result.exit_code != 0, f"ledger {' '.join(args)} was accepted: {result.output}"
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, f"expected one error line, got: {result.stderr!r}"
        assert "Traceback" not in result.output
        return result

    def log(self) -> str:
        """The whole log as JSON; for a SQLite ledger not created yet, a marker that
        stays equal only while no file appears (a refusal must not create one)."""
        if not self.url.startswith("postgres") and not Path(self.url).exists():
            return "<no ledger file>"
        return self("log", "--json", "--all").stdout


@pytest.fixture
def ledger_cli(ledger_url: str) -> Cli:
    return Cli(ledger_url)


@pytest.fixture
def sqlite_cli(sqlite_url: str) -> Cli:
    return Cli(sqlite_url)


@pytest.fixture
def demo_cli(sqlite_url: str) -> Cli:
    """A SQLite ledger holding the bundled 2014 qualification."""
    cli_ = Cli(sqlite_url)
    cli_("demo")
    return cli_


# The concurrency, crash and fuzz tests print their figures (writers, appends,
# conflicts, crash points, inputs tried); show them at the end of every run.
_FIGURES: list[str] = []
_FIGURE_FILES = ("test_concurrency.py", "test_crash.py", "test_fuzz.py")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if (
        report.when in ("call", "teardown")
        and report.capstdout
        and report.nodeid.split("::")[0].endswith(_FIGURE_FILES)
    ):
        _FIGURES.extend(line for line in report.capstdout.splitlines() if line.strip())


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _FIGURES:
        terminalreporter.section("figures from the concurrency, crash and fuzz tests")
        # A test's output reaches this hook once per report phase: print it once.
        for line in dict.fromkeys(_FIGURES):
            terminalreporter.write_line(line)

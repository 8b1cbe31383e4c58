"""The `ledger` command: parse, call one service function, print.

Errors from the ledger become one line on stderr and exit status 1 here, in one
place; nothing is written when a command is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
import msgspec

from events.catalogue import Recorded, tag_of
from ledger.cli_write import default_actor
from ledger.commands import Command, Meta
from ledger.errors import LedgerError
from ledger.scoreline import parse_date
from ledger.service import Ledger
from ledger.store import default_url

F = TypeVar("F", bound=Callable[..., Any])


# Commands that only read the ledger: they open it read-only (so an archived copy
# in a read-only directory can be read and verified) and never create it.
READ_COMMANDS = frozenset(
    {"stages", "standings", "bracket", "qualifiers", "audit", "explain", "diff", "log"}
    | {"verify", "export", "checkpoint", "prove"}
)
# Commands that may start a new ledger file; every other one needs it to exist.
CREATING_COMMANDS = frozenset({"new", "demo", "import"})


class Context(msgspec.Struct, kw_only=True):
    url: str
    competition: str | None
    command: str | None = None
    _ledger: Ledger | None = None

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            missing = _missing_sqlite_file(self.url)
            if missing is not None and self.command not in CREATING_COMMANDS:
                raise LedgerError(
                    f"no ledger at {missing}: create one with `ledger new`, "
                    "`ledger demo` or `ledger import` (check --db)"
                )
            self._ledger = Ledger(self.url, read_only=self.command in READ_COMMANDS)
        return self._ledger

    def slug(self) -> str:
        return self.ledger.competition(self.competition)

    def execute(self, *commands: Command) -> list[Recorded]:
        return self.ledger.execute(
            *commands, competition=self.competition, meta=Meta(actor=default_actor())
        )

    def close(self) -> None:
        if self._ledger is not None:
            for warning in self._ledger.warnings:
                click.echo(f"warning: {warning}", err=True)
            self._ledger.close()


def _missing_sqlite_file(url: str) -> str | None:
    """The path of a SQLite ledger that does not exist yet (None for PostgreSQL)."""
    if url.startswith(("postgres:", "postgresql:")):
        return None
    path = url.removeprefix("sqlite://")
    return None if os.path.exists(path) else path


def parse_day(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise LedgerError(f"cannot read the date {text!r}: use YYYY-MM-DD") from exc


def parse_moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = dt.datetime.combine(parse_day(text), dt.time.max)
        except LedgerError as exc:
            raise LedgerError(
                f"cannot read the time {text!r}: use an ISO timestamp such as "
                "2014-03-20T12:00:00Z or a date"
            ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class _DayType(click.ParamType[dt.date]):
    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_day(str(value))
        except LedgerError as exc:
            self.fail(str(exc), param, ctx)


class _MomentType(click.ParamType[dt.datetime]):
    name = "TIMESTAMP"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        try:
            return parse_moment(str(value))
        except LedgerError as exc:
            self.fail(str(exc), param, ctx)


DAY = _DayType()
MOMENT = _MomentType()


def read_options(fn: F) -> F:
    """--as-of and --known-at: the two clocks every read accepts."""
    fn = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(fn)
    fn = click.option(
        "--known-at",
        type=MOMENT,
        default=None,
        help="Only what the ledger had recorded by this time (UTC).",
    )(fn)
    fn = click.option(
        "--as-of",
        type=DAY,
        default=None,
        help="Only facts whose sporting date is on or before DATE.",
    )(fn)
    return fn


class LedgerGroup(click.Group):
    """Every refusal is one line on stderr: `Error: ...`, exit status 1 (2 for usage)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        *,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.ClickException as exc:
            # Click would print the usage block and a hint: keep it to one line.
            click.echo(f"Error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Error: aborted", err=True)
            sys.exit(1)
        except LedgerError as exc:  # raised while opening the store
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=LedgerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    default=None,
    metavar="PATH",
    help="SQLite ledger file [default: $LEDGER_DB or ./ledger.db].",
)
@click.option(
    "--database-url",
    default=None,
    metavar="URL",
    help="postgresql://... for a shared ledger [default: $LEDGER_DATABASE_URL].",
)
@click.option(
    "--competition",
    "-c",
    default=lambda: os.environ.get("LEDGER_COMPETITION"),
    help="Competition slug, when the ledger holds more than one.",
)
@click.version_option(package_name="results-ledger")
@click.pass_context
def cli(
    ctx: click.Context, db: str | None, database_url: str | None, competition: str | None
) -> None:
    """An event-sourced results ledger for football competitions.

    Every fixture, score, bye, card and rule decision is an immutable event;
    standings, brackets and qualifier lists are rebuilt from them.

    Example: ledger --db usoc.db demo
    """
    context = Context(
        url=default_url(db, database_url),
        competition=competition,
        command=ctx.invoked_subcommand,
    )
    ctx.obj = context
    ctx.call_on_close(context.close)


@cli.result_callback()
def execute_returned(result: Any, **_: Any) -> None:
    """A fact command returns its Command: execute it and say what was appended."""
    if not isinstance(result, Command):
        return
    context = click.get_current_context().obj
    assert isinstance(context, Context)
    report(context.execute(result))


def report(
    recorded: list[Recorded], *, nothing: str = "already recorded: nothing appended"
) -> None:
    if not recorded:
        click.echo(nothing)
        return
    for rec in recorded:
        click.echo(f"recorded {tag_of(rec.event)} {rec.event.event_id} (#{rec.position})")


def pass_context(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(click.get_current_context().obj, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def emit_json(data: Any) -> None:
    click.echo(msgspec.json.format(msgspec.json.encode(data), indent=2).decode())


def main() -> None:
    cli.main(prog_name="ledger")


# Registered last: these modules add their commands to `cli` when imported.
from ledger import (  # noqa: E402, F401
    cli_audit,
    cli_io,
    cli_matches,
    cli_qualification,
    cli_read,
    cli_structure,
    cli_trust,
)

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

from events.catalogue import Recorded
from ledger.errors import LedgerError
from ledger.scoreline import parse_date
from ledger.service import Ledger, Meta, Proposal
from ledger.store import default_url

F = TypeVar("F", bound=Callable[..., Any])


class Context(msgspec.Struct, kw_only=True):
    url: str
    competition: str | None
    _ledger: Ledger | None = None
    # While a script runs, commands add their proposals here instead of
    # appending, so the whole file becomes one decision and one append.
    batch: list[tuple[int, Proposal]] | None = None
    batch_line: int = 0

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = Ledger(self.url)
        return self._ledger

    def slug(self) -> str:
        return self.ledger.competition(self.competition)

    def submit(self, build: Proposal, *, stream: str | None = None) -> list[Recorded]:
        """Append what `build` proposes, or queue it while a script runs."""
        if self.batch is not None:
            if stream is not None:
                self.competition = stream
            self.batch.append((self.batch_line, build))
            return []
        return self.ledger.submit(stream or self.slug(), build)

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()


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


def default_actor(fallback: str = "clerk") -> str:
    """Who records a fact when --actor is not given."""
    return os.environ.get("LEDGER_ACTOR") or os.environ.get("USER") or fallback


def fact_options(*, on_required: bool = False) -> Callable[[F], F]:
    """--on, --source, --actor, --note: the valid time and citation of a fact."""

    def decorate(fn: F) -> F:
        fn = click.option("--note", default="", help="Free-text note kept with the fact.")(fn)
        fn = click.option(
            "--actor",
            default=default_actor,
            show_default="$LEDGER_ACTOR or $USER",
            help="Who records the fact.",
        )(fn)
        fn = click.option("--source", default="", help="Citation: article, announcement...")(fn)
        if on_required:
            fn = click.option(
                "--on",
                "on",
                type=DAY,
                required=True,
                help="Sporting date of the fact (YYYY-MM-DD).",
            )(fn)
        else:
            fn = click.option(
                "--on",
                "on",
                type=DAY,
                default=lambda: dt.date.today(),
                show_default="today",
                help="Sporting date of the fact.",
            )(fn)
        return fn

    return decorate


def meta_of(source: str, actor: str, note: str) -> Meta:
    return Meta(source=source, actor=actor, note=note)


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
    if isinstance(ctx.obj, Context):  # a script line runs inside an open ledger
        return
    context = Context(url=default_url(db, database_url), competition=competition)
    ctx.obj = context
    ctx.call_on_close(context.close)


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
)

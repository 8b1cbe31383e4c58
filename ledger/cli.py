"""The `ledger` command: parse, call one service function, print.

Errors from the ledger become one line on stderr and exit status 1 here, in one
place; nothing is written when a command is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ledger.errors import LedgerError

if TYPE_CHECKING:
    from events.catalogue import Recorded
    from ledger.commands import Command
    from ledger.service import Ledger

F = TypeVar("F", bound=Callable[..., Any])

# Every command, the module that defines it and the line `ledger --help` shows.
# Commands load on first use: listing them must not import the whole ledger
# (a test checks each line against the command's own help).
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("ledger.cli_structure", "Create a competition."),
    "use": (
        "ledger.cli_structure",
        "In a ledger script: the lines after it apply to a competition.",
    ),
    "path": ("ledger.cli_structure", "Define a qualification path and its berths."),
    "stage": ("ledger.cli_structure", "Create a knockout or group stage."),
    "rules": ("ledger.cli_structure", "Declare a stage's rule set."),
    "ranking": (
        "ledger.cli_structure",
        "Declare a ranking across the groups of a stage, e.g. the best thirds.",
    ),
    "enter": ("ledger.cli_structure", "Enter one or more teams into a stage."),
    "withdraw": ("ledger.cli_structure", "Record that a team withdrew from a stage."),
    "group": ("ledger.cli_structure", "Put entered teams into a group of a group stage."),
    "alias": ("ledger.cli_structure", "Record that ALIAS is another spelling of TEAM."),
    "assume": ("ledger.cli_structure", "Record an assumption where the source is silent."),
    "schedule": ("ledger.cli_matches", "Schedule a fixture."),
    "reschedule": ("ledger.cli_matches", "Move a fixture to another date."),
    "cancel": ("ledger.cli_matches", "Cancel a fixture."),
    "bye": ("ledger.cli_matches", "Grant a team a bye through a round."),
    "record": ("ledger.cli_matches", "Record a result."),
    "correct": ("ledger.cli_matches", "Correct a result."),
    "void": ("ledger.cli_matches", "Void a result."),
    "forfeit": ("ledger.cli_matches", "Award a match by forfeit."),
    "advance": ("ledger.cli_matches", "Decide who advanced after a drawn knockout tie."),
    "cards": ("ledger.cli_matches", "Record the cards one team received in one match."),
    "lots": ("ledger.cli_matches", "Record a drawing of lots between teams the rules left level."),
    "retract": ("ledger.cli_matches", "Withdraw a decision."),
    "qualify": ("ledger.cli_qualification", "Declare a qualifier decided outside the ledger."),
    "slot": ("ledger.cli_qualification", "Say that a path's berth goes to a slot."),
    "berth": ("ledger.cli_qualification", "Confirm, change, decline or reallocate berths."),
    "demo": ("ledger.cli_io", "Build the bundled 2014 U.S. Open Cup qualification ledger."),
    "import": ("ledger.cli_io", "Append everything in FILE."),
    "export": ("ledger.cli_io", "Write the ledger to FILE or standard output."),
    "rebuild": ("ledger.cli_io", "Drop the read-model tables and rebuild them from the events."),
    "catch-up": ("ledger.cli_io", "Apply events recorded since the read models were last updated."),
    "stages": ("ledger.cli_read", "List the competition's stages with their progress."),
    "standings": ("ledger.cli_read", "Group tables of a stage, ordered by its declared rules."),
    "bracket": ("ledger.cli_read", "Every match of a stage."),
    "qualifiers": ("ledger.cli_read", "The qualifier list."),
    "log": ("ledger.cli_read", "The events in ledger order, with ids, hashes and both clocks."),
    "verify": ("ledger.cli_read", "Recompute every hash chain."),
    "publish": ("ledger.cli_publish", "Write the competition as a static site into DIRECTORY."),
    "audit": ("ledger.cli_audit", "The team's whole path in date order."),
    "explain": ("ledger.cli_audit", "For a group stage, each position with the rule step."),
    "scenarios": ("ledger.cli_scenarios", "Best and worst finishing position of every team."),
    "draw": ("ledger.cli_draw", "Lay out every fixture of a stage in one transaction."),
    "keygen": ("ledger.cli_trust", "Make an Ed25519 signing key."),
    "checkpoint": ("ledger.cli_trust", "Print a checkpoint."),
    "prove": ("ledger.cli_trust", "Write a proof that the event EVENT_ID is in the ledger."),
    "verify-proof": ("ledger.cli_trust", "Check, with nothing but PROOF and the checkpoint."),
    "diff": (
        "ledger.cli_audit",
        "Which standings rows, bracket slots and qualifier entries changed.",
    ),
}


# Commands that only read the ledger: they open it read-only (so an archived copy
# in a read-only directory can be read and verified) and never create it.
READ_COMMANDS = frozenset(
    {"stages", "standings", "bracket", "qualifiers", "audit", "explain", "diff", "log"}
    | {"verify", "export", "checkpoint", "prove"}
)
# Commands that may start a new ledger file; every other one needs it to exist.
CREATING_COMMANDS = frozenset({"new", "demo", "import"})


class Context:
    """What every command gets: the ledger (opened on first use) and its options."""

    __slots__ = ("_ledger", "command", "competition", "read_only", "url")

    def __init__(
        self,
        *,
        url: str,
        competition: str | None,
        command: str | None = None,
        read_only: bool | None = None,
    ) -> None:
        self.url = url
        self.competition = competition
        self.command = command
        # Opened only to read (by default: the reading commands).
        self.read_only = command in READ_COMMANDS if read_only is None else read_only
        self._ledger: Ledger | None = None

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            from ledger.service import Ledger

            missing = _missing_sqlite_file(self.url)
            if missing is not None and self.command not in CREATING_COMMANDS:
                raise LedgerError(
                    f"no ledger at {missing}: create one with `ledger new`, "
                    "`ledger demo` or `ledger import` (check --db)"
                )
            self._ledger = Ledger(self.url, read_only=self.read_only)
        return self._ledger

    @property
    def ledger_opened(self) -> bool:
        return self._ledger is not None

    def slug(self) -> str:
        return self.ledger.competition(self.competition)

    def execute(self, *commands: Command) -> list[Recorded]:
        from ledger.cli_write import default_actor
        from ledger.commands import Meta

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
    from ledger.store import is_postgres_url, sqlite_path

    if is_postgres_url(url):
        return None
    path = sqlite_path(url)
    return None if os.path.exists(path) else path


def parse_day(text: str) -> dt.date:
    from ledger.scoreline import parse_date  # its patterns load with the first date

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
        help="Only what the ledger had recorded by TIMESTAMP (UTC; a date means its end).",
    )(fn)
    fn = click.option(
        "--as-of",
        type=DAY,
        default=None,
        help="Only facts that take effect on or before DATE.",
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
        except click.exceptions.NoArgsIsHelpError as exc:
            # `ledger` alone asks for the help: print it and succeed. A group
            # without its subcommand (`ledger berth`) prints its help as click does.
            if exc.ctx is not None and exc.ctx.parent is None:
                click.echo(exc.ctx.get_help())
                sys.exit(0)
            exc.show()
            sys.exit(exc.exit_code)
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


class TopGroup(LedgerGroup):
    """The `ledger` group: loads a command's module when the command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name][0])
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def load_all() -> None:
    """Register every command (for tools that walk them all, e.g. tests)."""
    for module in dict.fromkeys(module for module, _ in COMMANDS.values()):
        importlib.import_module(module)


def default_url(db: str | None, database_url: str | None) -> str:
    if database_url:
        return database_url
    if os.environ.get("LEDGER_DATABASE_URL") and not db:
        return os.environ["LEDGER_DATABASE_URL"]
    return db or os.environ.get("LEDGER_DB") or "ledger.db"


@click.group(cls=TopGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    from ledger.commands import Command

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
    from events.catalogue import tag_of

    for rec in recorded:
        click.echo(f"recorded {tag_of(rec.event)} {rec.event.event_id} (#{rec.position})")


def pass_context(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(click.get_current_context().obj, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def emit_json(data: Any) -> None:
    import msgspec

    click.echo(msgspec.json.format(msgspec.json.encode(data), indent=2).decode())


def main() -> None:
    cli.main(prog_name="ledger")

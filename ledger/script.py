"""Ledger scripts: a file of `ledger` commands, one fact per line, run as one batch.

This is the format of the bundled 2014 ledger. Lines are shell-quoted commands
(`ledger` prefix optional), `#` starts a comment line, a trailing backslash
continues a line. Each line is read into its Command with the same options as
the command line (nothing is executed while reading); `new SLUG` or `use SLUG`
switches the competition the following lines apply to. The whole file is then
one `Ledger.execute`: all of it is appended, or nothing.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Iterator

import click

from events.catalogue import Event, Recorded
from ledger.cli import COMMANDS, cli
from ledger.cli_write import FACT_COMMANDS
from ledger.commands import Command, Meta
from ledger.errors import InvalidInput, LedgerError
from ledger.service import Ledger

# A command line longer than this is refused before it is parsed: shlex is slow
# on very long lines, and no fact needs more.
MAX_LINE = 4000


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, command text) with continuations joined."""
    out: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        out.append((start, " ".join(part.strip() for part in pending)))
        pending = []
    if pending:
        out.append((start, " ".join(part.strip() for part in pending)))
    return out


def looks_like_script(text: str) -> bool:
    lines = logical_lines(text)
    if not lines:
        return False
    try:
        if len(lines[0][1]) > MAX_LINE:
            raise ValueError("too long to be a command")
        first = shlex.split(lines[0][1], comments=True)
    except ValueError:  # a broken first line: still a script, reported by read_script
        first = lines[0][1].split()
    return bool(first) and (first[0] == "ledger" or first[0] in COMMANDS)


def _command_of(args: list[str]) -> Command:
    """The Command one script line states, read with the command line's own options."""
    parent = click.Context(cli, info_name="ledger")
    command: click.Command | None = cli
    name = "ledger"
    while isinstance(command, click.Group):
        if not args:
            raise InvalidInput(f"`{name}` needs a subcommand")
        word, *args = args
        found = command.get_command(parent, word)
        if found is None:
            raise InvalidInput(f"no such command: {word!r}")
        command, name = found, word
        if isinstance(command, click.Group):
            parent = click.Context(command, info_name=word, parent=parent)
    assert command is not None
    if command not in FACT_COMMANDS:
        raise InvalidInput(f"`{name}` cannot appear in a ledger script: a script states facts only")
    with command.make_context(name, args, parent=parent) as sub:
        result = command.invoke(sub)
    assert isinstance(result, Command)
    return result


def read_script(text: str, *, filename: str) -> list[tuple[int, Command]]:
    """Every line's Command with its line number; the first bad line is an error."""
    commands: list[tuple[int, Command]] = []
    for number, line in logical_lines(text):
        if len(line) > MAX_LINE:
            raise InvalidInput(
                f"{filename}:{number}: the line is {len(line)} characters long; "
                f"the limit is {MAX_LINE}"
            )
        try:
            args = shlex.split(line, comments=True)
        except ValueError as exc:
            raise InvalidInput(f"{filename}:{number}: {exc}") from exc
        if args and args[0] == "ledger":
            args = args[1:]
        if not args:
            continue
        try:
            commands.append((number, _command_of(args)))
        except click.ClickException as exc:
            message = " ".join(exc.format_message().split())
            raise InvalidInput(f"{filename}:{number}: {message}") from exc
        except LedgerError as exc:
            raise type(exc)(f"{filename}:{number}: {exc}") from exc
    return commands


def run_script(
    ledger: Ledger,
    text: str,
    *,
    filename: str,
    competition: str | None = None,
    meta: Meta | None = None,
) -> list[Recorded]:
    """Read every line, then execute the whole file as one batch."""
    lines = read_script(text, filename=filename)
    with _line_of_refusal(lines, filename):
        return ledger.execute(*(c for _, c in lines), competition=competition, meta=meta)


def decide_script(
    ledger: Ledger,
    text: str,
    *,
    filename: str,
    competition: str | None = None,
    meta: Meta | None = None,
) -> dict[str, list[Event]]:
    """The facts `run_script` would append, per competition, appending nothing."""
    lines = read_script(text, filename=filename)
    with _line_of_refusal(lines, filename):
        return ledger.decide(*(c for _, c in lines), competition=competition, meta=meta)


@contextlib.contextmanager
def _line_of_refusal(lines: list[tuple[int, Command]], filename: str) -> Iterator[None]:
    """A refused command names its line of the file."""
    try:
        yield
    except LedgerError as exc:
        if exc.index is None:
            raise
        raise type(exc)(f"{filename}:{lines[exc.index][0]}: {exc}") from exc

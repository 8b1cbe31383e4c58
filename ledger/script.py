"""Ledger scripts: a file of `ledger` commands, one fact per line, run as one append.

This is the format of the bundled 2014 ledger. Lines are shell-quoted commands
(`ledger` prefix optional), `#` starts a comment line, a trailing backslash
continues a line. Every line is checked before anything is written.
"""

from __future__ import annotations

import copy
import shlex

import click

from events.catalogue import Event, Recorded
from ledger.cli import Context, cli
from ledger.decisions import decide_all
from ledger.errors import InvalidInput, LedgerError
from projections.model import CompetitionState


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
        first = shlex.split(lines[0][1], comments=True)
    except ValueError:  # a broken first line: still a script, reported by run_script
        first = lines[0][1].split()
    return bool(first) and (first[0] == "ledger" or first[0] in cli.commands)


def run_script(ctx: Context, text: str, *, filename: str) -> list[Recorded]:
    """Decide every line in order, then append all new facts in one transaction."""
    ctx.batch = []
    try:
        for number, line in logical_lines(text):
            try:
                args = shlex.split(line, comments=True)
            except ValueError as exc:
                raise InvalidInput(f"{filename}:{number}: {exc}") from exc
            if args and args[0] == "ledger":
                args = args[1:]
            if not args:
                continue
            ctx.batch_line = number
            try:
                cli.main(args, prog_name="ledger", standalone_mode=False, obj=ctx)
            except click.ClickException as exc:
                message = " ".join(exc.format_message().split())
                raise InvalidInput(f"{filename}:{number}: {message}") from exc
            except LedgerError as exc:
                raise type(exc)(f"{filename}:{number}: {exc}") from exc
        proposals = ctx.batch
    finally:
        ctx.batch = None

    def combined(state: CompetitionState) -> list[Event]:
        work = copy.deepcopy(state)
        accepted: list[Event] = []
        for number, build in proposals:
            try:
                events = decide_all(work, list(build(work)), in_place=True)
            except LedgerError as exc:
                raise type(exc)(f"{filename}:{number}: {exc}") from exc
            accepted.extend(events)
        return accepted

    stream = ctx.competition or ctx.slug()
    return ctx.ledger.submit(stream, combined)

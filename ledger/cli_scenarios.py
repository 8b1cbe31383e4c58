"""`ledger scenarios`: who can still finish where, from the remaining fixtures."""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console
from rich.table import Table

from ledger.cli import Context, cli, emit_json, pass_context, read_options
from ledger.errors import InvalidInput
from ledger.lookup import find_stage
from projections.resolve import ordinal
from projections.scenarios import scenarios as outlook


@cli.command("scenarios")
@click.argument("stage")
@read_options
@pass_context
def scenarios(
    ctx: Context, stage: str, as_of: dt.date | None, known_at: dt.datetime | None, as_json: bool
) -> None:
    """Best and worst finishing position of every team of a group stage, what is
    clinched or out of reach, and what a team needs. Exact: every outcome of the
    remaining matches is counted (a solver does it for large leagues); where only
    goals or lots could decide, it says so.

    Example: ledger scenarios "USSSA group play" --as-of 2014-03-14
    """
    state = ctx.ledger.view(ctx.slug(), as_of=as_of, known_at=known_at)
    found = find_stage(state, stage)
    if found.format != "group":
        raise InvalidInput(f"{found.name} is a knockout stage: scenarios cover group tables")
    rows = outlook(state, found.stage)
    if as_json:
        emit_json(rows)
        return
    console = Console(width=max(Console().width, 120), soft_wrap=False)
    for group in dict.fromkeys(r.group for r in rows):
        label = f"{found.name} {group}".strip()
        method = next(r.method for r in rows if r.group == group)
        table = Table(title=f"{state.name}: {label} scenarios ({method})")
        for col in ("#", "team", "Pts", "left", "best", "worst", "status", "notes"):
            table.add_column(col)
        for r in (r for r in rows if r.group == group):
            status = "clinched" if r.clinched else "out" if r.eliminated else "alive"
            table.add_row(
                str(r.position),
                r.team,
                str(r.points),
                str(r.remaining),
                ordinal(r.best_position),
                ordinal(r.worst_position),
                status,
                "; ".join(r.notes),
            )
        console.print(table)

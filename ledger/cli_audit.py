"""Commands that explain: audit a team, explain a stage, diff two readings."""

from __future__ import annotations

import datetime as dt

import click

from ledger.cli import Context, cli, emit_json, pass_context, read_options
from ledger.lookup import find_team
from projections.audit import audit


@cli.command("audit")
@click.argument("team")
@read_options
@pass_context
def audit_team(ctx: Context, team: str, as_of: dt.date | None, known_at: dt.datetime | None,
               as_json: bool) -> None:
    """The team's whole path in date order, every step citing its events and sources.

    Example: ledger audit "CD Aguiluchos USA"
    """
    slug = ctx.slug()
    records = ctx.ledger.history(slug, as_of=as_of, known_at=known_at)
    state = ctx.ledger.view(slug, as_of=as_of, known_at=known_at)
    name = find_team(state, team)
    report = audit(state, name, records)
    if as_json:
        emit_json(report)
        return
    click.echo(f"{report.team}: {report.status}")
    if report.aliases:
        click.echo(f"  also written: {', '.join(report.aliases)}")
    for step in report.steps:
        date = str(step.date) if step.date else "          "
        click.echo(f"  {date}  {step.kind:<13} {step.text}")
        ids = " ".join(e[:12] for e in step.events[:8])
        more = f" (+{len(step.events) - 8} more)" if len(step.events) > 8 else ""
        click.echo(f"  {'':10}  {'':13} events: {ids}{more}")
        for source in step.sources[:3]:
            click.echo(f"  {'':10}  {'':13} source: {source}")
    for lin in report.lineage:
        click.echo(f"  correction: {lin.original[:12]} superseded by {lin.superseded_by[:12]} "
                   f"({lin.kind}, {lin.occurred_on}, recorded {lin.recorded_at}): {lin.reason}")

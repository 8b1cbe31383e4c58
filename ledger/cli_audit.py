"""Commands that explain: audit a team, explain a stage, diff two readings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from events.catalogue import tag_of
from ledger.cli import DAY, MOMENT, Context, cli, emit_json, pass_context, read_options
from ledger.errors import InvalidInput
from ledger.lookup import find_stage, find_team
from projections.audit import audit
from projections.diff import diff
from projections.views import bracket_matches, table_rows


@cli.command("audit")
@click.argument("team")
@read_options
@pass_context
def audit_team(
    ctx: Context, team: str, as_of: dt.date | None, known_at: dt.datetime | None, as_json: bool
) -> None:
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
        click.echo(
            f"  correction: {lin.original[:12]} superseded by {lin.superseded_by[:12]} "
            f"({lin.kind}, {lin.occurred_on}, recorded {lin.recorded_at}): {lin.reason}"
        )


def _pair(values: tuple[Any, ...], what: str) -> tuple[Any, Any]:
    if len(values) > 2:
        raise InvalidInput(f"give {what} at most twice")
    if len(values) == 2:
        return values[0], values[1]
    if len(values) == 1:
        return values[0], None  # against the ledger as it stands now
    return None, None


@cli.command("diff")
@click.option(
    "--as-of",
    "as_of",
    type=DAY,
    multiple=True,
    help="The date of the first (and second) reading: facts that take effect on or before it.",
)
@click.option(
    "--known-at",
    "known_at",
    type=MOMENT,
    multiple=True,
    help="The TIMESTAMP of the first (and second) reading: what the ledger had recorded by then.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_context
def diff_command(
    ctx: Context, as_of: tuple[dt.date, ...], known_at: tuple[dt.datetime, ...], as_json: bool
) -> None:
    """Which standings rows, bracket slots and qualifier entries changed between two
    readings, and the events responsible. One value compares it with now.

    Example: ledger diff --known-at 2014-03-20T10:00:00Z --known-at 2014-03-21T10:00:00Z
    """
    if not as_of and not known_at:
        raise InvalidInput("give --as-of and/or --known-at (once to compare with now, or twice)")
    d1, d2 = _pair(as_of, "--as-of")
    k1, k2 = _pair(known_at, "--known-at")
    if len(as_of) == 1 and len(known_at) == 2:
        d2 = d1
    if len(known_at) == 1 and len(as_of) == 2:
        k2 = k1
    slug = ctx.slug()
    first = ctx.ledger.history(slug, as_of=d1, known_at=k1)
    second = ctx.ledger.history(slug, as_of=d2, known_at=k2)
    result = diff(first, second)
    if as_json:
        emit_json(result)
        return
    events = {r.event.event_id: r for r in (*first, *second)}
    click.echo(
        f"{len(result.changes)} rows changed; {len(result.added_events)} events only in "
        f"the second reading, {len(result.removed_events)} only in the first"
    )
    for change in result.changes:
        state = (
            "added"
            if change.before is None
            else "removed"
            if change.after is None
            else ("changed " + ", ".join(change.fields))
        )
        click.echo(f"  {change.kind} {change.key}: {state}")
        if change.before is not None and change.after is not None:
            for field in change.fields:
                click.echo(
                    f"      {field}: {plain(change.before.get(field))} -> "
                    f"{plain(change.after.get(field))}"
                )
        for event_id in change.events:
            rec = events[event_id]
            reason = getattr(rec.event, "reason", "")
            click.echo(
                f"      by {tag_of(rec.event)} {event_id[:12]} ({rec.event.occurred_on})"
                + (f": {reason}" if reason else "")
            )


def plain(value: object) -> str:
    """A value as a person writes it: no quotes, brackets or None."""
    if value is None or value == "" or value == []:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        if len(value) == 2 and all(isinstance(v, int) for v in value):
            return f"{value[0]}-{value[1]}"
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {plain(v)}" for k, v in value.items() if v not in (None, ""))
    return str(value)


@cli.command("explain")
@click.argument("stage")
@read_options
@pass_context
def explain(
    ctx: Context, stage: str, as_of: dt.date | None, known_at: dt.datetime | None, as_json: bool
) -> None:
    """For a group stage, each position with the rule step that decided it; for a
    knockout stage, each winner with the event that decided it.

    Example: ledger explain usssa-groups
    """
    slug = ctx.slug()
    state = ctx.ledger.view(slug, as_of=as_of, known_at=known_at)
    found = find_stage(state, stage)
    lines: list[dict[str, Any]] = []
    if found.format == "group":
        for row in table_rows(state, found.stage):
            step = row.tiebreak_step or "points"
            lines.append(
                {
                    "group": row.group,
                    "position": row.position,
                    "team": row.team,
                    "points": row.points,
                    "decided_by": step,
                    "explanation": row.tiebreak
                    or f"{row.points} points, not level with any other team",
                    "shared_with": row.shared_with,
                }
            )
    for match in bracket_matches(state, found.stage):
        if found.format == "group" and match.status != "scheduled":
            continue
        lines.append(
            {
                "round": match.round,
                "fixture": match.fixture,
                "home": match.home,
                "away": match.away,
                "score": match.score,
                "winner": match.winner,
                "status": match.status,
                "explanation": match.how,
                "decided_by_event": match.decided_by,
            }
        )
    if as_json:
        emit_json(lines)
        return
    rules = found.rules
    steps = ", ".join(
        f"{s.scope.replace('_', '-')} {s.criterion}".replace("overall ", "")
        for s in rules.tiebreaks
    )
    click.echo(
        f"{found.name}: rules {rules.name} ({rules.points.win}-{rules.points.draw}-"
        f"{rules.points.loss} points; order: {steps}; {rules.match_minutes} minutes)"
    )
    for line in lines:
        if "position" in line:
            click.echo(
                f"  {line['group']} {line['position']}. {line['team']} "
                f"({line['points']} pts): {line['explanation']}"
            )
        else:
            by = f" [event {line['decided_by_event'][:12]}]" if line["decided_by_event"] else ""
            click.echo(
                f"  {line['round'] or ''} {line['home']} {line['score'] or 'v'} "
                f"{line['away']}: {line['winner'] or line['status']} - "
                f"{line['explanation']}{by}"
            )

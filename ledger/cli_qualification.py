"""Commands about qualification: declared qualifiers, slots and berths."""

from __future__ import annotations

import datetime as dt

import click

from ledger.cli import LedgerGroup, cli
from ledger.cli_write import fact_command, fact_options, parse_slot
from ledger.commands import (
    ChangeBerths,
    ConfirmBerths,
    DeclareQualifier,
    DeclineBerth,
    FillSlot,
    ReallocateBerth,
)


@fact_command(cli, "qualify")
@click.argument("path")
@click.argument("team")
@click.option(
    "--method", required=True, help="How it qualified, e.g. 'Amateur Cup Regional Champion'."
)
@click.option("--region", default="", help="The region the qualifier comes from, e.g. I or WC.")
@click.option("--provisional", is_flag=True, help="Not yet confirmed by the governing body.")
@fact_options(supersedes=True)
def qualify(
    path: str,
    team: str,
    method: str,
    region: str,
    provisional: bool,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> DeclareQualifier:
    """Declare a qualifier decided outside the ledger.

    Example: ledger qualify usasa "Harbor City" --method "Open Cup Regional Champion" --region I
    """
    return DeclareQualifier(
        path=path,
        team=team,
        method=method,
        region=region,
        provisional=provisional,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(cli, "slot")
@click.argument("path")
@click.argument("slot")
@click.option("--method", default="", help="e.g. 'Southwest Conference champion'.")
@fact_options(supersedes=True)
def slot(
    path: str,
    slot: str,
    method: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> FillSlot:
    """Say that a path's berth goes to a slot: winner:FIXTURE, champion:STAGE,
    group:STAGE:GROUP:PLACE or best:STAGE:RANKING:RANK. Re-point it with
    --supersedes, or `ledger retract` it.

    Example: ledger slot us-club-soccer champion:norcal --method "NorCal Premier League champion"
    """
    return FillSlot(
        path=path,
        slot=parse_slot(slot),
        method=method,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@cli.group("berth", cls=LedgerGroup)
def berth() -> None:
    """Confirm, change, decline or reallocate berths.

    Example: ledger berth confirm usasa --berths 8 --source "U.S. Soccer announcement"
    """


@fact_command(berth, "confirm")
@click.argument("path")
@click.option("--berths", type=int, required=True, help="The number of berths confirmed.")
@fact_options(supersedes=True)
def confirm(
    path: str,
    berths: int,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> ConfirmBerths:
    """Confirm a path's berth allocation.

    Example: ledger berth confirm usasa --berths 8 --source "U.S. Soccer announcement"
    """
    return ConfirmBerths(
        path=path,
        berths=berths,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(berth, "change")
@click.argument("path")
@click.option("--berths", type=int, required=True, help="The new number of berths.")
@click.option(
    "--unconfirmed",
    is_flag=True,
    help="The new allocation is not yet confirmed by the governing body.",
)
@fact_options(supersedes=True)
def change(
    path: str,
    berths: int,
    unconfirmed: bool,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> ChangeBerths:
    """Change a path's number of berths.

    Example: ledger berth change usasa --berths 9 --on 2014-04-01
    """
    return ChangeBerths(
        path=path,
        berths=berths,
        confirmed=not unconfirmed,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(berth, "decline")
@click.argument("path")
@click.argument("team")
@click.option("--reason", required=True, help="Why the team declined.")
@fact_options(supersedes=True)
def decline(
    path: str,
    team: str,
    reason: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> DeclineBerth:
    """Record that a team declined its berth.

    Example: ledger berth decline usasa "Icon FC" --reason "withdrew"
    """
    return DeclineBerth(
        path=path,
        team=team,
        reason=reason,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )


@fact_command(berth, "reallocate")
@click.argument("path")
@click.argument("from_team")
@click.argument("to_team")
@click.option(
    "--to-path", default=None, help="The path the berth moves to [default: the same path]."
)
@click.option("--reason", default="", help="Why the berth moves.")
@fact_options(supersedes=True)
def reallocate(
    path: str,
    from_team: str,
    to_team: str,
    to_path: str | None,
    reason: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> ReallocateBerth:
    """Move a berth from one team to another (and possibly another path).

    Example: ledger berth reallocate usasa "Icon FC" "Mass Premier Soccer" --reason "declined"
    """
    return ReallocateBerth(
        path=path,
        from_team=from_team,
        to_team=to_team,
        to_path=to_path,
        reason=reason,
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )

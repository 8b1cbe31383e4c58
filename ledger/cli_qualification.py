"""Commands about qualification: declared qualifiers, slots and berths."""

from __future__ import annotations

import datetime as dt

import click

from events.catalogue import Event
from events.qualification import (
    BerthAllocationChanged,
    BerthAllocationConfirmed,
    BerthDeclined,
    BerthReallocated,
    QualifierDeclared,
)
from events.structure import (
    SlotFilled,
)
from ledger.cli import Context, cli, fact_options, meta_of, pass_context
from ledger.cli_write import (
    make,
    parse_side,
    submit_one,
)
from ledger.errors import InvalidInput
from ledger.lookup import find_path, find_team
from projections.model import CompetitionState

# --- qualification ----------------------------------------------------------


@cli.command("qualify")
@click.argument("path")
@click.argument("team")
@click.option(
    "--method", required=True, help="How it qualified, e.g. 'Amateur Cup Regional Champion'."
)
@click.option("--region", default="")
@click.option("--provisional", is_flag=True, help="Not yet confirmed by the governing body.")
@fact_options()
@pass_context
def qualify(
    ctx: Context,
    path: str,
    team: str,
    method: str,
    region: str,
    provisional: bool,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Declare a qualifier decided outside the ledger.

    Example: ledger qualify usasa "Icon FC" --method "Open Cup Regional Champion" --region I
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                QualifierDeclared,
                meta,
                on,
                path=find_path(state, path).path,
                team=team,
                method=method,
                region=region,
                confirmed=not provisional,
            )
        ],
    )


@cli.command("slot")
@click.argument("path")
@click.argument("slot")
@click.option("--method", default="", help="e.g. 'Southwest Conference champion'.")
@fact_options()
@pass_context
def slot(
    ctx: Context, path: str, slot: str, method: str, on: dt.date, source: str, actor: str, note: str
) -> None:
    """Say that a path's berth goes to a slot: winner:FIXTURE, champion:STAGE or
    group:STAGE:GROUP:PLACE.

    Example: ledger slot npsl champion:swc --method "Southwest Conference champion"
    """
    meta = meta_of(source, actor, note)

    def build(state: CompetitionState) -> list[Event]:
        if slot.split(":")[0] not in ("winner", "loser", "champion", "group"):
            raise InvalidInput(f"{slot!r} is not a slot (winner:, champion:, group:)")
        side = parse_side(state, next(iter(state.stages), ""), slot)
        return [
            make(SlotFilled, meta, on, path=find_path(state, path).path, slot=side, method=method)
        ]

    submit_one(ctx, build)


@cli.group("berth")
def berth() -> None:
    """Confirm, change, decline or reallocate berths.

    Example: ledger berth confirm usasa --berths 8 --source "U.S. Soccer announcement"
    """


@berth.command("confirm")
@click.argument("path")
@click.option("--berths", type=int, required=True)
@fact_options()
@pass_context
def berth_confirm(
    ctx: Context, path: str, berths: int, on: dt.date, source: str, actor: str, note: str
) -> None:
    """Record the governing body's confirmation of a path's berths.

    Example: ledger berth confirm usasa --berths 8 --source "U.S. Soccer announcement"
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                BerthAllocationConfirmed, meta, on, path=find_path(state, path).path, berths=berths
            )
        ],
    )


@berth.command("change")
@click.argument("path")
@click.option("--berths", type=int, required=True)
@click.option("--unconfirmed", is_flag=True)
@fact_options()
@pass_context
def berth_change(
    ctx: Context,
    path: str,
    berths: int,
    unconfirmed: bool,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Change a path's number of berths.

    Example: ledger berth change usasa --berths 9 --on 2014-04-01
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                BerthAllocationChanged,
                meta,
                on,
                path=find_path(state, path).path,
                berths=berths,
                confirmed=not unconfirmed,
            )
        ],
    )


@berth.command("decline")
@click.argument("path")
@click.argument("team")
@click.option("--reason", required=True)
@fact_options()
@pass_context
def berth_decline(
    ctx: Context, path: str, team: str, reason: str, on: dt.date, source: str, actor: str, note: str
) -> None:
    """Record that a team declined its berth.

    Example: ledger berth decline usasa "Icon FC" --reason "withdrew"
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                BerthDeclined,
                meta,
                on,
                path=find_path(state, path).path,
                team=find_team(state, team),
                reason=reason,
            )
        ],
    )


@berth.command("reallocate")
@click.argument("path")
@click.argument("from_team")
@click.argument("to_team")
@click.option("--to-path", default=None)
@click.option("--reason", default="")
@fact_options()
@pass_context
def berth_reallocate(
    ctx: Context,
    path: str,
    from_team: str,
    to_team: str,
    to_path: str | None,
    reason: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
) -> None:
    """Move a berth from one team to another.

    Example: ledger berth reallocate usasa "Icon FC" "Mass Premier Soccer" --reason "declined"
    """
    meta = meta_of(source, actor, note)
    submit_one(
        ctx,
        lambda state: [
            make(
                BerthReallocated,
                meta,
                on,
                path=find_path(state, path).path,
                from_team=find_team(state, from_team),
                to_team=to_team,
                to_path=find_path(state, to_path).path if to_path else None,
                reason=reason,
            )
        ],
    )

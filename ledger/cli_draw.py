"""`ledger draw`: a stage's whole schedule in one command (round robin or knockout)."""

from __future__ import annotations

import datetime as dt
import re

import click

from ledger.cli import DAY, cli
from ledger.cli_write import fact_command, fact_options
from ledger.commands import DrawStage
from ledger.errors import InvalidInput


def parse_every(text: str) -> int:
    """Days between rounds: `7d`, `2w` or a number of days."""
    found = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", text.lower())
    if found is None or int(found.group(1)) < 1:
        raise InvalidInput(f"--every is a number of days or weeks such as 7d or 1w, not {text!r}")
    return int(found.group(1)) * (7 if found.group(2) == "w" else 1)


@fact_command(cli, "draw")
@click.argument("stage")
@click.option("--round-robin", "round_robin", is_flag=True, help="Every pairing of each group.")
@click.option("--double", is_flag=True, help="Round robin home and away.")
@click.option("--knockout", is_flag=True, help="A seeded bracket; top seeds get any byes.")
@click.option("--seeds", default="", help='Knockout field best first: "A,B,C" (others follow).')
@click.option("--start", type=DAY, default=None, help="Kickoff date of the first round.")
@click.option("--every", default="7d", show_default=True, help="Time between rounds.")
@fact_options(supersedes=True)
def draw(
    stage: str,
    round_robin: bool,
    double: bool,
    knockout: bool,
    seeds: str,
    start: dt.date | None,
    every: str,
    on: dt.date,
    source: str,
    actor: str,
    note: str,
    supersedes: str | None,
) -> DrawStage:
    """Lay out every fixture of a stage in one transaction: a round robin (circle
    method, home and away balanced, in rounds) or a knockout for any field size,
    with byes for the top seeds and the later rounds scheduled as winner: slots.
    A drawn stage is not drawn again unless --supersedes names its draw, which is
    allowed while none of its matches has a result.

    Example: ledger stage league --name "Summer League" --format group --on 2014-06-01
    && ledger enter league "FC Denver" Boulevard "Azteca Mojos" --on 2014-06-01
    && ledger draw league --round-robin --double --start 2014-06-07 --every 7d --on 2014-06-02
    """
    if round_robin == knockout:
        raise InvalidInput("choose one of --round-robin or --knockout")
    return DrawStage(
        stage=stage,
        kind="round_robin" if round_robin else "knockout",
        double=double,
        seeds=tuple(s.strip() for s in seeds.split(",") if s.strip()),
        start=start,
        every_days=parse_every(every),
        supersedes=supersedes,
        on=on,
        source=source,
        actor=actor,
        note=note,
    )

"""`ledger publish DIR`: the competition as a static site."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ledger.cli import DAY, MOMENT, Context, cli, pass_context
from ledger.cli_read import check_clocks
from ledger.progress import working
from ledger.publish import build


@cli.command("publish")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--as-of", type=DAY, default=None, help="Only facts that take effect on or before DATE."
)
@click.option(
    "--known-at",
    type=MOMENT,
    default=None,
    help="Only what the ledger had recorded by TIMESTAMP (UTC; a date means its end).",
)
@pass_context
def publish(
    ctx: Context, directory: Path, as_of: dt.date | None, known_at: dt.datetime | None
) -> None:
    """Write the competition as a static site into DIRECTORY.

    An index with the stages and the qualifier list, a page per stage (group
    tables, brackets drawn as SVG), a page per team with its audit, and the
    history. Plain HTML and CSS: open index.html from disk or host the folder
    anywhere.

    Example: ledger publish site --as-of 2014-03-15
    """
    slug = ctx.slug()
    check_clocks(ctx, slug, as_of, known_at)
    with working("publishing") as steps:
        written = build(
            ctx.ledger,
            directory,
            competition=slug,
            as_of=as_of,
            known_at=known_at,
            progress=lambda what, total: steps.advance(total, what),
        )
    pages = sum(1 for p in written if p.suffix == ".html")
    click.echo(f"published {pages} pages to {directory}/ (open {directory / 'index.html'})")

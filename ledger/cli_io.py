"""Bringing facts in and out: the bundled demo, imports and exports."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from events.rules import PRESETS
from ledger.cli import Context, cli, pass_context
from ledger.cli_write import default_actor
from ledger.commands import Meta
from ledger.errors import InvalidInput
from ledger.export import export_lines, import_export, is_export
from ledger.files import read_text, write_atomically, write_atomically_check
from ledger.importers import footballtxt, footballtxt_import, wikitext, wikitext_import
from ledger.importers.common import Batch
from ledger.script import looks_like_script, run_script

DEMO = "usoc-2014-qualification.ledger"


def bundled_text() -> str:
    return resources.files("ledger").joinpath("data", DEMO).read_text(encoding="utf-8")


@cli.command("demo")
@pass_context
def demo(ctx: Context) -> None:
    """Build the bundled 2014 U.S. Open Cup qualification ledger and print its qualifiers.

    Running it again appends nothing. Example: ledger --db usoc.db demo
    """
    from ledger.cli_read import print_qualifiers
    from projections.qualifiers import qualifiers

    recorded = run_script(
        ctx.ledger,
        bundled_text(),
        filename=DEMO,
        competition=ctx.competition,
        meta=Meta(actor=default_actor()),
    )
    slug = recorded[0].stream if recorded else ctx.competition or "usoc-2014"
    click.echo(
        f"{len(recorded)} events appended to {ctx.url}"
        if recorded
        else f"the 2014 ledger is already in {ctx.url}: nothing appended"
    )
    state = ctx.ledger.view(slug)
    summaries, entries = qualifiers(state)
    print_qualifiers(state, summaries, entries, None, None)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--rules",
    type=click.Choice(sorted(PRESETS)),
    default="points-gd-gf",
    show_default=True,
    help="Tiebreak rules of imported group stages.",
)
@click.option("--year", type=int, default=None, help="Year for dates written without one.")
@click.option("--source", default=None, help="Citation for every fact [default: the file name].")
@pass_context
def import_file(ctx: Context, file: Path, rules: str, year: int | None, source: str | None) -> None:
    """Append everything in FILE: a ledger script, Wikipedia-style result text,
    Football.TXT or a ledger export. The whole file is one append: nothing is
    written when any line is wrong. Importing the same file twice appends nothing.

    Example: ledger import usoc-2014-qualification.ledger
    """
    text = read_text(file)
    if is_export(text):
        count = import_export(ctx.ledger, text, filename=file.name)
    elif looks_like_script(text):
        count = len(
            run_script(
                ctx.ledger,
                text,
                filename=file.name,
                competition=ctx.competition,
                meta=Meta(actor=default_actor()),
            )
        )
    elif is_wiki_text(text):
        count = import_batch(
            ctx,
            wiki_text_batch(
                text, filename=file.name, slug=ctx.competition, source=source or file.name
            ),
        )
    elif is_football_txt(text):
        count = import_batch(
            ctx,
            football_txt_batch(
                text,
                filename=file.name,
                slug=ctx.competition,
                rules=rules,
                year=year,
                source=source or file.name,
            ),
        )
    else:
        raise InvalidInput(
            f"{file.name}: not a format the ledger reads (a ledger script, "
            "Wikipedia-style result text, Football.TXT or a ledger export)"
        )
    click.echo(
        f"imported {count} events from {file.name}"
        if count
        else f"{file.name}: everything in it is already recorded; nothing appended"
    )


@cli.command("rebuild")
@pass_context
def rebuild(ctx: Context) -> None:
    """Drop the read-model tables and rebuild them from the events.

    Example: ledger rebuild
    """
    count = ctx.ledger.rebuild()
    click.echo(f"rebuilt the read models from {count} events in {ctx.ledger.read_models_path}")


@cli.command("catch-up")
@pass_context
def catch_up(ctx: Context) -> None:
    """Apply events recorded since the read models were last updated (e.g. by
    another clerk on a shared PostgreSQL ledger).

    Example: ledger --database-url postgresql://... catch-up
    """
    count = ctx.ledger.catch_up()
    click.echo(f"applied {count} new events to {ctx.ledger.read_models_path}")


@cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--all", "all_streams", is_flag=True, help="Every competition in the ledger.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists (never the ledger).")
@pass_context
def export(ctx: Context, file: Path | None, all_streams: bool, force: bool) -> None:
    """Write the ledger as JSON Lines (every event byte for byte, with both
    clocks and hashes) to FILE or standard output; `ledger import` reads it back.
    FILE is written whole or not at all (a temporary file, then a rename); an
    existing FILE is replaced only with --force, and the ledger itself never.

    Example: ledger export usoc-2014.jsonl
    """
    protect = () if ctx.ledger.store.is_postgres else (Path(ctx.ledger.store.sqlite_path),)
    if file is not None:
        # Refused before any work: the ledger itself, or a file already there.
        write_atomically_check(file, force=force, protect=protect)
    stream = None if all_streams else ctx.slug()
    data = b"\n".join(export_lines(ctx.ledger.store, stream=stream)) + b"\n"
    if file is None:
        click.echo(data.decode(), nl=False)
    else:
        write_atomically(file, data, force=force, protect=protect)
        click.echo(f"exported to {file}")


def is_football_txt(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first.startswith("=") and not first.rstrip().endswith("=")


def football_txt_batch(
    text: str, *, filename: str, slug: str | None, rules: str, year: int | None, source: str
) -> Batch:
    try:
        doc = footballtxt.parse(text, filename=filename, year=year)
    except footballtxt.FootballTxtError as exc:
        raise InvalidInput(str(exc)) from exc
    return footballtxt_import.build(
        doc,
        slug=slug,
        rules=rules,
        source=source,
        actor=default_actor("import"),
    )


def import_batch(ctx: Context, batch: Batch) -> int:
    """Decide the whole batch against the ledger and append it in one go."""
    for warning in batch.warnings:
        click.echo(f"warning: {warning}", err=True)
    recorded = ctx.ledger.execute(
        *batch.commands, competition=batch.slug, meta=Meta(actor=default_actor("import"))
    )
    return len(recorded)


def is_wiki_text(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "").strip()
    return first.startswith("=") and first.endswith("=") and len(first) > 2


def wiki_text_batch(text: str, *, filename: str, slug: str | None, source: str) -> Batch:
    try:
        doc = wikitext.parse(text, filename=filename)
    except wikitext.WikiTextError as exc:
        raise InvalidInput(str(exc)) from exc
    return wikitext_import.build(
        doc,
        slug=slug,
        source=source,
        actor=default_actor("import"),
    )

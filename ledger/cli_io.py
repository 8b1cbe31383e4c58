"""Bringing facts in and out: the bundled demo, imports and exports."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import click

from events.catalogue import Event, Recorded
from events.rules import PRESETS
from ledger import exporters, files
from ledger.cli import DAY, MOMENT, Context, cli, pass_context
from ledger.cli_write import default_actor
from ledger.commands import Meta
from ledger.errors import InvalidInput, LedgerError
from ledger.export import export_lines, import_export, is_export
from ledger.importers import footballtxt, footballtxt_import, wikitext, wikitext_import
from ledger.importers.common import Batch
from ledger.progress import working
from ledger.script import decide_script, looks_like_script, run_script
from ledger.store import is_postgres_url, ledger_exists, sqlite_path

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
@click.option(
    "--dry-run",
    is_flag=True,
    help="Decide every fact as an import would and say how many would be appended; write nothing.",
)
@pass_context
def import_file(
    ctx: Context, file: Path, rules: str, year: int | None, source: str | None, dry_run: bool
) -> None:
    """Append everything in FILE: a ledger script, Wikipedia-style result text,
    Football.TXT or a ledger export. The whole file is one append: nothing is
    written when any line is wrong. Importing the same file twice appends nothing.

    Example: ledger import usoc-2014-qualification.ledger
    """
    text = read_text(file)
    if dry_run:
        count = _check_import(ctx, text, file, rules=rules, year=year, source=source)
        click.echo(f"{file.name}: {count} events would be appended; nothing written (dry run)")
        return
    new_file = _sqlite_file(ctx) if not ctx.ledger_opened else None
    new_file = new_file if new_file is not None and not new_file.exists() else None
    try:
        with working(f"importing {file.name}"):
            count = _import_text(ctx, text, file, rules=rules, year=year, source=source)
    except (LedgerError, KeyboardInterrupt) as exc:
        if new_file is not None:
            # Refused into a ledger this import would have created: leave no file.
            ctx.close()
            for leftover in (new_file, *(Path(f"{new_file}{x}") for x in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
        if isinstance(exc, KeyboardInterrupt):
            raise InvalidInput("interrupted: nothing imported") from None
        raise
    click.echo(
        f"imported {count} events from {file.name}"
        if count
        else f"{file.name}: everything in it is already recorded; nothing appended"
    )


def _check_import(
    ctx: Context, text: str, file: Path, *, rules: str, year: int | None, source: str | None
) -> int:
    """A dry run: how many facts the import would append, deciding them as it would.
    Where no ledger is stored yet, the import would find an empty one: the file is
    decided against an empty ledger of its own, so none is created there."""
    with working(f"checking {file.name}"), contextlib.ExitStack() as stack:
        if ledger_exists(ctx.url):
            # Opened only to read: a SQLite file read-only, a server's ledger without
            # creating or replacing anything in its schema.
            url = ctx.url
            if is_postgres_url(url):
                url += ("&" if "?" in url else "?") + "create=no"
            checked = Context(url=url, competition=ctx.competition, read_only=True)
        else:
            scratch = stack.enter_context(tempfile.TemporaryDirectory())
            checked = Context(
                url=str(Path(scratch) / "empty.db"), competition=ctx.competition, command="import"
            )
        stack.callback(checked.close)
        return _import_text(
            checked, text, file, rules=rules, year=year, source=source, dry_run=True
        )


def _sqlite_file(ctx: Context) -> Path | None:
    if is_postgres_url(ctx.url):
        return None
    return Path(sqlite_path(ctx.url))


def read_text(file: Path) -> str:
    """The file's text (a regular UTF-8 file of bounded size), or a refusal a
    person can act on."""
    text = files.read_text(file)
    if not text.strip():
        raise InvalidInput(f"{file.name}: the file is empty")
    return text.removeprefix("\ufeff")


def _import_text(
    ctx: Context,
    text: str,
    file: Path,
    *,
    rules: str,
    year: int | None,
    source: str | None,
    dry_run: bool = False,
) -> int:
    if is_export(text):
        return import_export(ctx.ledger, text, filename=file.name, dry_run=dry_run)
    elif looks_like_script(text):
        script = decide_script if dry_run else run_script
        return _count(
            script(
                ctx.ledger,
                text,
                filename=file.name,
                competition=ctx.competition,
                meta=Meta(actor=default_actor()),
            )
        )
    elif is_wiki_text(text):
        return import_batch(
            ctx,
            wiki_text_batch(
                text, filename=file.name, slug=ctx.competition, source=source or file.name
            ),
            dry_run=dry_run,
        )
    elif is_football_txt(text):
        return import_batch(
            ctx,
            football_txt_batch(
                text,
                filename=file.name,
                slug=ctx.competition,
                rules=rules,
                year=year,
                source=source or file.name,
            ),
            dry_run=dry_run,
        )
    raise InvalidInput(
        f"{file.name}: not a format the ledger reads (a ledger script, "
        "Wikipedia-style result text, Football.TXT or a ledger export)"
    )


@cli.command("rebuild")
@pass_context
def rebuild(ctx: Context) -> None:
    """Drop the read-model tables and rebuild them from the events.

    Example: ledger rebuild
    """
    with working("rebuilding the read models"):
        count = ctx.ledger.rebuild()
    click.echo(f"rebuilt the read models from {count} events in {ctx.ledger.read_models_path}")


@cli.command("catch-up")
@pass_context
def catch_up(ctx: Context) -> None:
    """Apply events recorded since the read models were last updated (e.g. by
    another clerk on a shared PostgreSQL ledger).

    Example: ledger catch-up
    """
    count = ctx.ledger.catch_up()
    click.echo(f"applied {count} new events to {ctx.ledger.read_models_path}")


FORMATS = ("jsonl", "football.txt", "csv", "wikitext")


@cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl: every event, for `ledger import`; football.txt, csv or wikitext: "
    "the results as people read them.",
)
@click.option(
    "--table",
    type=click.Choice(["results", "standings"]),
    default="results",
    show_default=True,
    help="With --format csv: one row per match, or one row per team per group.",
)
@click.option("--all", "all_streams", is_flag=True, help="Every competition (jsonl only).")
@click.option("--force", is_flag=True, help="Replace FILE if it exists (never the ledger).")
@click.option(
    "--as-of",
    type=DAY,
    default=None,
    help="Only facts that take effect on or before DATE (not jsonl).",
)
@click.option(
    "--known-at",
    type=MOMENT,
    default=None,
    help="Only what the ledger had recorded by TIMESTAMP (not jsonl).",
)
@pass_context
def export(
    ctx: Context,
    file: Path | None,
    fmt: str,
    table: str,
    all_streams: bool,
    force: bool,
    as_of: dt.date | None,
    known_at: dt.datetime | None,
) -> None:
    """Write the ledger to FILE or standard output. The default, JSON Lines, is
    every event byte for byte, with both clocks and hashes; `ledger import`
    reads it back. Football.TXT and Wikipedia-style text are the results in
    those formats (`ledger import` reads them too); CSV is for spreadsheets.
    FILE is written whole or not at all (a temporary file, then a rename); an
    existing FILE is replaced only with --force, and the ledger itself never.

    Example: ledger export usoc-2014.jsonl && ledger export usoc-2014.txt --format football.txt
    """
    protect = () if ctx.ledger.store.is_postgres else (Path(ctx.ledger.store.sqlite_path),)
    if file is not None:
        # Refused before any work: the ledger itself, or a file already there.
        files.write_atomically_check(file, force=force, protect=protect)
    if fmt == "jsonl":
        if as_of is not None or known_at is not None:
            raise InvalidInput("--as-of and --known-at apply to football.txt, csv and wikitext")
        stream = None if all_streams else ctx.slug()
        data = b"\n".join(export_lines(ctx.ledger.store, stream=stream)) + b"\n"
    else:
        if all_streams:
            raise InvalidInput(f"--all applies to jsonl; {fmt} writes one competition")
        reading = exporters.read(ctx.ledger, competition=ctx.slug(), as_of=as_of, known_at=known_at)
        if fmt == "football.txt":
            text = exporters.football_txt(reading)
        elif fmt == "csv":
            text = (
                exporters.results_csv(reading)
                if table == "results"
                else exporters.standings_csv(reading)
            )
        else:
            summaries, entries = ctx.ledger.qualifiers(
                competition=reading.slug, as_of=as_of, known_at=known_at
            )
            text = exporters.wiki_text(reading, summaries, entries)
        data = text.encode("utf-8")
    if file is None:
        click.echo(data.decode(), nl=False)
    else:
        files.write_atomically(file, data, force=force, protect=protect)
        click.echo(f"exported to {file}")


def first_line(text: str) -> str:
    """The first line that is neither blank nor a `#` comment."""
    return next(
        (
            line.strip()
            for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ),
        "",
    )


def is_football_txt(text: str) -> bool:
    first = first_line(text)
    return first.startswith("=") and not first.endswith("=")


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


def import_batch(ctx: Context, batch: Batch, *, dry_run: bool = False) -> int:
    """Decide the whole batch against the ledger and append it in one go (or,
    on a dry run, only decide it); how many facts it appends."""
    for warning in batch.warnings:
        click.echo(f"warning: {warning}", err=True)
    run = ctx.ledger.decide if dry_run else ctx.ledger.execute
    return _count(
        run(*batch.commands, competition=batch.slug, meta=Meta(actor=default_actor("import")))
    )


def _count(appended: Sequence[Recorded] | dict[str, list[Event]]) -> int:
    """How many facts an append stored, or a decision would store."""
    if isinstance(appended, dict):
        return sum(map(len, appended.values()))
    return len(appended)


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

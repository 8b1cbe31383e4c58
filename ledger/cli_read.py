"""Commands that read: every one takes --as-of and --known-at, and --json."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import msgspec
from rich.console import Console
from rich.table import Table

from events.catalogue import tag_of, to_builtins
from ledger.cli import Context, cli, emit_json, pass_context, read_options
from ledger.errors import LedgerError, UnknownStage
from ledger.lookup import find_path, find_stage
from ledger.progress import working
from ledger.trust import (
    TrustError,
    check_signature,
    extends,
    ledger_tree,
    load_public,
    read_checkpoint,
)
from ledger.verify import verify
from projections.model import CompetitionState, StageState
from projections.qualifiers import qualifiers
from projections.views import TableRow, bracket_matches, stage_rows, table_rows


def _console() -> Console:
    """The terminal as it is: tables fit its width (rich reads $COLUMNS when piped)."""
    return Console(soft_wrap=False)


def _slug_column(table: Table, name: str, values: list[str]) -> None:
    """A column of slugs: never cut or wrapped, since people type them back."""
    width = max([len(name), *(len(v) for v in values)])
    table.add_column(name, no_wrap=True, overflow="ignore", min_width=width)


def _state(ctx: Context, as_of: dt.date | None, known_at: dt.datetime | None) -> CompetitionState:
    slug = ctx.slug()
    check_clocks(ctx, slug, as_of, known_at)
    return ctx.ledger.view(slug, as_of=as_of, known_at=known_at)


def _created(ctx: Context, slug: str, event_id: str) -> str:
    """When a fact takes effect and when the ledger learned it, in words."""
    for rec in ctx.ledger.history(slug):
        if rec.event.event_id == event_id:
            return f"{rec.event.occurred_on} (recorded {rec.recorded_at:%Y-%m-%dT%H:%M:%S}Z)"
    return "a later date"


def check_clocks(
    ctx: Context, slug: str, as_of: dt.date | None, known_at: dt.datetime | None
) -> None:
    """Refuse a read from before the competition existed, saying when it was created."""
    if as_of is None and known_at is None:
        return
    if ctx.ledger.view(slug, as_of=as_of, known_at=known_at).created_by is not None:
        return
    created = ctx.ledger.view(slug).created_by
    when = _created(ctx, slug, created) if created else "a later date"
    raise LedgerError(f"competition {slug!r} did not exist yet: it was created on {when}")


def find_stage_at(
    ctx: Context,
    state: CompetitionState,
    text: str,
    as_of: dt.date | None,
    known_at: dt.datetime | None,
) -> StageState:
    """The stage, or an error saying when it was created if it came later."""
    try:
        return find_stage(state, text)
    except UnknownStage:
        if as_of is None and known_at is None:
            raise
        try:
            later = find_stage(ctx.ledger.view(state.slug), text)
        except UnknownStage:
            raise
        when = _created(ctx, state.slug, later.created_by)
        raise UnknownStage(
            f"stage {later.stage!r} did not exist yet: it was created on {when}"
        ) from None


def _title(
    state: CompetitionState, what: str, as_of: dt.date | None, known_at: dt.datetime | None
) -> str:
    clocks = []
    if as_of:
        clocks.append(f"as of {as_of}")
    if known_at:
        clocks.append(f"as known at {known_at:%Y-%m-%d %H:%M:%S}Z")
    return f"{state.name}: {what}" + (f" ({', '.join(clocks)})" if clocks else "")


@cli.command("stages")
@read_options
@pass_context
def stages(
    ctx: Context, as_of: dt.date | None, known_at: dt.datetime | None, as_json: bool
) -> None:
    """List the competition's stages with their progress.

    Example: ledger stages --as-of 2014-03-10
    """
    state = _state(ctx, as_of, known_at)
    rows = stage_rows(state)
    if as_json:
        emit_json(rows)
        return
    table = Table(title=_title(state, "stages", as_of, known_at))
    _slug_column(table, "slug", [r.slug for r in rows])
    table.add_column("name")
    table.add_column("format")
    _slug_column(table, "path", [r.path or "" for r in rows])
    for col in ("teams", "played", "status", "winner"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r.slug,
            r.name,
            r.format,
            r.path or "",
            str(r.teams),
            f"{r.played}/{r.fixtures}",
            r.status,
            r.winner or "",
        )
    _console().print(table)


@cli.command("standings")
@click.argument("stage")
@read_options
@pass_context
def standings(
    ctx: Context, stage: str, as_of: dt.date | None, known_at: dt.datetime | None, as_json: bool
) -> None:
    """Group tables of a stage, ordered by its declared rules.

    Example: ledger standings "USSSA group play" --as-of 2014-03-14
    """
    state = _state(ctx, as_of, known_at)
    found = find_stage_at(ctx, state, stage, as_of, known_at)
    if found.format != "group" and not as_json:
        # --json keeps its contract (a list of rows: none for a knockout stage).
        raise LedgerError(
            f"{found.stage!r} is a knockout stage and has no table: "
            f"use `ledger bracket {found.stage}`"
        )
    rows = table_rows(state, found.stage)
    if as_json:
        emit_json(rows)
        return
    console = _console()
    groups = list(dict.fromkeys(r.group for r in rows))
    for group in groups:
        group_rows = [r for r in rows if r.group == group]
        done = "final" if group_rows and group_rows[0].complete else "in progress"
        label = f"{found.name} {group}".strip()
        table = Table(
            title=_title(state, f"{label} ({done}, rules {found.rules.name})", as_of, known_at)
        )
        for col in ("#", "team", "P", "W", "D", "L", "GF", "GA", "GD", "Pts", "", "tiebreak"):
            table.add_column(col, justify="right" if len(col) <= 3 and col != "#" else "left")
        for r in group_rows:
            pos = f"={r.position}" if r.shared_with else str(r.position)
            table.add_row(
                pos,
                r.team,
                str(r.played),
                str(r.won),
                str(r.drawn),
                str(r.lost),
                str(r.goals_for),
                str(r.goals_against),
                f"{r.goal_difference:+d}" if r.goal_difference else "0",
                str(r.points),
                _mark(r),
                r.tiebreak,
            )
        console.print(table)
        if not group_rows or group_rows[0].complete:
            continue
        console.print("Q: sure of a place that matters (see `ledger scenarios`); x: out of reach")
    _print_rankings(console, state, found, as_of, known_at)


def _print_rankings(
    console: Console,
    state: CompetitionState,
    stage: StageState,
    as_of: dt.date | None,
    known_at: dt.datetime | None,
) -> None:
    """Each cross-group ranking of the stage, after its group tables."""
    from projections.resolve import Resolver, ordinal

    resolver = Resolver(state)
    for name in stage.rankings:
        ranking = resolver.ranking(stage.stage, name)
        if ranking is None:
            continue
        declared = ranking.declared
        done = "final" if ranking.complete else "provisional"
        title = (
            f"{stage.name} ranking {name}: {ordinal(declared.place)}-placed teams, "
            f"best {declared.take} go through ({done})"
        )
        table = Table(title=_title(state, title, as_of, known_at))
        for col in (
            "#",
            "team",
            "group",
            "P",
            "W",
            "D",
            "L",
            "GF",
            "GA",
            "GD",
            "Pts",
            "",
            "tiebreak",
        ):
            table.add_column(col, justify="right" if len(col) <= 3 and col != "#" else "left")
        for group, r in ranking.rows:
            pos = f"={r.position}" if r.shared_with else str(r.position)
            through = r.position + len(r.shared_with) <= declared.take
            table.add_row(
                pos,
                r.team,
                group,
                str(r.played),
                str(r.won),
                str(r.drawn),
                str(r.lost),
                str(r.goals_for),
                str(r.goals_against),
                f"{r.goal_difference:+d}" if r.goal_difference else "0",
                str(r.points),
                "Q" if ranking.complete and through else "",
                r.tiebreak,
            )
        console.print(table)
        if ranking.waiting:
            console.print(
                f"not yet known: the {ordinal(declared.place)} place of "
                + ", ".join(ranking.waiting)
            )


def _mark(row: TableRow) -> str:
    """Q when a row has clinched a place that matters, x when it can reach none."""
    return "Q" if row.clinched else "x" if row.eliminated else ""


@cli.command("bracket")
@click.argument("stage")
@read_options
@pass_context
def bracket(
    ctx: Context, stage: str, as_of: dt.date | None, known_at: dt.datetime | None, as_json: bool
) -> None:
    """Every match of a stage: round, sides (teams or open slots), score, winner, status.

    Example: ledger bracket "Golden Gate Conference" --json
    """
    from projections.resolve import Resolver

    state = _state(ctx, as_of, known_at)
    found = find_stage_at(ctx, state, stage, as_of, known_at)
    matches = bracket_matches(state, found.stage)
    champion = Resolver(state).stage_winner(found.stage)
    if as_json:
        emit_json(
            {
                "stage": found.stage,
                "name": found.name,
                "format": found.format,
                "rounds": list(found.rounds),
                "champion": champion,
                "matches": matches,
            }
        )
        return
    rows = [
        (
            m.fixture or "bye",
            m.round or "",
            str(m.date or ""),
            m.home or "",
            m.score or "",
            m.away or "",
            m.winner or "",
            m.status,
            m.how,
        )
        for m in matches
    ]
    if len(rows) > LONG_TABLE:
        # A league's thousands of matches: plain columns, not a drawn table
        # (laying one out cell by cell takes longer than the rest of the command).
        click.echo(_title(state, found.name, as_of, known_at))
        _plain_columns(
            ("fixture", "round", "date", "home", "score", "away", "winner", "status", "how"),
            rows,
        )
        click.echo(f"champion: {champion or 'not decided'}")
        return
    table = Table(title=_title(state, found.name, as_of, known_at))
    _slug_column(table, "fixture", [m.fixture or "bye" for m in matches])
    table.add_column("round")
    table.add_column("date", no_wrap=True, min_width=10)
    for col in ("home", "score", "away", "winner", "status", "how"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    console = _console()
    console.print(table)
    console.print(f"champion: {champion or 'not decided'}")


LONG_TABLE = 300


def _plain_columns(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """Left-aligned columns separated by two spaces; the last one runs free."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header[:-1])]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)) + "  " + cells[-1]

    click.echo(line(header).rstrip())
    click.echo("\n".join(line(r).rstrip() for r in rows))


@cli.command("qualifiers")
@click.option("--path", "path_filter", default=None, help="Only this qualification path.")
@read_options
@pass_context
def qualifier_list(
    ctx: Context,
    path_filter: str | None,
    as_of: dt.date | None,
    known_at: dt.datetime | None,
    as_json: bool,
) -> None:
    """The qualifier list: berths per path and who fills them, with status.

    Example: ledger qualifiers --path usasa
    """
    state = _state(ctx, as_of, known_at)
    summaries, entries = qualifiers(state)
    if path_filter is not None:
        slug = find_path(state, path_filter).path
        summaries = [s for s in summaries if s.path == slug]
        entries = [e for e in entries if e.path == slug]
    if as_json:
        emit_json(entries)
        return
    print_qualifiers(state, summaries, entries, as_of, known_at)


def print_qualifiers(
    state: CompetitionState,
    summaries: list[Any],
    entries: list[Any],
    as_of: dt.date | None,
    known_at: dt.datetime | None,
) -> None:
    console = _console()
    console.print(f"[bold]{_title(state, 'qualifiers', as_of, known_at)}[/bold]")
    for s in summaries:
        berths = (
            "berths not stated"
            if s.berths is None
            else f"{s.berths} berth" + ("" if s.berths == 1 else "s")
        )
        confirmed = "" if s.allocation_confirmed else ", allocation NOT confirmed"
        over = f", OVERSUBSCRIBED ({s.entries} candidates)" if s.oversubscribed else ""
        unfilled = f", {s.unfilled} unfilled" if s.unfilled else ""
        rnd = f", enters round {s.entry_round}" if s.entry_round else ""
        table = Table(
            title=f"{s.name}: {berths}{confirmed}{over}{unfilled}{rnd}", title_justify="left"
        )
        for col in ("team", "status", "method", "still open"):
            table.add_column(col)
        for e in (e for e in entries if e.path == s.path):
            team = e.team or ("pending: " + (" / ".join(e.candidates) or "no candidates yet"))
            table.add_row(
                team,
                e.status,
                e.method + (f" (Region {e.region})" if e.region else ""),
                "; ".join(e.open),
            )
        if s.entries:
            console.print(table)
        else:
            console.print(f"{s.name}: {berths}{rnd}; no teams recorded")


@cli.command("log")
@read_options
@click.option("--all", "all_streams", is_flag=True, help="Every competition in the ledger.")
@pass_context
def log(
    ctx: Context,
    as_of: dt.date | None,
    known_at: dt.datetime | None,
    as_json: bool,
    all_streams: bool,
) -> None:
    """The events in ledger order, with ids, hashes and both clocks.

    Example: ledger log --json --known-at 2014-03-20T12:00:00Z
    """
    stream = None if all_streams or not ctx.ledger.competitions() else ctx.slug()
    records = [
        r
        for r in ctx.ledger.store.read_all()
        if (stream is None or r.stream == stream)
        and (as_of is None or r.event.occurred_on <= as_of)
        and (known_at is None or r.recorded_at <= known_at)
    ]
    if as_json:
        emit_json(
            [
                {
                    "position": r.position,
                    "stream": r.stream,
                    "version": r.version,
                    "event_id": r.event.event_id,
                    "type": tag_of(r.event),
                    "occurred_on": r.event.occurred_on,
                    "recorded_at": r.recorded_at,
                    "hash": r.hash,
                    "prev_hash": r.prev_hash,
                    "event": to_builtins(r.event),
                }
                for r in records
            ]
        )
        return
    for r in records:
        data = to_builtins(r.event)
        detail = ", ".join(
            f"{k}={msgspec.json.encode(v).decode()}"
            for k, v in data.items()
            if k not in ("type", "event_id", "occurred_on", "source", "actor", "note") and v
        )
        click.echo(
            f"#{r.position} {r.event.occurred_on} {tag_of(r.event)} {r.event.event_id[:12]} "
            f"[{r.recorded_at:%Y-%m-%d %H:%M:%S}Z {r.hash[:12]}] {detail}"
        )


@cli.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also prove that the ledger extends this published checkpoint.",
)
@click.option(
    "--pubkey",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Check the checkpoint's signature with this public key.",
)
@click.option(
    "--read-models",
    is_flag=True,
    help="Also compare the rm_* tables with a fresh build from the events.",
)
@click.option(
    "--decisions",
    is_flag=True,
    help="Also decide every stored fact again and name any the decisions refuse.",
)
@pass_context
def verify_command(
    ctx: Context,
    checkpoint_file: Path | None,
    pubkey: Path | None,
    read_models: bool,
    decisions: bool,
) -> None:
    """Recompute every hash chain; exit 0 when intact, else name the first bad event.
    With --checkpoint, also prove (a Merkle consistency proof) that the ledger
    extends a checkpoint published earlier: a rewrite of anything it covers fails.

    Example: ledger keygen federation.key
    && ledger checkpoint --key federation.key -o 2025-02-16.checkpoint
    && ledger verify --checkpoint 2025-02-16.checkpoint --pubkey federation.key.pub
    """
    extra: list[str] = []
    if checkpoint_file is not None:
        cp = read_checkpoint(checkpoint_file)
        signed = check_signature(cp, None if pubkey is None else load_public(pubkey))
    with working("verifying every hash chain"):
        report = verify(ctx.ledger.store)
    problems = [str(p) for p in report.problems]
    if checkpoint_file is not None:
        try:
            proof = extends(ledger_tree(ctx.ledger.store), cp)
            extra.append(
                f"extends the checkpoint of {cp.time} ({cp.size} events, {signed}; "
                f"consistency proof of {len(proof)} hashes)"
            )
        except TrustError as exc:
            problems.append(str(exc))
    if read_models:
        differences = ctx.ledger.read_model_differences()
        problems.extend(f"read model {d}" for d in differences)
        if not differences:
            extra.append(f"the read models in {ctx.ledger.read_models_path} match the events")
    if decisions:
        from ledger.redecide import redecide

        with working("deciding every fact again"):
            refused = redecide(ctx.ledger.store)
        problems.extend(str(p) for p in refused)
        if not refused:
            extra.append("every fact passes the decisions again")
    if not problems:
        click.echo(
            f"ok: {report.checked} events in {report.streams} streams; every chain intact"
            + "".join(f"; {line}" for line in extra)
        )
        return
    more = len(problems) - 1
    click.echo(f"Error: {problems[0]}" + (f" (and {more} more problems)" if more else ""), err=True)
    for problem in problems[1:]:
        click.echo(f"  also: {problem}", err=True)
    sys.exit(2)


__all__ = ["LedgerError"]

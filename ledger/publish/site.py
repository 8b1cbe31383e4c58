"""A competition as a static site: index, a page per stage and per team, the history.

Pure rendering from the `Ledger` reads (stages, standings, bracket, qualifiers,
audit, history) through the Jinja2 templates shipped with the package; the only
I/O is writing the pages into the output folder.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import jinja2

from events.base import GroupPlace
from events.catalogue import Recorded, tag_of, to_builtins
from ledger.publish.bracket import BOX_W, CAPTION_H, CHAMPION_W, ROW_H, layout
from projections.model import CompetitionState
from projections.qualifiers import PathSummary, QualifierEntry
from projections.resolve import Resolver, ordinal
from projections.views import BracketMatch, StageRow, TableRow, bracket_match

if TYPE_CHECKING:
    from ledger.service import Ledger

STATUSES = ("confirmed", "provisional", "pending")


class Clocks(TypedDict):
    competition: str
    as_of: dt.date | None
    known_at: dt.datetime | None


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


@dataclass
class Pages:
    """Where each thing lives, so every page links the same way."""

    teams: dict[str, str] = field(default_factory=dict)  # team -> file name
    stages: dict[str, str] = field(default_factory=dict)  # stage slug -> file name

    def team(self, name: str | None) -> str | None:
        return self.teams.get(name) if name else None

    def add_team(self, name: str) -> None:
        if name in self.teams:
            return
        base = f"team-{slugify(name)}"
        file, n = f"{base}.html", 2
        while file in self.teams.values():
            file, n = f"{base}-{n}.html", n + 1
        self.teams[name] = file


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_template),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["gd"] = lambda n: str(n) if n <= 0 else f"+{n}"
    env.filters["short"] = lambda event_id: event_id[:12]
    env.filters["ordinal"] = ordinal
    return env


def _template(name: str) -> str:
    return resources.files("ledger.publish").joinpath("templates", name).read_text("utf-8")


def _static(name: str) -> str:
    return resources.files("ledger.publish").joinpath("static", name).read_text("utf-8")


def qualifier_words(summary: PathSummary, entries: list[QualifierEntry]) -> str:
    """The state of a path in one sentence: "10 candidates for 8 unconfirmed berths"."""
    counts = {s: sum(1 for e in entries if e.status == s) for s in STATUSES}
    n = summary.entries
    kind = "" if summary.allocation_confirmed else "unconfirmed "
    if summary.berths is None:
        head = (
            f"{n} qualifier{'s' if n != 1 else ''}" if n else "no qualifiers recorded"
        ) + ", number of berths not stated"
    else:
        noun = "candidate" if summary.oversubscribed else "team"
        berths = f"{summary.berths} {kind}berth{'s' if summary.berths != 1 else ''}"
        head = f"{n} {noun}{'s' if n != 1 else ''} for {berths}"
        if summary.unfilled:
            head += f" ({summary.unfilled} not yet filled)"
    parts = [f"{counts[s]} {s}" for s in STATUSES if counts[s]]
    return head + (": " + ", ".join(parts) if parts else "")


def _changed_pages(
    records: list[Recorded],
    stage_events: dict[str, set[str]],
    team_events: dict[str, set[str]],
    index_events: set[str],
    pages: Pages,
    stage_names: dict[str, str],
) -> dict[str, list[tuple[str, str]]]:
    """Each event id to the (title, file) of the pages that show what it changed."""
    out: dict[str, list[tuple[str, str]]] = {}
    for rec in records:
        eid = rec.event.event_id
        links: list[tuple[str, str]] = []
        if eid in index_events:
            links.append(("index", "index.html"))
        for slug, ids in stage_events.items():
            if eid in ids:
                links.append((stage_names[slug], pages.stages[slug]))
        for team, ids in team_events.items():
            if eid in ids and pages.team(team):
                links.append((team, pages.teams[team]))
        out[eid] = links
    return out


def _summary(rec: Recorded) -> str:
    data = to_builtins(rec.event)
    skip = ("type", "event_id", "occurred_on", "source", "actor", "note", "supersedes")
    parts = []
    for key, value in data.items():
        if key in skip or value in (None, "", [], {}, False):
            continue
        parts.append(f"{key}: {_plain(value)}")
    return "; ".join(parts)


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        if "kind" in value:
            rest = [str(v) for k, v in value.items() if k != "kind"]
            return f"{value['kind'].replace('_', ' ')} {' '.join(rest)}"
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list):
        if len(value) == 2 and all(isinstance(v, int) for v in value):
            return f"{value[0]}-{value[1]}"
        return ", ".join(_plain(v) for v in value)
    return str(value)


def _qualifying_places(state: CompetitionState, stage_slug: str) -> dict[tuple[str, int], str]:
    """(group, place) of a group stage that feeds a later stage, to that stage's name."""
    out: dict[tuple[str, int], str] = {}
    for fx in state.fixtures.values():
        for side in (fx.home, fx.away):
            if isinstance(side, GroupPlace) and side.stage == stage_slug:
                out[(side.group, side.place)] = state.stages[fx.stage].name
    return out


def build(
    lg: Ledger,
    out: Path,
    *,
    competition: str | None = None,
    as_of: dt.date | None = None,
    known_at: dt.datetime | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> list[Path]:
    """Write the site for one competition into `out`; return the files written.

    `progress(what, total)` is called once per page, with the number of pages.
    """
    slug = lg.competition(competition)
    clocks = Clocks(competition=slug, as_of=as_of, known_at=known_at)
    state = lg.view(slug, as_of=as_of, known_at=known_at)
    records = lg.history(slug, as_of=as_of, known_at=known_at)
    by_id = {r.event.event_id: r for r in records}
    sources = {eid: r.event.source for eid, r in by_id.items()}
    stages: list[StageRow] = lg.stages(**clocks)
    summaries, entries = lg.qualifiers(**clocks)
    resolver = Resolver(state)

    pages = Pages()
    for row in stages:
        pages.stages[row.slug] = f"stage-{slugify(row.slug)}.html"
    standings: dict[str, list[TableRow]] = {}
    brackets: dict[str, list[BracketMatch]] = {}
    teams: list[str] = []
    for row in stages:
        if row.format == "group":
            standings[row.slug] = lg.standings(row.slug, **clocks)
            teams += [r.team for r in standings[row.slug]]
        else:
            matches = lg.bracket(row.slug, **clocks)
            brackets[row.slug] = matches
            teams += [t for m in matches for t in (m.home_team, m.away_team) if t]
        teams += state.stages[row.slug].teams
    teams += [e.team for e in entries if e.team]
    teams += state.all_teams()
    for team in dict.fromkeys(state.canonical(t) for t in teams):
        pages.add_team(team)

    total = 2 + len(stages) + len(pages.teams)
    done = 0

    def tick(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(what, total)

    env = _environment()
    common = {
        "competition": state,
        "pages": pages,
        "stages": stages,
        "as_of": as_of,
        "known_at": known_at,
        "generated_from": len(records),
    }
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(name: str, template: str, **context: Any) -> None:
        html = env.get_template(template).render(**common, **context)
        (out / name).write_text(html, encoding="utf-8")
        written.append(out / name)

    (out / "style.css").write_text(_static("style.css"), encoding="utf-8")
    written.append(out / "style.css")

    # Index: stages and the qualifier list by path.
    paths = [
        {
            "summary": s,
            "entries": [e for e in entries if e.path == s.path],
            "words": qualifier_words(s, [e for e in entries if e.path == s.path]),
            "bands": _bands(s, [e for e in entries if e.path == s.path]),
        }
        for s in summaries
    ]
    write("index.html", "index.html", title=state.name, paths=paths)
    tick("index")

    stage_events: dict[str, set[str]] = {}
    for row in stages:
        stage = state.stages[row.slug]
        ids = {stage.created_by, *stage.entry_events.values(), *stage.group_events.values()}
        ids |= {b.event_id for b in stage.byes}
        if stage.rules_event:
            ids.add(stage.rules_event)
        for fx in stage.fixtures:
            ids |= set(state.fixtures[fx].facts)
        stage_events[row.slug] = ids
        if row.format == "group":
            rows = standings[row.slug]
            bands = _qualifying_places(state, row.slug)
            groups = []
            for group in dict.fromkeys(r.group for r in rows):
                fixtures = _group_matches(state, row.slug, group)
                groups.append(
                    {
                        "name": group,
                        "rows": [r for r in rows if r.group == group],
                        "bands": {p: bands[(group, p)] for (g, p) in bands if g == group},
                        "matches": fixtures,
                    }
                )
            write(pages.stages[row.slug], "group.html", title=row.name, stage=row, groups=groups)
        else:
            champion = resolver.stage_winner(row.slug)
            plan = layout(state, stage, brackets[row.slug], champion, sources)
            write(
                pages.stages[row.slug],
                "bracket.html",
                title=row.name,
                stage=row,
                state_stage=stage,
                plan=plan,
                matches=brackets[row.slug],
                champion=champion,
                box_w=BOX_W,
                row_h=ROW_H,
                caption_h=CAPTION_H,
                champion_w=CHAMPION_W,
            )
        tick(row.slug)

    team_events: dict[str, set[str]] = {}
    for team, file in pages.teams.items():
        trail = lg.audit(team, **clocks)
        team_events[team] = set(trail.events) | {e for s in trail.steps for e in s.events}
        write(file, "team.html", title=team, audit=trail, by_id=by_id)
        tick(team)

    index_events = {e for s in summaries for e in s.events} | {e for q in entries for e in q.events}
    index_events |= {state.stages[r.slug].created_by for r in stages}
    changed = _changed_pages(
        records, stage_events, team_events, index_events, pages, {r.slug: r.name for r in stages}
    )
    history = [
        {
            "record": r,
            "type": tag_of(r.event),
            "summary": _summary(r),
            "pages": changed[r.event.event_id],
        }
        for r in records
    ]
    write("history.html", "history.html", title="History", history=history)
    tick("history")
    return written


def _bands(summary: PathSummary, entries: Iterable[QualifierEntry]) -> list[dict[str, Any]]:
    """Colour bands of a path: one per entry, plus the berths nobody fills yet."""
    bands = [
        {"status": e.status, "label": e.team or ("pending: " + " / ".join(e.candidates))}
        for e in entries
    ]
    order = {s: i for i, s in enumerate(STATUSES)}
    bands.sort(key=lambda b: order[b["status"]])
    bands += [{"status": "unfilled", "label": "berth not yet filled"}] * (summary.unfilled or 0)
    return bands


def _group_matches(state: CompetitionState, stage_slug: str, group: str) -> list[BracketMatch]:
    resolver = Resolver(state)
    stage = state.stages[stage_slug]
    return [bracket_match(state, resolver, fx) for fx in resolver.group_fixtures(stage, group)]

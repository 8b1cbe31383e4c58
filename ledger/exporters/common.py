"""What the writers share: every match of a competition with the source of its result."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import msgspec

from events.matches import AdvancementDecided, ForfeitAwarded, ResultCorrected, ResultRecorded
from projections.views import BracketMatch, StageRow, TableRow

if TYPE_CHECKING:
    from ledger.service import Ledger


class Reading(msgspec.Struct, kw_only=True):
    """One competition as the writers need it, read once."""

    name: str
    slug: str
    season: str
    stages: list[StageRow]
    matches: dict[str, list[BracketMatch]]  # stage slug -> its matches and byes
    tables: dict[str, list[TableRow]]  # group stage slug -> its table rows
    sources: dict[str, str]  # event id -> citation
    unknown_methods: dict[str, str]  # fixture -> the source of a decision without method
    # stage slug -> its entered teams, and their seeds
    entrants: dict[str, list[str]] = msgspec.field(default_factory=dict)
    seeds: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)


def read(
    lg: Ledger,
    *,
    competition: str | None = None,
    as_of: dt.date | None = None,
    known_at: dt.datetime | None = None,
) -> Reading:
    slug = lg.competition(competition)
    state = lg.view(slug, as_of=as_of, known_at=known_at)
    stages = lg.stages(competition=slug, as_of=as_of, known_at=known_at)
    history = lg.history(slug, as_of=as_of, known_at=known_at)
    unknown = {
        fx.fixture: fx.advancement.source
        for fx in state.fixtures.values()
        if fx.advancement is not None and fx.advancement.method == "unknown"
    }
    return Reading(
        name=state.name,
        slug=slug,
        season=state.season,
        stages=stages,
        matches={
            s.slug: lg.bracket(s.slug, competition=slug, as_of=as_of, known_at=known_at)
            for s in stages
        },
        tables={
            s.slug: lg.standings(s.slug, competition=slug, as_of=as_of, known_at=known_at)
            for s in stages
            if s.format == "group"
        },
        sources={r.event.event_id: r.event.source for r in history},
        unknown_methods=unknown,
        entrants={s.stage: list(s.teams) for s in state.stages.values()},
        seeds={s.stage: dict(s.seeds) for s in state.stages.values()},
    )


RESULT_FACTS = (ResultRecorded, ResultCorrected, ForfeitAwarded, AdvancementDecided)


def result_source(reading: Reading, match: BracketMatch) -> str:
    """The citation of the fact that decided the match, else of its latest fact."""
    for event_id in (match.decided_by, *reversed(match.events)):
        if event_id and reading.sources.get(event_id):
            return reading.sources[event_id]
    return ""

"""What every importer produces: the commands a clerk would type for one
competition, plus the inferences made along the way."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Protocol

from events.base import Goals, Score
from events.catalogue import Event
from ledger.commands import Command, Meta, decide
from projections.model import CompetitionState


def slugify(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug or "competition"


@dataclass
class Batch:
    """One import: its commands in order (the first creates the competition `slug`),
    cited to `source` and typed by `actor`, and a warning for every inference."""

    slug: str
    source: str
    actor: str
    commands: list[Command] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    @property
    def events(self) -> list[Event]:
        """The facts the commands add to a ledger that does not hold the competition
        yet (what a first import appends), decided by the handlers; nothing is stored."""
        state = CompetitionState()
        meta = Meta(actor=self.actor)
        facts: list[Event] = []
        for command in self.commands:
            facts.extend(decide(state, command, meta))
        return facts


class TypedScore(Protocol):
    """A score as a parser read it (score line, Football.TXT, wiki text)."""

    @property
    def home(self) -> int: ...
    @property
    def away(self) -> int: ...
    @property
    def after_extra_time(self) -> tuple[int, int] | None: ...
    @property
    def penalties(self) -> tuple[int, int] | None: ...
    @property
    def regulation_known(self) -> bool: ...


def to_score(typed: TypedScore) -> Score:
    """The score as the ledger keeps it: regulation, extra time and shoot-out apart,
    with an unknown regulation score left unknown."""
    regulation = Goals(typed.home, typed.away) if typed.regulation_known else None
    aet = Goals(*typed.after_extra_time) if typed.after_extra_time else None
    pens = Goals(*typed.penalties) if typed.penalties else None
    return Score(regulation=regulation, after_extra_time=aet, penalties=pens)

"""What every importer produces: facts for one competition, plus the inferences made."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from events.base import Fact, Goals, Score
from events.catalogue import Event
from ledger.commands import Command, Replay

F = TypeVar("F", bound=Fact)


def slugify(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug or "competition"


@dataclass
class Batch:
    slug: str
    source: str
    actor: str
    events: list[Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, cls: type[F], on: dt.date, *, note: str = "", **fields: Any) -> F:
        event = cls(
            event_id=uuid.uuid4().hex,
            occurred_on=on,
            source=self.source,
            actor=self.actor,
            note=note,
            **fields,
        )
        self.events.append(event)  # type: ignore[arg-type]
        return event

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    @property
    def commands(self) -> list[Command]:
        return [Replay(event=e, on=e.occurred_on) for e in self.events]


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

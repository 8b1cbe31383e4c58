"""What new facts can change in a competition's read-model rows.

A result, a correction, a forfeit or cards change the rows of the fixture they
name and what its outcome decides; a qualification fact changes the qualifier
list; a structural fact (stages, groups, entries, withdrawals, aliases, rules,
lots, byes, draws) can change any row. The catch-up rewrites only what its new
facts reach.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from events.catalogue import Event
from events.matches import (
    AdvancementDecided,
    CardsRecorded,
    FixtureCancelled,
    FixtureRescheduled,
    FixtureScheduled,
    ForfeitAwarded,
    ResultCorrected,
    ResultRecorded,
    ResultVoided,
)
from events.qualification import (
    BerthAllocationChanged,
    BerthAllocationConfirmed,
    BerthDeclined,
    BerthReallocated,
    QualifierDeclared,
)
from events.structure import (
    AssumptionRecorded,
    FactRetracted,
    QualificationPathDefined,
    SlotFilled,
)
from projections.model import CompetitionState

# Facts whose whole effect on the read models goes through the one fixture
# they name: its row, and what its outcome decides (slots fed by it, its
# group's table, its stage's row, the qualifier list).
_FIXTURE_FACTS = (
    ResultRecorded,
    ResultCorrected,
    ResultVoided,
    ForfeitAwarded,
    AdvancementDecided,
    CardsRecorded,
    FixtureRescheduled,
    FixtureCancelled,
)
# Facts that only the qualifier list shows.
_PATH_FACTS = (
    QualificationPathDefined,
    QualifierDeclared,
    SlotFilled,
    BerthAllocationConfirmed,
    BerthAllocationChanged,
    BerthDeclined,
    BerthReallocated,
)
# Facts no read-model table shows (the audit reads them from the log).
_QUIET_FACTS = (AssumptionRecorded,)


class Reach(msgspec.Struct, frozen=True, gc=False):
    """What new facts can change in a competition's read-model rows."""

    fixtures: tuple[str, ...]
    paths: bool


def touched(state: CompetitionState, events: Sequence[Event]) -> Reach | None:
    """What `events` (already in `state`) can change in the read models, or None
    when they can change anything: stages, groups, entries, withdrawals, aliases,
    rules, lots, byes and draws reach every table."""
    fixtures: dict[str, None] = {}
    paths = False
    for event in events:
        facts: list[tuple[Event, bool]] = [(event, True)]
        if event.supersedes is not None:
            old = state.events.get(event.supersedes)
            if old is None:
                return None
            facts.append((old, False))  # retired: its effect is undone
        for fact, new in facts:
            if isinstance(fact, (*_FIXTURE_FACTS, FixtureScheduled)):
                if isinstance(fact, FixtureScheduled) and not (new and fact.supersedes is None):
                    return None  # a fixture replaced or withdrawn: its stage changes shape
                fixtures[fact.fixture] = None
            elif isinstance(fact, FactRetracted) and new:
                continue  # its effect is the retirement of the fact it names
            elif isinstance(fact, _PATH_FACTS):
                paths = True
            elif not isinstance(fact, _QUIET_FACTS):
                return None
    if any(f not in state.fixtures for f in fixtures):
        return None
    return Reach(tuple(fixtures), paths)

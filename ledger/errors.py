"""The ledger's errors: each one is a user-facing sentence, never a traceback.

Handlers raise the most specific class that fits; the CLI turns any of them
into one `Error: ...` line. `index` is set by `Ledger.execute` to the position
of the refused command in its batch, so a script can name the line.
"""

from __future__ import annotations


class LedgerError(Exception):
    """A command was refused; nothing was written."""

    index: int | None = None


class NotFound(LedgerError):
    """An unknown stage, team, fixture, path or event; says the nearest names."""


class UnknownCompetition(NotFound):
    pass


class UnknownStage(NotFound):
    pass


class UnknownTeam(NotFound):
    pass


class UnknownFixture(NotFound):
    pass


class UnknownPath(NotFound):
    pass


class UnknownEvent(NotFound):
    """No event with that id (or short id) to supersede or correct."""


class Duplicate(LedgerError):
    """The fact conflicts with one already recorded (e.g. a second result)."""


class AlreadyRecorded(Duplicate):
    """The fact is already on record, in other words (e.g. home and away swapped)."""


class Contradicts(Duplicate):
    """A standing fact says otherwise; the message names the event to supersede."""


class InvalidInput(LedgerError):
    """Malformed input: a score, date or file the ledger cannot read."""


class BadScore(InvalidInput):
    pass


class TooEarly(InvalidInput):
    """A fact dated before what it refers to."""


class NotApplicable(LedgerError):
    """The fact does not fit the competition as it stands (e.g. advancing from a
    group match, recording a cancelled fixture, a slot not yet decided)."""


class NotStanding(LedgerError):
    """A supersession that names a fact which no longer stands, or a fact of another kind."""


class WouldDropTeams(LedgerError):
    """A group change that would leave out teams that already have results in it."""


class NotLevel(LedgerError):
    """Lots drawn for teams the rules already separate."""


class HoldsNoBerth(LedgerError):
    """A berth declined or reallocated from a team that does not hold one."""


class ConcurrentAppend(LedgerError):
    """Another writer appended first; safe to retry the same command."""


class StoreUnavailable(LedgerError):
    """The database cannot be opened or reached."""


class UnreadableEvent(LedgerError):
    """A stored event this version cannot decode; `ledger verify` names it."""


class ClockBehind(LedgerError):
    """The recorded time of a new event is earlier than the ledger's last one."""

    def __init__(self, message: str, *, last: object = None) -> None:
        super().__init__(message)
        self.last = last

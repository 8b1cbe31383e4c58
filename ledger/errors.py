"""The ledger's errors: each one is a user-facing sentence, never a traceback."""

from __future__ import annotations


class LedgerError(Exception):
    """A command was refused; nothing was written."""


class NotFound(LedgerError):
    """An unknown stage, team, fixture, path or event; says the nearest names."""


class Duplicate(LedgerError):
    """The fact conflicts with one already recorded (e.g. a second result)."""


class InvalidInput(LedgerError):
    """Malformed input: a score, date or file the ledger cannot read."""


class ConcurrentAppend(LedgerError):
    """Another writer appended first; safe to retry the same command."""


class StoreUnavailable(LedgerError):
    """The database cannot be opened or reached."""

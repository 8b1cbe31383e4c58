"""The results ledger as a library; the `ledger` command is one face on it.

    import ledger
    from ledger.commands import RecordResult

    lg = ledger.open("cup.db")            # or "postgresql://..."
    lg.execute(RecordResult(stage="r1", home="A", away="B", score=..., on=...))
    lg.standings("r1", as_of=...)         # the rows `ledger standings --json` prints

Nothing heavy is imported until a ledger is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ledger.service import Ledger


def open(url: str, *, read_models: str | None = None) -> Ledger:
    """Open the ledger at a SQLite path or a PostgreSQL URL."""
    from ledger.service import Ledger

    return Ledger(url, read_models=read_models)


def __getattr__(name: str) -> Any:
    if name == "Ledger":
        from ledger.service import Ledger

        return Ledger
    raise AttributeError(f"module 'ledger' has no attribute {name!r}")

"""The ledger's service layer: read a competition, decide, append, retry on conflict."""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence

import msgspec
import sqlite_utils

from events.catalogue import Event, Recorded
from ledger.decisions import decide_all
from ledger.errors import ConcurrentAppend, NotFound
from ledger.lookup import suggest
from ledger.store import EventStore
from projections import readmodel
from projections.model import CompetitionState, fold, select

Proposal = Callable[[CompetitionState], Sequence[Event]]


class Meta(msgspec.Struct, frozen=True, kw_only=True):
    """Who says so and where it is written: stamped on every fact of a command."""

    source: str = ""
    actor: str = ""
    note: str = ""


def new_id() -> str:
    return uuid.uuid4().hex


class Ledger:
    def __init__(self, url: str, *, read_models: str | None = None) -> None:
        self.store = EventStore(url)
        # Read models live beside SQLite events; a shared PostgreSQL ledger
        # keeps them in a local SQLite file that catches up from the log.
        if read_models is None:
            read_models = (
                os.environ.get("LEDGER_READ_DB", "ledger-read.db")
                if self.store.is_postgres
                else self.store.sqlite_path
            )
        self.read_models_path = read_models
        self.auto_catch_up = True
        self._read_db: sqlite_utils.Database | None = None

    def close(self) -> None:
        if self._read_db is not None:
            self._read_db.close()
        self.store.close()

    @property
    def read_db(self) -> sqlite_utils.Database:
        if self._read_db is None:
            conn = sqlite3.connect(self.read_models_path, timeout=30, isolation_level=None)
            self._read_db = sqlite_utils.Database(conn)
        return self._read_db

    def catch_up(self) -> int:
        """Bring the read-model tables up to the end of the log."""
        return readmodel.catch_up(
            self.read_db,
            read_after=lambda last: self.store.read_all(after=last),
            read_stream=self.store.read_stream,
        )

    def rebuild(self) -> int:
        return readmodel.rebuild(
            self.read_db,
            read_after=lambda last: self.store.read_all(after=last),
            read_stream=self.store.read_stream,
        )

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------

    def competitions(self) -> list[str]:
        return self.store.streams()

    def competition(self, wanted: str | None) -> str:
        """The competition a command is about: the named one, or the only one."""
        names = self.competitions()
        if wanted is not None:
            if wanted in names:
                return wanted
            raise NotFound(f"no competition {wanted!r}{suggest(wanted, names)}")
        if len(names) == 1:
            return names[0]
        if not names:
            raise NotFound(
                "the ledger is empty: run `ledger demo`, `ledger import` or `ledger new`"
            )
        raise NotFound(f"several competitions; choose one with --competition: {', '.join(names)}")

    def history(
        self,
        competition: str,
        *,
        as_of: dt.date | None = None,
        known_at: dt.datetime | None = None,
    ) -> list[Recorded]:
        return select(self.store.read_stream(competition), as_of=as_of, known_at=known_at)

    def view(
        self,
        competition: str,
        *,
        as_of: dt.date | None = None,
        known_at: dt.datetime | None = None,
    ) -> CompetitionState:
        return fold(self.history(competition, as_of=as_of, known_at=known_at))

    # -- writing -------------------------------------------------------------

    def submit(self, competition: str, propose: Proposal, *, attempts: int = 8) -> list[Recorded]:
        """Decide on fresh state and append; on a concurrent append, decide again.

        Deciding again makes retries safe: a fact another clerk recorded in the
        meantime is then seen as already recorded and not appended twice.
        """
        for attempt in range(attempts):
            history = self.store.read_stream(competition)
            state = fold(history)
            events = decide_all(state, list(propose(state)))
            if not events:
                return []
            try:
                recorded = self.store.append(competition, events, after=history)
            except ConcurrentAppend:
                if attempt == attempts - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
                continue
            if self.auto_catch_up:
                self.catch_up()
            return recorded
        raise AssertionError("unreachable")

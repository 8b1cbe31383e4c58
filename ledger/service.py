"""The ledger as a library: `execute` commands, and read what they add up to.

Every entry point (the CLI, ledger scripts, the importers, an imported export,
a Python script) appends through `Ledger.execute`: it decides every command
against the competition as it stands and appends all the resulting facts in
one transaction, deciding again on fresh state when another clerk appended
first. The reads return the typed rows the CLI prints as JSON.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import sqlite3
import time
import urllib.parse
from collections.abc import Iterable, Sequence

import sqlite_utils

from events.catalogue import Event, Recorded
from ledger.commands import Command, CreateCompetition, Meta, UseCompetition, decide
from ledger.errors import ConcurrentAppend, LedgerError, UnknownCompetition, UnknownStage
from ledger.lookup import find_path, find_stage, find_team, suggest
from ledger.rebuild_split import (
    MAX_WORKERS,
    cores,
    rows_from,
    rows_of,
    start_workers,
    stop_workers,
)
from ledger.store import EventStore
from projections import readmodel
from projections.audit import Audit, audit
from projections.model import CompetitionState, apply, fold, in_order, select
from projections.qualifiers import PathSummary, QualifierEntry, qualifiers
from projections.resolve import RankingTable, Resolver
from projections.scenarios import TeamOutlook, scenarios
from projections.snapshots import load_snapshot
from projections.views import (
    BracketMatch,
    StageRow,
    TableRow,
    bracket_matches,
    stage_rows,
    table_rows,
)

# A SQLite ledger this large has its read-model rows computed by several processes
# on a rebuild (below it, starting them costs more than they save).
SPLIT_REBUILD_FROM = 50_000


class Ledger:
    def __init__(
        self, url: str, *, read_models: str | None = None, read_only: bool = False
    ) -> None:
        self.store = EventStore(url, read_only=read_only)
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
        # Each competition's state at its head (version, hash), kept current by
        # the appends of this process; a snapshot in the read-model file serves
        # other processes. Only a state a fresh fold would equal is kept.
        self._states: dict[str, tuple[tuple[int, str], CompetitionState]] = {}
        # Said to the user after the command (the CLI prints them as warnings).
        self.warnings: list[str] = []

    def close(self) -> None:
        if self._read_db is not None:
            self._read_db.close()
        self.store.close()

    @property
    def read_db(self) -> sqlite_utils.Database:
        if self._read_db is None:
            conn = sqlite3.connect(self.read_models_path, timeout=30, isolation_level=None)
            # Read models are derived, and each catch-up commits its rows with
            # the position it reached: a power cut can only undo whole catch-ups,
            # which the next command repeats. So they need no sync of their own
            # on every commit (WAL keeps the file sound; the facts keep theirs).
            with contextlib.suppress(sqlite3.Error):  # e.g. a read-only directory
                if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                    conn.execute("PRAGMA synchronous=NORMAL")
            self._read_db = sqlite_utils.Database(conn)
        return self._read_db

    def _read_models_exist(self) -> bool:
        """Whether there is a read-model file to look in (a read opens none where
        there is none: a local file for a PostgreSQL ledger is made by its first
        catch-up)."""
        path = self.read_models_path
        return self._read_db is not None or path == ":memory:" or os.path.exists(path)

    def catch_up(self, just_appended: Sequence[Recorded] = ()) -> int:
        """Bring the read-model tables up to the end of the log.

        `just_appended`: the events this ledger has just stored, with their
        positions. When they are exactly what the read models lack, they are
        applied as they are instead of being read back and decoded again."""

        def read_after(last: int) -> Iterable[Recorded]:
            if just_appended and self._follows(last, just_appended):
                return just_appended
            return self.store.read_all(after=last)

        return readmodel.catch_up(self.read_db, read_after=read_after, state_of=self._current)

    def _follows(self, last: int, records: Sequence[Recorded]) -> bool:
        """Whether `records` are the events right after position `last`, all of them.
        Only on SQLite, where one writer at a time gives positions in commit
        order without gaps; PostgreSQL's sequence can leave gaps or commit a
        lower position later."""
        first = records[0].position
        return (
            not self.store.is_postgres
            and first == last + 1
            and all(r.position == first + i for i, r in enumerate(records))
        )

    def refresh_read_models(self, just_appended: Sequence[Recorded] = ()) -> None:
        """Catch the read models up after a commit. The events are committed
        whatever happens here, so a failure is a warning, not an error: the
        tables are rebuilt at once (in one transaction), else by the next command."""
        try:
            self.catch_up(just_appended)
            return
        except Exception as exc:  # any failure of the read side; the facts are safe
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        try:
            self.rebuild()
            self.warnings.append(
                f"the read models in {self.read_models_path} could not be caught up "
                f"({first}); they were rebuilt from the events"
            )
        except Exception as exc:
            again = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            self.warnings.append(
                f"the facts were recorded, but the read models in {self.read_models_path} "
                f"could not be updated ({again}); the next command or `ledger rebuild` "
                "repairs them"
            )

    def read_model_differences(self) -> list[str]:
        """How the stored read-model tables differ from a fresh build from the events."""
        if not os.path.exists(self.read_models_path):
            return [f"no read models at {self.read_models_path} (run `ledger rebuild`)"]
        uri = f"file:{urllib.parse.quote(os.path.abspath(self.read_models_path))}?mode=ro"
        stored = sqlite_utils.Database(sqlite3.connect(uri, uri=True))
        fresh = sqlite_utils.Database(sqlite3.connect(":memory:", isolation_level=None))
        try:
            readmodel.rebuild(
                fresh,
                streams=(
                    self.store.read_stream(slug, positions=True) for slug in self.competitions()
                ),
            )
            return readmodel.differences(stored, fresh)
        except sqlite3.Error as exc:
            return [f"the read models in {self.read_models_path} cannot be read: {exc}"]
        finally:
            stored.close()
            fresh.close()

    def rebuild(self, *, processes: int | None = None) -> int:
        """Drop the read-model tables and build them again from the events, in one
        transaction; how many events they hold.

        On a SQLite ledger of `SPLIT_REBUILD_FROM` events or more, as many worker
        processes as there are cores this process may use (at most `MAX_WORKERS`;
        or `processes`) compute the competitions' rows while this one writes
        them; with one, this process does it all."""
        last = self.store.max_position()
        slugs = self.competitions()
        if processes is None:
            processes = min(cores(), MAX_WORKERS) if last >= SPLIT_REBUILD_FROM else 1
        started = None
        if processes > 1 and not self.store.is_postgres:  # PostgreSQL: one connection
            started = start_workers(
                self.store.url, [slugs[i::processes] for i in range(processes)], last
            )
        if started is None:
            rows = (rows_of(self.store.read_stream(slug, positions=True), last) for slug in slugs)
            return readmodel.rebuild(self.read_db, rows=(r for r in rows if r is not None))
        try:
            return readmodel.rebuild(self.read_db, rows=rows_from(started))
        finally:
            stop_workers(started)

    # -- the current state of a competition ---------------------------------

    def state(self, competition: str) -> CompetitionState:
        """The competition as it stands now (do not change it)."""
        return self._current(competition, keep=True)[1]

    def _current(
        self, slug: str, *, keep: bool | None = None
    ) -> tuple[tuple[int, str], CompetitionState]:
        """The state at the head; kept for later commands when `keep`, or by default
        when this ledger already keeps that competition (a bulk catch-up over many
        competitions keeps none, so its memory stays bounded)."""
        if keep is None:
            keep = slug in self._states
        head = self.store.head(slug)
        cached = self._states.get(slug)
        if cached is not None and cached[0] == head:
            return cached
        base = cached if cached is not None and cached[0][0] < head[0] else None
        if base is None and self._read_models_exist():
            base = load_snapshot(self.read_db, slug)
        if base is not None and base[0][0] <= head[0]:
            (version, digest), state = base
            newer = self.store.read_stream_after(slug, version)
            # The snapshot must be of this very chain (a read-model file can be
            # pointed at another ledger): its hash is the head's, or the next
            # event's previous hash.
            chained = newer[0].prev_hash == digest if newer else digest == head[1]
            if chained and in_order(state.last_on, (r.event for r in newer)):
                for record in newer:
                    apply(state, record.event)
                if keep:
                    self._states[slug] = (head, state)
                return head, state
        state = fold(self.store.read_stream(slug))
        if keep:
            self._states[slug] = (head, state)
        return head, state

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------

    def competitions(self) -> list[str]:
        return self.store.streams()

    def competition(self, wanted: str | None) -> str:
        """The competition a command is about: the named one, or the only one."""
        if wanted is not None and self.store.exists(wanted):
            return wanted  # one lookup by key, however many competitions there are
        names = self.competitions() if wanted is not None else self.store.streams(limit=2)
        if wanted is not None:
            raise UnknownCompetition(f"no competition {wanted!r}{suggest(wanted, names)}")
        if len(names) == 1:
            return names[0]
        if not names:
            raise UnknownCompetition(
                "the ledger is empty: run `ledger demo`, `ledger import` or `ledger new`"
            )
        names = self.competitions()
        raise UnknownCompetition(
            f"several competitions; choose one with --competition: {', '.join(names)}"
        )

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
        competition: str | None = None,
        *,
        as_of: dt.date | None = None,
        known_at: dt.datetime | None = None,
    ) -> CompetitionState:
        """The competition at a sporting date, as the ledger knew it at a moment."""
        slug = self.competition(competition)
        if as_of is None and known_at is None:
            return self.state(slug)
        return fold(self.store.read_stream(slug), as_of=as_of, known_at=known_at)

    # -- reads: the rows the CLI prints as JSON -------------------------------

    def stages(
        self,
        *,
        competition: str | None = None,
        as_of: dt.date | None = None,
        known_at: dt.datetime | None = None,
    ) -> list[StageRow]:
        return stage_rows(self.view(competition, as_of=as_of, known_at=known_at))

    def standings(
        self,
        stage: str,
        *,
        competition: str | None = None,
        as_of: dt.date | None = None,
        known_at: dt.datetime | None = None,
    ) -> list[TableRow]:
        state = self.view(competition, as_of=as_of, known_at=known_at)
        return table_rows(state, find_stage(state, stage).stage)

    def ranking(
        self,
        stage: str,
        name: str,
        *,
        competition: str | None = None,
        as_of: dt.date | None = None,
        known_at: dt.datetime | None = None,
    ) -> RankingTable:
        """A stage's cross-group ranking as the results stand (see `RankingTable`)."""
        state = self.view(competition, as_of=as_of, known_at=known_at)
        slug = find_stage(state, stage).stage
        table = Resolver(state).ranking(slug, name)
        if table is None:
            rankings = state.stages[slug].rankings
            raise UnknownStage(f"no ranking {name!r} in {slug}{suggest(name, rankings)}")
        return table

    def scenarios(
        self,
        stage: str,
        *,
        competition: str | None = None,
        as_of: dt.date | None = None,
        known_at: dt.datetime | None = None,
    ) -> list[TeamOutlook]:
        """Who can still finish where in each table of a group stage."""
        state = self.view(competition, as_of=as_of, known_at=known_at)
        return scenarios(state, find_stage(state, stage).stage)

    def bracket(
        self,
        stage: str,
        *,
        competition: str | None = None,
        as_of: dt.date | None = None,
        known_at: dt.datetime | None = None,
    ) -> list[BracketMatch]:
        state = self.view(competition, as_of=as_of, known_at=known_at)
        return bracket_matches(state, find_stage(state, stage).stage)

    def qualifiers(
        self,
        *,
        path: str | None = None,
        competition: str | None = None,
        as_of: dt.date | None = None,
        known_at: dt.datetime | None = None,
    ) -> tuple[list[PathSummary], list[QualifierEntry]]:
        state = self.view(competition, as_of=as_of, known_at=known_at)
        summaries, entries = qualifiers(state)
        if path is not None:
            slug = find_path(state, path).path
            summaries = [s for s in summaries if s.path == slug]
            entries = [e for e in entries if e.path == slug]
        return summaries, entries

    def audit(
        self,
        team: str,
        *,
        competition: str | None = None,
        as_of: dt.date | None = None,
        known_at: dt.datetime | None = None,
    ) -> Audit:
        slug = self.competition(competition)
        stream = self.store.read_stream(slug)  # read once: the citations and the fold
        records = select(stream, as_of=as_of, known_at=known_at)
        if as_of is None and known_at is None:
            state = self.state(slug)
        else:
            state = fold(stream, as_of=as_of, known_at=known_at)
        return audit(state, find_team(state, team), records)

    # -- writing -------------------------------------------------------------

    def decide(
        self, *commands: Command, competition: str | None = None, meta: Meta | None = None
    ) -> dict[str, list[Event]]:
        """The facts `execute` would append, per competition, without appending them."""
        return self.decide_states(*commands, competition=competition, meta=meta)[0]

    def decide_states(
        self, *commands: Command, competition: str | None = None, meta: Meta | None = None
    ) -> tuple[dict[str, list[Event]], dict[str, CompetitionState]]:
        """As `decide`, with each competition's state as the facts leave it (where a
        fresh fold of them would give the same state). The ledger keeps none of them:
        a caller that stores exactly these facts itself hands them back with `adopt`."""
        heads, proposed = self._decide(commands, competition, meta or Meta())
        states = {}
        for slug in heads:
            kept = self._states.pop(slug, None)
            if kept is not None:
                states[slug] = kept[1]
        return proposed, states

    def adopt(self, slug: str, head: tuple[int, str], state: CompetitionState) -> None:
        """Keep `state` as the competition at `head` (version, hash): the state
        `decide_states` gave for the facts just stored up to that head."""
        self._states[slug] = (head, state)

    def _decide(
        self, commands: Sequence[Command], competition: str | None, meta: Meta
    ) -> tuple[dict[str, tuple[int, str]], dict[str, list[Event]]]:
        heads: dict[str, tuple[int, str]] = {}
        states: dict[str, CompetitionState] = {}
        proposed: dict[str, list[Event]] = {}
        before: dict[str, dt.date | None] = {}
        current = competition
        try:
            for index, command in enumerate(commands):
                try:
                    if isinstance(command, CreateCompetition):
                        current = command.slug
                    elif isinstance(command, UseCompetition):
                        # One created earlier in this batch is not stored yet.
                        known = command.slug in states and states[command.slug].created_by
                        current = command.slug if known else self.competition(command.slug)
                    elif current is None:
                        current = self.competition(None)
                    if current not in states:
                        heads[current], states[current] = self._current(current, keep=True)
                        before[current] = states[current].last_on
                    events = decide(states[current], command, meta)
                except LedgerError as exc:
                    exc.index = index
                    raise
                proposed.setdefault(current, []).extend(events)
        except BaseException:
            for slug in states:  # decided in place: the kept states are spoilt
                self._states.pop(slug, None)
            raise
        for slug, events in proposed.items():
            if not in_order(before[slug], events):
                self._states.pop(slug, None)  # a fresh fold must place them
        return heads, proposed

    def execute(
        self,
        *commands: Command,
        competition: str | None = None,
        meta: Meta | None = None,
        attempts: int = 8,
    ) -> list[Recorded]:
        """Decide every command in order and append all their facts in one transaction.

        Commands apply to `competition` (or the only one) until a
        `CreateCompetition` or `UseCompetition` switches. A refused command
        raises its LedgerError with `index` set and nothing is written. On a
        concurrent append the whole batch is decided again on fresh state, so a
        fact another clerk recorded meanwhile is seen as a repeat, not doubled.
        """
        for attempt in range(attempts):
            heads, proposed = self._decide(commands, competition, meta or Meta())
            batches = [(s, events, heads[s]) for s, events in proposed.items() if events]
            if not batches:
                return []
            try:
                recorded = self.store.append_batches(batches)
            except BaseException as exc:
                for slug, _, _ in batches:
                    self._states.pop(slug, None)
                if not isinstance(exc, ConcurrentAppend) or attempt == attempts - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
                continue
            for slug, _, _ in batches:
                kept = self._states.get(slug)
                if kept is not None:
                    last = [r for r in recorded if r.stream == slug][-1]
                    self._states[slug] = ((last.version, last.hash), kept[1])
            if self.auto_catch_up:
                self.refresh_read_models(recorded)
            return recorded
        raise AssertionError("unreachable")

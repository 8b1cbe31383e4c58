"""Finding stages, teams, paths and fixtures by what a person types.

A slug or the display name, case-insensitive; an unknown one is an error that
suggests the nearest names.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ledger.errors import (
    InvalidInput,
    UnknownEvent,
    UnknownFixture,
    UnknownPath,
    UnknownStage,
    UnknownTeam,
)
from projections.model import CompetitionState, FixtureState, PathState, StageState


def norm(text: str) -> str:
    """A name as people compare it: case and spacing (no-break spaces too) ignored."""
    return " ".join(text.casefold().split())


def suggest(word: str, names: Iterable[str], *, n: int = 3) -> str:
    names = list(dict.fromkeys(names))
    by_norm = {norm(name): name for name in names}
    close = difflib.get_close_matches(norm(word), list(by_norm), n=n, cutoff=0.5)
    if not close:
        close = [k for k in by_norm if norm(word) in k][:n]
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(by_norm[c]) for c in close) + "?"


def find_stage(state: CompetitionState, text: str) -> StageState:
    want = norm(text)
    for stage in state.stages.values():
        if want in (norm(stage.stage), norm(stage.name)):
            return stage
    names = [s.stage for s in state.stages.values()] + [s.name for s in state.stages.values()]
    raise UnknownStage(f"no stage {text!r}{suggest(text, names)}")


def find_path(state: CompetitionState, text: str) -> PathState:
    want = norm(text)
    for path in state.paths.values():
        if want in (norm(path.path), norm(path.name)):
            return path
    names = [p.path for p in state.paths.values()] + [p.name for p in state.paths.values()]
    raise UnknownPath(f"no qualification path {text!r}{suggest(text, names)}")


def known_teams(state: CompetitionState) -> list[str]:
    return state.all_teams()


def find_team(state: CompetitionState, text: str, *, within: Iterable[str] | None = None) -> str:
    """The canonical name of a team (aliases resolve to the team they name)."""
    teams = list(within) if within is not None else known_teams(state)
    if text in teams:  # the name as stored: what importers and replays give
        return text
    want = norm(text)
    for team in teams:
        if norm(team) == want:
            return team
    for alias, fact in state.aliases.items():
        if norm(alias) == want and fact.team in teams:
            return fact.team
    where = "" if within is None else " in this stage"
    raise UnknownTeam(f"no team {text!r}{where}{suggest(text, [*teams, *state.aliases])}")


def find_fixture(state: CompetitionState, text: str) -> FixtureState:
    if text in state.fixtures:
        return state.fixtures[text]
    for fixture, fx in state.fixtures.items():
        if norm(fixture) == norm(text):
            return fx
    raise UnknownFixture(f"no fixture {text!r}{suggest(text, state.fixtures)}")


def find_event(state: CompetitionState, text: str) -> str:
    """The full id of an event named by its id, by the short id `ledger log` prints,
    or by a fixture: the standing decision of who went through it."""
    wanted = text.strip().lower()
    if wanted in state.events:
        return wanted
    fixture = state.fixtures.get(text.strip())
    if fixture is not None and fixture.advancement is not None:
        return fixture.advancement.event_id
    if len(wanted) >= 6:
        matches = [e for e in state.events if e.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise InvalidInput(
                f"the short id {text!r} names {len(matches)} events; give more of it"
            )
    raise UnknownEvent(f"no event {text!r} in this competition (see `ledger log`)")

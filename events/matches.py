"""Facts about fixtures and their results, including corrections."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from events.base import Fact, Goal, Goals, Score, Side


class FixtureScheduled(Fact, frozen=True, kw_only=True, tag="fixture_scheduled"):
    fixture: str  # id unique within the competition
    stage: str
    round: str | None
    home: Side
    away: Side
    kickoff: dt.date | None = None
    group: str | None = None
    venue: str = ""


class FixtureRescheduled(Fact, frozen=True, kw_only=True, tag="fixture_rescheduled"):
    fixture: str
    kickoff: dt.date
    reason: str = ""


class FixtureCancelled(Fact, frozen=True, kw_only=True, tag="fixture_cancelled"):
    fixture: str
    reason: str


class ByeGranted(Fact, frozen=True, kw_only=True, tag="bye_granted"):
    """`team` skips `round` of `stage` and plays `into_fixture` (if known)."""

    stage: str
    round: str
    team: str
    into_fixture: str | None = None


class RoundCancelled(Fact, frozen=True, kw_only=True, tag="round_cancelled"):
    """The round is not played and everyone still in it advances."""

    stage: str
    round: str
    reason: str


class ResultRecorded(Fact, frozen=True, kw_only=True, tag="result_recorded"):
    fixture: str
    score: Score
    scorers: tuple[Goal, ...] = ()
    match_minutes: int | None = None  # when it differs from the stage rule
    # The home and away teams the result was given for. If a correction upstream
    # later puts other teams in the fixture's slots, the result no longer counts
    # for anyone until it is corrected or voided.
    teams: tuple[str, str] | None = None
    # Who won, when the source gives the winner but not the score.
    winner: str | None = None


class ResultCorrected(Fact, frozen=True, kw_only=True, tag="result_corrected"):
    """Replaces the result recorded by `supersedes` (a result or a correction)."""

    supersedes: str
    fixture: str
    score: Score
    scorers: tuple[Goal, ...] = ()
    match_minutes: int | None = None
    reason: str
    teams: tuple[str, str] | None = None
    winner: str | None = None


class ResultVoided(Fact, frozen=True, kw_only=True, tag="result_voided"):
    supersedes: str
    fixture: str
    reason: str


class ForfeitAwarded(Fact, frozen=True, kw_only=True, tag="forfeit_awarded"):
    fixture: str
    winner: str
    score: Score | None = None  # the awarded score, if the rules give one
    reason: str


class AdvancementDecided(Fact, frozen=True, kw_only=True, tag="advancement_decided"):
    """Who went through after a drawn knockout tie, kept apart from the score."""

    fixture: str
    team: str
    method: Literal["shootout", "decision", "unknown"]
    shootout: Goals | None = None
    detail: str = ""


class CardsRecorded(Fact, frozen=True, kw_only=True, tag="cards_recorded"):
    """Cards one team received in one match, for fair-play tiebreaks.

    Version 2 split the single red count of version 1 into direct reds and
    yellow-then-direct-red, which fair play weighs differently (-4 and -5).
    """

    class_version: ClassVar[int] = 2

    fixture: str
    team: str
    yellow: int = 0
    second_yellow: int = 0
    red: int = 0
    yellow_red: int = 0

    @staticmethod
    def upcast_v1_v2(payload: dict[str, Any]) -> None:
        # v1 counted every direct red in "reds"; it had no yellow-then-red field.
        payload["red"] = payload.pop("reds", 0)
        payload.setdefault("yellow_red", 0)

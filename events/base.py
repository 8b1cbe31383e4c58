"""The fields every fact carries, and the small value types facts are made of."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

import msgspec


class Fact(msgspec.Struct, frozen=True, gc=False, kw_only=True, tag_field="type"):
    """Base of every event in the ledger.

    `occurred_on` is valid time: the sporting date the fact belongs to. The time
    the ledger learned the fact is set by the store, never by the author.
    """

    # Bumped when a payload changes incompatibly; the codec runs `upcast_vN_vN+1`.
    class_version: ClassVar[int] = 1

    event_id: str
    occurred_on: dt.date
    source: str = ""
    actor: str = ""
    note: str = ""
    # The fact this one replaces (or, for a retraction, withdraws). Which of the
    # two stands is decided by ledger order: the later word stands.
    supersedes: str | None = None


# --- sides of a fixture: a known team, or a slot resolved by other facts ------


class TeamSide(msgspec.Struct, frozen=True, gc=False, tag_field="kind", tag="team"):
    team: str


class WinnerOf(msgspec.Struct, frozen=True, gc=False, tag_field="kind", tag="winner_of"):
    fixture: str


class LoserOf(msgspec.Struct, frozen=True, gc=False, tag_field="kind", tag="loser_of"):
    fixture: str


class GroupPlace(msgspec.Struct, frozen=True, gc=False, tag_field="kind", tag="group_place"):
    stage: str
    group: str
    place: int


class StageWinner(msgspec.Struct, frozen=True, gc=False, tag_field="kind", tag="stage_winner"):
    """The champion of a whole stage (a tournament that feeds a later game)."""

    stage: str


class BestRanked(msgspec.Struct, frozen=True, gc=False, tag_field="kind", tag="best_ranked"):
    """The team at `rank` of a stage's cross-group ranking (e.g. best thirds)."""

    stage: str
    ranking: str
    rank: int


Side = TeamSide | WinnerOf | LoserOf | GroupPlace | StageWinner | BestRanked


# --- scores ---------------------------------------------------------------------


class Goals(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """A home/away pair of goal counts; stored as `[home, away]`."""

    home: int
    away: int

    def __str__(self) -> str:
        return f"{self.home}-{self.away}"


class Goal(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    side: Literal["home", "away"]
    player: str
    minute: int
    stoppage: int | None = None
    penalty: bool = False
    own_goal: bool = False

    def __str__(self) -> str:
        minute = f"{self.minute}+{self.stoppage}'" if self.stoppage else f"{self.minute}'"
        extra = " (pen.)" if self.penalty else " (o.g.)" if self.own_goal else ""
        return f"{self.player} {minute}{extra}"


class Score(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """Regulation, extra-time and shoot-out scores, always kept apart.

    `regulation` is the score at the end of normal time. When the source gives
    only a score after extra time, `regulation` is None: the ledger does not guess.
    When it gives neither (only who went through), the score is unknown.
    """

    regulation: Goals | None
    after_extra_time: Goals | None = None
    penalties: Goals | None = None

    @property
    def known(self) -> bool:
        """False when the source says who won but not the score."""
        return self.regulation is not None or self.after_extra_time is not None

    @property
    def final(self) -> Goals:
        """The score that counts for tables and winners (a.e.t. when played)."""
        score = self.after_extra_time or self.regulation
        assert score is not None, "only a known score has a final score"
        return score

    def __str__(self) -> str:
        if not self.known:
            return "score unknown"
        parts = []
        if self.regulation is not None:
            parts.append(str(self.regulation))
        if self.after_extra_time is not None:
            parts.append(f"{self.after_extra_time} a.e.t.")
        if self.penalties is not None:
            parts.append(f"{self.penalties} pen.")
        return ", ".join(parts)

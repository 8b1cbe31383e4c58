"""Facts about who qualifies, and the berths they fill."""

from __future__ import annotations

from events.base import Fact


class QualifierDeclared(Fact, frozen=True, kw_only=True, tag="qualifier_declared"):
    """A team qualified through `path` by a route decided outside the ledger."""

    path: str
    team: str
    method: str  # e.g. "Amateur Cup Regional Champion"
    region: str = ""
    confirmed: bool = True  # False when the governing body has not confirmed it


class BerthAllocationConfirmed(Fact, frozen=True, kw_only=True, tag="berth_allocation_confirmed"):
    path: str
    berths: int


class BerthAllocationChanged(Fact, frozen=True, kw_only=True, tag="berth_allocation_changed"):
    path: str
    berths: int
    confirmed: bool


class BerthDeclined(Fact, frozen=True, kw_only=True, tag="berth_declined"):
    path: str
    team: str
    reason: str


class BerthReallocated(Fact, frozen=True, kw_only=True, tag="berth_reallocated"):
    """A berth moves from one team to another (and possibly another path)."""

    path: str
    from_team: str
    to_team: str
    to_path: str | None = None
    reason: str = ""

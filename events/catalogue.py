"""The event catalogue as one tagged union, and the one codec for it.

Stored bodies carry the event's `class_version`; older payloads are upcast by
the event class's `upcast_vN_vN+1` static methods before typed decoding.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, cast, get_args

import msgspec

from events.matches import (
    AdvancementDecided,
    ByeGranted,
    CardsRecorded,
    FixtureCancelled,
    FixtureRescheduled,
    FixtureScheduled,
    ForfeitAwarded,
    ResultCorrected,
    ResultRecorded,
    ResultVoided,
    RoundCancelled,
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
    CompetitionCreated,
    DrawMade,
    FactRetracted,
    GroupDefined,
    LotsDrawn,
    QualificationPathDefined,
    RankingDeclared,
    RuleSetDeclared,
    SeedAssigned,
    SlotFilled,
    StageCreated,
    TeamAliasRecorded,
    TeamEntered,
    TeamWithdrew,
)

Event = (
    CompetitionCreated
    | QualificationPathDefined
    | StageCreated
    | GroupDefined
    | RuleSetDeclared
    | RankingDeclared
    | TeamEntered
    | TeamWithdrew
    | TeamAliasRecorded
    | SeedAssigned
    | SlotFilled
    | AssumptionRecorded
    | LotsDrawn
    | FixtureScheduled
    | FixtureRescheduled
    | FixtureCancelled
    | ByeGranted
    | RoundCancelled
    | ResultRecorded
    | ResultCorrected
    | ResultVoided
    | ForfeitAwarded
    | AdvancementDecided
    | CardsRecorded
    | QualifierDeclared
    | BerthAllocationConfirmed
    | BerthAllocationChanged
    | BerthDeclined
    | BerthReallocated
    | FactRetracted
    | DrawMade
)

EVENT_TYPES: tuple[type[Any], ...] = get_args(Event)
BY_TAG: dict[str, type[Any]] = {cls.__struct_config__.tag: cls for cls in EVENT_TYPES}


_TAG_OF: dict[type[Any], str] = {cls: tag for tag, cls in BY_TAG.items()}


def tag_of(event: Event) -> str:
    known = _TAG_OF.get(type(event))  # read per event on every replay: looked up once
    if known is not None:
        return known
    tag = type(event).__struct_config__.tag
    assert isinstance(tag, str)
    return tag


# A recorded time names its zone: one without (written by hand) cannot be ordered
# against the rest, so a body holding one does not decode.
Instant = Annotated[dt.datetime, msgspec.Meta(tz=True)]


class Body(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """What the hash of a stored event covers: the event and its place in the chain."""

    stream: str
    version: int
    recorded_at: Instant
    prev_hash: str
    event_type: str
    event_version: int
    event: Event


class Recorded(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    """An event as the ledger holds it: position, both clocks and chain hash."""

    position: int  # ledger order (notification id); 0 before it is stored
    stream: str
    version: int
    recorded_at: dt.datetime
    prev_hash: str
    hash: str
    event: Event

    @property
    def occurred_on(self) -> dt.date:
        return self.event.occurred_on


class _Header(msgspec.Struct):
    event_type: str
    event_version: int


# Built once: encoding is deterministic (Struct fields in declaration order).
_encoder = msgspec.json.Encoder(order="deterministic")
_body_decoder = msgspec.json.Decoder(Body)
_header_decoder = msgspec.json.Decoder(_Header)
_event_decoder = msgspec.json.Decoder(Event)


def encode(obj: Any) -> bytes:
    return _encoder.encode(obj)


def encode_body(body: Body) -> bytes:
    return _encoder.encode(body)


def upcast(event_type: str, version: int, payload: dict[str, Any]) -> dict[str, Any]:
    """Bring an old event payload up to the current class version, in place."""
    cls = BY_TAG.get(event_type)
    if cls is None:
        raise msgspec.ValidationError(f"unknown event type {event_type!r}")
    if not 1 <= version <= cls.class_version:
        raise msgspec.ValidationError(
            f"event_version {version} of {event_type} is not one this ledger knows "
            f"(1..{cls.class_version})"
        )
    while version < cls.class_version:
        getattr(cls, f"upcast_v{version}_v{version + 1}")(payload)
        version += 1
    return payload


def decode_body(raw: bytes) -> Body:
    """The body of a stored event; a body that does not agree with itself (an
    event_type other than its event's own tag, a version no code knows) is invalid."""
    try:
        # Nearly every stored body is of the current version: one parse decides it.
        # Anything else (an old version to upcast, a body that does not decode)
        # takes the careful path below, which gives the same body or error as always.
        body = _body_decoder.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        pass
    else:
        tag = body.event.__struct_config__.tag
        if tag == body.event_type and body.event_version == type(body.event).class_version:
            return body
    header = _header_decoder.decode(raw)
    cls = BY_TAG.get(header.event_type)
    if cls is not None and header.event_version == cls.class_version:
        body = _body_decoder.decode(raw)
    else:
        data = msgspec.json.decode(raw)
        if not isinstance(data, dict) or not isinstance(data.get("event"), dict):
            raise msgspec.ValidationError("the body holds no event")
        upcast(header.event_type, header.event_version, data["event"])
        data["event_version"] = BY_TAG[header.event_type].class_version
        body = msgspec.convert(data, Body)
    if tag_of(body.event) != body.event_type:
        raise msgspec.ValidationError(
            f"event_type {body.event_type!r} does not match the event, a {tag_of(body.event)!r}"
        )
    return body


def decode_event(raw: bytes | str) -> Event:
    """Decode one bare event payload (current version)."""
    return _event_decoder.decode(raw)


def to_builtins(event: Event) -> dict[str, Any]:
    data = msgspec.to_builtins(event)
    assert isinstance(data, dict)
    return data


def from_builtins(data: dict[str, Any], *, version: int | None = None) -> Event:
    """Build an event from plain data (an export line, a test), upcasting if old."""
    event_type = data.get("type")
    if not isinstance(event_type, str) or event_type not in BY_TAG:
        raise msgspec.ValidationError(f"unknown event type {event_type!r}")
    if version is not None:
        data = upcast(event_type, version, dict(data))
    return cast(Event, msgspec.convert(data, Event))

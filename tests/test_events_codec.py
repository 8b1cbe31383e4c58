"""The event catalogue and its codec, as a specification.

Every event type round-trips through the one codec inside the hashed `Body`, under a
stable snake_case tag; old payloads are upcast; the catalogue covers the facts
DESIGN.md lists; and scores keep regulation, extra time and shoot-out apart.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.base import Fact, Goals, Score
from events.catalogue import (
    BY_TAG,
    EVENT_TYPES,
    Body,
    decode_body,
    encode_body,
    from_builtins,
    upcast,
)
from events.matches import AdvancementDecided, CardsRecorded, ResultRecorded

TAG = re.compile(r"^[a-z]+(_[a-z]+)*$")
UTC = dt.UTC


def tag(cls: type[Any]) -> str:
    value = cls.__struct_config__.tag
    assert isinstance(value, str)
    return value


# --- strategies built from each Struct's own type information ---------------------
#
# Built from `msgspec.inspect`, so an event type added to the catalogue is covered
# without touching this file.

_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    max_size=16,
)
_json_scalar = st.one_of(st.none(), st.booleans(), st.integers(0, 1000), _text)
_json_value = st.recursive(
    _json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_text, inner, max_size=3)),
    max_leaves=6,
)


def strategy_for(t: msgspec.inspect.Type) -> st.SearchStrategy[Any]:
    ins = msgspec.inspect
    if isinstance(t, ins.StrType):
        return _text
    if isinstance(t, ins.BoolType):
        return st.booleans()
    if isinstance(t, ins.IntType):
        return st.integers(0, 120)
    if isinstance(t, ins.NoneType):
        return st.none()
    if isinstance(t, ins.DateType):
        return st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
    if isinstance(t, ins.DateTimeType):
        return st.datetimes(
            dt.datetime(2000, 1, 1), dt.datetime(2030, 12, 31), timezones=st.just(UTC)
        )
    if isinstance(t, ins.LiteralType):
        return st.sampled_from(t.values)
    if isinstance(t, ins.UnionType):
        return st.one_of(*(strategy_for(member) for member in t.types))
    if isinstance(t, ins.VarTupleType):
        return st.lists(strategy_for(t.item_type), max_size=3).map(tuple)
    if isinstance(t, ins.TupleType):
        return st.tuples(*(strategy_for(item) for item in t.item_types))
    if isinstance(t, ins.ListType):
        return st.lists(strategy_for(t.item_type), max_size=3)
    if isinstance(t, ins.DictType):
        return st.dictionaries(strategy_for(t.key_type), strategy_for(t.value_type), max_size=3)
    if isinstance(t, ins.AnyType):
        return _json_value
    if isinstance(t, ins.StructType):
        fields = {f.name: strategy_for(f.type) for f in t.fields}
        return st.builds(t.cls, **fields)
    raise NotImplementedError(f"no strategy for {t!r}: extend strategy_for")


def events_of(cls: type[Any]) -> st.SearchStrategy[Any]:
    return strategy_for(msgspec.inspect.type_info(cls))


def bodies_of(cls: type[Any]) -> st.SearchStrategy[Body]:
    return st.builds(
        Body,
        stream=_text,
        version=st.integers(1, 10_000),
        recorded_at=strategy_for(msgspec.inspect.DateTimeType(tz=True)),
        prev_hash=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
        event_type=st.just(tag(cls)),
        event_version=st.just(cls.class_version),
        event=events_of(cls),
    )


# --- round trip ---------------------------------------------------------------------


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=tag)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_event_type_round_trips_through_the_body_codec(
    cls: type[Any], data: st.DataObject
) -> None:
    body = data.draw(bodies_of(cls))

    raw = encode_body(body)
    decoded = decode_body(raw)

    assert decoded == body
    assert type(decoded.event) is cls
    # The stored JSON names the type by its stable tag, twice: in the body
    # header (what the store's topic column mirrors) and inside the event.
    as_json = msgspec.json.decode(raw)
    assert as_json["event_type"] == tag(cls)
    assert as_json["event"]["type"] == tag(cls)
    # Encoding is deterministic: the hash of a body is reproducible.
    assert encode_body(decoded) == raw


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=tag)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_plain_data_of_every_event_builds_the_same_event(
    cls: type[Any], data: st.DataObject
) -> None:
    event = data.draw(events_of(cls))
    plain = msgspec.json.decode(msgspec.json.encode(event))

    assert from_builtins(plain) == event


def test_every_tag_is_stable_snake_case_and_unique() -> None:
    tags = [tag(cls) for cls in EVENT_TYPES]

    bad = [t for t in tags if not TAG.match(t)]
    assert bad == []
    assert len(tags) == len(set(tags))
    assert set(BY_TAG) == set(tags)
    assert all(BY_TAG[tag(cls)] is cls for cls in EVENT_TYPES)


def test_tags_are_the_snake_case_of_the_class_names() -> None:
    # "Stable" means derived from the fact's name, not from a module path or an
    # index that reordering the union would change.
    def snake(name: str) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()

    mismatched = {cls.__name__: tag(cls) for cls in EVENT_TYPES if snake(cls.__name__) != tag(cls)}
    assert mismatched == {}


def test_every_event_carries_id_valid_time_and_citation() -> None:
    for cls in EVENT_TYPES:
        assert issubclass(cls, Fact), cls
        names = {f.name for f in msgspec.structs.fields(cls)}
        assert {"event_id", "occurred_on", "source", "actor", "note"} <= names, cls
        # The recorded time belongs to the store, never to the author of a fact.
        assert not {"recorded_at", "recorded", "hash"} & names, cls


# --- upcasting ------------------------------------------------------------------------

V1_CARDS = {
    "type": "cards_recorded",
    "event_id": "c0ffee",
    "occurred_on": "2014-03-14",
    "source": "match report",
    "actor": "clerk",
    "note": "",
    "fixture": "usssa-1",
    "team": "Colorado Rovers",
    "yellow": 3,
    "second_yellow": 1,
    "reds": 2,
}


def v1_body_bytes(payload: dict[str, Any]) -> bytes:
    return msgspec.json.encode(
        {
            "stream": "usoc-2014",
            "version": 7,
            "recorded_at": "2014-03-20T12:00:00Z",
            "prev_hash": "0" * 64,
            "event_type": "cards_recorded",
            "event_version": 1,
            "event": payload,
        }
    )


def test_cards_are_at_version_2_and_have_an_upcaster_from_1() -> None:
    assert CardsRecorded.class_version == 2
    assert callable(CardsRecorded.upcast_v1_v2)


def test_upcaster_turns_v1_reds_into_direct_reds_and_no_yellow_reds() -> None:
    payload = dict(V1_CARDS)

    CardsRecorded.upcast_v1_v2(payload)

    assert payload["red"] == 2
    assert payload["yellow_red"] == 0
    assert "reds" not in payload


def test_stored_v1_cards_body_decodes_as_the_current_version() -> None:
    body = decode_body(v1_body_bytes(dict(V1_CARDS)))

    assert body.event_version == 2
    assert body.event == CardsRecorded(
        event_id="c0ffee",
        occurred_on=dt.date(2014, 3, 14),
        source="match report",
        actor="clerk",
        fixture="usssa-1",
        team="Colorado Rovers",
        yellow=3,
        second_yellow=1,
        red=2,
        yellow_red=0,
    )
    assert body.stream == "usoc-2014"
    assert body.version == 7
    assert body.recorded_at == dt.datetime(2014, 3, 20, 12, tzinfo=UTC)


def test_v1_cards_without_reds_decode_with_no_red_cards() -> None:
    payload = {k: v for k, v in V1_CARDS.items() if k != "reds"}

    event = decode_body(v1_body_bytes(payload)).event

    assert isinstance(event, CardsRecorded)
    assert (event.red, event.yellow_red, event.yellow) == (0, 0, 3)


def test_from_builtins_upcasts_v1_cards_and_leaves_the_input_alone() -> None:
    data = dict(V1_CARDS)

    event = from_builtins(data, version=1)

    assert isinstance(event, CardsRecorded)
    assert (event.red, event.yellow_red, event.second_yellow) == (2, 0, 1)
    assert data == V1_CARDS


def test_upcast_of_a_current_payload_changes_nothing() -> None:
    payload = {"fixture": "f", "team": "t", "red": 1, "yellow_red": 1}

    assert upcast("cards_recorded", 2, dict(payload)) == payload


def test_unknown_event_type_is_a_validation_error_not_a_crash() -> None:
    with pytest.raises(msgspec.ValidationError):
        from_builtins({"type": "goal_celebrated", "event_id": "x", "occurred_on": "2014-01-01"})
    with pytest.raises(msgspec.ValidationError):
        upcast("goal_celebrated", 1, {})


# --- the catalogue covers DESIGN.md -------------------------------------------------

DESIGN_FACTS = {
    "competition created": "competition_created",
    "qualification path defined": "qualification_path_defined",
    "stage created": "stage_created",
    "rule set declared": "rule_set_declared",
    "team entered": "team_entered",
    "team withdrew": "team_withdrew",
    "team alias recorded": "team_alias_recorded",
    "seed assigned": "seed_assigned",
    "fixture scheduled": "fixture_scheduled",
    "fixture rescheduled": "fixture_rescheduled",
    "fixture cancelled": "fixture_cancelled",
    "bye granted": "bye_granted",
    "result recorded": "result_recorded",
    "result corrected": "result_corrected",
    "result voided": "result_voided",
    "forfeit awarded": "forfeit_awarded",
    "advancement decided": "advancement_decided",
    "cards recorded": "cards_recorded",
    "qualifier declared": "qualifier_declared",
    "berth allocation confirmed": "berth_allocation_confirmed",
    "berth allocation changed": "berth_allocation_changed",
    "berth declined": "berth_declined",
    "berth reallocated": "berth_reallocated",
    "round cancelled with everyone advancing": "round_cancelled",
}


@pytest.mark.parametrize("fact", sorted(DESIGN_FACTS))
def test_catalogue_has_a_tag_for_each_fact_design_lists(fact: str) -> None:
    assert DESIGN_FACTS[fact] in BY_TAG


def test_advancement_methods_are_shootout_decision_and_unknown() -> None:
    info = msgspec.inspect.type_info(AdvancementDecided)
    assert isinstance(info, msgspec.inspect.StructType)
    method = next(f for f in info.fields if f.name == "method")
    assert isinstance(method.type, msgspec.inspect.LiteralType)
    assert set(method.type.values) == {"shootout", "decision", "unknown"}


def test_a_fixture_side_may_be_a_team_or_a_slot() -> None:
    info = msgspec.inspect.type_info(BY_TAG["fixture_scheduled"])
    assert isinstance(info, msgspec.inspect.StructType)
    home = next(f for f in info.fields if f.name == "home")
    assert isinstance(home.type, msgspec.inspect.UnionType)
    kinds = {member.cls.__struct_config__.tag for member in home.type.types}  # type: ignore[union-attr]
    assert {"team", "winner_of", "group_place"} <= kinds


def test_a_result_carries_scorers_with_minutes_and_match_length() -> None:
    info = msgspec.inspect.type_info(ResultRecorded)
    assert isinstance(info, msgspec.inspect.StructType)
    fields = {f.name: f.type for f in info.fields}
    assert {"score", "scorers", "match_minutes"} <= set(fields)
    scorers = fields["scorers"]
    assert isinstance(scorers, msgspec.inspect.VarTupleType)
    assert isinstance(scorers.item_type, msgspec.inspect.StructType)
    assert {"player", "minute", "stoppage"} <= {f.name for f in scorers.item_type.fields}


# --- scores kept apart ----------------------------------------------------------------


def test_score_3_3_aet_won_4_2_on_penalties_is_never_7_5() -> None:
    score = Score(regulation=Goals(2, 2), after_extra_time=Goals(3, 3), penalties=Goals(4, 2))

    raw = msgspec.json.encode(score)
    data = msgspec.json.decode(raw)

    assert data == {"regulation": [2, 2], "after_extra_time": [3, 3], "penalties": [4, 2]}
    assert b"7" not in raw and b"5" not in raw
    assert msgspec.json.decode(raw, type=Score) == score
    assert score.final == Goals(3, 3)
    assert str(score) == "2-2, 3-3 a.e.t., 4-2 pen."


def test_score_inside_a_stored_result_keeps_the_three_parts_apart() -> None:
    result = ResultRecorded(
        event_id="r1",
        occurred_on=dt.date(2014, 3, 16),
        fixture="gg-final",
        score=Score(regulation=None, after_extra_time=Goals(3, 3), penalties=Goals(4, 2)),
    )
    body = Body(
        stream="usoc-2014",
        version=1,
        recorded_at=dt.datetime(2014, 3, 20, tzinfo=UTC),
        prev_hash="0" * 64,
        event_type="result_recorded",
        event_version=ResultRecorded.class_version,
        event=result,
    )

    stored = msgspec.json.decode(encode_body(body))

    assert stored["event"]["score"] == {
        "regulation": None,
        "after_extra_time": [3, 3],
        "penalties": [4, 2],
    }
    assert decode_body(encode_body(body)).event == result


def test_goals_are_stored_as_a_home_away_pair() -> None:
    assert msgspec.json.encode(Goals(home=4, away=2)) == b"[4,2]"
    assert msgspec.json.decode(b"[4,2]", type=Goals) == Goals(4, 2)

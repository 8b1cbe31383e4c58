"""Tests for ledger.scoreline: the clerk's score, result, scorer and date text."""

from __future__ import annotations

import contextlib
import datetime
import pickle
import re

import msgspec
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ledger.scoreline import (
    InvalidDateError,
    ResultLine,
    Score,
    ScoreLineError,
    Scorer,
    parse_date,
    parse_result_line,
    parse_score,
    parse_scorer_line,
    parse_scorers,
)

# --- parse_score ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2-1", Score(home=2, away=1)),
        ("2\u20131", Score(home=2, away=1)),  # en dash
        ("2\u22121", Score(home=2, away=1)),  # minus sign
        ("2:1", Score(home=2, away=1)),
        ("2 - 1", Score(home=2, away=1)),
        ("0-0", Score(home=0, away=0)),
        ("99-0", Score(home=99, away=0)),
        ("2 (4)-2 (1)", Score(home=2, away=2, penalties=(4, 1))),
        ("1-1 (4-3 p)", Score(home=1, away=1, penalties=(4, 3))),
        ("1-1 4-3 pens", Score(home=1, away=1, penalties=(4, 3))),
        (
            "1-1 a.e.t., 4-3 pen.",
            Score(
                home=1, away=1, after_extra_time=(1, 1), penalties=(4, 3), regulation_known=False
            ),
        ),
        (
            "1-1 (a.e.t.)",
            Score(home=1, away=1, after_extra_time=(1, 1), regulation_known=False),
        ),
        (
            "2-2 aet 4-3 pens",
            Score(
                home=2, away=2, after_extra_time=(2, 2), penalties=(4, 3), regulation_known=False
            ),
        ),
        (
            "3-2 a.e.t.",
            Score(home=3, away=2, after_extra_time=(3, 2), regulation_known=False),
        ),
        (
            "3-2 AET",
            Score(home=3, away=2, after_extra_time=(3, 2), regulation_known=False),
        ),
        (
            "1-1 (a.e.t.) (4-3 p)",
            Score(
                home=1, away=1, after_extra_time=(1, 1), penalties=(4, 3), regulation_known=False
            ),
        ),
        (
            "1-1 (a.e.t., 4-3 pen.)",
            Score(
                home=1, away=1, after_extra_time=(1, 1), penalties=(4, 3), regulation_known=False
            ),
        ),
        # The one form that states both regulation and extra time.
        ("1-1 (2-1 a.e.t.)", Score(home=1, away=1, after_extra_time=(2, 1))),
        (
            "1-1 (1-1 a.e.t.) (5-4 p)",
            Score(home=1, away=1, after_extra_time=(1, 1), penalties=(5, 4)),
        ),
    ],
)
def test_parse_score_forms(text: str, expected: Score) -> None:
    assert parse_score(text) == expected


def test_aet_only_score_does_not_invent_a_regulation_score() -> None:
    score = parse_score("3-2 a.e.t.")
    assert not score.regulation_known
    assert score.after_extra_time == (3, 2)
    assert (score.home, score.away) == (3, 2)  # the typed score, flagged as not regulation


def test_penalties_are_never_added_into_the_score() -> None:
    score = parse_score("2 (4)-2 (1)")
    assert (score.home, score.away) == (2, 2)
    assert score.penalties == (4, 1)
    assert score.after_extra_time is None
    assert score.regulation_known


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty score"),
        ("   ", "empty score"),
        ("-1-2", "negative score"),
        ("2--1", "negative score"),
        ("2- -1", "negative score"),
        ("x-1", "not a score"),
        ("two-one", "not a score"),
        ("2", "not a score"),
        ("100-0", "implausible score 100"),
        ("0-00100", "implausible score 00100"),
        ("1" * 50 + "-1", "implausible score 111111... (at most 99 goals)"),
        ("2-1 foo", "cannot read 'foo' after the score"),
        ("2-1,", "cannot read ','"),
        ("1-1 a.e.t.,", "cannot read"),
        ("1-1 (a.e.t.", "cannot read"),
        ("1-1 4-3", "cannot read"),
        ("1-1 2-1 a.e.t.", "cannot read"),  # bare regulation + a.e.t. reads like two scores
        ("2 (4)-2", "penalty score given for one side only"),
        ("2 (4)-2 (1) (4-1 p)", "penalty shoot-out score given twice"),
        ("2-2 (4-4 p)", "a penalty shoot-out cannot end level"),
        ("1-1 (0-1 a.e.t.)", "score after extra time is lower than at regulation"),
        ("2\x00-1", "control character U+0000"),
        ("2-1\u200b", "control character U+200B"),
        ("2-1\n", "control character U+000A"),
    ],
)
def test_parse_score_rejects(text: str, reason: str) -> None:
    with pytest.raises(ScoreLineError) as info:
        parse_score(text)
    message = str(info.value)
    assert reason in message
    assert "\n" not in message
    assert info.value.text == text
    # The input is quoted (long input shortened).
    assert repr(text[:80]) in message


# --- parse_result_line -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "home", "away", "score"),
    [
        ("Temecula FC 2-5 FC Force", "Temecula FC", "FC Force", Score(home=2, away=5)),
        (
            "FC Tacoma 253 2-1 Spartans Futbol Club",
            "FC Tacoma 253",
            "Spartans Futbol Club",
            Score(home=2, away=1),
        ),
        ("Real Salt Lake 2-1 1860 Munich", "Real Salt Lake", "1860 Munich", Score(home=2, away=1)),
        (
            "New York Red Bulls U-23s 3-0 FC 1 Nürnberg",
            "New York Red Bulls U-23s",
            "FC 1 Nürnberg",
            Score(home=3, away=0),
        ),
        # Digits on both sides of the score, but only one place a score can stand.
        ("FC 1 2-1 3 Kings", "FC 1", "3 Kings", Score(home=2, away=1)),
        ("Schalke 04 1\u20130 Hannover 96", "Schalke 04", "Hannover 96", Score(home=1, away=0)),
        ("Austria 2 - 1 FC Koeln", "Austria", "FC Koeln", Score(home=2, away=1)),
        ("  Home   Team  2:1  Away  ", "Home Team", "Away", Score(home=2, away=1)),
        (
            "Home 2 (4)-2 (1) Away",
            "Home",
            "Away",
            Score(home=2, away=2, penalties=(4, 1)),
        ),
        (
            "Home 1-1 (a.e.t.) Away",
            "Home",
            "Away",
            Score(home=1, away=1, after_extra_time=(1, 1), regulation_known=False),
        ),
        (
            "Home 1-1 (4-3 p) Away",
            "Home",
            "Away",
            Score(home=1, away=1, penalties=(4, 3)),
        ),
        (
            "A 1-1 a.e.t., 4-3 pen. B",
            "A",
            "B",
            Score(
                home=1, away=1, after_extra_time=(1, 1), penalties=(4, 3), regulation_known=False
            ),
        ),
        (
            "A 1-1 aet 4-3 pens B",
            "A",
            "B",
            Score(
                home=1, away=1, after_extra_time=(1, 1), penalties=(4, 3), regulation_known=False
            ),
        ),
        # Notes at the end of the line.
        (
            "Sonoma County Sol 1-1 CD Aguiluchos USA a.e.t., 3-4 pen.",
            "Sonoma County Sol",
            "CD Aguiluchos USA",
            Score(
                home=1, away=1, after_extra_time=(1, 1), penalties=(3, 4), regulation_known=False
            ),
        ),
        ("Home 0-0 Away (5-4 p)", "Home", "Away", Score(home=0, away=0, penalties=(5, 4))),
        # Quotes settle what digits in names would make ambiguous.
        ('"FC 1-2" 3-4 "B 5-6"', "FC 1-2", "B 5-6", Score(home=3, away=4)),
        ('"Racing AET" 1-0 Other', "Racing AET", "Other", Score(home=1, away=0)),
        ('Home 1-0 "Club aet"', "Home", "Club aet", Score(home=1, away=0)),
        ("Sporting C.P. 1-0 Club (Reserves)", "Sporting C.P.", "Club (Reserves)", None),
        ("Kevin's XI 1-0 St. Mary's", "Kevin's XI", "St. Mary's", None),
    ],
)
def test_parse_result_line(text: str, home: str, away: str, score: Score | None) -> None:
    result = parse_result_line(text)
    assert (result.home, result.away) == (home, away)
    if score is not None:
        assert result.score == score


@pytest.mark.parametrize(
    "text",
    [
        "A 1-2 B 3-4 C",
        "A 1-2 3-4 B",
        # A typo with two scores must not make up a team called "Home 2-1".
        "Home 2-1 1-0 Away",
        # A score that fails a check is still a way to read the line.
        "A 100-1 B 2-1 C",
    ],
)
def test_ambiguous_result_line_is_refused_with_a_hint(text: str) -> None:
    with pytest.raises(ScoreLineError, match="ambiguous") as info:
        parse_result_line(text)
    assert "double quotes" in str(info.value)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty result line"),
        ("A -1-2 B", "negative score"),
        ("A 2--1 B", "negative score"),
        ("2-1 Away", "missing home team"),
        ("Home 2-1", "missing away team"),
        ("Home 1-1 a.e.t.", "missing away team"),
        ("Team 2-1 Team", "the same team is on both sides"),
        ("Team 2-1  team", "the same team is on both sides"),
        ("Home x-1 Away", "no score like 'Home 2-1 Away'"),
        ("Home v Away", "no score like"),
        ("Home 100-1 Away", "implausible score 100"),
        ("Home 2-2 (4-4 p) Away", "shoot-out cannot end level"),
        ("Home\t2-1 Away", "control character U+0009"),
        ("Home 2-1 Away\x1b[31m", "control character U+001B"),
        ("Home, 2-1 Away", "home team name cannot end with ','"),
        ("A 1 - 2 - 3 B", "team name cannot start with '-'"),
        ("A 1-1 (a.e.t.) B 4-3 pen.", "notes both after the score and at the end"),
        ('A "B 2-1 C', "unbalanced double quote"),
        ('A 2-1 x"B"', "double quotes must enclose a whole team name"),
        ('"" 2-1 B', "empty quoted team name"),
        ("A " * 300 + "2-1 B", "longer than 500 characters"),
    ],
)
def test_parse_result_line_rejects(text: str, reason: str) -> None:
    with pytest.raises(ScoreLineError) as info:
        parse_result_line(text)
    message = str(info.value)
    assert reason in message
    assert "\n" not in message
    assert repr(text[:80]) in message


# --- scorers ------------------------------------------------------------------------


def test_parse_scorers_forms() -> None:
    assert parse_scorers("Eric Larson 14', Tyler Hurst 48'") == [
        Scorer(player="Eric Larson", minute=14),
        Scorer(player="Tyler Hurst", minute=48),
    ]
    assert parse_scorers("Messi 90+3' (pen.)") == [
        Scorer(player="Messi", minute=90, stoppage=3, penalty=True)
    ]
    assert parse_scorers("Smith 12' (o.g.)") == [Scorer(player="Smith", minute=12, own_goal=True)]
    assert parse_scorers("Ronaldo 3', 67'") == [
        Scorer(player="Ronaldo", minute=3),
        Scorer(player="Ronaldo", minute=67),
    ]
    # Wikipedia also separates a player's minutes with spaces; a note is per goal.
    assert parse_scorers("Ronaldo 3' 67' (pen)") == [
        Scorer(player="Ronaldo", minute=3),
        Scorer(player="Ronaldo", minute=67, penalty=True),
    ]
    assert parse_scorers("Kevin O'Brien 45+2\u2019, N'Golo Kanté 120'") == [
        Scorer(player="Kevin O'Brien", minute=45, stoppage=2),
        Scorer(player="N'Golo Kanté", minute=120),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty scorer list"),
        ("Smith 12", "no goal minute like 14'"),
        ("12'", "minute without a player name"),
        ("Smith 0'", "minute 0 is outside 1-120"),
        ("Smith 121'", "minute 121 is outside 1-120"),
        ("Smith 90+0'", "stoppage time +0 is outside"),
        ("Smith 90+31'", "stoppage time +31 is outside"),
        ("Smith 12' (pen.) (o.g.)", "both a penalty and an own goal"),
        ("Smith 12' (header)", "unknown goal note (header)"),
        ("Smith 12' junk", "cannot read 'junk' after the last goal minute"),
        ("Smith 12', 7 14'", "cannot read '7' as a player name"),
    ],
)
def test_parse_scorers_rejects(text: str, reason: str) -> None:
    with pytest.raises(ScoreLineError) as info:
        parse_scorers(text)
    assert reason in str(info.value)


def test_parse_scorer_line() -> None:
    team, scorers = parse_scorer_line("Sonoma County Sol: Eric Larson 14', Tyler Hurst 48'")
    assert team == "Sonoma County Sol"
    assert [s.player for s in scorers] == ["Eric Larson", "Tyler Hurst"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Sonoma County Sol Eric Larson 14'", "found no ':'"),
        (": Eric Larson 14'", "missing team before ':'"),
        ("Sonoma County Sol:", "no scorers after ':'"),
        ("Sol: Larson 200'", "minute 200 is outside"),
    ],
)
def test_parse_scorer_line_rejects(text: str, reason: str) -> None:
    with pytest.raises(ScoreLineError) as info:
        parse_scorer_line(text)
    assert reason in str(info.value)
    # The whole line is quoted, not just the part after the colon.
    assert repr(text) in str(info.value)


# --- dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2014-03-01",
        "March 1, 2014",
        "1 March 2014",
        "Mar 1, 2014",
        "1 Mar 2014",
        "Mar. 1, 2014",
        "march 1 2014",
        "  March  1,  2014 ",
    ],
)
def test_parse_date_forms(text: str) -> None:
    assert parse_date(text) == datetime.date(2014, 3, 1)


def test_parse_date_september_abbreviations() -> None:
    assert parse_date("Sep 3, 2014") == parse_date("Sept 3, 2014") == datetime.date(2014, 9, 3)


@pytest.mark.parametrize(
    ("text", "invalid_date"),
    [
        ("", False),
        ("hello", False),
        ("2014/03/01", False),
        ("03/01/2014", False),
        ("Round 1, 2014", False),
        ("March 2014", False),
        ("February 30, 2014", True),
        ("2014-13-01", True),
        ("Marhc 1, 2014", True),
    ],
)
def test_parse_date_rejects(text: str, invalid_date: bool) -> None:
    with pytest.raises(ScoreLineError) as info:
        parse_date(text)
    assert isinstance(info.value, InvalidDateError) is invalid_date
    assert repr(text) in str(info.value)


# --- value objects -----------------------------------------------------------------


def test_value_objects_are_frozen_and_round_trip_through_msgspec() -> None:
    result = parse_result_line("Home 1-1 Away a.e.t., 4-3 pen.")
    with pytest.raises(AttributeError):
        result.home = "Other"  # type: ignore[misc]
    data = msgspec.json.encode(result)
    assert msgspec.json.decode(data, type=ResultLine) == result


@pytest.mark.parametrize(
    "kwargs",
    [
        {"home": -1, "away": 0},
        {"home": 100, "away": 0},
        {"home": 1, "away": 1, "penalties": (3, 3)},
        {"home": 1, "away": 1, "after_extra_time": (0, 1)},
        {"home": 1, "away": 1, "regulation_known": False},
    ],
)
def test_score_invariants(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Score(**kwargs)  # type: ignore[arg-type]


def test_score_line_error_pickles() -> None:
    error = ScoreLineError("negative score", "-1-2")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) == "negative score: '-1-2'"


# --- properties --------------------------------------------------------------------

_LETTER = st.characters(categories=("Lu", "Ll"))
_TOKEN = st.text(
    alphabet=st.one_of(_LETTER, st.sampled_from("0123456789-")), min_size=1, max_size=8
)
_NAME = st.lists(_TOKEN, min_size=1, max_size=4).map(" ".join)
# Words the notes grammar reads (a name ending in "aet" would lose it to notes).
_NOTE_WORDS = {"aet", "p", "pen", "pens", "penalties"}
_SCORE_LIKE = re.compile(r"(?<!\S)[0-9]+\s*-\s*[0-9]")


def _usable(name: str) -> bool:
    """A name the line grammar can carry: alphanumeric ends, no note words."""
    return (
        name[0].isalnum()
        and name[-1].isalnum()
        and not any(t.casefold() in _NOTE_WORDS for t in name.split())
    )


@given(
    home=_NAME,
    away=_NAME,
    h=st.integers(0, 30),
    a=st.integers(0, 30),
    sep=st.sampled_from(["-", "\u2013", ":"]),
)
def test_result_line_round_trips(home: str, away: str, h: int, a: int, sep: str) -> None:
    assume(_usable(home) and _usable(away))
    # A score-like token inside a name is a second place the score could stand.
    assume(not _SCORE_LIKE.search(home) and not _SCORE_LIKE.search(away))
    assume(home.casefold() != away.casefold())
    result = parse_result_line(f"{home} {h}{sep}{a} {away}")
    assert result == ResultLine(home=home, away=away, score=Score(home=h, away=a))


_SCORE_TOKEN = st.builds("{}-{}".format, st.integers(0, 120), st.integers(0, 120))
_NAME_WITH_SCORES = st.lists(st.one_of(_TOKEN, _SCORE_TOKEN), min_size=1, max_size=4).map(" ".join)


@given(
    home=_NAME_WITH_SCORES,
    away=_NAME_WITH_SCORES,
    h=st.integers(0, 30),
    a=st.integers(0, 30),
)
def test_result_line_with_score_like_names_is_right_or_refused(
    home: str, away: str, h: int, a: int
) -> None:
    """Score-like text in a name may make a line ambiguous, but never misread."""
    assume(_usable(home) and _usable(away))
    assume(home.casefold() != away.casefold())
    try:
        result = parse_result_line(f"{home} {h}-{a} {away}")
    except ScoreLineError as exc:
        assert "ambiguous" in exc.reason
    else:
        assert result == ResultLine(home=home, away=away, score=Score(home=h, away=a))


_NOISE = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("0123456789-\u2013:()., '\"+aetpnsAETPENSFCxyz\t\x00\u200b")),
        st.characters(),
    ),
    max_size=60,
)


@given(text=st.one_of(st.text(max_size=80), _NOISE))
def test_parsers_raise_only_score_line_error(text: str) -> None:
    for parser in (parse_score, parse_result_line, parse_scorers, parse_scorer_line, parse_date):
        # Any other exception escapes and fails the test.
        with contextlib.suppress(ScoreLineError):
            parser(text)


@given(
    h=st.integers(0, 30),
    a=st.integers(0, 30),
    aet=st.booleans(),
    pens=st.none()
    | st.tuples(st.integers(0, 30), st.integers(0, 30)).filter(lambda p: p[0] != p[1]),
    style=st.integers(0, 2),
)
def test_score_round_trips(
    h: int, a: int, aet: bool, pens: tuple[int, int] | None, style: int
) -> None:
    notes = []
    if aet:
        notes.append(["a.e.t.", "(a.e.t.)", "aet"][style])
    if pens is not None:
        notes.append(
            [f"{pens[0]}-{pens[1]} pen.", f"({pens[0]}-{pens[1]} p)", f"{pens[0]}:{pens[1]} pens"][
                style
            ]
        )
    score = parse_score(" ".join([f"{h}-{a}", *notes]))
    assert (score.home, score.away, score.penalties) == (h, a, pens)
    assert score.regulation_known is not aet
    assert score.after_extra_time == ((h, a) if aet else None)


_PLAYER = st.lists(
    st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=8),
    min_size=1,
    max_size=3,
).map(" ".join)


@given(
    st.lists(
        st.builds(
            Scorer,
            player=_PLAYER,
            minute=st.integers(1, 120),
            stoppage=st.none() | st.integers(1, 30),
            penalty=st.booleans(),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_scorers_round_trip(scorers: list[Scorer]) -> None:
    def show(s: Scorer) -> str:
        minute = f"{s.minute}+{s.stoppage}" if s.stoppage else str(s.minute)
        return f"{s.player} {minute}'" + (" (pen.)" if s.penalty else "")

    assert parse_scorers(", ".join(show(s) for s in scorers)) == scorers

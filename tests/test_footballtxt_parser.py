"""Tests for the pure Football.TXT parser (ledger.importers.footballtxt)."""

import datetime
import pickle
from collections import defaultdict
from pathlib import Path

import msgspec
import pytest

from ledger.importers.footballtxt import (
    Document,
    FootballTxtError,
    Goal,
    Match,
    ParseProblem,
    Score,
    group_of,
    parse,
    parse_file,
)

DATA = Path(__file__).parent / "data"


def one_match(line: str, *, extra: str = "") -> Match:
    """Parse a single match line under a title and a date header."""
    doc = parse(f"= Test Cup 2016\n\nFri Jun 10\n{line}\n{extra}")
    assert len(doc.matches) == 1
    return doc.matches[0]


def problems_of(text: str, *, filename: str = "<text>") -> tuple[ParseProblem, ...]:
    with pytest.raises(FootballTxtError) as caught:
        parse(text, filename=filename)
    return caught.value.problems


# --------------------------------------------------------------------------
# Scores


@pytest.mark.parametrize(
    ("score_text", "expected"),
    [
        ("2-1", Score(home=2, away=1)),
        ("2:1", Score(home=2, away=1)),
        ("2-1 (1-0)", Score(home=2, away=1, half_time=(1, 0))),
        ("2:1 (0:1)", Score(home=2, away=1, half_time=(0, 1))),
        (
            "1-1 a.e.t.",
            Score(home=1, away=1, after_extra_time=(1, 1), regulation_known=False),
        ),
        (
            "2-4 pen. 0-0 a.e.t.",
            Score(
                home=0, away=0, after_extra_time=(0, 0), penalties=(2, 4), regulation_known=False
            ),
        ),
        (
            "0-0 a.e.t., 2-4 pen.",
            Score(
                home=0, away=0, after_extra_time=(0, 0), penalties=(2, 4), regulation_known=False
            ),
        ),
        (
            "1-1 a.e.t. (1-1, 0-1), 4-5 pen.",
            Score(home=1, away=1, half_time=(0, 1), after_extra_time=(1, 1), penalties=(4, 5)),
        ),
        (
            "4-5 pen. 1-1 a.e.t. (1-1, 0-1)",
            Score(home=1, away=1, half_time=(0, 1), after_extra_time=(1, 1), penalties=(4, 5)),
        ),
        (
            "1-1 a.e.t (1-1, 1-0), 1-3 pen.",  # "a.e.t" without its last dot, as in real files
            Score(home=1, away=1, half_time=(1, 0), after_extra_time=(1, 1), penalties=(1, 3)),
        ),
        ("1-0 a.e.t. (0-0)", Score(home=0, away=0, after_extra_time=(1, 0))),
        ("5-1 pen. (1-1)", Score(home=1, away=1, penalties=(5, 1))),
        (
            "3-4 pen. (2-2, 1-1, 1-0)",
            Score(home=1, away=1, half_time=(1, 0), after_extra_time=(2, 2), penalties=(3, 4)),
        ),
        ("1-1 3-4p", Score(home=1, away=1, penalties=(3, 4))),
        # German: nV = after extra time (from kick-off), iE = shoot-out alone.
        ("1:1 1:1nV 4:5iE", Score(home=1, away=1, after_extra_time=(1, 1), penalties=(4, 5))),
        ("0:0 0:1nV", Score(home=0, away=0, after_extra_time=(0, 1))),
        ("1:1 2:2 n.V. 3:4 i.E.", Score(home=1, away=1, after_extra_time=(2, 2), penalties=(3, 4))),
        ("3:4iE 2:2nV 1:1", Score(home=1, away=1, after_extra_time=(2, 2), penalties=(3, 4))),
        (
            "2:2 (1:1, 1:0) n.V. 5:1 i.E.",
            Score(home=1, away=1, half_time=(1, 0), after_extra_time=(2, 2), penalties=(5, 1)),
        ),
        (
            "i.E. 2:4, n.V. 3:3 (1:1, 1:0)",
            Score(home=1, away=1, half_time=(1, 0), after_extra_time=(3, 3), penalties=(2, 4)),
        ),
        ("2-1 aet/gg", Score(home=2, away=1, after_extra_time=(2, 1), regulation_known=False)),
    ],
)
def test_score_forms(score_text: str, expected: Score) -> None:
    match = one_match(f"  21:00  Switzerland  {score_text}  Poland  @ Saint-Étienne")
    assert (match.home, match.away) == ("Switzerland", "Poland")
    assert match.score == expected
    assert match.venue == "Saint-Étienne"


def test_score_after_teams_separated_by_v() -> None:
    match = one_match("  20:00  Liverpool FC  v AFC Bournemouth   4-2 (1-0)")
    assert (match.home, match.away) == ("Liverpool FC", "AFC Bournemouth")
    assert match.score == Score(home=4, away=2, half_time=(1, 0))

    match = one_match("  Bayern München  -  Chelsea   1-1 aet, 3-4 pen")
    assert match.score == Score(
        home=1, away=1, after_extra_time=(1, 1), penalties=(3, 4), regulation_known=False
    )


def test_fuller_score_note() -> None:
    match = one_match("Portugal   2-2 England   (aet, 6-5 pen)  @ Lisbon")
    assert match.score == Score(
        home=2, away=2, after_extra_time=(2, 2), penalties=(6, 5), regulation_known=False
    )
    match = one_match("Bayern München 1-1 Chelsea (HT 0-0, FT 1-1, AET, PEN 3-4)")
    assert match.score == Score(
        home=1, away=1, half_time=(0, 0), after_extra_time=(1, 1), penalties=(3, 4)
    )


@pytest.mark.parametrize("separator", ["vs.", "vs", "v", "-"])
def test_unplayed_matches_have_no_score(separator: str) -> None:
    match = one_match(f"  21:00   Poland   {separator}   Portugal   @ Marseille")
    assert (match.home, match.away, match.score) == ("Poland", "Portugal", None)


@pytest.mark.parametrize(
    ("score_text", "reason"),
    [
        # Cumulative meaning of n.V.: 0:0 after 120' cannot follow 1:1 after 90'.
        ("1:1 0:0nV 4:5iE", "after-extra-time score 0-0 is below the 90-minute score 1-1"),
        ("1-0 (2-0)", "half-time score 2-0 is above the 90-minute score 1-0"),
        ("1-1 a.e.t., 4-4 pen.", "cannot end level"),
        ("2-x", "cannot read the score"),
        ("2-1x", "cannot read the score"),
        ("1-1 2-2", "two 90-minute scores"),
        ("4-5 pen.", "needs the match score"),
        ("1-1 (1-0, 0-0)", "too many scores in brackets"),
    ],
)
def test_impossible_or_garbled_scores_are_problems(score_text: str, reason: str) -> None:
    problems = problems_of(f"= Cup 2016\nJun/25\n  Switzerland  {score_text}  Poland\n")
    assert len(problems) == 1
    assert problems[0].line_no == 3
    assert reason in problems[0].reason


def test_shootout_is_never_added_to_the_score() -> None:
    match = one_match("Switzerland  1-1 a.e.t. (1-1, 0-1), 4-5 pen.  Poland")
    assert match.score is not None
    assert (match.score.home, match.score.away) == (1, 1)
    assert match.score.after_extra_time == (1, 1)
    assert match.score.penalties == (4, 5)


# --------------------------------------------------------------------------
# Teams


@pytest.mark.parametrize(
    ("line", "home", "away", "flags"),
    [
        ("W49   vs.   W50", "W49", "W50", (True, True)),
        ("1A  v  2B", "1A", "2B", (True, True)),
        ("1E  v  3A/B/C/D", "1E", "3A/B/C/D", (True, True)),
        ("Winner Match 49  v  Loser Match 50", "Winner Match 49", "Loser Match 50", (True, True)),
        ("Runner-up Group B  -  Portugal", "Runner-up Group B", "Portugal", (True, False)),
        ("France  v  L50", "France", "L50", (False, True)),
    ],
)
def test_placeholders(line: str, home: str, away: str, flags: tuple[bool, bool]) -> None:
    match = one_match(f"  21:00  {line}  @ Saint-Denis")
    assert (match.home, match.away) == (home, away)
    assert (match.home_is_placeholder, match.away_is_placeholder) == flags
    assert match.score is None


def test_team_names_with_digits() -> None:
    doc = parse(
        "= Cascadia Cup 2016\n"
        "Group A  |  FC Tacoma 253  1860 München  Hannover 96  Seattle Sounders 2\n"
        "▪ Group A\n"
        "Sat Jun 11\n"
        "  FC Tacoma 253   2-1   1860 München\n"
        "  Hannover 96 0-3 Seattle Sounders 2\n"
        "  FC Tacoma 253  v  Hannover 96  1-1\n"
    )
    assert doc.groups == {
        "Group A": ("FC Tacoma 253", "1860 München", "Hannover 96", "Seattle Sounders 2")
    }
    pairs = [(m.home, m.away, m.score) for m in doc.matches]
    assert pairs == [
        ("FC Tacoma 253", "1860 München", Score(home=2, away=1)),
        ("Hannover 96", "Seattle Sounders 2", Score(home=0, away=3)),
        ("FC Tacoma 253", "Hannover 96", Score(home=1, away=1)),
    ]
    assert not any(m.home_is_placeholder or m.away_is_placeholder for m in doc.matches)


def test_group_definition_needs_two_space_separators() -> None:
    problems = problems_of("= Euro 2016\nGroup A | France Romania Albania Switzerland\n")
    assert [p.line_no for p in problems] == [2]
    assert "only one team" in problems[0].reason
    doc = parse("= Euro 2016\nGroup A | France  Romania, Albania\tSwitzerland\n")
    assert doc.groups["Group A"] == ("France", "Romania", "Albania", "Switzerland")


def test_match_under_a_group_heading_must_be_in_that_group() -> None:
    problems = problems_of(
        "= Euro 2016\nGroup A | France  Romania\nGroup B | Wales  England\n"
        "▪ Group A\nJun/10\n  France 2-1 Wales\n"
    )
    assert [(p.line_no, p.reason) for p in problems] == [
        (6, "Wales is not in the definition of Group A")
    ]


# --------------------------------------------------------------------------
# Goals


def test_goal_lines_with_stoppage_penalty_and_own_goal() -> None:
    match = one_match(
        "  21:00  France  2-1 (0-0)  Romania",
        extra="     (Giroud 57' Payet 90+2'; Stancu 65' (pen.))\n",
    )
    assert match.goals == (
        Goal(side="home", player="Giroud", minute=57),
        Goal(side="home", player="Payet", minute=90, stoppage=2),
        Goal(side="away", player="Stancu", minute=65, penalty=True),
    )
    match = one_match(
        "  Wales  1-0  Northern Ireland", extra="  [McAuley 75' (o.g.)]\n"
    )  # no ';', only the home side scored: the own goal counted for Wales
    assert match.goals == (Goal(side="home", player="McAuley", minute=75, own_goal=True),)


def test_goal_line_variants() -> None:
    match = one_match(
        "  Germany  3-3  France",
        extra=(
            "     (Griezmann 58', 66'(p) Payet 90'+1 (o.g.);\n"
            "      Lavezzi 4' Luiz 61'og Hazard 27'pen)\n"
        ),
    )
    assert [
        (g.side, g.player, g.minute, g.stoppage, g.penalty, g.own_goal) for g in match.goals
    ] == [
        ("home", "Griezmann", 58, None, False, False),
        ("home", "Griezmann", 66, None, True, False),
        ("home", "Payet", 90, 1, False, True),
        ("away", "Lavezzi", 4, None, False, False),
        ("away", "Luiz", 61, None, False, True),
        ("away", "Hazard", 27, None, True, False),
    ]


def test_goal_sides_without_semicolon() -> None:
    # Both teams scored and no ';': the side is unknown, not guessed.
    match = one_match("  Italy  1-1  Spain", extra="  (Chiellini 33' Morata 44')\n")
    assert [g.side for g in match.goals] == [None, None]
    # Running scores say who scored.
    match = one_match(
        "  Uruguay  4-1  Chile",
        extra="  (1-0 Piendibene 44', 1-1 Báez 50', 2-1 Gradín 55' (p), 3-1 Gradín 70', "
        "4-1 Piendibene 75')\n",
    )
    assert [g.side for g in match.goals] == ["home", "away", "home", "home", "home"]
    assert match.goals[2].penalty


def test_extra_time_goals_count_against_the_aet_score() -> None:
    match = one_match(
        "  Portugal  1-0 a.e.t. (0-0, 0-0)  France", extra="            (Éder 109')\n"
    )
    assert match.goals == (Goal(side="home", player="Éder", minute=109),)


@pytest.mark.parametrize(
    ("match_line", "goal_line", "reason"),
    [
        ("France  2-1  Romania", "(Giroud 57'; Stancu 65' Payet 89')", "lists 1-2 goals"),
        ("France  v  Romania", "(Giroud 57')", "which has no score"),
        ("France  2-1  Romania", "(Giroud 57' Payet; Stancu 65')", "no minute for 'Payet'"),
        ("France  2-1  Romania", "(Giroud 57' Payet 89'; Stancu 65'", "never closed"),
        ("France  1-0  Romania", "(57' Giroud)", "without a player"),
    ],
)
def test_bad_goal_lines(match_line: str, goal_line: str, reason: str) -> None:
    problems = problems_of(f"= Euro 2016\nJun/10\n{match_line}\n  {goal_line}\n")
    assert len(problems) == 1
    assert problems[0].line_no == 4
    assert reason in problems[0].reason


# --------------------------------------------------------------------------
# Dates, times, years, headings


def test_year_from_title_and_override() -> None:
    text = "= Euro 2016   # in France\n[Fri Jun/10]\n  France 2-1 Romania\n"
    assert parse(text).year == 2016
    assert parse(text).matches[0].date == datetime.date(2016, 6, 10)
    # year= wins over the title; the weekday is checked against the new year.
    doc = parse(text.replace("[Fri Jun/10]", "[Jun/10]"), year=2022)
    assert doc.year == 2022
    assert doc.matches[0].date == datetime.date(2022, 6, 10)
    # A season title gives July-December the first year, January-June the second.
    season = parse("= Premier League 2025/26\nSat Aug 16\nA  v  B\nSat Jan 3\nC  v  D\n")
    assert [m.date for m in season.matches] == [
        datetime.date(2025, 8, 16),
        datetime.date(2026, 1, 3),
    ]


def test_dates_need_a_year() -> None:
    problems = problems_of("= Friendlies\nJun/10\n  France 2-1 Romania\n", filename="f.txt")
    assert [str(p) for p in problems] == [
        "f.txt:2: the date in 'Jun/10' has no year, and neither the title nor year= gives one"
    ]
    assert parse("= Friendlies\nJun/10\n  France 2-1 Romania\n", year=2016).year == 2016
    assert parse("= Friendlies\nFri Jun/10 2016\n  France 2-1 Romania\n").year is None


@pytest.mark.parametrize(
    "header",
    [
        "[Fri Jun/10]",
        "Fri Jun/10 2016",
        "Jun/10",
        "Jun 10",
        "June 10",
        "Fri Jun 10",
        "Friday, June 10, 2016",
        "10 June 2016",
        "2016-06-10",
        "10.06.2016",
        "10.6.",
        "Fr 10/6/16",
    ],
)
def test_date_headers(header: str) -> None:
    doc = parse(f"= Euro 2016\n{header}\n  France 2-1 Romania\n")
    assert doc.matches[0].date == datetime.date(2016, 6, 10)


def test_dates_and_times_on_match_lines() -> None:
    doc = parse(
        "= Euro 2016\n"
        "(1) Fri Jun/10 21:00   France   2:1   Romania   @ Stade de France, Saint-Denis\n"
        "(2) Jun/11  15.00   Albania  0:1  Switzerland\n"
        "2016-06-11 18:00 UTC+2   Wales  2-1  Slovakia\n"
        "Sun Jun 12\n"
        "  15:00 (14:00 UTC+1)  Turkey  0-1  Croatia\n"
        "                       Spain  1-0  Czech Republic   # no time: same kick-off\n"
        "Mon Jun 13\n"
        "  Ireland  1-1  Sweden\n"
    )
    got = [(m.number, m.date, m.time) for m in doc.matches]
    june = datetime.date
    assert got == [
        (1, june(2016, 6, 10), "21:00"),
        (2, june(2016, 6, 11), "15:00"),
        (None, june(2016, 6, 11), "18:00"),
        (None, june(2016, 6, 12), "15:00"),
        (None, june(2016, 6, 12), "15:00"),
        (None, june(2016, 6, 13), None),
    ]
    assert doc.matches[0].venue == "Stade de France, Saint-Denis"


def test_weekday_must_match_the_date() -> None:
    problems = problems_of("= Euro 2016\nSat Jun/10\n  France 2-1 Romania\n")
    assert problems[0].reason == ("Sat does not match 2016-06-10 (a Friday) in 'Sat Jun/10'")


def test_heading_styles_and_rounds() -> None:
    doc = parse(
        "= Euro 2016\n"
        "Group A | France  Romania  Albania  Switzerland\n"
        "Group B | England  Russia  Wales  Slovakia\n"
        "▪ Matchday 1 | Fri Jun 10 - Tue Jun 14\n"
        "▪ Group A\n"
        "Jun/10\n  France 2-1 Romania\n"
        "» Group B\n"
        "Jun/11\n  Wales 2-1 Slovakia\n"
        "Group A:\n"
        "Jun/15\n  France 2-0 Albania\n"
        ":: Group B, Matchday 2\n"
        "Jun/16\n  England 2-1 Wales\n"
        "Round of 16\n"
        "Jun/25\n  Wales 1-0 Northern Ireland\n"
        "Quarter-finals\n"
        "Jul/1\n  Wales 3-1 Belgium\n"
        "Final\n"
        "Jul/10\n  Portugal 1-0 a.e.t. (0-0) France\n"
    )
    got = [(m.round, m.group) for m in doc.matches]
    assert got == [
        ("Matchday 1", "Group A"),  # round from the definition's dates
        ("Matchday 1", "Group B"),
        (None, "Group A"),  # Jun 15 is outside every defined round
        ("Matchday 2", "Group B"),
        ("Round of 16", None),  # a knock-out heading ends the group
        ("Quarter-finals", None),
        ("Final", None),
    ]
    assert doc.rounds == (
        "Matchday 1",
        "Group A",
        "Group B",
        "Matchday 2",
        "Round of 16",
        "Quarter-finals",
        "Final",
    )


def test_match_without_group_heading_uses_group_of() -> None:
    doc = parse(
        "= Euro 2016\n"
        "Group A | France  Romania  Albania  Switzerland\n"
        "Group C | Germany  Ukraine  Poland  Northern Ireland\n"
        "Matchday 1\n"
        "(1) Jun/10 21:00  France  2-1  Romania\n"
        "(7) Jun/12 21:00  Germany 2-0  Ukraine\n"
    )
    assert [m.group for m in doc.matches] == [None, None]
    assert [m.round for m in doc.matches] == ["Matchday 1", "Matchday 1"]
    assert group_of(doc, "France", "Romania") == "Group A"
    assert group_of(doc, "Ukraine", "Germany") == "Group C"
    assert group_of(doc, "France", "Germany") is None


def test_comments_blank_lines_lineups_and_grounds() -> None:
    doc = parse(
        "# leading comment\n"
        "= Euro 1972    # in Belgium\n"
        "\n"
        "<!--\n  1. WEST GERMANY  1  1  0  0\n-->\n"
        "▪ Semi-finals\n"
        "June 14 20:00 @ Antwerpen, Bosuil,   att: 55_601\n"
        "West Germany     2-1 Belgium      # trailing comment\n"
        "\n"
        "  (G.Müller 24, 71; Polleunis 83)\n"
        "  West Germany: Maier, Höttges, Beckenbauer, Schwarzenbeck, Breitner,\n"
        "           Wimmer, Netzer, Heynckes, G.Müller, E.Kremers\n"
        "  Referee: William Mullan (Scotland)\n"
        "__END__\n"
        "free notes that are not data 2-1\n"
    )
    (match,) = doc.matches
    assert doc.title == "Euro 1972"
    assert (match.date, match.time, match.venue) == (
        datetime.date(1972, 6, 14),
        "20:00",
        "Antwerpen, Bosuil",
    )
    assert [g.minute for g in match.goals] == [24, 71, 83]


# --------------------------------------------------------------------------
# Problems


def test_malformed_file_reports_every_bad_line() -> None:
    text = (
        "= Euro 2016\n"  # 1
        "Group A | France  Romania  Albania  Switzerland\n"  # 2
        "Jun/10\n"  # 3
        "  France 2-x Romania\n"  # 4
        "  (Giroud 57')\n"  # 5: belongs to the rejected match, not reported again
        "  Albania 0-1 Switzerland\n"  # 6: fine
        "Jun/31\n"  # 7
        "  this line means nothing\n"  # 8
        "  Romania  1-0 (2-0)  Switzerland\n"  # 9
        "Sat Jun/19\n"  # 10: a Sunday
    )
    with pytest.raises(FootballTxtError) as caught:
        parse(text, filename="euro2016.txt")
    error = caught.value
    assert [(p.line_no, p.line) for p in error.problems] == [
        (4, "  France 2-x Romania"),
        (7, "Jun/31"),
        (8, "  this line means nothing"),
        (9, "  Romania  1-0 (2-0)  Switzerland"),
        (10, "Sat Jun/19"),
    ]
    assert all(p.filename == "euro2016.txt" for p in error.problems)
    assert str(error.problems[0]) == "euro2016.txt:4: cannot read the score in 'France 2-x Romania'"
    assert "no such date" in error.problems[1].reason
    assert "cannot find two teams" in error.problems[2].reason
    assert "half-time score 2-0 is above" in error.problems[3].reason
    assert "a Sunday" in error.problems[4].reason
    assert str(error) == (
        "euro2016.txt:4: cannot read the score in 'France 2-x Romania' (5 problems in total)"
    )
    assert isinstance(error, ValueError)
    assert pickle.loads(pickle.dumps(error)).problems == error.problems


def test_other_structural_problems() -> None:
    problems = problems_of(
        "= Euro 2016\n"
        "= Euro 2020\n"
        "(Giroud 57')\n"
        "Group A | France  Romania\n"
        "Group A | Wales  England\n"
        "Jun/10\n"
        "(1) France 2-1 Romania\n"
        "(1) Wales 2-1 England\n"
        "France 1-1 France\n"
    )
    reasons = [(p.line_no, p.reason.split(" in ")[0]) for p in problems]
    assert reasons == [
        (2, "a second title line 'Euro 2020' (the title is 'Euro 2016')"),
        (3, 'goal line without a match above it: "(Giroud 57\')"'),
        (5, "Group A is defined twice"),
        (8, "match number 1 is also used on line 7"),
        (9, "France cannot play itself"),
    ]


# --------------------------------------------------------------------------
# Value objects


def test_value_objects_are_frozen_and_serialisable() -> None:
    doc = parse(
        "= Euro 2016\nJun/10\n  France 2-1 (0-0) Romania\n  (Giroud 57' Payet 89'; "
        "Stancu 65' (pen.))\n"
    )
    with pytest.raises(AttributeError):
        doc.matches[0].home = "Spain"  # type: ignore[misc]
    assert msgspec.json.decode(msgspec.json.encode(doc), type=Document) == doc


def test_parse_file_uses_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_text("\ufeff= Euro 2016\nJun/10\nFrance 2-x Romania\n", encoding="utf-8")
    with pytest.raises(FootballTxtError, match=r"^broken\.txt:3: cannot read the score"):
        parse_file(path)


# --------------------------------------------------------------------------
# The Euro 2016 sample file

# Published final group tables: team -> (points, goals for, goals against).
EURO_2016_TABLES: dict[str, dict[str, tuple[int, int, int]]] = {
    "Group A": {
        "France": (7, 4, 1),
        "Switzerland": (5, 2, 1),
        "Albania": (3, 1, 3),
        "Romania": (1, 2, 4),
    },
    "Group B": {
        "Wales": (6, 6, 3),
        "England": (5, 3, 2),
        "Slovakia": (4, 3, 3),
        "Russia": (1, 2, 6),
    },
    "Group C": {
        "Germany": (7, 3, 0),
        "Poland": (7, 2, 0),
        "Northern Ireland": (3, 2, 2),
        "Ukraine": (0, 0, 5),
    },
    "Group D": {
        "Croatia": (7, 5, 3),
        "Spain": (6, 5, 2),
        "Turkey": (3, 2, 4),
        "Czech Republic": (1, 2, 5),
    },
    "Group E": {
        "Italy": (6, 3, 1),
        "Belgium": (6, 4, 2),
        "Ireland": (4, 2, 4),
        "Sweden": (1, 1, 3),
    },
    "Group F": {
        "Hungary": (5, 6, 4),
        "Iceland": (5, 4, 3),
        "Portugal": (3, 4, 4),
        "Austria": (1, 1, 4),
    },
}


@pytest.fixture(scope="module")
def euro2016() -> Document:
    return parse_file(DATA / "euro2016.txt")


def test_euro2016_groups(euro2016: Document) -> None:
    assert euro2016.title == "Euro 2016"
    assert euro2016.year == 2016
    assert len(euro2016.groups) == 6
    assert all(len(teams) == 4 for teams in euro2016.groups.values())
    assert {g: set(t) for g, t in euro2016.groups.items()} == {
        g: set(table) for g, table in EURO_2016_TABLES.items()
    }


def test_euro2016_group_tables(euro2016: Document) -> None:
    group_matches = [m for m in euro2016.matches if m.group is not None]
    assert len(group_matches) == 36
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for match in group_matches:
        assert match.score is not None
        assert group_of(euro2016, match.home, match.away) == match.group
        assert match.score.after_extra_time is None and match.score.penalties is None
        home, away = match.score.home, match.score.away
        for team, scored, conceded in ((match.home, home, away), (match.away, away, home)):
            row = table[team]
            row[0] += 3 if scored > conceded else 1 if scored == conceded else 0
            row[1] += scored
            row[2] += conceded
    for group, expected in EURO_2016_TABLES.items():
        assert {team: tuple(table[team]) for team in expected} == expected, group
    # Each team played three group matches.
    played: defaultdict[str, int] = defaultdict(int)
    for match in group_matches:
        played[match.home] += 1
        played[match.away] += 1
    assert set(played.values()) == {3}


def test_euro2016_rounds_and_dates(euro2016: Document) -> None:
    rounds: defaultdict[str | None, list[Match]] = defaultdict(list)
    for match in euro2016.matches:
        rounds[match.round].append(match)
    assert {r: len(ms) for r, ms in rounds.items()} == {
        "Matchday 1": 12,
        "Matchday 2": 12,
        "Matchday 3": 12,
        "Round of 16": 8,
        "Quarter-finals": 4,
        "Semi-finals": 2,
        "Final": 1,
    }
    dates = [m.date for m in euro2016.matches]
    assert dates[0] == datetime.date(2016, 6, 10)
    assert dates[-1] == datetime.date(2016, 7, 10)
    assert all(m.time == "21:00" or m.time in {"15:00", "18:00"} for m in euro2016.matches)


def test_euro2016_knockouts(euro2016: Document) -> None:
    by_pair = {(m.home, m.away): m for m in euro2016.matches if m.group is None}
    final = by_pair["Portugal", "France"]
    assert final.round == "Final"
    assert final.score == Score(
        home=0, away=0, half_time=(0, 0), after_extra_time=(1, 0), penalties=None
    )
    assert final.goals == (Goal(side="home", player="Éder", minute=109),)
    assert final.venue == "Stade de France, Saint-Denis"
    swiss = by_pair["Switzerland", "Poland"]
    assert swiss.score == Score(
        home=1, away=1, half_time=(0, 1), after_extra_time=(1, 1), penalties=(4, 5)
    )
    quarter = by_pair["Poland", "Portugal"]
    assert quarter.score is not None
    assert (quarter.score.after_extra_time, quarter.score.penalties) == ((1, 1), (3, 5))
    assert by_pair["Wales", "Northern Ireland"].goals == (
        Goal(side="home", player="McAuley", minute=75, own_goal=True),
    )
    assert by_pair["Germany", "France"].goals == (
        Goal(side="away", player="Griezmann", minute=45, stoppage=2, penalty=True),
        Goal(side="away", player="Griezmann", minute=72),
    )
    assert not any(m.home_is_placeholder or m.away_is_placeholder for m in euro2016.matches)


MARKED = """\
= Test Cup 2014

# stage: north | North Conference | knockout | rounds: Semi-finals, Final
▪ Semi-finals
2014-03-01
  Alpha  2-0  Beta   # fixture: north-sf-1
  Gamma  1-1  Delta  # 50-minute match
  # advanced: Delta (method unknown; source: article: North)
  # bye: Epsilon through the Semi-finals

# stage: south | South Cup | knockout | rounds: Final | feeds from: north
▪ Final
  W north  v  L north-sf-1
"""


def test_stage_notes_mark_sections_byes_lengths_and_undecided_methods() -> None:
    doc = parse(MARKED)
    north, south = doc.stages
    assert (north.slug, north.name, north.format, north.rounds) == (
        "north",
        "North Conference",
        "knockout",
        ("Semi-finals", "Final"),
    )
    assert (south.slug, south.feeds_from, south.rounds) == ("south", ("north",), ("Final",))
    first, second, final = doc.matches
    assert (first.stage, first.fixture, first.minutes, first.advanced) == (
        "north",
        "north-sf-1",
        None,
        None,
    )
    assert (second.minutes, second.advanced) == (50, ("Delta", "article: North"))
    assert [(b.stage, b.team, b.round) for b in doc.byes] == [("north", "Epsilon", "Semi-finals")]
    # A new stage starts without the date of the last one; its slots are placeholders.
    assert (final.stage, final.date, final.round) == ("south", None, "Final")
    assert final.home_is_placeholder and final.away_is_placeholder


def test_a_file_without_stage_notes_has_none_and_keeps_other_comments_as_comments() -> None:
    doc = parse("= Test Cup 2016\n# stage is set in France\nFri Jun 10\n  France 2-1 Romania\n")
    assert doc.stages == () and doc.byes == ()
    assert doc.matches[0].stage is None


@pytest.mark.parametrize(
    "note",
    ["# stage: north | North", "# stage: north | North | league", "# stage: n | N | group | x: y"],
)
def test_a_stage_note_that_cannot_be_read_is_reported(note: str) -> None:
    with pytest.raises(FootballTxtError, match="stage"):
        parse(f"= Test Cup 2016\n{note}\n")


def test_an_advanced_note_before_any_match_is_reported() -> None:
    with pytest.raises(FootballTxtError, match="must follow the match"):
        parse("= Test Cup 2016\n# advanced: France (method unknown; source: x)\n")

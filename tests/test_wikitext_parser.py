"""Tests for ledger.importers.wikitext against the 2014 U.S. Open Cup qualification seed."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.importers.wikitext import (
    Document,
    MatchEntry,
    ParseProblem,
    Section,
    WikiTextError,
    parse,
)
from ledger.scoreline import Score, Scorer

SEED = Path(__file__).parent / "data" / "2014-us-open-cup-qualification.txt"
SHARED_SEED = Path("/work/shared/seeds/2014-us-open-cup-qualification.txt")


@pytest.fixture(scope="module")
def doc() -> Document:
    return parse(SEED.read_text(encoding="utf-8"), filename=SEED.name)


def _section(doc: Document, title: str) -> Section:
    (section,) = [s for s in doc.sections if s.title == title]
    return section


def _matches_under(doc: Document, title: str) -> list[MatchEntry]:
    """Matches in the titled section and its subsections (sections are flat)."""
    start = next(i for i, s in enumerate(doc.sections) if s.title == title)
    level = doc.sections[start].level
    found = list(doc.sections[start].matches)
    for section in doc.sections[start + 1 :]:
        if section.level <= level:
            break
        found.extend(section.matches)
    return found


# --- the seed --------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="shared seed not on this machine")
def test_data_copy_is_verbatim() -> None:
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_seed_title_and_outline(doc: Document) -> None:
    assert doc.title == "2014 U.S. Open Cup qualification"
    outline = [(s.level, s.title, len(s.matches)) for s in doc.sections]
    assert outline == [
        (1, "2014 U.S. Open Cup qualification", 0),
        (2, "National Premier Soccer League", 0),
        (3, "West Region - Southwest Conference qualifying tournament", 0),
        (4, "Matches", 5),
        (3, "West Region - Golden Gate Conference qualifying tournament", 0),
        (4, "Matches", 4),
        (3, "West Region - Northwest Conference qualifying tournament", 0),
        (4, "Matches", 3),
        (3, "West Region - Golden Gate/Northwest Playoff Game", 0),
        (4, "Matches", 1),
        (2, "USASA", 0),
        (2, "US Club Soccer", 0),
        (2, "USSSA", 0),
        (3, "Group play", 12),
        (3, "Championship stage", 3),
    ]


@pytest.mark.parametrize(
    ("title", "count"),
    [
        ("West Region - Southwest Conference qualifying tournament", 5),
        ("West Region - Golden Gate Conference qualifying tournament", 4),
        ("West Region - Northwest Conference qualifying tournament", 3),
        ("West Region - Golden Gate/Northwest Playoff Game", 1),
        ("Group play", 12),
        ("Championship stage", 3),
        ("National Premier Soccer League", 13),
        ("USSSA", 15),
    ],
)
def test_seed_matches_per_section(doc: Document, title: str, count: int) -> None:
    assert len(_matches_under(doc, title)) == count


def test_seed_preamble_prose_goes_to_the_title_section(doc: Document) -> None:
    first = doc.sections[0]
    assert (first.level, first.line_no) == (1, 1)
    assert len(first.prose) == 3
    assert first.prose[0].startswith("The 2014 Lamar Hunt U.S. Open Cup tournament proper")


def test_seed_every_match_has_a_2014_date_and_two_teams(doc: Document) -> None:
    matches = [m for s in doc.sections for m in s.matches]
    assert len(matches) == 28
    for m in matches:
        assert m.date.year == 2014
        assert m.date_line_no == m.line_no - 1
        assert m.result.home and m.result.away and m.result.home != m.result.away
        assert m.result.score.regulation_known


def test_seed_first_match(doc: Document) -> None:
    first = _section(doc, "West Region - Southwest Conference qualifying tournament")
    matches = doc.sections[doc.sections.index(first) + 1].matches
    m = matches[0]
    assert (m.date_line_no, m.line_no, m.date) == (17, 18, datetime.date(2014, 3, 1))
    assert (m.result.home, m.result.away, m.result.score) == (
        "Temecula FC",
        "FC Force",
        Score(home=2, away=5),
    )
    assert m.scorers == ()


def test_seed_feb_22_scorers(doc: Document) -> None:
    (m,) = [m for s in doc.sections for m in s.matches if m.date == datetime.date(2014, 2, 22)]
    assert (m.result.home, m.result.away) == ("Sonoma County Sol", "Sacramento Gold")
    assert m.result.score == Score(home=2, away=1)
    assert m.scorers == (
        (
            "Sonoma County Sol",
            (
                Scorer(player="Eric Larson", minute=14),
                Scorer(player="Tyler Hurst", minute=48),
            ),
        ),
        ("Sacramento Gold", (Scorer(player="Jose Martinez", minute=24),)),
    )


def test_seed_aguiluchos_scorer(doc: Document) -> None:
    (m,) = [
        m for s in doc.sections for m in s.matches if m.result.home == "San Francisco Stompers FC"
    ]
    assert m.scorers == (("CD Aguiluchos USA", (Scorer(player="Nestor Palacios", minute=89),)),)


def test_seed_usasa_table(doc: Document) -> None:
    usasa = _section(doc, "USASA")
    (table,) = usasa.tables
    assert table.header == ("Region", "Qualification method", "Qualified team")
    assert len(table.rows) == 10
    assert all(len(row.cells) == 3 for row in table.rows)
    assert table.rows[0].cells == ("I", "Amateur Cup Regional Champion", "NY Greek-American Atlas")
    assert table.rows[-1].cells == ("WC", "2013 Amateur Cup National Champion", "RWB Adria")
    assert table.line_no == 67
    assert [row.line_no for row in table.rows] == list(range(68, 78))
    assert len(usasa.prose) == 2


def test_seed_out_of_order_date_is_kept_as_written(doc: Document) -> None:
    group = _section(doc, "Group play").matches
    # Listed among the March 15 matches, but the text says March 14.
    assert [m.date.day for m in group] == [14, 14, 14, 14, 15, 15, 15, 14, 15, 15, 15, 15]
    m = group[7]
    assert (m.result.home, m.result.away) == ("Azteca Mojos", "FC Denver")
    assert m.result.score == Score(home=0, away=0)
    assert m.date == datetime.date(2014, 3, 14)
    assert group[6].date == group[8].date == datetime.date(2014, 3, 15)


def test_seed_names_are_kept_as_written(doc: Document) -> None:
    # "Aztecs Mojos" differs from "Azteca Mojos": deciding that is the importer's job.
    last = _section(doc, "Group play").matches[-1]
    assert (last.result.home, last.result.away) == ("Performance Soccer", "Aztecs Mojos")


# --- malformed text ------------------------------------------------------------------

MALFORMED = """\
= Bad =
== Matches ==
March 1, 2014
Temecula FC 2-5 FC Force
Del Rey 1-0 Force
March 2, 2014

March 3, 2014
A 100-0 B
  A: Smith 12
A: Jones 3'
March 4, 2014
Home x-y Away
=== x ==
| a | b |
| 1 |
February 30, 2014
March 5, 2014
== Later ==
March 6, 2014
"""


def test_malformed_file_reports_every_problem() -> None:
    with pytest.raises(WikiTextError) as info:
        parse(MALFORMED, filename="bad.txt")
    problems = info.value.problems
    assert [(p.line_no, p.reason) for p in problems] == [
        (5, "result line has no date line above it"),
        (6, "date line is not followed by a result line"),
        (9, "implausible score 100 (at most 99 goals)"),
        (10, "no goal minute like 14' or 90+3' in scorer list"),
        (11, "scorer line must be indented below its result line"),
        (13, "no score like 'Home 2-1 Away' found in result line"),
        (14, "heading has 3 '=' on the left but 2 on the right"),
        (16, "table row has 1 cells but the header has 2"),
        (17, "no such calendar date"),
        (17, "date line is not followed by a result line"),
        (18, "date line is not followed by a result line"),
        (20, "date line is not followed by a result line"),
    ]
    lines = MALFORMED.split("\n")
    for p in problems:
        assert p.filename == "bad.txt"
        assert p.line == lines[p.line_no - 1]
    assert str(problems[2]) == "bad.txt:9: implausible score 100 (at most 99 goals): 'A 100-0 B'"
    assert str(info.value).splitlines() == [str(p) for p in problems]
    assert isinstance(info.value, ValueError)


def test_problem_str_format() -> None:
    problem = ParseProblem(filename="file.txt", line_no=42, line="the line", reason="reason")
    assert str(problem) == "file.txt:42: reason: 'the line'"


@pytest.mark.parametrize(
    ("text", "line_no", "reason"),
    [
        ("= T =\n= Again =\n", 2, "the '= Title =' heading must come first and only once"),
        ("Intro\n= T =\n", 2, "the '= Title =' heading must come first and only once"),
        ("= T =\n==  ==\n", 2, "heading has no title"),
        ("= T =\n==Bad\n", 2, "malformed heading (expected '== Title ==')"),
        ("= T =\n| a | b\n", 2, "table row must start and end with '|'"),
        # MediaWiki table markup is not this format: flagged, never misread.
        ("= T =\n{|\n|-\n", 3, "table row must start and end with '|'"),
        ("= T =\nMarch 1, 2014\n== Next ==\n", 2, "date line is not followed by a result line"),
        ("= T =\nMarch 1, 2014\n| a |\n", 2, "date line is not followed by a result line"),
        ("= T =\nMarch 1, 2014\nA 2-1 A\n", 3, "the same team is on both sides"),
        ("= T =\nMarch 1, 2014\nA 2-1 B\n  A 14'\n", 4, "expected 'Team: scorers'"),
        ("= T =\nSome prose.\n  A: Smith 14'\n", 3, "scorer line is not directly below"),
        ("= T =\nMarch 1, 2014\nA 2-1 B\n\n  A: Smith 14'\n", 5, "scorer line is not directly"),
        ("= T =\nMarhc 1, 2014\nA 2-1 B\n", 2, "unknown month name 'Marhc'"),
    ],
)
def test_structural_problems(text: str, line_no: int, reason: str) -> None:
    with pytest.raises(WikiTextError) as info:
        parse(text, filename="t.txt")
    (problem,) = info.value.problems
    assert problem.line_no == line_no
    assert reason in problem.reason


def test_broken_date_line_still_has_its_match_lines_checked() -> None:
    text = "= T =\nFebruary 30, 2014\nA 100-1 B\n  A: Smith 0'\n"
    with pytest.raises(WikiTextError) as info:
        parse(text)
    assert [p.line_no for p in info.value.problems] == [2, 3, 4]


def test_broken_result_line_keeps_its_scorer_lines_out_of_prose() -> None:
    text = "= T =\nMarch 1, 2014\nA 2--1 B\n  A: Smith 14'\nAfter.\n"
    with pytest.raises(WikiTextError) as info:
        parse(text)
    assert [(p.line_no, p.reason) for p in info.value.problems] == [
        (3, "negative score in result line")
    ]


# --- well-formed variations -----------------------------------------------------------


def test_line_numbers_follow_newlines_only() -> None:
    # CRLF endings, a BOM, and a form feed inside prose must not shift line numbers.
    text = "\ufeff= T =\r\nProse\x0cwith a form feed\r\n\r\n1 March 2014\r\nA 2-1 B\r\n"
    doc = parse(text)
    (m,) = doc.sections[0].matches
    assert (m.date_line_no, m.line_no) == (4, 5)
    assert doc.title == "T"


def test_document_without_title() -> None:
    doc = parse("Intro line\n\n== Section ==\n2014-03-01\nA 1-1 (a.e.t.) B\n")
    assert doc.title == ""
    assert [(s.level, s.title, s.line_no) for s in doc.sections] == [
        (1, "", 1),
        (2, "Section", 3),
    ]
    (m,) = doc.sections[1].matches
    assert m.result.score == Score(home=1, away=1, after_extra_time=(1, 1), regulation_known=False)


def test_empty_document() -> None:
    assert parse("") == Document(title="", sections=())


def test_title_section_exists_without_prose() -> None:
    doc = parse("= T =\n== A ==\n")
    assert [(s.level, s.title) for s in doc.sections] == [(1, "T"), (2, "A")]


def test_prose_right_after_a_match_is_still_prose() -> None:
    doc = parse("= T =\nMarch 1, 2014\nA 2-1 B\nThe crowd was small.\n")
    assert doc.sections[0].prose == ("The crowd was small.",)
    assert len(doc.sections[0].matches) == 1


def test_prose_with_a_score_elsewhere_is_prose() -> None:
    doc = parse("= T =\n== S ==\nCal FC won 2-1 in the final.\n")
    assert doc.sections[1].prose == ("Cal FC won 2-1 in the final.",)


def test_table_with_header_only_and_two_tables() -> None:
    doc = parse("= T =\n| a | b |\n\n| c |\n| 1 |\n")
    first, second = doc.sections[0].tables
    assert (first.header, first.rows) == (("a", "b"), ())
    assert (second.line_no, second.header, second.rows[0].cells) == (4, ("c",), ("1",))


def test_scorer_notes_and_tabs() -> None:
    doc = parse("= T =\nMarch 1, 2014\nA 2-1 B\n\tA: Messi 90+3' (pen.)\n  B: Smith 12' (o.g.)\n")
    (m,) = doc.sections[0].matches
    assert m.scorers == (
        ("A", (Scorer(player="Messi", minute=90, stoppage=3, penalty=True),)),
        ("B", (Scorer(player="Smith", minute=12, own_goal=True),)),
    )


@given(st.text(alphabet=st.sampled_from(list("= |:'\n\t aAbB0123-,()Mar14 2014")), max_size=200))
def test_parse_raises_only_wikitext_error(text: str) -> None:
    try:
        parse(text)
    except WikiTextError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.line == text.removeprefix("\ufeff").split("\n")[p.line_no - 1].removesuffix(
                "\r"
            )


@given(st.text(max_size=300))
def test_parse_raises_only_wikitext_error_on_any_text(text: str) -> None:
    try:
        parse(text)
    except WikiTextError as exc:
        assert exc.problems

"""Pure parser for Football.TXT, the openfootball plain-text match format.

Role: turn the text of one Football.TXT file into frozen value objects
(:class:`Document`, :class:`Match`, :class:`Score`, :class:`Goal`).  It does no
I/O (except the :func:`parse_file` convenience wrapper), knows nothing about
events or the ledger, and never guesses: every line it cannot read, and every
score that contradicts itself, becomes a :class:`ParseProblem`.  All problems
of a file are collected and raised together as one :class:`FootballTxtError`.

What it reads (modelled on the openfootball/euro, openfootball/worldcup files,
the openfootball.github.io/spec page and the sportdb ``score-formats`` tests):

* ``= Euro 2016  # in France`` -- the title.  ``#`` starts a comment anywhere;
  ``<!-- ... -->`` blocks are comments too.  The first four-digit year in the
  title is the default year for dates written without one; a season title
  (``2025/26``) gives July-December the first year and January-June the second.
  ``parse(..., year=)`` overrides the title for every year-less date.
* ``Group A  |  France   Romania   Albania   Switzerland`` -- a group
  definition.  As in the real files (and the spec's "two space rule"), team
  names are separated by two or more spaces, a tab or a comma; a single space
  belongs to the name (``Northern Ireland``).  A definition that yields only one
  team is reported, because it almost always means single-space separators.
  Both teams of a match under a ``Group X`` heading must be in that group's
  definition (placeholders excepted).
* ``▪ Matchday 1 | Jun 10 - Jun 14`` -- a round definition.  A match with no
  round heading in scope takes the round whose date range holds its date.
  The definition also acts as a heading (World Cup 1950 uses
  ``▪ Final Round | July 9-16`` that way) until the next heading.
* Headings: ``▪ Group A`` / ``» Group A`` / ``:: Group A`` / ``== Group A``
  (any text) or bare well-known names (``Group A``, ``Group A:``,
  ``Round of 16``, ``Quarter-finals``, ``Final``, ``Matchday 1`` ...).
  ``▪ Group A, Matchday 1`` sets both.  Every heading replaces the group *and*
  round in scope, so a knock-out heading ends the group, and a bare
  ``Matchday 1`` leaves the group to :func:`group_of`.
* Date headers on their own line: ``[Fri Jun/10]``, ``Fri Jun/10 2016``,
  ``Jun/10``, ``Sun Nov 20``, ``June 11``, ``Friday, June 10, 2016``,
  ``10 June 2016``, ``2016-06-10``, ``10.06.2016``, ``10.6.``, ``Fr 10/6/16``
  (day/month).  A weekday, when given, must agree with the date.
* Match lines::

      (1) Fri Jun/10 21:00  France  2-1 (0-0)  Romania   @ Saint-Denis
          21:00 UTC+3       France  v Romania  2-1 (0-0) @ Saint-Denis
                            W49     vs.        W50

  optional match number ``(n)``, optional date (weekday allowed), optional time
  ``21:00``/``21.00`` (a ``UTC+3`` or ``(17:00 UTC+4)`` note after it is not
  kept), then either ``home SCORE away`` or ``home v|vs.|- away [SCORE]``, then
  an optional venue after ``@``.  A line without a date takes the latest date;
  a line without a time under the same date takes the previous line's time
  (the spec's own JSON export does this: simultaneous kick-offs).
* Ground first, as in the older Euro files: ``June 14 20:00 @ Antwerpen`` on
  its own line sets date, time and ground for the matches below it;
  ``June 10 @ Duesseldorf   West Germany  1-1  Italy`` ends the ground at the
  first two-space gap.  A trailing ``, att: 28_000`` is dropped.
* Goal lines right under a match, in ``(...)`` or ``[...]``, possibly over
  several lines: ``(Giroud 57' Payet 89'; Stancu 65' (pen.))``.  Home goals
  come before ``;``, away goals after it.  Minutes ``58'``, ``90+2'`` (also
  ``90'+2``), the ``'`` is optional; ``(pen.)``/``(p)``/``pen`` mark a penalty
  and ``(o.g.)``/``(og)`` an own goal.  An own goal is listed, and therefore
  sided, with the team it counted *for*.  Without ``;`` the side is taken from
  the score when only one team scored, from running scores
  (``(1-0 Piendibene 44', 1-1 Baez 50')``) when given, else it is ``None``.
  The number of goals must match the final score (after extra time when there
  was any).
* ``__END__`` on its own line ends the data, as in the sportdb tools.
* Notes ``ledger export --format football.txt`` writes in comments, so other
  readers skip them: ``# stage: SLUG | NAME | knockout|group [| rounds: A, B]
  [| feeds from: X, Y]`` opens the section of one stage (a :class:`StageMark`;
  the matches, group definitions and byes below it belong to it, and it clears
  the date in scope); ``# bye: TEAM through the ROUND`` (a :class:`Bye`);
  ``# advanced: TEAM (method unknown; source: ...)`` under a match
  (``Match.advanced``); and, after a match line, ``# 50-minute match``
  (``Match.minutes``) and ``# fixture: ID`` (``Match.fixture``), the id a
  ``W ID`` / ``L ID`` placeholder refers to.  ``W SLUG`` names the winner of a
  stage or fixture.
* Line-up and property lines (``France: Lloris - ...``, ``Referee: ...``,
  ``Penalties: ...``) under a match are recognised, continued while a line
  ends in ``,``/``;``/``-`` as the spec says, and deliberately not kept.

Scores -- the three parts are always kept apart, never added together:

* ``2-1`` or ``2:1`` -- the score after 90 minutes (``Score.home``/``away``).
* ``2-1 (1-0)`` -- half time in brackets after a plain score.
* ``a.e.t.`` / ``aet`` / German ``n.V.`` / ``nV`` mark the score **after
  extra time, counted from kick-off** (cumulative, 120 minutes), as in
  ``score-formats`` (``1:1 2:2nV 3:4iE`` is 1-1 after 90, 2-2 after 120) and in
  the World Cup files (``United States 1-1 1-2nV Ghana``).
* ``pen.`` / ``p`` / ``pso`` / German ``i.E.`` / ``iE`` mark the penalty
  shoot-out alone (``Score.penalties``), which starts from 0-0.
* Brackets after an a.e.t. score hold ``(90', half time)``; after a shoot-out
  score alone ``(90')``, ``(90', half time)`` or ``(a.e.t., 90', half time)``.
* The parts may come in any order, separated by spaces or commas, with the
  marker before (German ``i.E. 2:4, n.V. 3:3 (1:1, 1:0)``) or after the
  score: ``2-4 pen. 0-0 a.e.t.``, ``0-0 a.e.t., 2-4 pen.``,
  ``1-1 a.e.t. (1-1, 0-1), 4-5 pen.``, ``2:2 (1:1, 1:0) n.V. 5:1 i.E.``,
  ``1:1 1:1nV 4:5iE``.
* Consequently ``1:1 0:0nV 4:5iE`` (as written in the 2016 openfootball Euro
  file for Switzerland v Poland, where 0:0 was meant as "no goals in extra
  time") is a contradiction -- 0-0 after 120 minutes cannot follow 1-1 after
  90 -- and is reported rather than re-interpreted.  Likewise a half-time score
  above the 90' score and a level shoot-out are reported.
* If a file gives only the a.e.t. score (``1-1 a.e.t.``, ``2-1 aet/gg``), the
  90-minute score is unknown: ``home``/``away`` then repeat the a.e.t. score
  and ``Score.regulation_known`` is ``False``, so nobody mistakes it for the
  score after 90 minutes.
* The spec's "fuller" note after the teams is read too:
  ``Portugal 2-2 England (aet, 6-5 pen)`` -- with ``aet`` the score between
  the teams is the a.e.t. score; ``HT 1-0``/``FT 1-1``/``PEN 3-4``/
  ``win 3-4 on pens`` fill in the rest.
* ``v``, ``vs``, ``vs.`` or a lone ``-`` between teams without a score mean the
  match has not been played: ``Match.score`` is ``None``.

Placeholders for undecided sides (``W49``, ``L50``, ``1A``, ``3A/B/C``,
``Winner Match 49``, ``Runner-up Group B``, ``TBD``) are kept as written and
flagged with ``home_is_placeholder`` / ``away_is_placeholder``.

Not supported (reported as problems, never skipped): aggregate and away-goal
notes (``agg 3-3``), match status notes (``n/p``, ``[cancelled]``,
``[postponed]``), unknown minutes (``??'``), free-text note lines
(``NB: ...``), team-based schedules with ``(h)``/``(a)`` markers, and several
competitions in one file.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

import msgspec

__all__ = [
    "Bye",
    "Document",
    "FootballTxtError",
    "Goal",
    "Match",
    "ParseProblem",
    "Score",
    "StageMark",
    "group_of",
    "parse",
    "parse_file",
]


# --------------------------------------------------------------------------
# Value objects


class Score(msgspec.Struct, frozen=True, kw_only=True):
    """A match score; regulation, extra time and shoot-out are kept apart."""

    home: int  # after 90 minutes; see regulation_known
    away: int
    half_time: tuple[int, int] | None = None
    after_extra_time: tuple[int, int] | None = None  # cumulative, after 120 minutes
    penalties: tuple[int, int] | None = None  # the shoot-out alone
    # False when the file gave only an a.e.t. score: home/away then repeat it.
    regulation_known: bool = True


class Goal(msgspec.Struct, frozen=True, kw_only=True):
    """One goal from a goal line; ``side`` is the team it counted for."""

    side: Literal["home", "away"] | None
    player: str
    minute: int
    stoppage: int | None = None
    penalty: bool = False
    own_goal: bool = False


class Match(msgspec.Struct, frozen=True, kw_only=True):
    """One match line with everything in scope when it was read."""

    line_no: int
    number: int | None
    date: datetime.date | None
    time: str | None
    round: str | None
    group: str | None
    home: str
    away: str
    home_is_placeholder: bool
    away_is_placeholder: bool
    score: Score | None
    venue: str | None
    goals: tuple[Goal, ...] = ()
    stage: str | None = None  # the slug of the ``# stage:`` section it is in
    minutes: int | None = None  # from a ``# 50-minute match`` note
    advanced: tuple[str, str] | None = None  # (team, source) of ``# advanced:``
    fixture: str | None = None  # from a ``# fixture: ID`` note


class StageMark(msgspec.Struct, frozen=True, kw_only=True):
    """A ``# stage: slug | name | format | rounds: ... | feeds from: ...`` line."""

    slug: str
    name: str
    format: Literal["knockout", "group"]
    rounds: tuple[str, ...] = ()
    feeds_from: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # the group definitions made within it


class Bye(msgspec.Struct, frozen=True, kw_only=True):
    """A ``# bye: TEAM through the ROUND`` line."""

    line_no: int
    stage: str | None
    team: str
    round: str


class Document(msgspec.Struct, frozen=True, kw_only=True):
    """A whole parsed file."""

    title: str
    year: int | None
    groups: dict[str, tuple[str, ...]]
    rounds: tuple[str, ...]
    matches: tuple[Match, ...]
    stages: tuple[StageMark, ...] = ()
    byes: tuple[Bye, ...] = ()


class ParseProblem(msgspec.Struct, frozen=True, kw_only=True):
    """One line the parser could not accept, and why."""

    filename: str
    line_no: int
    line: str
    reason: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line_no}: {self.reason}"


class FootballTxtError(ValueError):
    """Raised with every problem found in a file, not just the first."""

    problems: tuple[ParseProblem, ...]

    def __init__(self, problems: tuple[ParseProblem, ...]) -> None:
        if not problems:
            raise ValueError("FootballTxtError needs at least one problem")
        self.problems = problems
        count = len(problems)
        super().__init__(f"{problems[0]} ({count} problem{'s' if count != 1 else ''} in total)")

    def __reduce__(self) -> tuple[type["FootballTxtError"], tuple[tuple[ParseProblem, ...]]]:
        # The default would re-create the error from its message alone.
        return (type(self), (self.problems,))


# --------------------------------------------------------------------------
# Public functions


def parse(text: str, *, filename: str = "<text>", year: int | None = None) -> Document:
    """Parse Football.TXT text; raise :class:`FootballTxtError` listing every problem."""
    return _Parser(filename=filename, year=year).run(text)


def parse_file(path: str | Path, *, year: int | None = None) -> Document:
    """Read a UTF-8 file (a BOM is tolerated) and :func:`parse` it under its file name."""
    file = Path(path)
    return parse(file.read_text(encoding="utf-8-sig"), filename=file.name, year=year)


def group_of(doc: Document, home: str, away: str) -> str | None:
    """The first group whose definition holds both teams, else ``None``."""
    for name, teams in doc.groups.items():
        if home in teams and away in teams:
            return name
    return None


# --------------------------------------------------------------------------
# Lexical building blocks

_WEEKDAYS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        "Monday Mon Mo",
        "Tuesday Tues Tue Tu Di",  # Di/Mi/Do/So: German, as in older openfootball files
        "Wednesday Wed We Mi",
        "Thursday Thurs Thur Thu Th Do",
        "Friday Fri Fr",
        "Saturday Sat Sa",
        "Sunday Sun Su So",
    )
):
    for _name in _names.split():
        _WEEKDAYS[_name] = _index

_MONTHS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        "January Jan",
        "February Feb",
        "March Mar",
        "April Apr",
        "May",
        "June Jun",
        "July Jul",
        "August Aug",
        "September Sept Sep",
        "October Oct",
        "November Nov",
        "December Dec",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _index


def _alternation(names: dict[str, int]) -> str:
    # Longest first so "June" is not read as "Jun" followed by garbage.
    return "|".join(sorted(names, key=len, reverse=True))


_WD = _alternation(_WEEKDAYS)
_MON = _alternation(_MONTHS)

_DATE = (
    rf"(?:(?P<wd>{_WD})\.?,?\s+)?"
    r"(?:"
    rf"(?P<mon1>{_MON})\.?(?:/|\s+)(?P<day1>\d{{1,2}})(?:(?:,?\s+|/)(?P<year1>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}})\.?\s+(?P<mon2>{_MON})\.?(?:\s+(?P<year2>\d{{4}}|\d{{2}}))?"
    r"|(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<gd>\d{1,2})\.(?P<gm>\d{1,2})\.(?P<gy>\d{4}|\d{2})?"
    r"|(?P<sd>\d{1,2})/(?P<sm>\d{1,2})(?:/(?P<sy>\d{4}|\d{2}))?"  # day/month, as in the spec
    r")"
    r"(?=\s|$|\])"
)
_DATE_RE = re.compile(_DATE)
_DATE_HEADER_RE = re.compile(rf"(?P<open>\[\s*)?{_DATE}(?(open)\s*\])")

_MATCH_NUMBER_RE = re.compile(r"\((\d{1,3})\)\s+")
# Kick-off time; the real files add a zone ("UTC+3", "CEST") or the local time
# ("(17:00 UTC+4)") after it, which is not kept.
_TZ = r"(?:(?:UTC|GMT)(?:[+\-\u00b1]\d{1,2}(?::?\d{2})?)?|[A-Z]{1,4}T)"
_TIME_RE = re.compile(
    r"(?P<h>\d{1,2})[:.h](?P<m>\d{2})"
    rf"(?:\s+{_TZ})?"
    rf"(?:\s+\(\s*\d{{1,2}}[:.h]\d{{2}}(?:\s+{_TZ})?\s*\))?"
    r"(?=\s|$)"
)
_ATTENDANCE_RE = re.compile(r",?\s*(?i:att(?:endance|n)?):?\s*[\d_.,]+$")
_VENUE_RE = re.compile(r"(?:^|\s)@\s*")

_GROUP_NAME = r"Group\s+(?:[A-Z][A-Z0-9]{0,2}|\d{1,2})"
_GROUP_NAME_RE = re.compile(_GROUP_NAME)
_GROUP_DEF_RE = re.compile(rf"(?P<name>{_GROUP_NAME})\s*[|:]\s*(?P<teams>\S.*)")
_TEAM_SPLIT_RE = re.compile(r"\s{2,}|\t|\s*,\s*")
_MARKED_HEADING_RE = re.compile(r"(?:▪|»|::|={2,})\s*(?P<text>.*)")
_LEG = r"(?:,?\s+Leg\s+\d\s+of\s+\d|\s+-\s+\d(?:st|nd|rd|th)\s+Leg|\s+Replays?)?"
_ROUND_ATOM_RE = re.compile(
    r"(?:Matchday\s+\d{1,2}(?:\s+of\s+\d{1,2})?"
    r"|Round\s+\d{1,2}"
    r"|Round\s+of\s+\d{1,3}"
    r"|(?:Preliminary|First|Second|Third|Fourth|Fifth|Sixth|\d{1,2}(?:st|nd|rd|th))"
    r"\s+(?:qualifying\s+)?Round"
    r"|(?:Quarter|Semi)[- ]?finals?"
    r"|Finals?"
    r"|Match\s+for\s+third\s+place"
    r"|(?:Third|3rd)[- ]place(?:\s+(?:play-?off|match))?"
    r"|Play-?offs?"
    r"|(?:Group|League|Knockout)\s+(?:stage|phase)"
    rf"){_LEG}",
    re.IGNORECASE,
)
_PROPERTY_KEYS = frozenset(
    {
        "penalties",
        "penalty shootout",
        "penalty shoot-out",
        "yellow card",
        "yellow cards",
        "red card",
        "red cards",
        "sent off",
        "referee",
        "referees",
        "refs",
        "assistant referees",
        "ref",
        "attendance",
        "att",
        "attn",
        "coach",
        "coaches",
        "trainer",
        "var",
    }
)
_PROPERTY_RE = re.compile(r"(?P<key>[^:()\[\]]+?)\s*:\s*(?P<value>.*)")

# Scores.  A pair has no spaces inside, so "Austria 2 - 1 FC Koeln" cannot be
# misread, and at most two digits a side, so "FC Tacoma 253" stays a name.
_PAIR = r"\d{1,2}[-:\u2013]\d{1,2}(?!\d)"
_PAIR_RE = re.compile(r"(\d{1,2})[-:\u2013](\d{1,2})(?!\d)")
_PAIR_FULL_RE = re.compile(r"(\d{1,2})[-:\u2013](\d{1,2})")
_DE_MARK = r"n\.?V\.?|i\.?E\.?"  # German: case matters ("nV", "iE")
# "p"/"p." alone only glued to a pair ("3-4p"), so a team called "P. Ferreira"
# after a score is not eaten as a penalty marker.
_EN_MARK = (
    r"(?i:a\.?s\.?d\.?e\.?t\.?|a\.?g\.?g\.?e\.?t\.?|a\.?s\.?g\.?e\.?t\.?"
    r"|a\.e\.t\.?|aet|pen\.?|pso)"
    r"(?i:/(?:g\.?g\.?|s\.?g\.?))?"
)
_MARK_RE = re.compile(rf"(?P<mark>{_EN_MARK}|{_DE_MARK})(?=[\s,()]|$)")
_GLUED_P_RE = re.compile(r"(?P<mark>[pP]\.?)(?=[\s,()]|$)")
_PAREN_RE = re.compile(r"\(([^()]*)\)")
_SCORE_START_RE = re.compile(rf"(?<!\S)(?:(?:{_DE_MARK}),?\s+)?{_PAIR}")
_FIXTURE_SEP_RE = re.compile(r"\s+(?:v|vs\.?|-)\s+")
_BROKEN_SCORE_RE = re.compile(r"(?<!\S)\d+[-:\u2013]\S*")

_PLACEHOLDER_RE = re.compile(
    r"(?:[WL]\d{1,3}"
    r"|[WL] [a-z0-9][a-z0-9-]*"  # W swc-sf-1, W norcal: the winner of a fixture or stage
    r"|[1-4][A-L](?:/[A-L])*"
    r"|(?i:(?:winners?|losers?|runners?-up|w|l)\s+(?:of\s+)?"
    r"(?:match|game|group|semi-?final|quarter-?final|sf|qf)\s*\w+)"
    r"|(?i:(?:1st|2nd|3rd|first|second|third)(?:\s+place)?\s+(?:in\s+)?group\s+\w+(?:/\w+)*)"
    r"|(?i:group\s+\w+\s+(?:winners?|runners?-up|third(?:\s+place)?))"
    r"|TBD|TBA|N\.N\.|\?{1,3})"
)

_MINUTE_RE = re.compile(
    r"(?<![^\s,(])(?P<min>\d{1,3})(?:'?\+(?P<stop>\d{1,2}))?'?"
    r"(?:\s*\((?P<mark1>(?i:pen\.?|p\.?|o\.g\.?|og))\)"
    r"|(?P<mark2>(?i:pen\.?|p\.?|o\.g\.?|og))"
    r"|\s+(?P<mark3>(?i:pen\.?|o\.g\.?|og))(?=[\s,;]|$))?"
    r"(?=[\s,;]|$)"
)
_RUNNING_SCORE_RE = re.compile(r"(\d{1,2})[-:\u2013](\d{1,2})\s+(.*)")
# A trailing "(aet, 6-5 pen)" note: the spec's "fuller" score style.
_NOTE_RE = re.compile(r"\s\((?P<note>[^()]*)\)$")
_NOTE_WORD_RE = re.compile(
    r"(?i:\b(?:aet|a\.e\.t|asdet|agget|asget|pens?|ht|ft|agg|aggregate|win|away)\b)"
)
# Conventions in comments, read by `ledger import` and written by the exporter.
_STAGE_NOTE_RE = re.compile(r"stage:\s*(?P<rest>.+)")
_BYE_NOTE_RE = re.compile(r"bye:\s*(?P<team>.+?)\s+through the\s+(?P<round>.+)")
_ADVANCED_NOTE_RE = re.compile(
    r"advanced:\s*(?P<team>.+?)\s*\(method unknown; source:\s*(?P<source>.*)\)"
)
_FIXTURE_NOTE_RE = re.compile(r"(?<!\S)fixture:\s*([a-z0-9][a-z0-9-]*)")
_MINUTES_NOTE_RE = re.compile(r"(?<!\S)(\d{1,3})-minute match\b")
_AET_NOTE_RE = re.compile(r"(?i:a\.?e\.?t\.?(?:/(?:g\.?g\.?|s\.?g\.?))?|asdet|agget|asget)")


# --------------------------------------------------------------------------
# Parser internals


class _Problem(Exception):
    """Internal: one line-level problem, turned into a ParseProblem by the parser."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _MatchDraft:
    # Matches stay mutable until their goal line (if any) has been read.
    line_no: int
    number: int | None
    date: datetime.date | None
    time: str | None
    round: str | None
    group: str | None
    home: str
    away: str
    score: Score | None
    venue: str | None
    goals: tuple[Goal, ...] = ()
    has_goal_line: bool = False
    stage: str | None = None
    minutes: int | None = None
    advanced: tuple[str, str] | None = None
    fixture: str | None = None

    def freeze(self) -> Match:
        return Match(
            line_no=self.line_no,
            number=self.number,
            date=self.date,
            time=self.time,
            round=self.round,
            group=self.group,
            home=self.home,
            away=self.away,
            home_is_placeholder=_is_placeholder(self.home),
            away_is_placeholder=_is_placeholder(self.away),
            score=self.score,
            venue=self.venue,
            goals=self.goals,
            stage=self.stage,
            minutes=self.minutes,
            advanced=self.advanced,
            fixture=self.fixture,
        )


_Mark = Literal["aet", "pen"]
_Token = tuple[int, int] | _Mark | Literal[","] | list[tuple[int, int] | None]


@dataclass
class _ScorePart:
    pair: tuple[int, int]
    mark: _Mark | None = None
    paren: list[tuple[int, int] | None] | None = None


@dataclass
class _RoundDef:
    name: str
    first: datetime.date
    last: datetime.date


@dataclass
class _Parser:
    filename: str
    year: int | None
    problems: list[ParseProblem] = field(default_factory=list)
    title: str | None = None
    title_years: tuple[int, int] | None = None  # (first, second); equal unless a season
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rounds: dict[str, None] = field(default_factory=dict)  # ordered set
    round_defs: list[_RoundDef] = field(default_factory=list)
    group: str | None = None
    round: str | None = None
    date: datetime.date | None = None
    time: str | None = None
    venue: str | None = None  # from a "Jun 14 20:00 @ Antwerpen" line, for the matches below
    matches: list[_MatchDraft] = field(default_factory=list)
    numbers: dict[int, int] = field(default_factory=dict)
    last_match: _MatchDraft | None = None
    # Set while the latest match line was rejected, so its goal and line-up
    # lines are skipped instead of being reported a second time.
    after_bad_match: bool = False
    stage_marks: list[StageMark] = field(default_factory=list)
    byes: list[Bye] = field(default_factory=list)

    def run(self, text: str) -> Document:
        lines = text.removeprefix("\ufeff").splitlines()
        in_html_comment = False
        goal_buffer: list[str] = []
        goal_start = 0
        continue_property = False
        for line_no, raw in enumerate(lines, start=1):
            if raw.strip() == "__END__":
                break  # sportdb's end-of-data marker: what follows is free notes
            if in_html_comment:
                in_html_comment = "-->" not in raw
                continue
            content, _, comment = (part.strip() for part in raw.partition("#"))
            if not goal_buffer and not content and comment:
                self._guard(line_no, raw, partial(self._comment, comment, line_no))
                continue
            if goal_buffer:
                goal_buffer.append(content)
                if not content or _bracket_depth(" ".join(goal_buffer)) <= 0:
                    self._guard(
                        goal_start, lines[goal_start - 1], partial(self._goals, goal_buffer)
                    )
                    goal_buffer = []
                continue
            if content.startswith("<!--"):
                in_html_comment = "-->" not in content
                continue
            if not content:
                continue
            if continue_property:
                continue_property = content.endswith((",", ";", "-"))
                continue
            if _starts_goal_line(content):
                if _bracket_depth(content) > 0:
                    goal_buffer, goal_start = [content], line_no
                else:
                    self._guard(line_no, raw, partial(self._goals, [content]))
                continue
            if self._is_property(content):
                continue_property = content.endswith((",", ";", "-"))
                continue
            self._guard(line_no, raw, partial(self._line, content, line_no))
            if comment and self.last_match is not None and self.last_match.line_no == line_no:
                if m := _MINUTES_NOTE_RE.search(comment):
                    self.last_match.minutes = int(m[1])
                if m := _FIXTURE_NOTE_RE.search(comment):
                    self.last_match.fixture = m[1]
        if goal_buffer:
            self._problem(goal_start, lines[goal_start - 1], "the goal list is never closed")
        if self.problems:
            self.problems.sort(key=lambda p: p.line_no)
            raise FootballTxtError(tuple(self.problems))
        return Document(
            title=self.title or "",
            year=self.year if self.year is not None else _first(self.title_years),
            groups=dict(self.groups),
            rounds=tuple(self.rounds),
            matches=tuple(m.freeze() for m in self.matches),
            stages=tuple(self.stage_marks),
            byes=tuple(self.byes),
        )

    # -- conventions kept in comments --------------------------------------

    def _comment(self, comment: str, line_no: int) -> None:
        if m := _STAGE_NOTE_RE.fullmatch(comment):
            self._stage_mark(m["rest"])
        elif m := _BYE_NOTE_RE.fullmatch(comment):
            stage = self.stage_marks[-1].slug if self.stage_marks else None
            self.byes.append(Bye(line_no=line_no, stage=stage, team=m["team"], round=m["round"]))
        elif m := _ADVANCED_NOTE_RE.fullmatch(comment):
            if self.last_match is None:
                raise _Problem("an '# advanced:' note must follow the match it decides")
            self.last_match.advanced = (m["team"].strip(), m["source"].strip())

    def _stage_mark(self, text: str) -> None:
        parts = [p.strip() for p in text.split("|")]
        if len(parts) < 3 or parts[2] not in ("knockout", "group"):
            raise _Problem(
                f"cannot read the stage note {text!r}: write "
                "'# stage: SLUG | NAME | knockout' (or group)"
            )
        slug, name, fmt = parts[:3]
        if any(s.slug == slug for s in self.stage_marks):
            raise _Problem(f"the stage {slug!r} is marked twice")
        rounds: tuple[str, ...] = ()
        feeds: tuple[str, ...] = ()
        for part in parts[3:]:
            key, _, value = (x.strip() for x in part.partition(":"))
            items = tuple(v.strip() for v in value.split(",") if v.strip())
            if key == "rounds":
                rounds = items
            elif key == "feeds from":
                feeds = items
            else:
                raise _Problem(f"unknown stage property {key!r} in {text!r}")
        self.stage_marks.append(
            StageMark(
                slug=slug,
                name=name,
                format="group" if fmt == "group" else "knockout",
                rounds=rounds,
                feeds_from=feeds,
            )
        )
        self.group = self.round = self.venue = None
        self.date = None
        self.time = None
        self.last_match = None

    # -- bookkeeping -------------------------------------------------------

    def _problem(self, line_no: int, line: str, reason: str) -> None:
        self.problems.append(
            ParseProblem(filename=self.filename, line_no=line_no, line=line, reason=reason)
        )

    def _guard(self, line_no: int, raw: str, handler: Callable[[], None]) -> None:
        # Every handler reports through _Problem so one bad line never stops the
        # parse: the caller wants all problems of the file in one go.
        try:
            handler()
        except _Problem as problem:
            self._problem(line_no, raw, problem.reason)

    # -- line dispatch -----------------------------------------------------

    def _line(self, content: str, line_no: int) -> None:
        self.after_bad_match = False
        if content.startswith("=") and not content.startswith("=="):
            self._title(content.lstrip("=").strip())
            return
        if m := _GROUP_DEF_RE.fullmatch(content):
            self._group_definition(m["name"], m["teams"])
            return
        if m := _MARKED_HEADING_RE.fullmatch(content):
            heading = m["text"].strip()
            if "|" in heading:
                self._round_definition(heading)
            elif heading:
                self._heading(heading)
            else:
                raise _Problem(f"empty heading in {content!r}")
            return
        if m := _DATE_HEADER_RE.fullmatch(content):
            self.date = self._date(m, content)
            # A new day: the previous kick-off time and ground no longer apply.
            self.time = self.venue = None
            self.last_match = None
            return
        name, bar, _ = content.partition("|")
        if bar and _is_bare_heading(name):
            self._round_definition(content)
            return
        if _is_bare_heading(content):
            self._heading(content.removesuffix(":").strip())
            return
        self._match(content, line_no)

    def _title(self, title: str) -> None:
        if self.title is not None:
            raise _Problem(f"a second title line {title!r} (the title is {self.title!r})")
        self.title = title
        if m := re.search(r"\b(1[89]\d\d|20\d\d)(?:[/-](\d{4}|\d{2}))?\b", title):
            first = int(m[1])
            second = first
            if m[2]:
                second = int(m[2]) if len(m[2]) == 4 else first // 100 * 100 + int(m[2])
                if second != first + 1:
                    second = first
            self.title_years = (first, second)

    def _group_definition(self, name: str, teams_text: str) -> None:
        self.last_match = None
        teams = tuple(t.strip() for t in _TEAM_SPLIT_RE.split(teams_text.strip()) if t.strip())
        if name in self.groups:
            raise _Problem(f"{name} is defined twice")
        if len(teams) < 2:
            raise _Problem(
                f"{name} lists only one team {teams_text.strip()!r}; separate team names "
                "with two or more spaces"
            )
        duplicates = sorted({t for t in teams if teams.count(t) > 1})
        if duplicates:
            raise _Problem(f"{name} lists {', '.join(duplicates)} more than once")
        for team in teams:
            _check_team_name(team, teams_text)
        self.groups[name] = teams
        if self.stage_marks:
            mark = self.stage_marks[-1]
            self.stage_marks[-1] = msgspec.structs.replace(mark, groups=(*mark.groups, name))

    def _round_definition(self, text: str) -> None:
        name, _, period = (part.strip() for part in text.partition("|"))
        if not name:
            raise _Problem(f"round definition without a name in {text!r}")
        first, last = self._period(period)
        if last < first:
            raise _Problem(f"the round {name!r} ends before it starts")
        self.round_defs.append(_RoundDef(name=name, first=first, last=last))
        # The real files also use a definition as the heading of the matches
        # below it (World Cup 1950 "Final Round | July 9-16"); a later heading,
        # such as "Group A" after a block of definitions, replaces it.
        self._heading(name)

    def _heading(self, text: str) -> None:
        self.last_match = None
        parts = [p.strip() for p in text.split(",")]
        groups = [p for p in parts if _GROUP_NAME_RE.fullmatch(p)]
        if len(groups) > 1:
            raise _Problem(f"heading names two groups: {text!r}")
        # "Leg 1 of 2" style suffixes belong to the round text, so rejoin the rest.
        rest = ", ".join(p for p in parts if p not in groups)
        self.group = groups[0] if groups else None
        self.round = rest or None
        self.venue = None
        for name in (self.group, self.round):
            if name:
                self.rounds.setdefault(name, None)

    # -- dates -------------------------------------------------------------

    def _default_year(self, month: int) -> int | None:
        if self.year is not None:
            return self.year
        if self.title_years is None:
            return None
        first, second = self.title_years
        # Season titles (2025/26): the season turns over in mid-summer.
        return first if month >= 7 or first == second else second

    def _date(self, m: re.Match[str], text: str) -> datetime.date:
        day_s = m["day1"] or m["day2"] or m["id"] or m["gd"] or m["sd"]
        month_s = m["mon1"] or m["mon2"]
        month = _MONTHS[month_s] if month_s else int(m["im"] or m["gm"] or m["sm"])
        year_s = m["year1"] or m["year2"] or m["iy"] or m["gy"] or m["sy"]
        year: int | None
        if year_s:
            year = int(year_s) if len(year_s) == 4 else 2000 + int(year_s)
        else:
            year = self._default_year(month)
        if year is None:
            raise _Problem(
                f"the date in {text!r} has no year, and neither the title nor year= gives one"
            )
        try:
            date = datetime.date(year, month, int(day_s))
        except ValueError:
            raise _Problem(f"no such date in {text!r}") from None
        if m["wd"] and _WEEKDAYS[m["wd"]] != date.weekday():
            raise _Problem(
                f"{m['wd']} does not match {date.isoformat()} (a {date.strftime('%A')}) in {text!r}"
            )
        return date

    def _period(self, text: str) -> tuple[datetime.date, datetime.date]:
        pieces = re.split(r"\s+-\s+", text)
        if (
            len(pieces) == 1
            and not _DATE_RE.fullmatch(text)
            and (m := re.fullmatch(r"(.*\D)(\d{1,2})\s*-\s*(\d{1,2})", text))
        ):
            # "July 26-27": a day range inside one month.
            pieces = [f"{m[1]}{m[2]}", f"{m[1]}{m[3]}"]
        if len(pieces) > 2:
            raise _Problem(f"cannot read the dates {text!r}")
        dates: list[datetime.date] = []
        for piece in pieces:
            if not (m := _DATE_RE.fullmatch(piece.strip())):
                raise _Problem(f"cannot read the date {piece.strip()!r} in {text!r}")
            dates.append(self._date(m, piece.strip()))
        return dates[0], dates[-1]

    # -- matches -----------------------------------------------------------

    def _match(self, content: str, line_no: int) -> None:
        self.last_match = None
        self.after_bad_match = True  # cleared at the end, once the line has been accepted
        rest = content
        number: int | None = None
        if m := _MATCH_NUMBER_RE.match(rest):
            number = int(m[1])
            rest = rest[m.end() :]
        date: datetime.date | None = None
        if (m := _DATE_RE.match(rest)) and rest[m.end() :][:1].isspace():
            date = self._date(m, content)
            rest = rest[m.end() :].lstrip()
        time: str | None = None
        if m := _TIME_RE.match(rest):
            hour, minute = int(m["h"]), int(m["m"])
            if hour > 23 or minute > 59:
                raise _Problem(f"no such time {m[0].split()[0]!r} in {content!r}")
            time = f"{hour:02d}:{minute:02d}"
            rest = rest[m.end() :].lstrip()
        venue: str | None = None
        if rest.startswith("@"):
            # Ground first: "June 14 20:00 @ Antwerpen, Bosuil" on its own line
            # heads the matches below; "June 10 @ Duesseldorf   West Germany 1-1
            # Italy" ends the ground at the first two-space gap.
            ground = _ATTENDANCE_RE.sub("", rest[1:].strip())
            parts = re.split(r"\s{2,}", ground, maxsplit=1)
            venue = _clean_venue(parts[0], content)
            rest = parts[1].strip() if len(parts) > 1 else ""
            if not rest:
                if number is not None:
                    raise _Problem(f"match number without a match in {content!r}")
                if date is not None:
                    self.date, self.time = date, time
                elif time is not None:
                    self.time = time
                self.venue = venue
                self.after_bad_match = False
                return
        elif m := _VENUE_RE.search(rest):
            venue = _clean_venue(rest[m.end() :], content)
            rest = rest[: m.start()].strip()
        if not rest:
            raise _Problem(f"cannot read the line {content!r}")
        home, away, score = _teams_and_score(rest, content)
        if home == away and not _is_placeholder(home):
            raise _Problem(f"{home} cannot play itself in {content!r}")

        if date is not None:
            self.date, self.time, self.venue = date, time, None
        elif time is not None:
            self.time = time
        if number is not None:
            if number in self.numbers:
                raise _Problem(f"match number {number} is also used on line {self.numbers[number]}")
            self.numbers[number] = line_no
        if self.group in self.groups:
            members = self.groups[self.group]
            for team in (home, away):
                if team not in members and not _is_placeholder(team):
                    raise _Problem(f"{team} is not in the definition of {self.group}")
        draft = _MatchDraft(
            line_no=line_no,
            number=number,
            date=self.date,
            time=self.time,
            round=self.round if self.round is not None else self._round_by_date(self.date),
            group=self.group,
            home=home,
            away=away,
            score=score,
            venue=venue if venue is not None else self.venue,
            stage=self.stage_marks[-1].slug if self.stage_marks else None,
        )
        self.matches.append(draft)
        self.last_match = draft
        self.after_bad_match = False

    def _round_by_date(self, date: datetime.date | None) -> str | None:
        if date is None:
            return None
        for definition in self.round_defs:
            if definition.first <= date <= definition.last:
                return definition.name
        return None

    # -- goals and properties ---------------------------------------------

    def _is_property(self, content: str) -> bool:
        m = _PROPERTY_RE.fullmatch(content)
        if m is None:
            return False
        if self.last_match is None:
            return self.after_bad_match
        # Case-blind: level-2 files write line-ups as "ITALY:" under "Italy v Turkey".
        key = m["key"].strip().casefold()
        teams = (self.last_match.home.casefold(), self.last_match.away.casefold())
        return key in _PROPERTY_KEYS or key in teams

    def _goals(self, parts: list[str]) -> None:
        text = " ".join(p for p in parts if p)
        match = self.last_match
        if match is None:
            if self.after_bad_match:
                return
            raise _Problem(f"goal line without a match above it: {text!r}")
        if match.has_goal_line:
            raise _Problem(f"a second goal line for the match on line {match.line_no}")
        if match.score is None:
            raise _Problem(f"goals listed for {match.home} v {match.away}, which has no score")
        inner = _strip_outer_brackets(text)
        sides = _split_top_level(inner, ";")
        if len(sides) > 2:
            raise _Problem(f"more than one ';' in the goal line {text!r}")
        score = match.score
        final = score.after_extra_time or (score.home, score.away)
        goals: list[Goal] = []
        if len(sides) == 2:
            goals.extend(_goal_list(sides[0], "home", text))
            goals.extend(_goal_list(sides[1], "away", text))
        else:
            # Without ';' the files still list one team's goals when only it
            # scored; running scores ("1-0 Piendibene 44'") side each goal.
            guess: Literal["home", "away"] | None = None
            if final[0] and not final[1]:
                guess = "home"
            elif final[1] and not final[0]:
                guess = "away"
            goals.extend(
                g if g.side is not None else msgspec.structs.replace(g, side=guess)
                for g in _goal_list(sides[0], None, text)
            )
        home_count = sum(g.side == "home" for g in goals)
        away_count = sum(g.side == "away" for g in goals)
        if any(g.side is None for g in goals):
            if len(goals) != sum(final):
                raise _Problem(
                    f"the goal line lists {len(goals)} goals but the score says {sum(final)}"
                )
        elif (home_count, away_count) != final:
            raise _Problem(
                f"the goal line lists {home_count}-{away_count} goals "
                f"but the score says {final[0]}-{final[1]}"
            )
        match.goals = tuple(goals)
        match.has_goal_line = True


# --------------------------------------------------------------------------
# Helpers


def _first(years: tuple[int, int] | None) -> int | None:
    return years[0] if years else None


def _is_bare_heading(text: str) -> bool:
    text = text.removesuffix(":").strip()
    parts = [p.strip() for p in text.split(",")]
    # "Leg 1 of 2" after a comma belongs to the round before it.
    if len(parts) > 1 and re.fullmatch(r"Leg\s+\d\s+of\s+\d", parts[-1], re.IGNORECASE):
        parts = [*parts[:-2], f"{parts[-2]}, {parts[-1]}"]
    return all(_GROUP_NAME_RE.fullmatch(p) or _ROUND_ATOM_RE.fullmatch(p) for p in parts)


def _starts_goal_line(content: str) -> bool:
    if content.startswith("["):
        return _DATE_HEADER_RE.fullmatch(content) is None
    return content.startswith("(") and _MATCH_NUMBER_RE.match(content) is None


def _bracket_depth(text: str) -> int:
    depth = 0
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
    return depth


def _strip_outer_brackets(text: str) -> str:
    closing = {"(": ")", "[": "]"}[text[0]]
    depth = 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth == 0:
                if char != closing:
                    raise _Problem(f"mismatched brackets in the goal line {text!r}")
                if text[index + 1 :].strip():
                    raise _Problem(f"text after the goal list in {text!r}")
                return text[1:index]
    raise _Problem(f"the goal list is never closed in {text!r}")


def _split_top_level(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _goal_list(text: str, side: Literal["home", "away"] | None, line: str) -> list[Goal]:
    goals: list[Goal] = []
    player: str | None = None
    # "(1-0 Piendibene 44', 2-0 Gradin 55')": a running score before each goal
    # says which side scored, so such lists need no ';'.
    running: tuple[int, int] | None = None
    position = 0
    for m in _MINUTE_RE.finditer(text):
        between = text[position : m.start()].strip(" ,\t")
        goal_side = side
        if between and (r := _RUNNING_SCORE_RE.fullmatch(between)):
            if side is not None:
                raise _Problem(f"running scores and ';' together in the goal line {line!r}")
            before = running or (0, 0)
            running = (int(r[1]), int(r[2]))
            if running == (before[0] + 1, before[1]):
                goal_side = "home"
            elif running == (before[0], before[1] + 1):
                goal_side = "away"
            else:
                raise _Problem(
                    f"the running score {r[1]}-{r[2]} does not follow "
                    f"{before[0]}-{before[1]} in the goal line {line!r}"
                )
            between = r[3].strip()
        elif running is not None:
            raise _Problem(f"a goal without its running score in the goal line {line!r}")
        if between:
            if not re.search(r"[^\W\d_]", between) or re.search(r"[\d()\[\]]", between):
                raise _Problem(f"cannot read {between!r} in the goal line {line!r}")
            player = between
        if player is None:
            raise _Problem(f"minute {m[0].strip()!r} without a player in the goal line {line!r}")
        mark = (m["mark1"] or m["mark2"] or m["mark3"] or "").lower()
        minute = int(m["min"])
        if not 1 <= minute <= 150:
            raise _Problem(f"no such minute {minute} in the goal line {line!r}")
        goals.append(
            Goal(
                side=goal_side,
                player=player,
                minute=minute,
                stoppage=int(m["stop"]) if m["stop"] else None,
                penalty=mark.startswith("p"),
                own_goal=mark.startswith("o"),
            )
        )
        position = m.end()
    tail = text[position:].strip(" ,\t")
    if tail:
        raise _Problem(f"no minute for {tail!r} in the goal line {line!r}")
    return goals


def _clean_venue(text: str, line: str) -> str:
    # Level-2 files append the attendance to the ground ("..., att: 28_000").
    venue = _ATTENDANCE_RE.sub("", text.strip()).strip().rstrip(",").strip()
    if not venue:
        raise _Problem(f"nothing after '@' in {line!r}")
    return venue


def _is_placeholder(team: str) -> bool:
    return _PLACEHOLDER_RE.fullmatch(team) is not None


def _check_team_name(team: str, line: str) -> None:
    if (
        _PAIR_RE.search(team)
        or re.search(r"[@\[\]]", team)
        or team.startswith(("(", "-", ":"))
        or team.endswith(("-", ":"))
    ):
        raise _Problem(f"cannot read the team name {team!r} in {line!r}")


def _teams_and_score(body: str, line: str) -> tuple[str, str, Score | None]:
    """Split "home SCORE away", "home v away SCORE" or "home v away"."""
    note: str | None = None
    if (m := _NOTE_RE.search(body)) and _NOTE_WORD_RE.search(m["note"]):
        note, body = m["note"], body[: m.start()].rstrip()
    home, away, score = _split_teams(body, line)
    if note is not None:
        if score is None:
            raise _Problem(f"a score note ({note}) without a score in {line!r}")
        score = _apply_note(score, note, line)
    return home, away, score


def _split_teams(body: str, line: str) -> tuple[str, str, Score | None]:
    for start in _SCORE_START_RE.finditer(body):
        if start.start() == 0:
            continue
        end, parts = _score_run(body, start.start(), line)
        before, after = body[: start.start()].strip(), body[end:].strip()
        if after:
            if _FIXTURE_SEP_RE.search(f" {before} "):
                raise _Problem(f"cannot read the score in {line!r}")
            home, away = before, after
        else:
            sides = _FIXTURE_SEP_RE.split(before)
            if len(sides) != 2:
                raise _Problem(f"cannot tell the two teams apart in {line!r}")
            home, away = (s.strip() for s in sides)
        for team in (home, away):
            if not team or _PAIR_RE.search(team) or team.startswith(("(", ")")):
                raise _Problem(f"cannot read the score in {line!r}")
            _check_team_name(team, line)
        return home, away, _build_score(parts, line)
    sides = _FIXTURE_SEP_RE.split(body)
    if len(sides) == 2 and all(s.strip() for s in sides):
        home, away = (s.strip() for s in sides)
        for team in (home, away):
            if _BROKEN_SCORE_RE.search(team) and not _is_placeholder(team):
                raise _Problem(f"cannot read the score in {line!r}")
            _check_team_name(team, line)
        return home, away, None
    if _BROKEN_SCORE_RE.search(body):
        raise _Problem(f"cannot read the score in {line!r}")
    raise _Problem(f"cannot find two teams and a score (or 'v') in {line!r}")


def _score_run(body: str, position: int, line: str) -> tuple[int, list[_Token]]:
    """Read score tokens from ``position``; return where they end and the tokens."""
    tokens: list[_Token] = []
    end = position
    while position < len(body):
        if body[position].isspace() or body[position] == ",":
            if body[position] == ",":
                tokens.append(",")
            position += 1
            continue
        glued = position == end and bool(tokens)  # no space since the last token
        if m := _PAIR_RE.match(body, position):
            tokens.append((int(m[1]), int(m[2])))
        elif m := _MARK_RE.match(body, position):
            tokens.append(_mark_kind(m["mark"]))
        elif glued and isinstance(tokens[-1], tuple) and (m := _GLUED_P_RE.match(body, position)):
            tokens.append("pen")
        elif (m := _PAREN_RE.match(body, position)) and (pairs := _paren_pairs(m[1])):
            tokens.append(pairs)
        else:
            if glued:
                raise _Problem(f"cannot read the score in {line!r}")
            break
        position = end = m.end()
    while tokens and tokens[-1] == ",":
        tokens.pop()
    return end, tokens


def _mark_kind(mark: str) -> _Mark:
    lowered = mark.lower()
    if lowered.startswith(("p", "i")):
        return "pen"
    return "aet"


def _paren_pairs(inner: str) -> list[tuple[int, int] | None] | None:
    """The scores in "(1-1, 0-1)"; ``None`` when the brackets hold anything else."""
    pairs: list[tuple[int, int] | None] = []
    for item in inner.split(","):
        item = item.strip()
        if not item:
            pairs.append(None)
        elif m := _PAIR_FULL_RE.fullmatch(item):
            pairs.append((int(m[1]), int(m[2])))
        else:
            return None
    return pairs if any(pairs) else None


def _build_score(tokens: list[_Token], line: str) -> Score:
    parts: list[_ScorePart] = []
    current: _ScorePart | None = None
    pending: _Mark | None = None  # a German marker written before its score
    for token in tokens:
        if isinstance(token, tuple):
            if current is not None:
                parts.append(current)
            current = _ScorePart(pair=token, mark=pending)
            pending = None
        elif isinstance(token, list):
            if current is None or current.paren is not None:
                raise _Problem(f"unexpected brackets in the score in {line!r}")
            current.paren = token
        elif token == ",":
            if current is not None:
                parts.append(current)
                current = None
        elif current is not None and current.mark is None and pending is None:
            current.mark = token  # "2-1 a.e.t.": the marker follows its score
        elif pending is None:
            if current is not None:
                parts.append(current)
                current = None
            pending = token  # "i.E. 2:4": the marker comes first
        else:
            raise _Problem(f"two score markers in a row in {line!r}")
    if current is not None:
        parts.append(current)
    if pending is not None:
        raise _Problem(f"a score marker without a score in {line!r}")

    slots: dict[str, tuple[int, int]] = {}

    def put(slot: str, value: tuple[int, int] | None) -> None:
        if value is None:
            return
        if slot in slots and slots[slot] != value:
            label = {"ft": "90-minute", "ht": "half-time", "et": "a.e.t.", "p": "penalty"}[slot]
            raise _Problem(f"two different {label} scores in {line!r}")
        slots[slot] = value

    seen: set[str] = set()
    for part in parts:
        kind_name = part.mark or "plain"
        if kind_name in seen:
            label = {"plain": "90-minute", "aet": "a.e.t.", "pen": "penalty"}[kind_name]
            raise _Problem(f"two {label} scores in {line!r}")
        seen.add(kind_name)
        paren = part.paren or []
        if part.mark == "pen":
            put("p", part.pair)
            layouts: dict[int, tuple[str, ...]] = {
                0: (),
                1: ("ft",),
                2: ("ft", "ht"),
                3: ("et", "ft", "ht"),
            }
        elif part.mark == "aet":
            put("et", part.pair)
            layouts = {0: (), 1: ("ft",), 2: ("ft", "ht")}
        else:
            put("ft", part.pair)
            layouts = {0: (), 1: ("ht",)}
        if len(paren) not in layouts:
            raise _Problem(f"too many scores in brackets in {line!r}")
        for slot, value in zip(layouts[len(paren)], paren, strict=True):
            put(slot, value)

    return _make_score(
        ft=slots.get("ft"), ht=slots.get("ht"), et=slots.get("et"), pens=slots.get("p"), line=line
    )


_PAIR_NOTE = r"(\d{1,2})[-:\u2013](\d{1,2})"
_PEN_NOTE_RE = re.compile(
    rf"(?i:(?:win\s+)?{_PAIR_NOTE}\s*(?:on\s+)?(?:pens?\.?|penalties|p\.?|pso)"
    rf"|(?:pens?\.?|pso)\s+{_PAIR_NOTE})"
)
_TIME_NOTE_RE = re.compile(rf"(?i:(?P<kind>ht|ft)\s+{_PAIR_NOTE})")


def _apply_note(base: Score, note: str, line: str) -> Score:
    """Apply a "fuller" note such as "(aet, win 3-4 on pens)" to a plain score."""
    if base.after_extra_time or base.penalties or not base.regulation_known:
        raise _Problem(f"a score note ({note}) after a full score in {line!r}")
    aet = False
    pens = ft = ht = None
    for item in (i.strip() for i in note.split(",")):
        if not item:
            continue
        if _AET_NOTE_RE.fullmatch(item):
            aet = True
        elif m := _PEN_NOTE_RE.fullmatch(item):
            values = [int(v) for v in m.groups() if v is not None]
            pens = (values[0], values[1])
        elif m := _TIME_NOTE_RE.fullmatch(item):
            pair = (int(m[2]), int(m[3]))
            if m["kind"].lower() == "ht":
                ht = pair
            else:
                ft = pair
        elif re.search(r"(?i:\bagg|\baway\b)", item):
            raise _Problem(f"aggregate and away-goal notes are not supported: ({note}) in {line!r}")
        else:
            raise _Problem(f"cannot read {item!r} in the score note ({note}) in {line!r}")
    if ht is not None and base.half_time is not None and ht != base.half_time:
        raise _Problem(f"two different half-time scores in {line!r}")
    ht = ht or base.half_time
    main = (base.home, base.away)
    if aet:
        # With "aet" the score between the teams is the one after extra time.
        return _make_score(ft=ft, ht=ht, et=main, pens=pens, line=line)
    if ft is not None and ft != main:
        raise _Problem(f"two different 90-minute scores in {line!r}")
    return _make_score(ft=main, ht=ht, et=None, pens=pens, line=line)


def _make_score(
    *,
    ft: tuple[int, int] | None,
    ht: tuple[int, int] | None,
    et: tuple[int, int] | None,
    pens: tuple[int, int] | None,
    line: str,
) -> Score:
    """Check that the parts of a score agree with each other, then build it."""
    regulation = ft if ft is not None else et
    if regulation is None:
        raise _Problem(f"a penalty shoot-out needs the match score too in {line!r}")
    if ht is not None:
        if ft is None:
            raise _Problem(f"a half-time score without the 90-minute score in {line!r}")
        if ht[0] > ft[0] or ht[1] > ft[1]:
            raise _Problem(
                f"the half-time score {ht[0]}-{ht[1]} is above the 90-minute score "
                f"{ft[0]}-{ft[1]} in {line!r}"
            )
    if et is not None and ft is not None and (et[0] < ft[0] or et[1] < ft[1]):
        raise _Problem(
            f"the after-extra-time score {et[0]}-{et[1]} is below the 90-minute score "
            f"{ft[0]}-{ft[1]} in {line!r}; an a.e.t./n.V. score counts from kick-off, "
            "not only the goals of extra time"
        )
    if pens is not None and pens[0] == pens[1]:
        raise _Problem(f"a penalty shoot-out cannot end level ({pens[0]}-{pens[1]}) in {line!r}")
    return Score(
        home=regulation[0],
        away=regulation[1],
        half_time=ht,
        after_extra_time=et,
        penalties=pens,
        regulation_known=ft is not None,
    )

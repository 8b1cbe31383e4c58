"""Parse what a clerk types for a match (score, result line, scorers, date) into values.

Pure text-to-structure functions: no I/O, no competition rules, no guessing of facts.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import NamedTuple

import msgspec

__all__ = [
    "MAX_GOALS",
    "MAX_LINE",
    "MAX_MINUTE",
    "MAX_STOPPAGE",
    "InvalidDateError",
    "ResultLine",
    "Score",
    "ScoreLineError",
    "Scorer",
    "parse_date",
    "parse_result_line",
    "parse_score",
    "parse_scorer_line",
    "parse_scorers",
]

MAX_GOALS = 99
MAX_MINUTE = 120
MAX_STOPPAGE = 30
# A result line is one match; anything longer is pasted text, and the cap also
# bounds the quadratic search for the score's position.
MAX_LINE = 500
# The longest notes a score can carry, e.g. "(2-2 a.e.t., 4-3 penalties)".
_MAX_EXTRAS = 60
_QUOTE_LIMIT = 80

# Hyphen, the Unicode hyphens and dashes people paste, the minus sign, and colon.
_SEPS = "-\u2010\u2011\u2012\u2013\u2014\u2212:"
_SEP = rf"\s*[{_SEPS}]\s*"
_BASE = re.compile(
    rf"(?P<h>[0-9]+)(?:\s*\((?P<hp>[0-9]+)\))?{_SEP}(?P<a>[0-9]+)(?:\s*\((?P<ap>[0-9]+)\))?"
)
# `(?![^\W_])`: a marker must not run on into a word ("aets", "penguins").
_EXTRA_TOKEN = re.compile(
    rf"""\s*(?:
        (?P<open>\()
      | (?P<close>\))
      | (?P<comma>,)
      | (?P<pair>(?P<ph>[0-9]+){_SEP}(?P<pa>[0-9]+))
      | (?P<aet>a\.?e\.?t\.?)(?![^\W_])
      | (?P<pen>(?:penalties|pens|pen|p)\.?)(?![^\W_])
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_NEGATIVE = re.compile(rf"(?:^\s*|(?<!\S)|[{_SEPS}]\s*)[-\u2212]\s*[0-9]")
_NEGATIVE_IN_LINE = re.compile(rf"(?<!\S)[-\u2212][0-9]+{_SEP}[0-9]|[0-9]{_SEP}[-\u2212]\s*[0-9]")
_SCORE_START = re.compile(r"(?<!\S)[0-9]")
_TOKEN = re.compile(r"\S+")
_QUOTED = re.compile(r'"[^"]*"')
_MINUTE = re.compile(
    r"(?<![^\s,])(?P<min>[0-9]+)(?:\s*\+\s*(?P<st>[0-9]+))?\s*['\u2019\u2032]"
    r"(?P<notes>(?:\s*\([^()]*\))*)(?=$|[\s,])"
)
_NOTE = re.compile(r"\(([^()]*)\)")
_PEN_NOTES = frozenset({"pen", "pen.", "p", "p.", "penalty", "pk"})
_OG_NOTES = frozenset({"o.g.", "o.g", "og", "og.", "own goal"})

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_MONTH_NAMES = {name: n for full, n in _MONTHS.items() for name in (full, full[:3])} | {"sept": 9}
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_MDY_DATE = re.compile(r"([^\W\d_]+)\.? ([0-9]{1,2}),? ([0-9]{4})")
_DMY_DATE = re.compile(r"([0-9]{1,2}) ([^\W\d_]+)\.? ([0-9]{4})")


class ScoreLineError(ValueError):
    """Text a clerk typed that cannot be read; `str()` names the problem and quotes the input.

    `reason` and `text` are kept apart so callers that already show the input
    (the wikitext importer) can use the reason alone.
    """

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(reason, text)
        self.reason = reason
        self.text = text

    def __str__(self) -> str:
        return f"{self.reason}: {_quote(self.text)}"


class InvalidDateError(ScoreLineError):
    """Text shaped like a date that names no calendar day ("February 30, 2014", "Marhc 1, 2014").

    Kept distinct so a document reader can tell a broken date line from prose.
    """


class Score(msgspec.Struct, frozen=True, kw_only=True):
    """A match score exactly as far as the text states it.

    `home`/`away` is the score the clerk typed as the match score. With
    `regulation_known=True` (the default) that is the regulation score (at 90
    minutes, or the match length). A score typed with only an a.e.t. marker
    ("3-2 a.e.t.") states the score after extra time and says nothing about
    regulation; inventing a regulation score would put a false fact in the ledger,
    so such a score has `regulation_known=False`, `after_extra_time=(home, away)`,
    and `home`/`away` still hold the typed (a.e.t.) score. Only "1-1 (2-1 a.e.t.)"
    states both.

    `after_extra_time=None` means no extra-time score was given, not that extra
    time was not played: Wikipedia's "2 (4)-2 (1)" and "1-1 (4-3 p)" carry no
    a.e.t. marker, so the typed score is taken as regulation; a competition that
    plays extra time before penalties must be typed "2-2 a.e.t., 4-1 pen.".

    `penalties` is the shoot-out, never added into the score.
    """

    home: int
    away: int
    after_extra_time: tuple[int, int] | None = None
    penalties: tuple[int, int] | None = None
    regulation_known: bool = True

    def __post_init__(self) -> None:
        # A safety net for values built in code or decoded; the parser reports
        # the same faults with the clerk's text quoted.
        for goals in (
            self.home,
            self.away,
            *(self.after_extra_time or ()),
            *(self.penalties or ()),
        ):
            if not 0 <= goals <= MAX_GOALS:
                raise ValueError(f"goals must be between 0 and {MAX_GOALS}, got {goals}")
        if self.penalties is not None and self.penalties[0] == self.penalties[1]:
            raise ValueError("a penalty shoot-out cannot end level")
        if not self.regulation_known and self.after_extra_time != (self.home, self.away):
            raise ValueError("with regulation unknown, the score must be the a.e.t. score")
        aet = self.after_extra_time
        if aet is not None and (aet[0] < self.home or aet[1] < self.away):
            raise ValueError("the score after extra time cannot be lower than at regulation")


class ResultLine(msgspec.Struct, frozen=True, kw_only=True):
    """A match as "Home 2-1 Away"; names as written, outer quotes dropped, spaces collapsed."""

    home: str
    away: str
    score: Score


class Scorer(msgspec.Struct, frozen=True, kw_only=True):
    """One goal: 90+3' is minute 90, stoppage 3."""

    player: str
    minute: int
    stoppage: int | None = None
    penalty: bool = False
    own_goal: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.minute <= MAX_MINUTE:
            raise ValueError(f"minute must be between 1 and {MAX_MINUTE}, got {self.minute}")
        if self.stoppage is not None and not 1 <= self.stoppage <= MAX_STOPPAGE:
            raise ValueError(f"stoppage must be between 1 and {MAX_STOPPAGE}, got {self.stoppage}")
        if self.penalty and self.own_goal:
            raise ValueError("a goal cannot be both a penalty and an own goal")


# --- helpers -----------------------------------------------------------------


def _quote(text: str) -> str:
    if len(text) > _QUOTE_LIMIT:
        return repr(text[:_QUOTE_LIMIT]) + "..."
    return repr(text)


def _check_text(text: str, *, what: str, max_len: int = MAX_LINE) -> str:
    """Reject what no form accepts, then return the text stripped."""
    for ch in text:
        # Category C covers control, format (zero-width), surrogate, private and
        # unassigned characters: invisible in a terminal, so never in a fact.
        if unicodedata.category(ch).startswith("C"):
            raise ScoreLineError(f"{what} contains control character U+{ord(ch):04X}", text)
    stripped = text.strip()
    if not stripped:
        raise ScoreLineError(f"empty {what}", text)
    if len(stripped) > max_len:
        raise ScoreLineError(f"{what} is longer than {max_len} characters", text)
    return stripped


def _goals(digits: str, text: str) -> int:
    # Checking the length first keeps int() away from huge digit strings.
    if len(digits.lstrip("0")) > len(str(MAX_GOALS)) or int(digits) > MAX_GOALS:
        shown = digits if len(digits) <= 6 else digits[:6] + "..."
        raise ScoreLineError(f"implausible score {shown} (at most {MAX_GOALS} goals)", text)
    return int(digits)


class _Extras(NamedTuple):
    aet_marker: bool = False
    aet_score: tuple[str, str] | None = None
    penalties: tuple[str, str] | None = None

    @property
    def empty(self) -> bool:
        return not self.aet_marker and self.aet_score is None and self.penalties is None


class _RawScore(NamedTuple):
    home: str
    away: str
    home_pens: str | None
    away_pens: str | None
    extras: _Extras


# The item sequences a score's notes may form, in the order they are written.
_EXTRAS_SHAPES = frozenset(
    {(), ("aet",), ("regaet",), ("pens",), ("aet", "pens"), ("regaet", "pens")}
)


def _parse_extras(text: str) -> _Extras | None:
    """Notes after a score: a.e.t. marker and/or shoot-out; None if not notes."""
    tokens: list[tuple[str, tuple[str, str] | None]] = []
    pos = 0
    while text[pos:].strip():
        m = _EXTRA_TOKEN.match(text, pos)
        if m is None:
            return None
        if m["pair"] is not None:
            tokens.append(("pair", (m["ph"], m["pa"])))
        else:
            tokens.append((str(m.lastgroup), None))
        pos = m.end()

    items: list[tuple[str, tuple[str, str] | None]] = []
    in_group = False
    group_start = 0
    i = 0
    while i < len(tokens):
        kind, pair = tokens[i]
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else None
        if kind == "open":
            if in_group:
                return None
            in_group, group_start = True, len(items)
        elif kind == "close":
            if not in_group or len(items) == group_start:
                return None
            in_group = False
        elif kind == "comma":
            prev = tokens[i - 1][0] if i else None
            if prev in ("comma", "open") or nxt in (None, "comma", "close"):
                return None
        elif kind == "aet":
            items.append(("aet", None))
        elif kind == "pair" and nxt == "pen":
            items.append(("pens", pair))
            i += 1
        elif kind == "pair" and nxt == "aet" and in_group:
            # Only inside brackets, "1-1 (2-1 a.e.t.)": bare "1-1 2-1 a.e.t."
            # reads too much like two scores.
            items.append(("regaet", pair))
            i += 1
        else:
            return None
        i += 1
    shape = tuple(kind for kind, _ in items)
    if in_group or shape not in _EXTRAS_SHAPES:
        return None
    found = dict(items)
    return _Extras(
        aet_marker="aet" in found,
        aet_score=found.get("regaet"),
        penalties=found.get("pens"),
    )


def _match_score(text: str) -> _RawScore | None:
    """Syntax only: the whole text is a score with optional notes, or None."""
    m = _BASE.match(text)
    if m is None:
        return None
    extras = _parse_extras(text[m.end() :])
    if extras is None:
        return None
    return _RawScore(m["h"], m["a"], m["hp"], m["ap"], extras)


def _build_score(raw: _RawScore, text: str) -> Score:
    """Meaning checks on a syntactically valid score; errors quote `text`."""
    home, away = _goals(raw.home, text), _goals(raw.away, text)
    penalties: tuple[int, int] | None = None
    if (raw.home_pens is None) != (raw.away_pens is None):
        raise ScoreLineError("penalty score given for one side only", text)
    if raw.home_pens is not None and raw.away_pens is not None:
        penalties = (_goals(raw.home_pens, text), _goals(raw.away_pens, text))
    extras = raw.extras
    if extras.penalties is not None:
        if penalties is not None:
            raise ScoreLineError("penalty shoot-out score given twice", text)
        penalties = (_goals(extras.penalties[0], text), _goals(extras.penalties[1], text))
    if penalties is not None and penalties[0] == penalties[1]:
        raise ScoreLineError("a penalty shoot-out cannot end level", text)
    if extras.aet_marker:
        return Score(
            home=home,
            away=away,
            after_extra_time=(home, away),
            penalties=penalties,
            regulation_known=False,
        )
    aet: tuple[int, int] | None = None
    if extras.aet_score is not None:
        aet = (_goals(extras.aet_score[0], text), _goals(extras.aet_score[1], text))
        if aet[0] < home or aet[1] < away:
            # Extra-time goals add to the regulation score; a drop is a typo.
            raise ScoreLineError("score after extra time is lower than at regulation", text)
    return Score(home=home, away=away, after_extra_time=aet, penalties=penalties)


def parse_score(text: str) -> Score:
    """Read a score: "2-1", "2:1" (also with an en dash), "2 (4)-2 (1)", "1-1 (4-3 p)",
    "1-1 a.e.t., 4-3 pen.", "1-1 (a.e.t.)", "2-2 aet 4-3 pens", "1-1 (2-1 a.e.t.)".

    See `Score` for what an a.e.t.-only score means.
    """
    s = _check_text(text, what="score")
    raw = _match_score(s)
    if raw is None:
        if _NEGATIVE.search(s):
            raise ScoreLineError("negative score", text)
        m = _BASE.match(s)
        if m is not None:
            rest = s[m.end() :].strip()
            raise ScoreLineError(
                f"cannot read {rest!r} after the score (expected a.e.t. or a shoot-out "
                "like '4-3 pen.')",
                text,
            )
        raise ScoreLineError("not a score (expected a form like '2-1')", text)
    return _build_score(raw, text)


# --- result lines --------------------------------------------------------------


class _Reading(NamedTuple):
    """One place the score could stand, and what the line means read that way."""

    start: int
    end: int
    claimed: tuple[tuple[int, int], ...]
    outcome: ResultLine | ScoreLineError


def _mask_quotes(text: str) -> str:
    """Blank quoted names to letters so no score is ever found inside them."""
    if text.count('"') % 2:
        raise ScoreLineError("unbalanced double quote", text)
    return _QUOTED.sub(lambda m: "x" * len(m.group()), text)


def _name_problem(masked: str, side: str) -> str | None:
    if not masked:
        return f"missing {side} team"
    # Names begin with a letter or digit; punctuation next to the score means
    # the score was cut in the wrong place ("A 1 - 2 - 3 B", "A, 2-1 B").
    if not masked[0].isalnum():
        return f"{side} team name cannot start with {masked[0]!r}"
    if not (masked[-1].isalnum() or masked[-1] in ".)'"):
        return f"{side} team name cannot end with {masked[-1]!r}"
    return None


def _team_name(original: str, text: str) -> str:
    name = original.strip()
    if '"' in name:
        inner = name[1:-1]
        if not (name.startswith('"') and name.endswith('"')) or '"' in inner:
            raise ScoreLineError("double quotes must enclose a whole team name", text)
        name = inner
        if not name.strip():
            raise ScoreLineError("empty quoted team name", text)
    return " ".join(name.split())


def _trailing_extras(masked: str, offset: int) -> tuple[int, _Extras] | None:
    """Notes written after the away name: (where they start, notes) or None."""
    # The first token always belongs to the name; the earliest start that
    # parses gives the longest notes.
    for m in list(_TOKEN.finditer(masked, offset))[1:]:
        k = m.start()
        if len(masked) - k > _MAX_EXTRAS:
            continue
        extras = _parse_extras(masked[k:])
        if extras is not None and not extras.empty:
            return k, extras
    return None


def _longest_score(masked: str, start: int, token_ends: list[int]) -> tuple[int, _RawScore] | None:
    base = _BASE.match(masked, start)
    if base is None:
        return None
    # Maximal munch: the longest score-with-notes starting here is the reading
    # for this start, so "1-1 a.e.t." never leaves "a.e.t." to the away name.
    for end in reversed(token_ends):
        if base.end() <= end <= base.end() + _MAX_EXTRAS:
            raw = _match_score(masked[start:end])
            if raw is not None:
                return end, raw
    return None


def _reading_at(text: str, masked: str, start: int, token_ends: list[int]) -> _Reading | None:
    """The reading with the score starting at `start`, or None if no score starts there.

    Raises for a score whose neighbours cannot be team names: that is a wrong
    cut, not a second way to read the line.
    """
    found = _longest_score(masked, start, token_ends)
    if found is None:
        return None
    end, raw = found
    claimed: tuple[tuple[int, int], ...] = ((start, end),)
    away_end = len(masked)
    trailing = _trailing_extras(masked, end)
    if trailing is not None:
        away_end = trailing[0]
        claimed += ((away_end, len(masked)),)
    problem = _name_problem(masked[:start].strip(), "home") or _name_problem(
        masked[end:away_end].strip(), "away"
    )
    if problem:
        raise ScoreLineError(problem, text)
    try:
        if trailing is not None:
            if not raw.extras.empty:
                raise ScoreLineError(
                    "extra-time or shoot-out notes both after the score and at the end", text
                )
            raw = raw._replace(extras=trailing[1])
        score = _build_score(raw, text)
        home = _team_name(text[:start], text)
        away = _team_name(text[end:away_end], text)
        if home.casefold() == away.casefold():
            raise ScoreLineError("the same team is on both sides", text)
    except ScoreLineError as exc:
        return _Reading(start, end, claimed, exc)
    return _Reading(start, end, claimed, ResultLine(home=home, away=away, score=score))


def parse_result_line(text: str) -> ResultLine:
    """Read "Home 2-1 Away"; team names may hold digits and hyphens.

    The score is a score form (see `parse_score`) standing between whitespace
    with a team name on each side. Notes may follow the score ("Home 1-1 (a.e.t.)
    Away", the Wikipedia place) or end the line ("Home 1-1 Away a.e.t., 3-4 pen."),
    not both. A score found inside another reading's score or notes is not a
    separate reading. If the line still reads two ways ("A 1-2 B 3-4 C"), a
    choice would be a guess, so it is refused: quote the names to settle it,
    '"FC 1" 2-1 "3 Kings"'. A reading that fails a meaning check (100 goals)
    still counts as a way to read the line, so a typo never lets the other win.
    """
    s = _check_text(text, what="result line")
    masked = _mask_quotes(s)
    token_ends = [m.end() for m in _TOKEN.finditer(masked)]
    readings: list[_Reading] = []
    wrong_cuts: list[ScoreLineError] = []
    for start in _SCORE_START.finditer(masked):
        try:
            reading = _reading_at(s, masked, start.start(), token_ends)
        except ScoreLineError as exc:
            wrong_cuts.append(exc)
            continue
        if reading is not None:
            readings.append(reading)
    readings = [
        r
        for r in readings
        if not any(
            o is not r and any(lo <= r.start and r.end <= hi for lo, hi in o.claimed)
            for o in readings
        )
    ]
    if len(readings) > 1:
        options = " or ".join(repr(s[r.start : r.end]) for r in readings[:3])
        if len(readings) > 3:
            options += f" (and {len(readings) - 3} more)"
        raise ScoreLineError(
            f"ambiguous result line: the score could be {options}; "
            'wrap team names in double quotes, e.g. \'"FC 1" 2-1 "3 Kings"\'',
            text,
        )
    if readings:
        outcome = readings[0].outcome
        if isinstance(outcome, ScoreLineError):
            raise outcome
        return outcome
    if wrong_cuts:
        raise wrong_cuts[0]
    if _NEGATIVE_IN_LINE.search(masked):
        raise ScoreLineError("negative score in result line", text)
    raise ScoreLineError("no score like 'Home 2-1 Away' found in result line", text)


# --- scorers ---------------------------------------------------------------------


def _scorer(player: str, m: re.Match[str], text: str) -> Scorer:
    minute = int(m["min"]) if len(m["min"]) <= 3 else MAX_MINUTE + 1
    if not 1 <= minute <= MAX_MINUTE:
        raise ScoreLineError(f"minute {m['min']} is outside 1-{MAX_MINUTE}", text)
    stoppage: int | None = None
    if m["st"] is not None:
        stoppage = int(m["st"]) if len(m["st"]) <= 3 else MAX_STOPPAGE + 1
        if not 1 <= stoppage <= MAX_STOPPAGE:
            raise ScoreLineError(f"stoppage time +{m['st']} is outside 1-{MAX_STOPPAGE}", text)
    penalty = own_goal = False
    for note in _NOTE.findall(m["notes"]):
        key = " ".join(note.split()).casefold()
        if key in _PEN_NOTES:
            penalty = True
        elif key in _OG_NOTES:
            own_goal = True
        else:
            raise ScoreLineError(f"unknown goal note ({note}); use (pen.) or (o.g.)", text)
    if penalty and own_goal:
        raise ScoreLineError("a goal cannot be both a penalty and an own goal", text)
    return Scorer(
        player=player, minute=minute, stoppage=stoppage, penalty=penalty, own_goal=own_goal
    )


def parse_scorers(text: str) -> list[Scorer]:
    """Read "Eric Larson 14', Tyler Hurst 48'", "Messi 90+3' (pen.)", "Smith 12' (o.g.)",
    "Ronaldo 3', 67'": one Scorer per goal, in the order written.

    The minute mark (') is required: without it a number could be part of a name.
    """
    s = _check_text(text, what="scorer list")
    scorers: list[Scorer] = []
    player = ""
    pos = 0
    for m in _MINUTE.finditer(s):
        gap = s[pos : m.start()].strip(" ,")
        if gap:
            if not any(ch.isalpha() for ch in gap):
                raise ScoreLineError(f"cannot read {gap!r} as a player name", text)
            player = " ".join(gap.split())
        elif not player:
            raise ScoreLineError("minute without a player name before it", text)
        scorers.append(_scorer(player, m, text))
        pos = m.end()
    rest = s[pos:].strip(" ,")
    if rest:
        if not scorers:
            raise ScoreLineError("no goal minute like 14' or 90+3' in scorer list", text)
        raise ScoreLineError(f"cannot read {rest!r} after the last goal minute", text)
    return scorers


def parse_scorer_line(text: str) -> tuple[str, list[Scorer]]:
    """Read "Sonoma County Sol: Eric Larson 14', Tyler Hurst 48'" into (team, scorers)."""
    s = _check_text(text, what="scorer line")
    team, colon, rest = s.partition(":")
    if not colon:
        raise ScoreLineError("expected 'Team: scorers' but found no ':'", text)
    team = " ".join(team.split())
    if not team:
        raise ScoreLineError("missing team before ':' in scorer line", text)
    if not rest.strip():
        raise ScoreLineError("no scorers after ':' in scorer line", text)
    try:
        scorers = parse_scorers(rest)
    except ScoreLineError as exc:
        raise ScoreLineError(exc.reason, text) from exc
    return team, scorers


# --- dates -----------------------------------------------------------------------


def _month(word: str, text: str) -> int | None:
    """Month number; None if the word is no month-like word at all."""
    key = word.casefold()
    if key in _MONTH_NAMES:
        return _MONTH_NAMES[key]
    if key[:3] in _MONTH_NAMES:
        # "Marhc 1, 2014" is a date with a typo, not prose: report it.
        raise InvalidDateError(f"unknown month name {word!r}", text)
    return None


def parse_date(text: str) -> datetime.date:
    """Read "2014-03-01", "March 1, 2014", "1 March 2014", "Mar 1, 2014", "1 Mar 2014".

    Month names are English and matched without locale (strptime's %B follows the
    process locale). Text shaped like a date that names no real day raises
    `InvalidDateError`; other text raises `ScoreLineError`.
    """
    s = " ".join(_check_text(text, what="date", max_len=40).split())
    year, month, day = 0, None, 0
    if m := _ISO_DATE.fullmatch(s):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _MDY_DATE.fullmatch(s):
        year, month, day = int(m[3]), _month(m[1], text), int(m[2])
    elif m := _DMY_DATE.fullmatch(s):
        year, month, day = int(m[3]), _month(m[2], text), int(m[1])
    if month is None:
        raise ScoreLineError(
            "not a date (expected e.g. '2014-03-01', 'March 1, 2014' or '1 March 2014')", text
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise InvalidDateError("no such calendar date", text) from None

"""Split Wikipedia-style competition result text into sections, matches, tables and prose.

Structure only: dates, result lines and scorer lines are read with ledger.scoreline,
but nothing is given football meaning here; the importer that calls `parse` does that.

Line rules (1-based line numbers, lines split on "\\n" only so numbers match editors):

* "== Title ==": a heading; its level is the number of '=' signs. A level-1
  "= Title =" is the document title and must come before any other content;
  prose before the first other heading goes to a level-1 section with that title.
* a date line (any form `parse_date` reads) must be directly followed by a result
  line; indented "Team: scorers" lines directly below the result belong to it.
* "| a | b |": consecutive such lines form a table; the first row is the header.
* anything else that is not blank is prose.

Every problem in the text is collected before `WikiTextError` is raised, so one
run shows the clerk all of them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence

import msgspec

from ledger.scoreline import (
    InvalidDateError,
    ResultLine,
    ScoreLineError,
    Scorer,
    parse_date,
    parse_result_line,
    parse_scorer_line,
)

__all__ = [
    "Document",
    "MatchEntry",
    "ParseProblem",
    "Section",
    "Table",
    "TableRow",
    "WikiTextError",
    "parse",
]

_HEADING = re.compile(r"(=+)\s*(.*?)\s*(=+)")


class MatchEntry(msgspec.Struct, frozen=True, kw_only=True):
    """A date line, the result line below it, and the scorer lines below that."""

    line_no: int
    date: datetime.date
    date_line_no: int
    result: ResultLine
    # (team as written, its scorers), in the order the lines appear.
    scorers: tuple[tuple[str, tuple[Scorer, ...]], ...] = ()


class TableRow(msgspec.Struct, frozen=True, kw_only=True):
    line_no: int
    cells: tuple[str, ...]


class Table(msgspec.Struct, frozen=True, kw_only=True):
    line_no: int
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]


class Section(msgspec.Struct, frozen=True, kw_only=True):
    """Content under one heading, up to the next heading of any level (sections are flat)."""

    level: int
    title: str
    line_no: int
    prose: tuple[str, ...] = ()
    matches: tuple[MatchEntry, ...] = ()
    tables: tuple[Table, ...] = ()


class Document(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    sections: tuple[Section, ...]


class ParseProblem(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    line_no: int
    line: str
    reason: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line_no}: {self.reason}: {self.line!r}"


class WikiTextError(ValueError):
    """Every problem found in one document, in line order."""

    def __init__(self, problems: Sequence[ParseProblem]) -> None:
        super().__init__(tuple(problems))
        self.problems: tuple[ParseProblem, ...] = tuple(problems)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class _SectionBuilder:
    def __init__(self, *, level: int, title: str, line_no: int) -> None:
        self.level, self.title, self.line_no = level, title, line_no
        self.prose: list[str] = []
        self.matches: list[MatchEntry] = []
        self.tables: list[Table] = []

    def build(self) -> Section:
        return Section(
            level=self.level,
            title=self.title,
            line_no=self.line_no,
            prose=tuple(self.prose),
            matches=tuple(self.matches),
            tables=tuple(self.tables),
        )


def _is_heading(s: str) -> bool:
    return s.startswith("=")


def _is_table(s: str) -> bool:
    return s.startswith("|")


def _is_date(s: str) -> bool:
    try:
        parse_date(s)
    except InvalidDateError:
        return True
    except ScoreLineError:
        return False
    return True


def _is_indented(raw: str) -> bool:
    return raw[:1] in (" ", "\t") and bool(raw.strip())


class _Parser:
    def __init__(self, text: str, filename: str) -> None:
        self.filename = filename
        # Only "\n" ends a line: str.splitlines() also splits on form feeds and
        # U+2028, which would shift every later line number.
        self.lines = [line.removesuffix("\r") for line in text.removeprefix("\ufeff").split("\n")]
        self.problems: list[ParseProblem] = []
        self.title = ""
        self.sections: list[_SectionBuilder] = []

    def problem(self, index: int, reason: str) -> None:
        self.problems.append(
            ParseProblem(
                filename=self.filename,
                line_no=index + 1,
                line=self.lines[index],
                reason=reason,
            )
        )

    def section(self, index: int) -> _SectionBuilder:
        if not self.sections:
            # Content before any heading: the title's section, untitled if none.
            self.sections.append(_SectionBuilder(level=1, title="", line_no=index + 1))
        return self.sections[-1]

    def run(self) -> Document:
        i = 0
        after_match = False
        while i < len(self.lines):
            raw = self.lines[i]
            s = raw.strip()
            if not s:
                i, after_match = i + 1, False
            elif _is_heading(s):
                self.heading(i, s)
                i, after_match = i + 1, False
            elif _is_table(s):
                i, after_match = self.table(i), False
            elif _is_date(s):
                i, after_match = self.match(i)
            else:
                self.prose(i, raw, s, after_match=after_match)
                i, after_match = i + 1, False
        if self.problems:
            raise WikiTextError(self.problems)
        return Document(title=self.title, sections=tuple(b.build() for b in self.sections))

    def heading(self, i: int, s: str) -> None:
        m = _HEADING.fullmatch(s)
        if m is None:
            self.problem(i, "malformed heading (expected '== Title ==')")
            return
        left, title, right = m.groups()
        if len(left) != len(right):
            self.problem(
                i, f"heading has {len(left)} '=' on the left but {len(right)} on the right"
            )
            return
        if not title:
            self.problem(i, "heading has no title")
            return
        if len(left) == 1:
            if self.sections:
                self.problem(i, "the '= Title =' heading must come first and only once")
                return
            self.title = title
        self.sections.append(_SectionBuilder(level=len(left), title=title, line_no=i + 1))

    def table(self, i: int) -> int:
        """Read the table starting at line i; return the index after it."""
        start = i
        header: tuple[str, ...] | None = None
        rows: list[TableRow] = []
        while i < len(self.lines) and _is_table(s := self.lines[i].strip()):
            if len(s) < 2 or not s.endswith("|"):
                self.problem(i, "table row must start and end with '|'")
            else:
                cells = tuple(cell.strip() for cell in s[1:-1].split("|"))
                if header is None:
                    header = cells
                elif len(cells) != len(header):
                    self.problem(
                        i, f"table row has {len(cells)} cells but the header has {len(header)}"
                    )
                else:
                    rows.append(TableRow(line_no=i + 1, cells=cells))
            i += 1
        if header is not None:
            self.section(start).tables.append(
                Table(line_no=start + 1, header=header, rows=tuple(rows))
            )
        return i

    def match(self, i: int) -> tuple[int, bool]:
        """Read the match whose date is on line i; return the next index and
        whether a match block was read (so a stray result line after it is caught)."""
        date: datetime.date | None = None
        try:
            date = parse_date(self.lines[i].strip())
        except ScoreLineError as exc:
            # Keep going: the result and scorer lines below get checked too.
            self.problem(i, exc.reason)
        j = i + 1
        nxt = self.lines[j].strip() if j < len(self.lines) else ""
        if not nxt or _is_heading(nxt) or _is_table(nxt) or _is_date(nxt):
            self.problem(i, "date line is not followed by a result line")
            return j, False
        result: ResultLine | None = None
        try:
            result = parse_result_line(nxt)
        except ScoreLineError as exc:
            self.problem(j, exc.reason)
        k = j + 1
        scorers: list[tuple[str, tuple[Scorer, ...]]] = []
        # Scorer lines of a broken result are still checked, and never become prose.
        while k < len(self.lines) and _is_indented(self.lines[k]):
            try:
                team, goals = parse_scorer_line(self.lines[k].strip())
            except ScoreLineError as exc:
                self.problem(k, exc.reason)
            else:
                scorers.append((team, tuple(goals)))
            k += 1
        if date is not None and result is not None:
            self.section(i).matches.append(
                MatchEntry(
                    line_no=j + 1,
                    date=date,
                    date_line_no=i + 1,
                    result=result,
                    scorers=tuple(scorers),
                )
            )
        return k, True

    def prose(self, i: int, raw: str, s: str, *, after_match: bool) -> None:
        # Prose never gets read as results in general ("Cal FC won 2-1 in the
        # final." would parse), but right below a match a result or scorer line
        # is far likelier to be a missing date or indent than a sentence, and
        # silently keeping it as prose would drop a match or goals.
        if after_match and not _is_indented(raw):
            if _parses(parse_result_line, s):
                self.problem(i, "result line has no date line above it")
                return
            if _parses(parse_scorer_line, s):
                self.problem(i, "scorer line must be indented below its result line")
                return
        elif _is_indented(raw) and _parses(parse_scorer_line, s):
            self.problem(i, "scorer line is not directly below a result line")
            return
        self.section(i).prose.append(s)


def _parses(reader: Callable[[str], object], s: str) -> bool:
    try:
        reader(s)
    except ScoreLineError:
        return False
    return True


def parse(text: str, *, filename: str = "<text>") -> Document:
    """Parse a whole document; raise `WikiTextError` listing every problem found."""
    return _Parser(text, filename).run()

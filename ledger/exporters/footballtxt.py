"""A competition as Football.TXT, the openfootball text format `ledger import` reads.

Group stages become group definitions and `▪ Group X` sections; knockout stages
`▪ Round` sections. What the format has no words for is kept as `#` comments
the importer skips: byes, a match length other than 90 minutes, a tie decided
by a method the source does not give, a result known only by its winner,
forfeits, voids, cancellations and fixtures whose sides are still slots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from events.base import Goals
from ledger.exporters.common import Reading, result_source
from projections.views import BracketMatch


def _goals(g: Goals) -> str:
    return f"{g.home}-{g.away}"


def score_text(m: BracketMatch) -> str | None:
    """`2-1`, `1-1 a.e.t. (1-1)`, `1-1 a.e.t. (1-1), 4-5 pen.`; None without a score."""
    if m.regulation is None and m.after_extra_time is None:
        return None
    if m.after_extra_time is not None:
        text = f"{_goals(m.after_extra_time)} a.e.t."
        if m.regulation is not None:
            text += f" ({_goals(m.regulation)})"
    else:
        assert m.regulation is not None
        text = _goals(m.regulation)
    if m.penalties is not None:
        text += f", {_goals(m.penalties)} pen."
    return text


def _match_lines(reading: Reading, matches: Iterable[BracketMatch]) -> list[str]:
    lines: list[str] = []
    day = None
    width = max((len(m.home or "") for m in matches), default=0)
    for m in sorted(matches, key=lambda m: (m.status == "bye", m.date or dt.date.max)):
        if m.status == "bye":
            lines.append(f"  # bye: {m.home} through the {m.round}")
            continue
        notes = []
        if m.match_minutes != 90:
            notes.append(f"{m.match_minutes}-minute match")
        fixture = f"{m.fixture}: " if m.fixture else ""
        if m.home_team is None or m.away_team is None:
            lines.append(f"  # {fixture}{m.home} v {m.away}: {m.how}")
            continue
        score = score_text(m)
        if m.status in ("forfeit", "void", "cancelled") or (score is None and m.winner):
            lines.append(f"  # {fixture}{m.home} v {m.away}: {m.how} ({result_source(reading, m)})")
            continue
        if m.date is not None and m.date != day:
            day = m.date
            lines.append(m.date.isoformat())
        if m.fixture in reading.unknown_methods:
            notes.append(
                f"{m.winner} went through; the source does not say how "
                f"({reading.unknown_methods[m.fixture or '']})"
            )
        middle = score if score is not None else "v"
        line = f"  {(m.home or '').ljust(width)}  {middle}  {m.away}"
        lines.append(line + (f"   # {'; '.join(notes)}" if notes else ""))
    return lines


def football_txt(reading: Reading) -> str:
    out = [
        f"= {reading.name}",
        "",
        f"# Written by `ledger export --format football.txt` ({reading.slug}).",
    ]
    for stage in reading.stages:
        out += ["", "", "#" * 25, f"# {stage.name} ({stage.slug}, {stage.format})"]
        matches = reading.matches[stage.slug]
        if stage.format == "group":
            table = reading.tables.get(stage.slug, [])
            groups = list(dict.fromkeys(r.group for r in table))
            out.append("")
            for group in groups:
                teams = [r.team for r in table if r.group == group]
                out.append(f"Group {group}  |  " + "  ".join(teams))
            for group in groups:
                members = {r.team for r in table if r.group == group}
                mine = [m for m in matches if m.home_team in members and m.away_team in members]
                out += ["", f"▪ Group {group}", *_match_lines(reading, mine)]
            continue
        if not matches:
            out.append("# no fixtures recorded")
            continue
        for round_name in dict.fromkeys(m.round or "Matches" for m in matches):
            mine = [m for m in matches if (m.round or "Matches") == round_name]
            out += ["", f"▪ {round_name}", *_match_lines(reading, mine)]
    return "\n".join(out) + "\n"

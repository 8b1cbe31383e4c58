"""A competition as Football.TXT, the openfootball text format `ledger import` reads.

Each stage is a section opened by `# stage: SLUG | NAME | FORMAT | rounds: ... |
feeds from: ...`; group stages hold group definitions and `▪ Group X` sections,
knockout stages `▪ Round` sections. What the format has no words for is kept as
`#` comments other readers skip and the importer reads back: byes (`# bye:`), a
match length other than 90 minutes, a tie decided by a method the source does
not give (`# advanced: TEAM (method unknown; source: ...)`) and the slots of a
fixture still to be played (`W STAGE`, `W ID` with `# fixture: ID` on the match
it names, `1A`). A result known only by its winner, forfeits, voids,
cancellations and slots that cannot be written stay plain comments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

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


_FIXTURE_SLOT = re.compile(r"^(winner|loser) of .* \((?P<fixture>[^()]+)\)$")
_PLACE_SLOT = re.compile(r"^(?P<stage>.+?) (?P<group>[A-Z]), (?P<place>[1-9])(?:st|nd|rd|th)$")


def slot_token(reading: Reading, text: str) -> str | None:
    """A slot as the importer reads it: `W swc-sf-1` / `L swc-sf-1` for the winner or
    loser of a fixture, `W norcal` for the winner of a stage, `1A` for a group place."""
    if found := _FIXTURE_SLOT.match(text):
        return f"{'W' if found[1] == 'winner' else 'L'} {found['fixture']}"
    by_name = {s.name: s for s in reading.stages}
    if text.startswith("winner of ") and (stage := by_name.get(text.removeprefix("winner of "))):
        return f"W {stage.slug}"
    if (found := _PLACE_SLOT.match(text)) and found["stage"] in by_name:
        return f"{found['place']}{found['group']}"
    return None


def _referenced(reading: Reading) -> set[str]:
    """The fixtures an unplayed fixture's slot names, which carry a `# fixture:` note."""
    out: set[str] = set()
    for matches in reading.matches.values():
        for m in matches:
            for team, text in ((m.home_team, m.home), (m.away_team, m.away)):
                if team is None and text and (found := _FIXTURE_SLOT.match(text)):
                    out.add(found["fixture"])
    return out


def _match_lines(
    reading: Reading, matches: Iterable[BracketMatch], referenced: AbstractSet[str] = frozenset()
) -> list[str]:
    lines: list[str] = []
    day = None
    width = max((len(m.home or "") for m in matches), default=0)
    for m in sorted(matches, key=lambda m: (m.status == "bye", m.date or dt.date.min)):
        if m.status == "bye":
            lines.append(f"  # bye: {m.home} through the {m.round}")
            continue
        notes = []
        if m.match_minutes != 90:
            notes.append(f"{m.match_minutes}-minute match")
        if m.fixture in referenced:
            notes.append(f"fixture: {m.fixture}")
        fixture = f"{m.fixture}: " if m.fixture else ""
        if m.home_team is None or m.away_team is None:
            home = m.home_team or slot_token(reading, m.home or "")
            away = m.away_team or slot_token(reading, m.away or "")
            if m.status != "scheduled" or home is None or away is None:
                lines.append(f"  # {fixture}{m.home} v {m.away}: {m.how}")
                continue
            if m.date is not None and m.date != day:
                day = m.date
                lines.append(m.date.isoformat())
            notes.append(f"{m.home} v {m.away}")
            lines.append(f"  {home.ljust(width)}  v  {away}   # {'; '.join(notes)}")
            continue
        score = score_text(m)
        if m.status in ("forfeit", "void", "cancelled") or (score is None and m.winner):
            lines.append(f"  # {fixture}{m.home} v {m.away}: {m.how} ({result_source(reading, m)})")
            continue
        if m.date is not None and m.date != day:
            day = m.date
            lines.append(m.date.isoformat())
        middle = score if score is not None else "v"
        line = f"  {(m.home or '').ljust(width)}  {middle}  {m.away}"
        lines.append(line + (f"   # {'; '.join(notes)}" if notes else ""))
        if m.fixture in reading.unknown_methods:
            lines.append(
                f"  # advanced: {m.winner} (method unknown; source: "
                f"{reading.unknown_methods[m.fixture or '']})"
            )
    return lines


def football_txt(reading: Reading) -> str:
    out = [
        f"= {reading.name}",
        "",
        f"# Written by `ledger export --format football.txt` ({reading.slug}).",
    ]
    referenced = _referenced(reading)
    for stage in reading.stages:
        mark = [stage.slug, stage.name, stage.format]
        if stage.format == "knockout" and stage.rounds:
            mark.append("rounds: " + ", ".join(stage.rounds))
        if stage.feeds_from:
            mark.append("feeds from: " + ", ".join(stage.feeds_from))
        out += ["", "", "#" * 25, "# stage: " + " | ".join(mark)]
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
                out += ["", f"▪ Group {group}", *_match_lines(reading, mine, referenced)]
            continue
        if not matches:
            out.append("# no fixtures recorded")
            continue
        for round_name in dict.fromkeys(m.round or "Matches" for m in matches):
            mine = [m for m in matches if (m.round or "Matches") == round_name]
            out += ["", f"▪ {round_name}", *_match_lines(reading, mine, referenced)]
    return "\n".join(out) + "\n"

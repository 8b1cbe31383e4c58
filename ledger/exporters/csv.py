"""Results and standings as CSV, for spreadsheets.

`results`: one row per match (byes included), regulation, extra-time and
shoot-out scores in their own columns, the status and the source.
`standings`: one row per team per group of every group stage.
"""

from __future__ import annotations

import csv
import io

from ledger.exporters.common import Reading, result_source

RESULT_COLUMNS = (
    "stage",
    "round",
    "fixture",
    "date",
    "home",
    "away",
    "home_goals",
    "away_goals",
    "home_goals_aet",
    "away_goals_aet",
    "home_penalties",
    "away_penalties",
    "winner",
    "status",
    "how",
    "match_minutes",
    "source",
)

STANDING_COLUMNS = (
    "stage",
    "group",
    "position",
    "shared",
    "team",
    "played",
    "won",
    "drawn",
    "lost",
    "goals_for",
    "goals_against",
    "goal_difference",
    "points",
    "fair_play",
    "tiebreak",
    "complete",
)


def _text(rows: list[dict[str, object]], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def results_csv(reading: Reading) -> str:
    rows: list[dict[str, object]] = []
    for stage in reading.stages:
        for m in reading.matches[stage.slug]:
            reg, aet, pens = m.regulation, m.after_extra_time, m.penalties
            rows.append(
                {
                    "stage": stage.slug,
                    "round": m.round or "",
                    "fixture": m.fixture or "",
                    "date": m.date.isoformat() if m.date else "",
                    "home": m.home or "",
                    "away": m.away or "",
                    "home_goals": reg.home if reg else None,
                    "away_goals": reg.away if reg else None,
                    "home_goals_aet": aet.home if aet else None,
                    "away_goals_aet": aet.away if aet else None,
                    "home_penalties": pens.home if pens else None,
                    "away_penalties": pens.away if pens else None,
                    "winner": m.winner or "",
                    "status": m.status,
                    "how": m.how,
                    "match_minutes": m.match_minutes,
                    "source": result_source(reading, m),
                }
            )
    return _text(rows, RESULT_COLUMNS)


def standings_csv(reading: Reading) -> str:
    rows: list[dict[str, object]] = []
    for table in reading.tables.values():
        for r in table:
            rows.append(
                {
                    "stage": r.stage,
                    "group": r.group,
                    "position": r.position,
                    "shared": "yes" if r.shared_with else "",
                    "team": r.team,
                    "played": r.played,
                    "won": r.won,
                    "drawn": r.drawn,
                    "lost": r.lost,
                    "goals_for": r.goals_for,
                    "goals_against": r.goals_against,
                    "goal_difference": r.goal_difference,
                    "points": r.points,
                    "fair_play": r.fair_play,
                    "tiebreak": r.tiebreak,
                    "complete": "yes" if r.complete else "no",
                }
            )
    return _text(rows, STANDING_COLUMNS)

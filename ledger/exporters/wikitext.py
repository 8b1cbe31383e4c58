"""A competition as Wikipedia-style text, in the shape of the seed article.

One `==` section per qualification path (its berths and declared qualifiers in
the article's own sentences and table), one `===` section per stage with its
matches under `==== Matches ====` as "Month D, YYYY" and "Home 2-1 Away" lines.
"""

from __future__ import annotations

from ledger.exporters.common import Reading
from ledger.exporters.footballtxt import score_text
from projections.qualifiers import PathSummary, QualifierEntry
from projections.views import StageRow

NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def _count(n: int) -> str:
    return NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)


def _date(day: object) -> str:
    import datetime as dt

    assert isinstance(day, dt.date)
    return f"{day:%B} {day.day}, {day.year}"


def _path_prose(summary: PathSummary, entries: list[QualifierEntry]) -> list[str]:
    lines: list[str] = []
    if summary.berths is not None:
        spots = "spot" if summary.berths == 1 else "spots"
        count = _count(summary.berths)
        sentence = f"Based on the {summary.name} retaining their {count} qualification {spots}"
        if not summary.allocation_confirmed:
            body = summary.governing_body or "the governing body"
            sentence += f", although this has yet to be confirmed by {body}"
        lines += [sentence + ".", ""]
    declared = [e for e in entries if e.team and not e.slot]
    regional = [e for e in declared if e.region]
    plain = [e for e in declared if not e.region]
    if plain:
        lines += ["The qualifiers are " + ", ".join(e.team or "" for e in plain), ""]
    if regional:
        lines.append("| Region | Qualification method | Qualified team |")
        lines += [f"| {e.region} | {e.method} | {e.team} |" for e in regional]
        lines.append("")
    return lines


def _prose_route(reading: Reading, slugs: list[str]) -> tuple[list[str], list[str]]:
    """A route not yet played, in the article's own sentences: a hosted tournament
    (no matches yet) whose winner meets a team in a play-in. The sentences, and the
    stages they tell (left out as sections of their own)."""
    stages: dict[str, StageRow] = {s.slug: s for s in reading.stages if s.slug in slugs}
    for play_in in stages.values():
        if play_in.rounds != ["Play-in"] or len(play_in.feeds_from) != 1:
            continue
        tournament = stages.get(play_in.feeds_from[0])
        matches = reading.matches[play_in.slug]
        if tournament is None or not tournament.name.endswith(" tournament"):
            continue
        if reading.matches[tournament.slug] or len(matches) != 1:
            continue
        (match,) = matches
        if match.status != "scheduled" or not match.home_team or match.away_team:
            continue
        host = tournament.name.removesuffix(" tournament")
        opened = "; entries are still open" if tournament.entries_open else ""
        lines = [f"{host} will host a tournament{opened}."]
        teams = reading.entrants.get(tournament.slug, [])
        if teams:
            lines.append(f"{' & '.join(teams)} have already signed up.")
        seed = reading.seeds.get(play_in.slug, {}).get(match.home_team)
        seeded = f"No. {seed} seed " if seed is not None else ""
        lines.append(
            "The winner of this tournament will play a Play-In match against "
            f"{seeded}{match.home_team}."
        )
        return [" ".join(lines), ""], [tournament.slug, play_in.slug]
    return [], []


def wiki_text(reading: Reading, summaries: list[PathSummary], entries: list[QualifierEntry]) -> str:
    out = [f"= {reading.name} =", ""]
    stages_by_path: dict[str | None, list[str]] = {}
    for stage in reading.stages:
        stages_by_path.setdefault(stage.path, []).append(stage.slug)
    names = {s.slug: s for s in reading.stages}
    paths = [(s.path, s.name, s) for s in summaries]
    if None in stages_by_path:
        paths.append((None, "Other stages", None))  # type: ignore[arg-type]
    for slug, name, summary in paths:
        mine = stages_by_path.get(slug, [])
        if summary is not None and summary.entries == 0 and not mine:
            continue
        out += [f"== {name} ==", ""]
        if summary is not None:
            out += _path_prose(summary, [e for e in entries if e.path == slug])
        route, told = _prose_route(reading, mine) if slug is not None else ([], [])
        out += route
        for stage_slug in (s for s in mine if s not in told):
            stage = names[stage_slug]
            out += [f"=== {stage.name} ===", ""]
            matches = reading.matches[stage_slug]
            byes = [m.home for m in matches if m.status == "bye"]
            if byes:
                out += [f"{' and '.join(b or '' for b in byes)} receiving first round byes.", ""]
            if stage.match_minutes != 90:
                out += [f"All games are shortened {stage.match_minutes}-minute games.", ""]
            played = [m for m in matches if m.status != "bye" and m.home_team and m.away_team]
            if not played:
                continue
            out += ["==== Matches ====" if stage.format == "knockout" else "", ""]
            for m in played:
                score = score_text(m)
                if m.date is not None:
                    out.append(_date(m.date))
                out.append(f"{m.home} {score or 'v'} {m.away}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"

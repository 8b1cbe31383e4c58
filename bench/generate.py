"""A generated national season, written through the public Python API.

    .venv/bin/python bench/generate.py --db season.db --events 1000000 [--seed 2024] [--big-league]

Every competition is one `Ledger.execute` of the commands a clerk would give:

- leagues: double round-robins of 8-20 teams, the whole fixture list scheduled at
  the start of the season and each matchday's results recorded after it; a few
  results arrive late (after later matchdays), a few are corrected, a few voided
  (abandoned) and recorded again when replayed;
- cups: knockouts of a non-power-of-two field, so the top seeds get byes into the
  second round; drawn ties go to extra time, penalties, a separately reported
  shoot-out (`DecideAdvancement`) or a replay;
- regional championships: groups of four feeding a knockout through group places;
- qualification competitions: paths with unconfirmed berth allocations, provisional
  qualifiers, and a play-off whose final fills a berth (`FillSlot`);
- the bundled 2014 U.S. Open Cup qualification, so reads of it can be compared
  between ledgers of different sizes;
- with `--big-league`, one 80-team double round-robin (6,320 matches).

Everything is decided by the seed; event ids come from it too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from events.base import Goals, GroupPlace, Score, Side, TeamSide, WinnerOf
from ledger.cli_io import bundled_text
from ledger.commands import (
    ChangeBerths,
    Command,
    CorrectResult,
    CreateCompetition,
    CreateStage,
    DecideAdvancement,
    DeclareQualifier,
    DefineGroup,
    DefinePath,
    EnterTeams,
    FillSlot,
    GrantBye,
    Meta,
    RecordResult,
    ScheduleFixture,
    VoidResult,
)
from ledger.script import run_script
from ledger.service import Ledger

SEASON_START = dt.date(2024, 8, 3)
SOURCE = "federation season report"

_PLACES = (
    "Ashford",
    "Barrow",
    "Carlton",
    "Dunmore",
    "Elmstead",
    "Fairhaven",
    "Glenrock",
    "Hollins",
    "Ivybridge",
    "Juniper",
    "Kingsley",
    "Larkhill",
    "Marston",
    "Norbury",
    "Oakvale",
    "Pemberton",
    "Quarrydale",
    "Redcliffe",
    "Stanmore",
    "Thornbury",
    "Upton",
    "Valemount",
    "Westbury",
    "Yarrow",
    "Zennor",
    "Alder",
    "Bramley",
    "Colwick",
    "Dunham",
    "Eastleigh",
    "Fernhill",
    "Greystone",
    "Harrow",
    "Inglewood",
    "Kestrel",
    "Linford",
    "Millbrook",
    "Newstead",
    "Otterburn",
    "Penrose",
)
_KINDS = (
    "United",
    "Athletic",
    "Town",
    "City",
    "Rovers",
    "Wanderers",
    "Albion",
    "FC",
    "Sporting",
    "Rangers",
)


# --- one competition as commands ----------------------------------------------------


@dataclass
class Competition:
    """The commands of one competition, and what the generator knows it should read."""

    slug: str
    kind: str  # league, cup, championship, qualification, script
    commands: list[Command]
    teams: int = 0
    complete: bool = True
    champion: str | None = None
    stages: dict[str, str] = field(default_factory=dict)  # stage slug -> format


def club_names(rng: random.Random, count: int, prefix: str) -> list[str]:
    """`count` distinct club names, unique within a competition."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(_PLACES)} {rng.choice(_KINDS)}"
        if name in seen:
            name = f"{name} {prefix}{len(names)}"
        seen.add(name)
        names.append(name)
    return names


def goals(rng: random.Random) -> Goals:
    home = rng.choices(range(6), weights=(24, 33, 23, 12, 6, 2))[0]
    away = rng.choices(range(5), weights=(32, 34, 21, 9, 4))[0]
    return Goals(home, away)


def round_robin(teams: list[str]) -> list[list[tuple[str, str]]]:
    """Matchdays of a double round-robin by the circle method (a bye for odd fields)."""
    field_: list[str | None] = list(teams)
    if len(field_) % 2:
        field_.append(None)
    n = len(field_)
    first: list[list[tuple[str, str]]] = []
    for day in range(n - 1):
        pairs: list[tuple[str, str]] = []
        for i in range(n // 2):
            a, b = field_[i], field_[n - 1 - i]
            if a is None or b is None:
                continue
            pairs.append((a, b) if (day + i) % 2 == 0 else (b, a))
        first.append(pairs)
        field_ = [field_[0], field_[-1], *field_[1:-1]]
    return first + [[(b, a) for a, b in day] for day in first]


def league(
    slug: str,
    teams: int,
    rng: random.Random,
    *,
    name: str | None = None,
    start: dt.date = SEASON_START,
    unplayed_rounds: int = 0,
    late: float = 0.03,
    corrected: float = 0.01,
    voided: float = 0.005,
) -> Competition:
    """A double round-robin: every fixture scheduled up front, results matchday by
    matchday; some late, some corrected, some voided and replayed. The last
    `unplayed_rounds` matchdays stay scheduled but unplayed."""
    names = club_names(rng, teams, "L")
    cmds: list[Command] = [
        CreateCompetition(slug=slug, name=name or slug, season="2024-25", on=start, source=SOURCE),
        CreateStage(
            slug="table",
            name="League table",
            format="group",
            preset="points-gd-gf",
            on=start,
            source=SOURCE,
        ),
        EnterTeams(stage="table", teams=tuple(names), on=start, source=SOURCE),
    ]
    days = round_robin(names)
    fixtures: list[list[tuple[str, str, str, dt.date]]] = []
    for d, pairs in enumerate(days):
        kickoff = start + dt.timedelta(days=7 * (d + 1))
        matchday = []
        for i, (home, away) in enumerate(pairs):
            fixture = f"md{d + 1}-{i + 1}"
            matchday.append((fixture, home, away, kickoff))
            cmds.append(
                ScheduleFixture(
                    stage="table",
                    home=TeamSide(home),
                    away=TeamSide(away),
                    fixture=fixture,
                    kickoff=kickoff,
                    on=start,
                    source=SOURCE,
                )
            )
        fixtures.append(matchday)
    played = len(fixtures) - unplayed_rounds
    deferred: list[tuple[int, RecordResult]] = []  # (matchday it arrives after, result)
    for d, matchday in enumerate(fixtures[:played]):
        after: list[Command] = []
        for fixture, home, away, kickoff in matchday:
            result = RecordResult(
                stage="table",
                home=home,
                away=away,
                score=Score(regulation=goals(rng)),
                fixture=fixture,
                on=kickoff,
                source=SOURCE,
            )
            roll = rng.random()
            if roll < late:
                deferred.append((d + rng.randint(1, 3), result))
                continue
            cmds.append(result)
            if roll < late + corrected:
                new = goals(rng)
                if new != result.score.regulation:
                    after.append(
                        CorrectResult(
                            target=fixture,
                            score=Score(regulation=new),
                            reason="referee's report",
                            on=kickoff + dt.timedelta(days=2),
                            source=SOURCE,
                        )
                    )
            elif roll < late + corrected + voided:
                after.append(
                    VoidResult(
                        target=fixture,
                        reason="abandoned (floodlight failure); to be replayed",
                        on=kickoff + dt.timedelta(days=1),
                        source=SOURCE,
                    )
                )
                after.append(
                    RecordResult(
                        stage="table",
                        home=home,
                        away=away,
                        score=Score(regulation=goals(rng)),
                        fixture=fixture,
                        on=kickoff + dt.timedelta(days=3),
                        source=SOURCE,
                        note="replayed",
                    )
                )
        cmds.extend(after)
        cmds.extend(r for due, r in deferred if due == d)
        deferred = [(due, r) for due, r in deferred if due != d]
    cmds.extend(r for _, r in deferred)
    return Competition(
        slug,
        "league",
        cmds,
        teams=teams,
        complete=unplayed_rounds == 0,
        stages={"table": "group"},
    )


def round_names(size: int) -> list[str]:
    """Round names of a bracket for `size` (a power of two) slots."""
    out: list[str] = []
    while size >= 2:
        out.append(
            {2: "Final", 4: "Semi-finals", 8: "Quarter-finals"}.get(size, f"Round of {size}")
        )
        size //= 2
    return out


class Knockout:
    """Builds a knockout stage's commands and plays it out, tie by tie."""

    def __init__(
        self,
        stage: str,
        entrants: int,
        rng: random.Random,
        start: dt.date,
        cmds: list[Command],
        *,
        replays: bool = True,
    ) -> None:
        self.stage, self.rng, self.start, self.cmds = stage, rng, start, cmds
        self.replays = replays
        size = 1
        while size < entrants:
            size *= 2
        self.size = size
        self.rounds = round_names(size)
        self.winners: dict[str, str] = {}  # fixture -> team through
        self.sides: dict[str, tuple[Side, Side]] = {}
        self.schedule: list[list[str]] = []  # fixture ids per round
        self.final = ""

    def kickoff(self, rnd: int) -> dt.date:
        return self.start + dt.timedelta(days=14 * (rnd + 1))

    def _fixture(self, rnd: int, home: Side, away: Side, fixture: str) -> None:
        self.sides[fixture] = (home, away)
        self.cmds.append(
            ScheduleFixture(
                stage=self.stage,
                home=home,
                away=away,
                round=self.rounds[rnd],
                fixture=fixture,
                kickoff=self.kickoff(rnd),
                on=self.start,
                source=SOURCE,
            )
        )

    def draw(self, entrants: list[Side]) -> None:
        """Schedule the whole bracket (teams or slots such as group places); the
        first entrants, the seeds, get byes when the field is short."""
        byes = self.size - len(entrants)
        seeded, rest = entrants[:byes], entrants[byes:]
        r1: list[str] = []
        for i in range(0, len(rest), 2):
            fixture = f"{self.stage}-r1-{i // 2 + 1}"
            self._fixture(0, rest[i], rest[i + 1], fixture)
            r1.append(fixture)
        self.schedule.append(r1)
        if len(self.rounds) == 1:
            self.final = r1[0]
            return
        slots: list[Side] = [*seeded, *(WinnerOf(f) for f in r1)]
        # Interleave so a seeded team meets a first-round winner where it can.
        order = [s for pair in zip(seeded, reversed(slots[byes:]), strict=False) for s in pair]
        order += [s for s in slots[byes:] if s not in order]
        order += [s for s in seeded if s not in order]
        for rnd in range(1, len(self.rounds)):
            fixtures: list[str] = []
            nxt: list[Side] = []
            for i in range(0, len(order), 2):
                fixture = f"{self.stage}-r{rnd + 1}-{i // 2 + 1}"
                self._fixture(rnd, order[i], order[i + 1], fixture)
                fixtures.append(fixture)
                nxt.append(WinnerOf(fixture))
            self.schedule.append(fixtures)
            order = nxt
        self.final = self.schedule[-1][0]
        for fixture in self.schedule[1]:
            for side in self.sides[fixture]:
                if isinstance(side, TeamSide):
                    self.cmds.append(
                        GrantBye(
                            stage=self.stage,
                            team=side.team,
                            round=self.rounds[0],
                            into=fixture,
                            on=self.start,
                            source=SOURCE,
                        )
                    )

    def team(self, side: Side, places: dict[tuple[str, int], str]) -> str:
        if isinstance(side, TeamSide):
            return side.team
        if isinstance(side, WinnerOf):
            return self.winners[side.fixture]
        assert isinstance(side, GroupPlace)
        return places[(side.group, side.place)]

    def play(self, places: dict[tuple[str, int], str] | None = None) -> str:
        """Record every tie round by round; returns the champion."""
        for rnd, fixtures in enumerate(self.schedule):
            for fixture in fixtures:
                home, away = (self.team(s, places or {}) for s in self.sides[fixture])
                self.winners[fixture] = self._tie(rnd, fixture, home, away)
        return self.winners[self.final]

    def _tie(self, rnd: int, fixture: str, home: str, away: str) -> str:
        rng, day = self.rng, self.kickoff(rnd)
        reg = goals(rng)
        if reg.home == reg.away and rng.random() < 0.6:
            reg = (
                Goals(reg.home + 1, reg.away)
                if rng.random() < 0.55
                else Goals(reg.home, reg.away + 1)
            )

        def result(score: Score) -> None:
            self.cmds.append(
                RecordResult(
                    stage=self.stage,
                    home=home,
                    away=away,
                    score=score,
                    round=self.rounds[rnd],
                    fixture=fixture,
                    on=day,
                    source=SOURCE,
                )
            )

        if reg.home != reg.away:
            result(Score(regulation=reg))
            return home if reg.home > reg.away else away
        # Finals are not replayed (a replayed final would leave two last matches),
        # nor ties between teams that reached the stage through slots (a replay is
        # scheduled by naming its teams, which must be entered in the stage).
        replay = self.replays and rnd < len(self.rounds) - 1
        how = rng.choice(("extra time", "penalties", "shoot-out", *(("replay",) if replay else ())))
        if how == "extra time":
            aet = (
                Goals(reg.home + 1, reg.away)
                if rng.random() < 0.5
                else Goals(reg.home, reg.away + 1)
            )
            result(Score(regulation=reg, after_extra_time=aet))
            return home if aet.home > aet.away else away
        if how == "penalties":
            pens = Goals(5, 4) if rng.random() < 0.5 else Goals(3, 4)
            result(Score(regulation=reg, after_extra_time=reg, penalties=pens))
            return home if pens.home > pens.away else away
        result(Score(regulation=reg))
        if how == "shoot-out":
            winner = rng.choice((home, away))
            self.cmds.append(
                DecideAdvancement(
                    fixture=fixture,
                    team=winner,
                    method="shootout",
                    shootout=Goals(4, 2) if winner == home else Goals(2, 4),
                    on=day,
                    source=SOURCE,
                    note="the shoot-out was reported separately",
                )
            )
            return winner
        # The replay, at the other ground a week later, is scheduled on the spot
        # when its result is recorded (its teams reached the stage through slots).
        replay_day = day + dt.timedelta(days=7)
        score = Goals(rng.randint(1, 3), rng.randint(0, 1))
        self.cmds.append(
            RecordResult(
                stage=self.stage,
                home=away,
                away=home,
                score=Score(regulation=score),
                round=self.rounds[rnd],
                on=replay_day,
                source=SOURCE,
                note=f"replay of {fixture}",
            )
        )
        self.cmds.append(
            DecideAdvancement(
                fixture=fixture,
                team=away,
                method="decision",
                detail=f"won the replay of {fixture}, {away} {score.home}-{score.away} {home}",
                on=replay_day,
                source=SOURCE,
            )
        )
        return away


def cup(slug: str, teams: int, rng: random.Random, *, start: dt.date = SEASON_START) -> Competition:
    """A knockout of a non-power-of-two field: byes, extra time, shoot-outs, replays."""
    names = club_names(rng, teams, "C")
    cmds: list[Command] = [
        CreateCompetition(slug=slug, name=f"{slug} cup", season="2024-25", on=start, source=SOURCE),
    ]
    ko = Knockout("cup", len(names), rng, start, cmds)
    cmds.append(
        CreateStage(
            slug="cup",
            name="Cup",
            format="knockout",
            rounds=tuple(ko.rounds),
            on=start,
            source=SOURCE,
        )
    )
    cmds.append(EnterTeams(stage="cup", teams=tuple(names), on=start, source=SOURCE))
    ko.draw([TeamSide(t) for t in names])
    champion = ko.play()
    return Competition(
        slug, "cup", cmds, teams=teams, champion=champion, stages={"cup": "knockout"}
    )


def championship(
    slug: str, groups: int, rng: random.Random, *, start: dt.date = SEASON_START
) -> Competition:
    """Groups of four (single round-robin) whose top two feed a knockout."""
    letters = "ABCDEFGH"[:groups]
    names = club_names(rng, 4 * groups, "G")
    cmds: list[Command] = [
        CreateCompetition(slug=slug, name=f"{slug} championship", on=start, source=SOURCE),
        CreateStage(
            slug="groups",
            name="Group stage",
            format="group",
            preset="points-gd-gf",
            on=start,
            source=SOURCE,
        ),
        EnterTeams(stage="groups", teams=tuple(names), on=start, source=SOURCE),
    ]
    places: dict[tuple[str, int], str] = {}
    results: list[Command] = []
    for g, letter in enumerate(letters):
        members = names[4 * g : 4 * g + 4]
        cmds.append(
            DefineGroup(stage="groups", group=letter, teams=tuple(members), on=start, source=SOURCE)
        )
        # Strength order decides every match, so the table has no ties to break.
        strength = members[:]
        rng.shuffle(strength)
        for place, team in enumerate(strength, start=1):
            places[(letter, place)] = team
        pairs = [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
        for n, (home, away) in enumerate(pairs):
            fixture = f"{letter}{n + 1}"
            kickoff = start + dt.timedelta(days=3 * (n // 2 + 1))
            cmds.append(
                ScheduleFixture(
                    stage="groups",
                    home=TeamSide(home),
                    away=TeamSide(away),
                    group=letter,
                    fixture=fixture,
                    kickoff=kickoff,
                    on=start,
                    source=SOURCE,
                )
            )
            margin, base = rng.randint(1, 3), rng.randint(0, 2)
            better = strength.index(home) < strength.index(away)
            score = Goals(base + margin, base) if better else Goals(base, base + margin)
            results.append(
                RecordResult(
                    stage="groups",
                    home=home,
                    away=away,
                    score=Score(regulation=score),
                    fixture=fixture,
                    on=kickoff,
                    source=SOURCE,
                )
            )
    knockout_start = start + dt.timedelta(days=10)
    ko = Knockout("finals", 2 * groups, rng, knockout_start, cmds, replays=False)
    cmds.append(
        CreateStage(
            slug="finals",
            name="Finals",
            format="knockout",
            rounds=tuple(ko.rounds),
            feeds_from=("groups",),
            on=start,
            source=SOURCE,
        )
    )
    field_: list[Side] = []
    for i in range(0, groups, 2):
        a, b = letters[i], letters[i + 1]
        field_ += [GroupPlace("groups", a, 1), GroupPlace("groups", b, 2)]
        field_ += [GroupPlace("groups", b, 1), GroupPlace("groups", a, 2)]
    ko.draw(field_)
    cmds.extend(results)
    champion = ko.play(places)
    return Competition(
        slug,
        "championship",
        cmds,
        teams=4 * groups,
        champion=champion,
        stages={"groups": "group", "finals": "knockout"},
    )


def qualification(slug: str, rng: random.Random, *, start: dt.date = SEASON_START) -> Competition:
    """Paths into a national cup: an unconfirmed allocation with provisional
    qualifiers, and a play-off knockout whose final fills a berth."""
    n_direct = rng.randint(3, 6)
    names = club_names(rng, n_direct + rng.choice((5, 6, 7, 9, 10, 12)), "Q")
    direct, playoff = names[:n_direct], names[n_direct:]
    cmds: list[Command] = [
        CreateCompetition(slug=slug, name=f"{slug} qualification", on=start, source=SOURCE),
        DefinePath(
            slug="leagues",
            name="League champions",
            berths=len(direct) - 1,
            entry_round=1,
            confirmed=False,
            governing_body="national federation",
            on=start,
            source=SOURCE,
        ),
        DefinePath(
            slug="playoff",
            name="Amateur play-off",
            berths=1,
            entry_round=1,
            on=start,
            source=SOURCE,
        ),
    ]
    for team in direct:
        cmds.append(
            DeclareQualifier(
                path="leagues",
                team=team,
                method="regional league champion",
                region=rng.choice(("North", "South", "East", "West")),
                provisional=True,
                on=start,
                source=SOURCE,
            )
        )
    ko = Knockout("playoff", len(playoff), rng, start, cmds)
    cmds.append(
        CreateStage(
            slug="playoff",
            name="Play-off",
            format="knockout",
            path="playoff",
            rounds=tuple(ko.rounds),
            on=start,
            source=SOURCE,
        )
    )
    cmds.append(EnterTeams(stage="playoff", teams=tuple(playoff), on=start, source=SOURCE))
    ko.draw([TeamSide(t) for t in playoff])
    cmds.append(
        FillSlot(
            path="playoff",
            slot=WinnerOf(ko.final),
            method="play-off winner",
            on=start,
            source=SOURCE,
        )
    )
    champion = ko.play()
    if rng.random() < 0.5:
        # The federation confirms the allocation after the play-off.
        cmds.append(
            ChangeBerths(
                path="leagues",
                berths=len(direct),
                confirmed=True,
                on=ko.kickoff(len(ko.rounds)),
                source=SOURCE,
            )
        )
    return Competition(
        slug,
        "qualification",
        cmds,
        teams=len(direct) + len(playoff),
        champion=champion,
        stages={"playoff": "knockout"},
    )


def big_league(
    rng: random.Random, *, slug: str = "big-league", unplayed_rounds: int = 0
) -> Competition:
    """One 80-team double round-robin: 6,320 matches, ~12.7k events."""
    return league(
        slug,
        80,
        rng,
        name="National League (80 clubs)",
        unplayed_rounds=unplayed_rounds,
        late=0.0,
        corrected=0.0,
        voided=0.0,
    )


# --- a season ------------------------------------------------------------------------


def season(seed: int, events: int) -> Iterator[Competition]:
    """Competitions until about `events` events have been proposed (a league's
    events are about its command count plus its teams)."""
    rng = random.Random(seed)
    total, n = 0, 0
    while total < events:
        n += 1
        sub = random.Random(rng.getrandbits(64))
        roll = rng.random()
        if n <= 4:  # one of each kind first, so even a tiny season has them all
            roll = (0.0, 0.7, 0.9, 0.95)[n - 1]
        if roll < 0.62:
            comp = league(f"league-{n:04d}", rng.randint(8, 20), sub)
        elif roll < 0.82:
            comp = cup(f"cup-{n:04d}", rng.randint(9, 60), sub)
        elif roll < 0.92:
            comp = championship(f"champ-{n:04d}", rng.choice((2, 4, 8)), sub)
        else:
            comp = qualification(f"qual-{n:04d}", sub)
        total += estimate(comp)
        yield comp


def estimate(comp: Competition) -> int:
    """Events a competition's commands propose (EnterTeams gives one per team)."""
    extra = sum(len(c.teams) - 1 for c in comp.commands if isinstance(c, EnterTeams))
    extra += sum(1 for c in comp.commands if isinstance(c, CreateStage) and c.preset)
    return len(comp.commands) + extra


@dataclass
class Built:
    events: int = 0
    seconds: float = 0.0
    competitions: list[Competition] = field(default_factory=list)


def seeded_ids(seed: int) -> Callable[[], str]:
    rng = random.Random(seed)
    return lambda: f"{rng.getrandbits(128):032x}"


def build(
    lg: Ledger,
    *,
    events: int,
    seed: int = 2024,
    big: bool = False,
    bundled: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Built:
    """Append a generated season (and the 2014 competition) to an open ledger."""
    out = Built()
    meta = Meta(actor="season generator", ids=seeded_ids(seed))
    started = time.perf_counter()
    last = started
    if bundled:
        # Its own ids, the same in every generated ledger, so its reads compare equal.
        recorded = run_script(
            lg,
            bundled_text(),
            filename="usoc-2014-qualification.ledger",
            meta=Meta(actor="season generator", ids=seeded_ids(2014)),
        )
        out.events += len(recorded)
    comps: Iterator[Competition] = season(seed, events)
    if big:
        comps = _chain(comps, big_league(random.Random(seed + 1)))
    for comp in comps:
        out.events += len(lg.execute(*comp.commands, meta=meta))
        out.competitions.append(comp)
        now = time.perf_counter()
        if progress is not None and now - last >= 5:
            last = now
            rate = out.events / (now - started)
            progress(
                f"  {out.events:,} events, {len(out.competitions)} competitions, "
                f"{rate:,.0f} events/s"
            )
    out.seconds = time.perf_counter() - started
    return out


def _chain(first: Iterator[Competition], last: Competition) -> Iterator[Competition]:
    yield from first
    yield last


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True, help="SQLite ledger to write (created if missing)")
    parser.add_argument("--events", type=int, default=100_000, help="about how many events")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--big-league", action="store_true", help="add an 80-team league")
    args = parser.parse_args(argv)
    with Ledger(args.db) as lg:
        built = build(
            lg,
            events=args.events,
            seed=args.seed,
            big=args.big_league,
            progress=lambda line: print(line, flush=True),
        )
    kinds: dict[str, int] = {}
    for comp in built.competitions:
        kinds[comp.kind] = kinds.get(comp.kind, 0) + 1
    summary = ", ".join(f"{n} {kind}s" for kind, n in sorted(kinds.items()))
    print(
        f"{built.events:,} events in {len(built.competitions) + 1} competitions ({summary}, "
        f"and the 2014 qualification) in {built.seconds:.1f} s: "
        f"{built.events / built.seconds:,.0f} events/s -> {args.db}"
    )


if __name__ == "__main__":
    main()

"""Who is in each slot: fixture outcomes, group tables and slot resolution.

A slot fed by a match resolves when that match has a winner; a slot fed by a
group resolves only when the group's fixtures are complete and the rules
separate the place. Nothing is ever guessed: an unresolved slot stays a slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from events.base import BestRanked, GroupPlace, LoserOf, Side, StageWinner, TeamSide, WinnerOf
from events.structure import RankingDeclared, TeamWithdrew
from projections.model import CompetitionState, FixtureState, StageState
from projections.standings import FairPlay, MatchLine, StandingRow, rank, rank_across


@dataclass(frozen=True)
class Outcome:
    status: str  # scheduled, played, awaiting_decision, forfeit, void, cancelled
    home: str | None
    away: str | None
    winner: str | None
    loser: str | None
    decided_by: str | None  # event id that settled the winner
    how: str  # human sentence


@dataclass(frozen=True)
class RankingTable:
    """A cross-group ranking as the results stand: the team at the declared place
    of each group, best first. `complete` when every group is complete and its
    place is separated; only then do the ranking's slots resolve."""

    declared: RankingDeclared
    rows: list[tuple[str, StandingRow]]  # (group, row)
    complete: bool
    # Groups whose team at the place is not known (unfinished, or level there).
    waiting: list[str]


def ranking_key(name: str) -> str:
    """Where a drawing of lots for a ranking is kept among the stage's lots."""
    return f"ranking:{name}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# Outcomes that leave a group unfinished.
_OPEN = ("scheduled", "void", "disputed")


class Resolver:
    """Resolves slots against one folded state; caches within that state only."""

    def __init__(self, state: CompetitionState) -> None:
        self.state = state
        self._outcomes: dict[str, Outcome] = {}
        self._tables: dict[tuple[str, str], list[StandingRow]] = {}
        self._complete: dict[tuple[str, str], bool] = {}
        self._busy: set[str] = set()

    # -- describing ----------------------------------------------------------

    def describe(self, side: Side) -> str:
        match side:
            case TeamSide():
                return self.state.canonical(side.team)
            case WinnerOf():
                return f"winner of {self._fixture_label(side.fixture)}"
            case LoserOf():
                return f"loser of {self._fixture_label(side.fixture)}"
            case GroupPlace():
                stage = self.state.stages.get(side.stage)
                name = stage.name if stage else side.stage
                group = f" {side.group}" if side.group else ""
                return f"{name}{group}, {ordinal(side.place)}"
            case StageWinner():
                stage = self.state.stages.get(side.stage)
                return f"winner of {stage.name if stage else side.stage}"
            case BestRanked():
                stage = self.state.stages.get(side.stage)
                return f"{stage.name if stage else side.stage} {side.ranking}, {ordinal(side.rank)}"

    def _fixture_label(self, fixture: str) -> str:
        fx = self.state.fixtures.get(fixture)
        if fx is None:
            return fixture
        stage = self.state.stages[fx.stage]
        return f"{stage.name} {fx.round or ''} ({fixture})".replace("  ", " ")

    # -- resolving -----------------------------------------------------------

    def team(self, side: Side) -> str | None:
        if type(side) is TeamSide:  # the common case, before the match below
            return self.state.canonical(side.team)
        match side:
            case TeamSide():
                return self.state.canonical(side.team)
            case WinnerOf():
                return (
                    self.outcome(side.fixture).winner
                    if side.fixture in self.state.fixtures
                    else None
                )
            case LoserOf():
                return (
                    self.outcome(side.fixture).loser
                    if side.fixture in self.state.fixtures
                    else None
                )
            case GroupPlace():
                return self.group_place(side.stage, side.group, side.place)
            case StageWinner():
                return self.stage_winner(side.stage)
            case BestRanked():
                return self.best_ranked(side.stage, side.ranking, side.rank)

    def outcome(self, fixture: str) -> Outcome:
        if fixture in self._outcomes:
            return self._outcomes[fixture]
        if fixture in self._busy:  # a cycle of slots: nothing can be resolved
            return Outcome("scheduled", None, None, None, None, None, "circular slots")
        self._busy.add(fixture)
        try:
            result = self._outcome(self.state.fixtures[fixture])
        finally:
            self._busy.discard(fixture)
        self._outcomes[fixture] = result
        return result

    def _outcome(self, fx: FixtureState) -> Outcome:
        home, away = self.team(fx.home), self.team(fx.away)

        def other(team: str | None) -> str | None:
            return away if team == home else home if team == away else None

        winner: str | None
        if fx.cancelled is not None:
            return Outcome(
                "cancelled",
                home,
                away,
                None,
                None,
                fx.cancelled.event_id,
                f"cancelled: {fx.cancelled.reason}",
            )
        if fx.forfeit is not None:
            winner = self.state.canonical(fx.forfeit.winner)
            awarded = f" {fx.forfeit.score}" if fx.forfeit.score is not None else ""
            return Outcome(
                "forfeit",
                home,
                away,
                winner,
                other(winner),
                fx.forfeit.event_id,
                f"{winner} awarded the match{awarded} by forfeit: {fx.forfeit.reason}",
            )
        if fx.result is None:
            withdrawal = self.withdrawal(fx, home, away)
            if withdrawal is not None:
                gone = self.state.canonical(withdrawal.team)
                if withdrawal.fixtures == "cancelled":
                    return Outcome(
                        "cancelled",
                        home,
                        away,
                        None,
                        None,
                        withdrawal.event_id,
                        f"cancelled: {gone} withdrew ({withdrawal.reason})",
                    )
                winner = other(gone)
                return Outcome(
                    "walkover",
                    home,
                    away,
                    winner,
                    gone,
                    withdrawal.event_id,
                    f"walkover: {gone} withdrew ({withdrawal.reason})",
                )
            if fx.voided is not None:
                return Outcome(
                    "void",
                    home,
                    away,
                    None,
                    None,
                    fx.voided.event_id,
                    f"result voided: {fx.voided.reason}",
                )
            return Outcome("scheduled", home, away, None, None, None, "not yet played")
        rid = fx.result.event_id
        pinned = fx.result.teams
        if pinned is not None:
            named = (self.state.canonical(pinned[0]), self.state.canonical(pinned[1]))
            if named != (home, away):
                return Outcome(
                    "disputed",
                    home,
                    away,
                    None,
                    None,
                    rid,
                    f"recorded as {named[0]} v {named[1]}, but the slots now hold "
                    f"{home or '(undecided)'} v {away or '(undecided)'} after a "
                    "correction: correct or void this result",
                )
        if not fx.result.score.known:
            winner = self.state.canonical(fx.result.winner or "")
            return Outcome(
                "played",
                home,
                away,
                winner,
                other(winner),
                rid,
                "won; the source does not give the score",
            )
        score = fx.result.score
        final = score.final
        rid = fx.result.event_id
        pinned = fx.result.teams
        if pinned is not None:
            named = (self.state.canonical(pinned[0]), self.state.canonical(pinned[1]))
            if named != (home, away):
                return Outcome(
                    "disputed",
                    home,
                    away,
                    None,
                    None,
                    rid,
                    f"recorded as {named[0]} v {named[1]}, but the slots now hold "
                    f"{home or '(undecided)'} v {away or '(undecided)'} after a "
                    "correction: correct or void this result",
                )
        if final.home != final.away:
            winner = home if final.home > final.away else away
            aet = " after extra time" if score.after_extra_time else ""
            return Outcome(
                "played",
                home,
                away,
                winner,
                other(winner),
                rid,
                f"won {max(final.home, final.away)}-{min(final.home, final.away)}{aet}",
            )
        if self._is_group_fixture(fx):
            return Outcome("played", home, away, None, None, rid, f"drawn {final}")
        if score.penalties is not None:
            pens = score.penalties
            winner = home if pens.home > pens.away else away
            return Outcome(
                "played",
                home,
                away,
                winner,
                other(winner),
                rid,
                f"drawn {final}, won {max(pens.home, pens.away)}-"
                f"{min(pens.home, pens.away)} on penalties",
            )
        adv = fx.advancement
        if adv is not None:
            winner = self.state.canonical(adv.team)
            if adv.method == "shootout" and adv.shootout is not None:
                how = f"drawn {final}, won the shoot-out {adv.shootout}"
            elif adv.method == "decision":
                how = f"drawn {final}, advanced by decision" + (
                    f": {adv.detail}" if adv.detail else ""
                )
            else:
                how = f"drawn {final}, advanced; the source does not say how" + (
                    f" ({adv.source})" if adv.source else ""
                )
            return Outcome("played", home, away, winner, other(winner), adv.event_id, how)
        return Outcome(
            "awaiting_decision",
            home,
            away,
            None,
            None,
            None,
            f"drawn {final}; no advancement decision recorded",
        )

    def withdrawal(
        self, fx: FixtureState, home: str | None, away: str | None
    ) -> TeamWithdrew | None:
        """The withdrawal that settles an unplayed fixture, if a side withdrew."""
        withdrawn = self.state.stages[fx.stage].withdrawn
        for team in (home, away):
            if team is not None and team in withdrawn:
                return withdrawn[team]
        return None

    def _is_group_fixture(self, fx: FixtureState) -> bool:
        return self.state.stages[fx.stage].format == "group"

    # -- groups --------------------------------------------------------------

    def group_names(self, stage: StageState) -> list[str]:
        return list(stage.groups) if stage.groups else [""]

    def group_teams(self, stage: StageState, group: str) -> list[str]:
        return list(stage.groups.get(group, stage.teams if not group else []))

    def group_fixtures(self, stage: StageState, group: str) -> list[FixtureState]:
        fixtures = [self.state.fixtures[f] for f in stage.fixtures]
        return [fx for fx in fixtures if (fx.group or "") == group]

    def table(self, stage_slug: str, group: str, *, use_lots: bool = True) -> list[StandingRow]:
        if not use_lots:
            return self._table(stage_slug, group, use_lots=False)
        key = (stage_slug, group)
        if key not in self._tables:
            self._tables[key] = self._table(stage_slug, group, use_lots=True)
        return self._tables[key]

    def _table(self, stage_slug: str, group: str, *, use_lots: bool) -> list[StandingRow]:
        stage = self.state.stages[stage_slug]
        lines, cards = self.group_lines(stage_slug, group)
        lots = stage.lots.get(group) if use_lots else None
        return rank(
            teams=self.group_teams(stage, group),
            matches=lines,
            rules=stage.rules,
            # No cards on record at all: fair play is unknown, not level at 0.
            fair_play=cards or None,
            lots=lots.order if lots is not None else None,
        )

    def group_lines(
        self, stage_slug: str, group: str
    ) -> tuple[list[MatchLine], dict[str, FairPlay]]:
        """The matches that count in a group's table, and its teams' cards."""
        stage = self.state.stages[stage_slug]
        lines: list[MatchLine] = []
        cards: dict[str, FairPlay] = {}
        for fx in self.group_fixtures(stage, group):
            home, away = self.team(fx.home), self.team(fx.away)
            if home is None or away is None:
                continue
            goals = self._counted_goals(fx, home, away)
            if goals is not None:
                lines.append(
                    MatchLine(home=home, away=away, home_goals=goals[0], away_goals=goals[1])
                )
            elif fx.result is not None and fx.forfeit is None and not fx.result.score.known:
                # Only the winner is known: a result for the points, no goals.
                home_won = self.state.canonical(fx.result.winner or "") == home
                lines.append(
                    MatchLine(
                        home=home,
                        away=away,
                        home_goals=int(home_won),
                        away_goals=int(not home_won),
                        goals_known=False,
                    )
                )
            for team, c in fx.cards.items():
                prev = cards.get(team, FairPlay())
                cards[team] = FairPlay(
                    yellow=prev.yellow + c.yellow,
                    second_yellow=prev.second_yellow + c.second_yellow,
                    red=prev.red + c.red,
                    yellow_red=prev.yellow_red + c.yellow_red,
                )
        return lines, cards

    def _counted_goals(self, fx: FixtureState, home: str, away: str) -> tuple[int, int] | None:
        if fx.forfeit is None and fx.result is None:
            withdrawal = self.withdrawal(fx, home, away)
            if withdrawal is None or withdrawal.fixtures == "cancelled":
                return None
            goals = self.state.stages[fx.stage].rules.forfeit_goals
            gone = self.state.canonical(withdrawal.team)
            return (0, goals) if gone == home else (goals, 0)
        if fx.forfeit is not None:
            winner = self.state.canonical(fx.forfeit.winner)
            if fx.forfeit.score is not None:
                s = fx.forfeit.score.final
                return (s.home, s.away)
            # No awarded score: the stage's rule set says what a forfeit counts as.
            goals = self.state.stages[fx.stage].rules.forfeit_goals
            return (goals, 0) if winner == home else (0, goals)
        if fx.result is not None and fx.result.score.known:
            final = fx.result.score.final
            return (final.home, final.away)
        return None

    def group_complete(self, stage_slug: str, group: str) -> bool:
        key = (stage_slug, group)
        if key not in self._complete:
            self._complete[key] = self._group_complete(stage_slug, group)
        return self._complete[key]

    def _group_complete(self, stage_slug: str, group: str) -> bool:
        stage = self.state.stages[stage_slug]
        fixtures = self.group_fixtures(stage, group)
        # The latest fixtures are the likeliest still to be played: a group in
        # progress is found open at once.
        if not all(self._settled(fx) for fx in reversed(fixtures)):
            return False
        teams = set(self.group_teams(stage, group))
        canonical = self.state.canonical
        met: set[frozenset[str]] = set()
        for fx in fixtures:
            if type(fx.home) is TeamSide and type(fx.away) is TeamSide:
                met.add(frozenset((canonical(fx.home.team), canonical(fx.away.team))))
                continue
            home, away = self.team(fx.home), self.team(fx.away)
            if home and away:
                met.add(frozenset((home, away)))
        pairs = {frozenset((a, b)) for a in teams for b in teams if a < b}
        return bool(teams) and pairs <= met

    def _settled(self, fx: FixtureState) -> bool:
        """Whether a group fixture's outcome is no longer open."""
        if type(fx.home) is TeamSide and type(fx.away) is TeamSide:
            # Two named teams: the outcome depends on nothing else, and one with a
            # result not pinned to other teams, a forfeit or a cancellation is
            # settled (what `outcome` would say, without writing its sentence).
            if fx.cancelled is not None or fx.forfeit is not None:
                return True
            result = fx.result
            if result is not None:
                pinned = result.teams
                if pinned is None:
                    return True
                canonical = self.state.canonical
                named = (canonical(fx.home.team), canonical(fx.away.team))
                if (canonical(pinned[0]), canonical(pinned[1])) == named:
                    return True
        return self.outcome(fx.fixture).status not in _OPEN

    def group_place(self, stage_slug: str, group: str, place: int) -> str | None:
        if stage_slug not in self.state.stages or not self.group_complete(stage_slug, group):
            return None
        rows = [r for r in self.table(stage_slug, group) if r.position == place]
        if len(rows) != 1 or rows[0].shared_with:
            return None
        return rows[0].team

    # -- rankings across groups ----------------------------------------------

    def ranking(self, stage_slug: str, name: str, *, use_lots: bool = True) -> RankingTable | None:
        """The stage's ranking `name` as the results stand; None if not declared.
        A drawing of lots for it is kept under the key `ranking:NAME`."""
        stage = self.state.stages.get(stage_slug)
        declared = stage.rankings.get(name) if stage is not None else None
        if stage is None or declared is None:
            return None
        entries: list[tuple[str, list[str], list[MatchLine]]] = []
        group_of: dict[str, str] = {}
        cards: dict[str, FairPlay] = {}
        waiting: list[str] = []
        for group in self.group_names(stage):
            teams = self.group_teams(stage, group)
            if len(teams) < declared.place:
                continue  # a group too small to have that place
            lines, group_cards = self.group_lines(stage_slug, group)
            cards.update(group_cards)
            at = [r for r in self.table(stage_slug, group) if r.position == declared.place]
            if len(at) != 1 or at[0].shared_with:
                waiting.append(group)
                continue
            if not self.group_complete(stage_slug, group):
                waiting.append(group)
            entries.append((at[0].team, teams, lines))
            group_of[at[0].team] = group
        rows = rank_across(
            entries=entries,
            steps=declared.tiebreaks,
            points=stage.rules.points,
            fair_play=cards or None,
            lots=lots.order if use_lots and (lots := stage.lots.get(ranking_key(name))) else None,
        )
        return RankingTable(
            declared=declared,
            rows=[(group_of[r.team], r) for r in rows],
            complete=not waiting,
            waiting=waiting,
        )

    def best_ranked(self, stage_slug: str, name: str, place: int) -> str | None:
        table = self.ranking(stage_slug, name)
        if table is None or not table.complete or place > table.declared.take:
            return None
        at = [r for _, r in table.rows if r.position == place]
        if len(at) != 1 or at[0].shared_with:
            return None
        return at[0].team

    # -- stages --------------------------------------------------------------

    def final_fixture(self, stage_slug: str) -> FixtureState | None:
        """The stage's last match: the one no other match of the stage depends on."""
        stage = self.state.stages.get(stage_slug)
        if stage is None or stage.format != "knockout" or not stage.fixtures:
            return None
        fed = {
            side.fixture
            for f in stage.fixtures
            for side in (self.state.fixtures[f].home, self.state.fixtures[f].away)
            if isinstance(side, (WinnerOf, LoserOf))
        }
        last = [f for f in stage.fixtures if f not in fed]
        if stage.rounds:
            # With declared rounds, only a match of the last round is the final.
            last = [f for f in last if self.state.fixtures[f].round == stage.rounds[-1]]
        if len(last) != 1:
            return None
        return self.state.fixtures[last[0]]

    def stage_winner(self, stage_slug: str) -> str | None:
        final = self.final_fixture(stage_slug)
        return self.outcome(final.fixture).winner if final is not None else None

    def alive(self, stage_slug: str) -> list[str]:
        """Teams of a knockout stage not yet eliminated."""
        stage = self.state.stages[stage_slug]
        out = set(stage.withdrawn)
        for f in stage.fixtures:
            o = self.outcome(f)
            if o.loser:
                out.add(o.loser)
        return [t for t in stage.teams if t not in out]

    def candidates(self, side: Side) -> list[str]:
        """Every team that could still fill the slot (a team that withdrew cannot)."""
        gone = {t for stage in self.state.stages.values() for t in stage.withdrawn}
        return [t for t in self._candidates(side) if t not in gone]

    def _candidates(self, side: Side) -> list[str]:
        team = self.team(side)
        if team is not None:
            return [team]
        match side:
            case WinnerOf() | LoserOf():
                fx = self.state.fixtures.get(side.fixture)
                if fx is None:
                    return []
                return _unique(self._candidates(fx.home) + self._candidates(fx.away))
            case GroupPlace():
                stage = self.state.stages.get(side.stage)
                return self.group_teams(stage, side.group) if stage else []
            case StageWinner():
                if side.stage not in self.state.stages:
                    return []
                final = self.final_fixture(side.stage)
                if final is not None:
                    return self._candidates(WinnerOf(final.fixture))
                return self.alive(side.stage)
            case BestRanked():
                stage = self.state.stages.get(side.stage)
                table = self.ranking(side.stage, side.ranking)
                if stage is None or table is None:
                    return []
                if table.complete:
                    return [
                        r.team
                        for _, r in table.rows
                        if r.position <= side.rank <= r.position + len(r.shared_with)
                    ]
                return [t for g in self.group_names(stage) for t in self.group_teams(stage, g)]
            case TeamSide():
                return [self.state.canonical(side.team)]

    @cached_property
    def stage_of_fixture(self) -> dict[str, str]:
        return {f: fx.stage for f, fx in self.state.fixtures.items()}


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))

"""Wikipedia-style result text into the commands a clerk would type, saying out loud
everything it infers.

The article lists results, not structure. This importer turns the outline into
structure the way a careful clerk would, and reports every step the text does not
state (each one is also a `RecordAssumption` command, so `audit` shows it):

* the level-1 title is the competition; each level-2 section a qualification path,
  with berths read from phrases like "retaining their eight qualification spots"
  and qualifiers from "the other regions qualifiers are A, B, ..." and from tables
  with a "Qualified team" column;
* each level-3 section with matches (its level-4+ children folded in) is a stage.
  When every connected set of teams is a complete round robin it is a group stage
  with groups A, B, ...; otherwise a knockout whose rounds come from working back
  from the last match, with byes for teams that skip a preliminary round;
* a stage whose entrants won earlier stages of the same path, or finished in a
  decided place of an earlier group stage, is fed by them through slots;
* a drawn knockout match without penalties goes to the one team that plays again
  later in the article, as an advancement whose method is unknown;
* the champion of every stage that feeds no other stage fills a berth of its path.

Every structural command is dated on the earliest match date of the article (which
gives none for them); results keep their own dates, even when listed out of order.
Commands are built deterministically, so importing the same text twice appends nothing.
Names are typed as the article writes them; the handlers resolve them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import msgspec

from events.base import (
    GroupPlace,
    Score,
    Side,
    StageWinner,
    TeamSide,
    WinnerOf,
)
from events.rules import RuleSet, preset
from ledger.commands import (
    CreateCompetition,
    CreateStage,
    DecideAdvancement,
    DeclareQualifier,
    DeclareRules,
    DefineGroup,
    DefinePath,
    EnterTeams,
    FillSlot,
    GrantBye,
    RecordAlias,
    RecordAssumption,
    RecordResult,
    ScheduleFixture,
    TeamScorers,
)
from ledger.importers.common import Batch, slugify, to_score
from ledger.importers.wikitext import Document, MatchEntry, Section, Table
from projections.standings import MatchLine, rank

DEFAULT_RULES = "points-gd-gf"
# Two spellings at least this alike (difflib ratio) that never meet are one club.
ALIAS_RATIO = 0.85

_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_NUMBERS = {word: n for n, word in enumerate(_NUMBER_WORDS, start=1)}
_NUMBER = r"\d+|" + "|".join(_NUMBERS)
# "their eight qualification spots", "one qualifying spot", "3 berths".
_BERTHS = re.compile(rf"\b({_NUMBER})\s+(?:[a-z]+\s+)?(?:spots?|berths?)\b", re.IGNORECASE)
_UNCONFIRMED = re.compile(
    r"\b(?:yet to be confirmed|not (?:yet )?(?:been )?confirmed|unconfirmed"
    r"|awaiting confirmation|subject to confirmation)\b",
    re.IGNORECASE,
)
# A body's name: capitalised words or dotted initials ("U.S. Soccer"); a plain word's
# full stop ends the sentence ("... by US Soccer. Their ...").
_NAME_WORD = r"(?:(?:[A-Z]\.)+|[A-Z]\w*)"
_CONFIRMED_BY = re.compile(rf"\bconfirmed by ((?:the )?{_NAME_WORD}(?: {_NAME_WORD})*)")
# "the other regions qualifiers are A, B, ..., Z" (to the end of the paragraph).
_QUALIFIER_LIST = re.compile(
    r"\bqualifiers\s+(?:are|were|will be|include)\s*:?\s+(.+?)\.?$", re.IGNORECASE
)
_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+")
_SHORT_GAMES = re.compile(r"\b(\d+)-minute (?:games|matches)\b", re.IGNORECASE)
_FINAL_MINUTES = re.compile(
    r"\bfinal will (?:still )?be (?:the )?(?:standard )?(\d+) minutes\b", re.IGNORECASE
)
_FIELD_SIZE = re.compile(r"\b(\d+)-team field\b", re.IGNORECASE)
_SEASON = re.compile(r"^((?:19|20)\d\d)\b")
# A path told in prose only: "X will host a tournament that is open to any team ...",
# "A & B from Y have already signed up", "The winner of this tournament will play a
# Play-In match against No. 6 seed Z".
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_HOSTED = re.compile(
    r"^(?P<host>[A-Z].*?) (?:will host|hosts|is hosting) an? tournament\b(?P<rest>.*)$"
)
_OPEN_ENTRY = re.compile(
    r"\bopen to (?:any|all)\b|\bentries (?:are )?(?:still )?open\b", re.IGNORECASE
)
_SIGNED_UP = re.compile(
    r"^(?P<teams>.+?)(?: from (?:the )?[A-Z][^,]*?)?"
    r" ha(?:ve|s) (?:already )?(?:signed up|entered)\b"
)
_PLAY_IN = re.compile(
    r"\bwinner of (?:this|the) tournament will play an? play-in (?:match|game) against "
    r"(?:(?:the )?no\. ?(?P<seed>\d+) seed )?(?P<team>.+?)\.?$",
    re.IGNORECASE,
)


# --- the outline: which sections are paths and which are stages -------------------------


@dataclass
class _Block:
    """One heading's content with its deeper subsections folded in."""

    title: str
    line_no: int
    prose: list[str] = field(default_factory=list)
    matches: list[MatchEntry] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def absorb(self, section: Section) -> None:
        self.prose.extend(section.prose)
        self.matches.extend(section.matches)
        self.tables.extend(section.tables)

    @property
    def text(self) -> str:
        return " ".join(self.prose)


@dataclass
class _Part:
    """A level-2 section (a qualification path), or the introduction when `is_path` is off."""

    block: _Block
    is_path: bool
    stages: list[_Block] = field(default_factory=list)


def _outline(doc: Document) -> list[_Part]:
    parts: list[_Part] = []
    stage: _Block | None = None
    for section in doc.sections:
        if section.level <= 2 or not parts:
            block = _Block(section.title or doc.title, section.line_no)
            block.absorb(section)
            parts.append(_Part(block, is_path=section.level == 2))
            stage = None
        elif section.level == 3:
            stage = _Block(section.title, section.line_no)
            stage.absorb(section)
            parts[-1].stages.append(stage)
        else:
            # A "==== Matches ====" child belongs to the stage it sits under.
            (stage or parts[-1].block).absorb(section)
    for part in parts:
        if part.block.matches:
            # Matches straight under a path (or the title): one stage named after it.
            own = _Block(part.block.title, part.block.line_no, matches=part.block.matches)
            part.stages.insert(0, own)
            part.block.matches = []
    return parts


# --- planned commands ---------------------------------------------------------------------


@dataclass
class _Match:
    entry: MatchEntry
    order: int  # position in the whole article
    section: str
    fixture: str
    home: str  # canonical names (aliases resolved)
    away: str

    @property
    def key(self) -> tuple[dt.date, int]:
        return (self.entry.date, self.order)

    @property
    def teams(self) -> tuple[str, str]:
        return (self.home, self.away)

    @property
    def score(self) -> Score:
        return to_score(self.entry.result.score)


@dataclass
class _Fixture:
    match: _Match
    round: str | None
    group: str | None
    home: Side
    away: Side


@dataclass
class _Stage:
    slug: str
    block: _Block
    path: str | None
    format: Literal["knockout", "group"] = "knockout"
    rounds: tuple[str, ...] = ()
    feeds_from: list[str] = field(default_factory=list)
    entered: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # spelling -> team
    groups: dict[str, list[str]] = field(default_factory=dict)
    fixtures: list[_Fixture] = field(default_factory=list)
    byes: list[tuple[str, str]] = field(default_factory=list)  # (team, into fixture)
    rules: RuleSet | None = None
    champion: str | None = None
    structured: bool = True  # False when no bracket could be inferred
    places: dict[str, GroupPlace] = field(default_factory=dict)


@dataclass
class _ProsePath:
    """A path whose section only tells, in prose, how its berth will be decided: a
    hosted tournament (entrants so far) whose winner meets a named team in a play-in."""

    host: str
    open_entry: str | None  # the words saying entries are open
    entrants: list[str]
    signed_up: str  # the sentence naming them
    opponent: str
    seed: int | None
    play_in: str  # the sentence naming the play-in


@dataclass
class _Advance:
    team: str
    why: str


def build(doc: Document, *, slug: str | None, source: str, actor: str) -> Batch:
    """The commands of a parsed article, with a warning for every inference made."""
    return _Importer(doc, Batch(slug=slug or slugify(doc.title), source=source, actor=actor)).run()


class _Importer:
    def __init__(self, doc: Document, batch: Batch) -> None:
        self.doc = doc
        self.batch = batch
        self.parts = _outline(doc)
        self.stages: list[_Stage] = []
        self.stage_slugs: set[str] = set()
        # Every match of the article, for "does this team play again later?".
        self.matches: list[_Match] = []
        self.block_matches: dict[int, list[_Match]] = {}
        self.block_aliases: dict[int, dict[str, str]] = {}
        self.block_slugs: dict[int, str] = {}
        self.advances: dict[int, _Advance | None] = {}
        self.out_of_order: dict[int, str] = {}  # match order -> note on its listing
        dates = [m.date for s in doc.sections for m in s.matches]
        season = _SEASON.match(doc.title)
        self.start = (
            min(dates) if dates else dt.date(int(season.group(1)) if season else 2000, 1, 1)
        )

    # -- writing commands ----------------------------------------------------------------

    def cite(self, where: str) -> str:
        """The citation of a command: the file, and the section it comes from."""
        return f"{self.batch.source}: {where}"

    @property
    def actor(self) -> str:
        return self.batch.actor

    def infer(self, subject: str, cite: str, message: str) -> None:
        """Warn about an inference and keep it in the ledger as an assumption."""
        self.batch.warn(message)
        self.batch.commands.append(
            RecordAssumption(
                on=self.start,
                source=self.cite(cite),
                actor=self.actor,
                subject=subject,
                assumption=message,
            )
        )

    # -- the whole article ---------------------------------------------------------------

    def run(self) -> Batch:
        title = self.doc.title or self.batch.slug
        intro = self.parts[0].block if self.parts and not self.parts[0].is_path else None
        field_size = _FIELD_SIZE.search(intro.text) if intro else None
        season = _SEASON.match(title)
        self.batch.commands.append(
            CreateCompetition(
                on=self.start,
                source=self.cite(title),
                actor=self.actor,
                slug=self.batch.slug,
                name=title,
                season=season.group(1) if season else "",
                field_size=int(field_size.group(1)) if field_size else None,
            )
        )
        self.infer(
            self.batch.slug,
            title,
            f"structural facts (paths, stages, entries, groups, fixtures, declared "
            f"qualifiers) are dated {self.start}, the earliest match date in the article: "
            "it gives no date for them",
        )
        if intro is not None and intro.prose:
            read = f" beyond its {field_size.group(1)}-team field" if field_size else ""
            self.batch.warn(
                f"{intro.title} (introduction): prose not interpreted{read}; "
                "paths it mentions without a section of their own are not recorded"
            )
        self.index_matches()
        for part in self.parts:
            self.import_part(part)
        self.record_results()
        return self.batch

    def index_matches(self) -> None:
        """Resolve spellings per section and number every match in article order."""
        order = 0
        for part in self.parts:
            path = slugify(part.block.title) if part.is_path else None
            for block in part.stages:
                if not block.matches:
                    continue
                slug = self.stage_slug(block.title, path)
                self.block_slugs[id(block)] = slug
                aliases = _aliases(block.matches)
                self.block_aliases[id(block)] = aliases
                found = []
                for n, entry in enumerate(block.matches, start=1):
                    result = entry.result
                    found.append(
                        _Match(
                            entry=entry,
                            order=order,
                            section=block.title,
                            fixture=f"{slug}-{n}",
                            home=aliases.get(result.home, result.home),
                            away=aliases.get(result.away, result.away),
                        )
                    )
                    order += 1
                self.block_matches[id(block)] = found
                self.matches.extend(found)

    # -- a path --------------------------------------------------------------------------

    def import_part(self, part: _Part) -> None:
        block = part.block
        path: str | None = None
        facts = 0
        prose_path = None
        if part.is_path and not part.stages and not block.tables:
            # Only a section that is prose and nothing else: no stage, table or match.
            prose_path = _read_prose_path(block)
        if part.is_path:
            path = slugify(block.title)
            facts += self.define_path(path, block, one_route=prose_path is not None)
            facts += self.named_qualifiers(path, block)
        if path is not None and prose_path is not None:
            self.import_prose_path(path, block, prose_path)
            return
        for table in [*block.tables, *(t for s in part.stages for t in s.tables)]:
            facts += self.qualifier_table(path, block.title, table)
        planned = []
        for stage_block in part.stages:
            if not stage_block.matches:
                if not stage_block.tables:
                    self.batch.warn(
                        f"{block.title} / {stage_block.title}: no matches; "
                        "its prose is not interpreted"
                    )
                continue
            planned.append(self.plan_stage(path, part, stage_block))
        if part.is_path and not facts and not planned:
            self.batch.warn(
                f"{block.title}: prose only; it is not interpreted, so no stages, "
                "fixtures or qualifiers are recorded for it"
            )
        for stage in planned:
            self.emit_stage(stage)
        if path is not None:
            self.fill_berths(path, block, planned)

    def define_path(self, path: str, block: _Block, *, one_route: bool = False) -> int:
        berths = _BERTHS.search(block.text)
        unconfirmed = _UNCONFIRMED.search(block.text)
        body = _CONFIRMED_BY.search(block.text)
        count = None
        if berths is None and one_route:
            count = 1
            self.infer(
                path,
                block.title,
                f"{block.title}: the section does not say how many berths it has: 1 berth "
                "assumed, as its prose describes a single route that ends in one play-in match",
            )
        elif berths is None:
            self.infer(
                path,
                block.title,
                f"{block.title}: the section does not say how many berths it has: "
                "recorded with the number of berths unknown",
            )
        else:
            word = berths.group(1).lower()
            count = int(word) if word.isdigit() else _NUMBERS[word]
            state = "allocation not yet confirmed" if unconfirmed else "allocation confirmed"
            self.infer(
                path,
                block.title,
                f"{block.title}: {count} berth{'s' if count != 1 else ''} read from "
                f"{berths.group(0)!r}; {state}",
            )
        self.batch.commands.append(
            DefinePath(
                on=self.start,
                source=self.cite(block.title),
                actor=self.actor,
                slug=path,
                name=block.title,
                berths=count,
                confirmed=unconfirmed is None,
                governing_body=body.group(1) if body else "",
            )
        )
        return int(berths is not None)

    def import_prose_path(self, path: str, block: _Block, prose: _ProsePath) -> None:
        """A hosted tournament with entries so far, whose winner meets a named team in a
        play-in that decides the berth: the stages, entries, fixture and slot the prose
        supports, each step it does not state warned about."""
        title = block.title
        on, source, actor = self.start, self.cite(title), self.actor
        add = self.batch.commands.append
        name = f"{prose.host} tournament"
        tournament = self.stage_slug(name, path)
        open_words = f"; entries left open ({prose.open_entry!r})" if prose.open_entry else ""
        self.infer(
            tournament,
            title,
            f"{title}: {name!r} recorded as a knockout stage without rounds, read from "
            f"'{prose.host} will host a tournament'{open_words}; the article gives no "
            "format, rounds, dates or results for it",
        )
        add(
            CreateStage(
                on=on,
                source=source,
                actor=actor,
                slug=tournament,
                name=name,
                format="knockout",
                path=path,
                entries_open=prose.open_entry is not None,
            )
        )
        if prose.entrants:
            self.infer(
                tournament,
                title,
                f"{title}: {', '.join(prose.entrants)} entered in {name}, read from "
                f"{prose.signed_up!r}",
            )
            add(
                EnterTeams(
                    on=on, source=source, actor=actor, stage=tournament, teams=tuple(prose.entrants)
                )
            )
        play_in = f"{title} play-in"
        stage = self.stage_slug(play_in, path)
        fixture = f"{stage}-1"
        seeded = f" (seed {prose.seed})" if prose.seed is not None else ""
        self.infer(
            stage,
            title,
            f"{title}: {play_in!r} (the name is not the article's) recorded as a one-round "
            f"knockout fed by {name}: {prose.opponent}{seeded} against its winner, read from "
            f"{prose.play_in!r}; home and away are not stated ({prose.opponent} is listed "
            "first only because the article names it) and no date is given",
        )
        add(
            CreateStage(
                on=on,
                source=source,
                actor=actor,
                slug=stage,
                name=play_in,
                format="knockout",
                path=path,
                rounds=("Play-in",),
                feeds_from=(tournament,),
            )
        )
        add(
            EnterTeams(
                on=on,
                source=source,
                actor=actor,
                stage=stage,
                teams=(prose.opponent,),
                seed=prose.seed,
            )
        )
        add(
            ScheduleFixture(
                on=on,
                source=source,
                actor=actor,
                fixture=fixture,
                stage=stage,
                round="Play-in",
                home=TeamSide(prose.opponent),
                away=StageWinner(tournament),
            )
        )
        method = f"{play_in} winner"
        self.infer(
            path,
            title,
            f"{title}: the winner of the play-in against {prose.opponent} fills its berth, "
            f"recorded with method {method!r}: the article says no more than that the "
            "tournament winner plays it, and names no qualifier yet, so the berth is pending",
        )
        add(
            FillSlot(
                on=on,
                source=source,
                actor=actor,
                path=path,
                slot=WinnerOf(fixture),
                method=method,
            )
        )

    def named_qualifiers(self, path: str, block: _Block) -> int:
        teams: list[str] = []
        for paragraph in block.prose:
            found = _QUALIFIER_LIST.search(paragraph)
            if found is None:
                continue
            items = [t.strip() for t in _LIST_SEPARATOR.split(found.group(1)) if t.strip()]
            # Only a list of names: "qualifiers will be the regional champion of ..."
            # describes a method, not teams.
            if all(_looks_like_name(t) for t in items):
                teams += items
        if not teams:
            return 0
        method = f"{_abbreviation(block.title)} regional qualifier"
        self.infer(
            path,
            block.title,
            f"{block.title}: {len(teams)} qualifiers read from the prose "
            f"('qualifiers are {teams[0]}, ...'), recorded with method {method!r}; "
            "the article gives no region or method for them",
        )
        self.batch.commands += [
            DeclareQualifier(
                on=self.start,
                source=self.cite(block.title),
                actor=self.actor,
                path=path,
                team=team.strip(),
                method=method,
            )
            for team in teams
        ]
        return len(teams)

    def qualifier_table(self, path: str | None, title: str, table: Table) -> int:
        header = [h.casefold() for h in table.header]
        team_col = _column(header, "qualified team", "team", "club")
        if path is None or team_col is None:
            self.batch.warn(f"{title}: table at line {table.line_no} not interpreted")
            return 0
        method_col = _column(header, "qualification method", "method")
        region_col = _column(header, "region")
        self.batch.commands += [
            DeclareQualifier(
                on=self.start,
                source=self.cite(f"{title} table"),
                actor=self.actor,
                path=path,
                team=row.cells[team_col],
                method=row.cells[method_col] if method_col is not None else "",
                region=row.cells[region_col] if region_col is not None else "",
            )
            for row in table.rows
        ]
        return len(table.rows)

    # -- a stage -------------------------------------------------------------------------

    def stage_slug(self, title: str, path: str | None) -> str:
        slug = slugify(title)
        if slug in self.stage_slugs and path is not None:
            slug = f"{path}-{slug}"  # "Group play" under two paths
        n, base = 2, slug
        while slug in self.stage_slugs:
            slug, n = f"{base}-{n}", n + 1
        self.stage_slugs.add(slug)
        return slug

    def plan_stage(self, path: str | None, part: _Part, block: _Block) -> _Stage:
        stage = _Stage(
            slug=self.block_slugs[id(block)],
            block=block,
            path=path,
            aliases=self.block_aliases[id(block)],
        )
        matches = self.block_matches[id(block)]
        self.report_aliases(stage, matches)
        self.report_out_of_order(matches)
        groups = _round_robins(matches)
        if groups is not None:
            self.plan_groups(stage, matches, groups)
        elif not self.plan_knockout(stage, matches, earlier=self.path_stages(path)):
            self.plan_unstructured(stage, matches)
        # Rules now: a later stage of the path may need this one's final group table.
        self.declare_rules(part.block, stage)
        self.stages.append(stage)
        return stage

    def path_stages(self, path: str | None) -> list[_Stage]:
        return [s for s in self.stages if path is not None and s.path == path]

    def report_aliases(self, stage: _Stage, matches: list[_Match]) -> None:
        for alias, team in stage.aliases.items():
            uses = sum(alias in (m.entry.result.home, m.entry.result.away) for m in matches)
            ratio = difflib.SequenceMatcher(None, alias.casefold(), team.casefold()).ratio()
            self.infer(
                stage.slug,
                stage.block.title,
                f"{stage.block.title}: {alias!r} ({uses} match{'es' if uses != 1 else ''}) "
                f"read as another spelling of {team!r}: the names are {ratio:.0%} alike "
                "and the two never play each other",
            )

    def report_out_of_order(self, matches: list[_Match]) -> None:
        for before, m in itertools.pairwise(matches):
            if m.entry.date < before.entry.date:
                note = f"listed among the {before.entry.date} matches, dated {m.entry.date}"
                self.out_of_order[m.order] = note
                self.batch.warn(
                    f"line {m.entry.line_no}: {m.entry.result.home} v {m.entry.result.away} "
                    f"is {note}: recorded on its own date"
                )

    def plan_groups(self, stage: _Stage, matches: list[_Match], groups: list[list[str]]) -> None:
        stage.format = "group"
        names = [_group_name(i) for i in range(len(groups))]
        stage.groups = dict(zip(names, groups, strict=True))
        stage.entered = [t for g in groups for t in g]
        group_of = {t: name for name, teams in stage.groups.items() for t in teams}
        for m in matches:
            stage.fixtures.append(
                _Fixture(
                    match=m,
                    round=None,
                    group=group_of[m.home],
                    home=TeamSide(m.entry.result.home),
                    away=TeamSide(m.entry.result.away),
                )
            )
        listing = "; ".join(f"{k}: {', '.join(v)}" for k, v in stage.groups.items())
        self.infer(
            stage.slug,
            stage.block.title,
            f"{stage.block.title}: a group stage; groups inferred from who played whom "
            f"(each team met every other team of its group): {listing}",
        )

    def plan_knockout(self, stage: _Stage, matches: list[_Match], earlier: list[_Stage]) -> bool:
        """Work back from the last match; False when the matches do not form a bracket."""
        title = stage.block.title
        ordered = sorted(matches, key=lambda m: m.key)
        previous: dict[tuple[int, str], _Match] = {}
        last_of: dict[str, _Match] = {}
        for m in ordered:
            for team in m.teams:
                if team in last_of:
                    previous[(m.order, team)] = last_of[team]
                last_of[team] = m
        depth: dict[int, int] = {ordered[-1].order: 0}
        queue = [ordered[-1]]
        while queue:
            m = queue.pop(0)
            for team in m.teams:
                before = previous.get((m.order, team))
                if before is None:
                    continue
                if before.order in depth or self.advancer(before) != team:
                    return False  # a team played on after losing, or twice from one match
                depth[before.order] = depth[m.order] + 1
                queue.append(before)
        if len(depth) != len(matches):
            return False  # more than one last match (e.g. a third-place game)
        deepest = max(depth.values())
        per_round = [sum(1 for d in depth.values() if d == k) for k in range(deepest + 1)]
        names = [_round_name(d) for d in range(deepest + 1)]
        preliminary = deepest > 0 and per_round[deepest] < 2**deepest
        if preliminary:
            names[deepest] = "Play-in" if per_round[deepest] == 1 else "First round"
        stage.rounds = tuple(reversed(names))
        slots: list[str] = []
        first_match: dict[str, _Match] = {}
        for m in matches:
            sides: list[Side] = []
            written_names = (m.entry.result.home, m.entry.result.away)
            for team, written in zip(m.teams, written_names, strict=True):
                before = previous.get((m.order, team))
                if before is not None:
                    sides.append(WinnerOf(before.fixture))
                    continue
                first_match[team] = m
                slot = self.slot_from(stage, team, earlier)
                if slot is None:
                    stage.entered.append(team)
                    sides.append(TeamSide(written))
                else:
                    slots.append(f"{team} as the {self.describe(slot)}")
                    sides.append(slot)
            stage.fixtures.append(
                _Fixture(
                    match=m,
                    round=names[depth[m.order]],
                    group=None,
                    home=sides[0],
                    away=sides[1],
                )
            )
        stage.champion = self.advancer(ordered[-1])
        playing_order = zip(reversed(names), reversed(per_round), strict=True)
        counts = ", ".join(f"{name} ({n})" for name, n in playing_order)
        self.infer(
            stage.slug,
            title,
            f"{title}: knockout rounds inferred by working back from the last match "
            f"(each team's previous match is in the round before): {counts}; "
            "pairings inferred from who played whom",
        )
        if slots:
            self.infer(
                stage.slug,
                title,
                f"{title}: fed by earlier stages of the same path: " + "; ".join(slots),
            )
        if preliminary and names[deepest] != "Play-in":
            self.grant_byes(stage, names, depth, first_match)
        return True

    def grant_byes(
        self,
        stage: _Stage,
        names: list[str],
        depth: dict[int, int],
        first_match: dict[str, _Match],
    ) -> None:
        first_round = names[-1]
        text = stage.block.text.casefold()
        for team in stage.entered:
            m = first_match[team]
            if depth[m.order] == len(names) - 1:
                continue
            stage.byes.append((team, m.fixture))
            said = "bye" in text and team.casefold() in text
            self.infer(
                stage.slug,
                stage.block.title,
                f"{stage.block.title}: {team} given a bye through the {first_round}: its "
                f"first match is in the {names[depth[m.order]]}"
                + (" (the section prose says so)" if said else ""),
            )

    def plan_unstructured(self, stage: _Stage, matches: list[_Match]) -> None:
        stage.structured = False
        for m in matches:
            for team in m.teams:
                if team not in stage.entered:
                    stage.entered.append(team)
            stage.fixtures.append(
                _Fixture(
                    match=m,
                    round=None,
                    group=None,
                    home=TeamSide(m.entry.result.home),
                    away=TeamSide(m.entry.result.away),
                )
            )
        self.batch.warn(
            f"{stage.block.title}: the matches form neither complete round robins nor a "
            "single knockout bracket: recorded as a knockout stage without rounds, and its "
            "winner is not inferred"
        )

    def slot_from(self, stage: _Stage, team: str, earlier: list[_Stage]) -> Side | None:
        """The slot of an earlier stage of the path that `team` comes from, if any."""
        for feeder in earlier:
            if feeder.format == "knockout" and feeder.champion == team:
                slot: Side = StageWinner(feeder.slug)
            elif team in feeder.places:
                slot = feeder.places[team]
            else:
                continue
            if feeder.slug not in stage.feeds_from:
                stage.feeds_from.append(feeder.slug)
            return slot
        return None

    def describe(self, slot: Side) -> str:
        names = {s.slug: s.block.title for s in self.stages}
        if isinstance(slot, GroupPlace):
            place = {1: "winner", 2: "runner-up"}.get(slot.place, f"no. {slot.place}")
            return f"group {slot.group} {place} of {names[slot.stage]} (final group table)"
        if isinstance(slot, StageWinner):
            return f"champion of {names[slot.stage]}"
        return str(slot)

    def advancer(self, m: _Match) -> str | None:
        """Who went through from a knockout match: by the score, or else inferred once."""
        score = m.score
        final = score.final
        if final.home != final.away:
            return m.home if final.home > final.away else m.away
        if score.penalties is not None:
            return m.home if score.penalties.home > score.penalties.away else m.away
        if m.order not in self.advances:
            self.advances[m.order] = self.infer_advance(m)
        found = self.advances[m.order]
        return found.team if found is not None else None

    def infer_advance(self, m: _Match) -> _Advance | None:
        later = {team: self.plays_later(m, team) for team in m.teams}
        playing = {team: x for team, x in later.items() if x is not None}
        label = f"{m.entry.result.home} {m.score.final} {m.entry.result.away}"
        if len(playing) != 1:
            self.batch.warn(
                f"line {m.entry.line_no}: {label} is a drawn knockout match and the article "
                "does not say who went through: left awaiting a decision"
            )
            return None
        ((team, x),) = playing.items()
        why = f"inferred: {team} plays in the {x.section} on {x.entry.date}"
        self.infer(
            m.fixture,
            m.section,
            f"line {m.entry.line_no}: {label} is a drawn knockout match; {team} recorded "
            f"as advancing (method unknown): it plays again later in the article "
            f"({x.entry.result.home} v {x.entry.result.away}, {x.entry.date})",
        )
        return _Advance(team, why)

    def plays_later(self, m: _Match, team: str) -> _Match | None:
        return next((x for x in self.matches if x.key > m.key and team in x.teams), None)

    # -- rules and berths ----------------------------------------------------------------

    def declare_rules(self, part: _Block, stage: _Stage) -> None:
        """Rules for group stages (their tables need them) and for shortened matches,
        read from the path's prose and the stage's own."""
        text = f"{part.text} {stage.block.text}"
        short = _SHORT_GAMES.search(text)
        final = _FINAL_MINUTES.search(text)
        rules = preset(DEFAULT_RULES)
        if short is not None:
            rules = msgspec.structs.replace(rules, match_minutes=int(short.group(1)))
            read = f"{short.group(0)!r} read as the match length"
            if final is not None and "Final" in stage.rounds:
                rules = msgspec.structs.replace(rules, round_minutes={"Final": int(final.group(1))})
                read += f", and {final.group(0)!r} as the length of its Final"
            self.infer(stage.slug, part.title, f"{stage.block.title}: {read}")
        if stage.format == "group":
            self.infer(
                stage.slug,
                stage.block.title,
                f"{stage.block.title}: the article states no tiebreak rules: "
                f"{DEFAULT_RULES} (3 points a win; points, goal difference, goals) assumed",
            )
        if short is not None or stage.format == "group":
            stage.rules = rules
        if stage.format == "group":
            self.place_teams(stage)

    def place_teams(self, stage: _Stage) -> None:
        """Each team's final place, for the stages the group stage feeds."""
        assert stage.rules is not None
        for group, teams in stage.groups.items():
            lines = [
                MatchLine(
                    home=f.match.home,
                    away=f.match.away,
                    home_goals=f.match.score.final.home,
                    away_goals=f.match.score.final.away,
                )
                for f in stage.fixtures
                if f.group == group
            ]
            for row in rank(teams=teams, matches=lines, rules=stage.rules):
                if not row.shared_with:
                    stage.places[row.team] = GroupPlace(stage.slug, group, row.position)

    def fill_berths(self, path: str, part: _Block, stages: list[_Stage]) -> None:
        fed = {f for s in stages for f in s.feeds_from}
        for stage in stages:
            if stage.slug in fed:
                continue
            title = stage.block.title
            if stage.format == "group" or not stage.structured:
                self.batch.warn(
                    f"{title}: feeds no later stage, but it has no single champion to "
                    f"fill a berth of {part.title}: no qualifier inferred from it"
                )
                continue
            named = stage.champion is not None and stage.champion.casefold() in (
                part.text.casefold()
            )
            self.infer(
                path,
                part.title,
                f"{part.title}: the champion of {title} fills a berth (no later stage draws "
                f"from it)"
                + (f"; the section names {stage.champion} among its qualifiers" if named else ""),
            )
            self.batch.commands.append(
                FillSlot(
                    on=self.start,
                    source=self.cite(title),
                    actor=self.actor,
                    path=path,
                    slot=StageWinner(stage.slug),
                    method=f"{title} champion",
                )
            )

    # -- emitting ------------------------------------------------------------------------

    def emit_stage(self, stage: _Stage) -> None:
        on, source, actor = self.start, self.cite(stage.block.title), self.actor
        add = self.batch.commands.append
        add(
            CreateStage(
                on=on,
                source=source,
                actor=actor,
                slug=stage.slug,
                name=stage.block.title,
                format=stage.format,
                path=stage.path,
                rounds=stage.rounds,
                feeds_from=tuple(stage.feeds_from),
            )
        )
        if stage.rules is not None:
            add(
                DeclareRules(on=on, source=source, actor=actor, stage=stage.slug, rules=stage.rules)
            )
        if stage.entered:
            teams = tuple(stage.entered)
            add(EnterTeams(on=on, source=source, actor=actor, stage=stage.slug, teams=teams))
        # Before any fixture or result names the other spelling.
        for alias, team in stage.aliases.items():
            add(RecordAlias(on=on, source=source, actor=actor, alias=alias, team=team))
        for group, members in stage.groups.items():
            add(
                DefineGroup(
                    on=on,
                    source=source,
                    actor=actor,
                    stage=stage.slug,
                    group=group,
                    teams=tuple(members),
                )
            )
        for f in stage.fixtures:
            add(
                ScheduleFixture(
                    on=on,
                    source=source,
                    actor=actor,
                    fixture=f.match.fixture,
                    stage=stage.slug,
                    round=f.round,
                    group=f.group,
                    home=f.home,
                    away=f.away,
                    kickoff=f.match.entry.date,
                )
            )
        for team, into in stage.byes:
            add(
                GrantBye(
                    on=on,
                    source=source,
                    actor=actor,
                    stage=stage.slug,
                    round=stage.rounds[0],
                    team=team,
                    into=into,
                )
            )

    def record_results(self) -> None:
        """Results in date order (then article order), so every slot a result needs is
        decided by commands earlier in the batch, whatever order the article lists them in."""
        planned = [(f, s) for s in self.stages for f in s.fixtures]
        planned.sort(key=lambda fs: fs[0].match.key)
        for f, stage in planned:
            m = f.match
            entry = m.entry
            if not entry.result.score.regulation_known:
                self.batch.warn(
                    f"line {entry.line_no}: only the score after extra time is given; "
                    "the score at the end of normal time is left unknown"
                )
            self.batch.commands.append(
                RecordResult(
                    on=entry.date,
                    source=self.cite(stage.block.title),
                    actor=self.actor,
                    note=self.out_of_order.get(m.order, ""),
                    stage=stage.slug,
                    fixture=m.fixture,
                    home=entry.result.home,
                    away=entry.result.away,
                    score=m.score,
                    scorers=self.scorers(entry),
                )
            )
            advance = self.advances.get(m.order)
            if advance is not None and stage.format == "knockout":
                # Cited with the reason: the article never names who went through.
                self.batch.commands.append(
                    DecideAdvancement(
                        on=entry.date,
                        source=self.cite(advance.why),
                        actor=self.actor,
                        note="dated on the match day: the article gives no date for the decision",
                        fixture=m.fixture,
                        team=advance.team,
                        method="unknown",
                    )
                )

    def scorers(self, entry: MatchEntry) -> tuple[TeamScorers, ...]:
        """The scorer lines of a result, each side named as "home" or "away"."""
        home, away = entry.result.home.casefold(), entry.result.away.casefold()
        typed: list[TeamScorers] = []
        for team, scorers in entry.scorers:
            name = team.casefold()
            side: Literal["home", "away"] | None = (
                "home" if name == home else "away" if name == away else None
            )
            if side is None:
                self.batch.warn(
                    f"line {entry.line_no}: scorers of {team!r} left out: "
                    f"{entry.result.home} v {entry.result.away} has no such team"
                )
                continue
            typed.append(TeamScorers(team=side, scorers=scorers))
        return tuple(typed)


# --- pure helpers -------------------------------------------------------------------------


def _read_prose_path(block: _Block) -> _ProsePath | None:
    """The hosted tournament and play-in a section's prose describes, if it does."""
    sentences = [s.strip() for p in block.prose for s in _SENTENCE.split(p) if s.strip()]
    hosted = next((m for s in sentences if (m := _HOSTED.match(s))), None)
    play_in = next(((s, m) for s in sentences if (m := _PLAY_IN.search(s))), None)
    if hosted is None or play_in is None:
        return None
    open_entry = _OPEN_ENTRY.search(hosted.group("rest"))
    entrants: list[str] = []
    signed_up = ""
    for sentence in sentences:
        found = _SIGNED_UP.match(sentence)
        if found is None:
            continue
        items = [t.strip() for t in _LIST_SEPARATOR.split(found.group("teams")) if t.strip()]
        if items and all(_looks_like_name(t) for t in items):
            entrants += [t for t in items if t not in entrants]
            signed_up = sentence
    sentence, found = play_in
    seed = found.group("seed")
    return _ProsePath(
        host=hosted.group("host"),
        open_entry=_clause(hosted.group("rest"), open_entry.start()) if open_entry else None,
        entrants=entrants,
        signed_up=signed_up,
        opponent=found.group("team").strip(),
        seed=int(seed) if seed else None,
        play_in=sentence,
    )


def _clause(text: str, start: int) -> str:
    """The words from `start` to the end of the clause ("open to any team ...")."""
    return text[start:].split(".")[0].strip()


def _aliases(matches: Sequence[MatchEntry]) -> dict[str, str]:
    """Spellings of one club in a section: alike names that never meet. The spelling
    used in more matches (the earlier one on a tie) is the team's name."""
    uses: dict[str, int] = {}
    met: set[frozenset[str]] = set()
    for entry in matches:
        home, away = entry.result.home, entry.result.away
        uses[home] = uses.get(home, 0) + 1
        uses[away] = uses.get(away, 0) + 1
        met.add(frozenset((home, away)))
    names = list(uses)
    aliases: dict[str, str] = {}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if a in aliases or b in aliases or frozenset((a, b)) in met:
                continue
            ratio = difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio()
            if ratio >= ALIAS_RATIO:
                team, alias = (b, a) if uses[b] > uses[a] else (a, b)
                aliases[alias] = team
    return aliases


def _round_robins(matches: Sequence[_Match]) -> list[list[str]] | None:
    """The groups, when every connected set of teams (three or more) met in a complete
    round robin, each pair the same number of times; otherwise None."""
    if not matches:
        return None
    component: dict[str, int] = {}
    groups: list[list[str]] = []
    for m in matches:
        known = [component[t] for t in m.teams if t in component]
        if not known:
            groups.append([])
            target = len(groups) - 1
        else:
            target = min(known)
            for other in set(known) - {target}:  # two groups joined by this match
                for team in groups[other]:
                    component[team] = target
                groups[target] += groups[other]
                groups[other] = []
        for team in m.teams:
            if team not in component:
                component[team] = target
                groups[target].append(team)
    groups = [g for g in groups if g]
    meetings: dict[frozenset[str], int] = {}
    for m in matches:
        pair = frozenset(m.teams)
        meetings[pair] = meetings.get(pair, 0) + 1
    for group in groups:
        if len(group) < 3:
            return None
        counts = {meetings.get(frozenset((a, b)), 0) for a, b in _pairs(group)}
        if len(counts) != 1 or 0 in counts:
            return None
    return groups


def _pairs(items: Sequence[str]) -> Iterable[tuple[str, str]]:
    return ((a, b) for i, a in enumerate(items) for b in items[i + 1 :])


def _round_name(depth: int) -> str:
    """Rounds counted back from the final: depth 0 is the final."""
    if depth == 0:
        return "Final"
    if depth == 1:
        return "Semi-finals"
    if depth == 2:
        return "Quarter-finals"
    return f"Round of {2 ** (depth + 1)}"


def _group_name(index: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[index] if index < len(letters) else str(index + 1)


def _column(header: Sequence[str], *names: str) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _looks_like_name(text: str) -> bool:
    """A team name as articles write it: capitalised and short ("RVA FC", "1860 Munich")."""
    return (text[:1].isupper() or text[:1].isdigit()) and len(text.split()) <= 6


def _abbreviation(title: str) -> str:
    """ "National Premier Soccer League" -> "NPSL"; short names stay as they are."""
    words = title.split()
    if len(words) >= 3 and all(w[:1].isupper() for w in words):
        return "".join(w[0] for w in words)
    return title

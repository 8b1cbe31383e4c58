"""A knockout stage laid out as boxes and lines: rounds as columns, feeders to the left.

Pure geometry from the stage's bracket rows and the sides its fixtures were
scheduled with: each match sits level with the middle of what feeds it, a bye
is a one-team box in the round it skips, and a side fed from elsewhere (another
stage's winner, a group place) or not yet known is a named slot.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from events.base import LoserOf, Side, TeamSide, WinnerOf
from projections.model import CompetitionState, StageState
from projections.resolve import Resolver
from projections.views import BracketMatch

BOX_W = 260
ROW_H = 22
CAPTION_H = 16
MATCH_H = CAPTION_H + 2 * ROW_H
BYE_H = CAPTION_H + ROW_H
UNIT = 40  # vertical room of one entrant at the first column
COL_GAP = 56
TOP = 34
LEFT = 12
CHAMPION_W = 220


@dataclass
class Row:
    """One side of a box: the team (or the slot still to be decided) and its score."""

    label: str
    team: str | None  # the team, for a link; None for an open slot
    score: str
    winner: bool
    origin: str  # where the side comes from, in words ("winner of ggc-sf-1")
    y: float = 0.0


@dataclass
class Box:
    key: str  # fixture id, or "bye:TEAM"
    match: BracketMatch
    column: int
    rows: list[Row]
    caption: str
    unknown_method: str | None  # the hover text of a tie decided by an unknown method
    x: float = 0.0
    y: float = 0.0  # top
    feeders: list[tuple[str, int]] = field(default_factory=list)  # (box key, row index)

    @property
    def height(self) -> float:
        return CAPTION_H + ROW_H * len(self.rows)

    @property
    def centre(self) -> float:
        return self.y + CAPTION_H + ROW_H * len(self.rows) / 2

    def row_mid(self, index: int) -> float:
        return self.y + CAPTION_H + ROW_H * index + ROW_H / 2


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Layout:
    columns: list[tuple[str, float]]  # round name and x
    boxes: list[Box]
    lines: list[Line]
    champion: str | None
    champion_box: tuple[float, float] | None  # x, y of the champion label
    width: float
    height: float


def _goals(match: BracketMatch, side: int) -> str:
    if match.status == "bye":
        return ""
    parts = []
    if match.regulation is not None:
        parts.append(str((match.regulation.home, match.regulation.away)[side]))
    if match.after_extra_time is not None:
        aet = (match.after_extra_time.home, match.after_extra_time.away)[side]
        parts = [f"{aet} aet"] if not parts else [parts[0], f"({aet} aet)"]
    if match.penalties is not None:
        parts.append(f"({(match.penalties.home, match.penalties.away)[side]} p)")
    return " ".join(parts)


def layout(
    state: CompetitionState,
    stage: StageState,
    matches: Sequence[BracketMatch],
    champion: str | None,
    sources: dict[str, str],
) -> Layout:
    """Place every box; `sources` maps event ids to their citations."""
    resolver = Resolver(state)
    rounds = list(stage.rounds)
    for m in matches:
        name = m.round or "Matches"
        if name not in rounds:
            rounds.append(name)
    column_of = {name: i for i, name in enumerate(rounds)}
    boxes: dict[str, Box] = {}
    for m in matches:
        col = column_of[m.round or "Matches"]
        if m.status == "bye":
            key = f"bye:{m.home_team or m.home or ''}"
            rows = [Row(label=m.home or "", team=m.home_team, score="bye", winner=True, origin="")]
            boxes[key] = Box(key, m, col, rows, caption=f"bye: {m.round}", unknown_method=None)
            continue
        assert m.fixture is not None
        fx = state.fixtures.get(m.fixture)
        sides: tuple[Side | None, Side | None] = (fx.home, fx.away) if fx else (None, None)
        rows = []
        for i, (shown, team) in enumerate(((m.home, m.home_team), (m.away, m.away_team))):
            side = sides[i]
            label = shown or "to be decided"
            origin = resolver.describe(side) if side is not None else ""
            rows.append(
                Row(
                    label=label,
                    team=team,
                    score=_goals(m, i),
                    winner=team is not None and team == m.winner,
                    origin="" if isinstance(side, TeamSide) or origin == label else origin,
                )
            )
        unknown = None
        if fx is not None and fx.advancement is not None and fx.advancement.method == "unknown":
            source = sources.get(fx.advancement.event_id, "")
            unknown = (
                f"{fx.advancement.team} went through by a decision whose method is unknown"
                + (f"; source: {source}" if source else "")
            )
        caption = m.fixture + (f" · {m.date}" if m.date else "")
        if m.status not in ("played", "scheduled"):
            caption += f" · {m.status.replace('_', ' ')}"
        boxes[m.fixture] = Box(m.fixture, m, col, rows, caption=caption, unknown_method=unknown)

    # Who feeds whom: a winner (or loser) of an earlier fixture of this stage, or a bye.
    fed: set[str] = set()
    for box in boxes.values():
        if box.match.status == "bye" or box.match.fixture is None:
            continue
        fx = state.fixtures.get(box.match.fixture)
        if fx is None:
            continue
        for index, side in enumerate((fx.home, fx.away)):
            feeder: str | None = None
            if isinstance(side, WinnerOf | LoserOf) and side.fixture in boxes:
                feeder = side.fixture
            elif isinstance(side, TeamSide):
                feeder = _bye_feeder(state, stage, boxes, box, side.team)
            if feeder is not None and feeder not in fed and boxes[feeder].column < box.column:
                box.feeders.append((feeder, index))
                fed.add(feeder)

    # Place: recursively from each root, leaves take the next free room.
    next_leaf = [0.0]
    placed: set[str] = set()

    def place(key: str) -> float:
        box = boxes[key]
        placed.add(key)
        by_row = dict((row, f) for f, row in box.feeders)
        mids: list[float] = []
        for index in range(len(box.rows)):
            if index in by_row and by_row[index] not in placed:
                mids.append(place(by_row[index]))
            else:
                mids.append(next_leaf[0] + UNIT / 2)
                next_leaf[0] += UNIT
        centre = sum(mids) / len(mids)
        box.y = TOP + centre - box.height / 2 + CAPTION_H / 2
        return centre

    roots = [k for k in boxes if k not in fed]
    # The last round's matches first, then what stands apart (a play-in feeding
    # another stage), in the order the rows came.
    order = {k: i for i, k in enumerate(boxes)}
    roots.sort(key=lambda k: (-boxes[k].column, order[k]))
    for key in roots:
        if key not in placed:
            place(key)
            next_leaf[0] += UNIT / 4

    # No two boxes of a column overlap.
    for col in range(len(rounds)):
        column = sorted((b for b in boxes.values() if b.column == col), key=lambda b: b.y)
        for above, below in itertools.pairwise(column):
            if below.y < above.y + above.height + 8:
                below.y = above.y + above.height + 8
    for box in boxes.values():
        box.x = LEFT + box.column * (BOX_W + COL_GAP)

    lines: list[Line] = []
    for box in boxes.values():
        for feeder_key, index in box.feeders:
            source_box = boxes[feeder_key]
            x1 = source_box.x + BOX_W
            y1 = source_box.row_mid(0) if source_box.match.status == "bye" else source_box.centre
            x2 = box.x
            y2 = box.row_mid(index)
            mid = (x1 + x2) / 2
            lines += [Line(x1, y1, mid, y1), Line(mid, y1, mid, y2), Line(mid, y2, x2, y2)]

    champion_box = None
    finals = [b for b in boxes.values() if b.column == len(rounds) - 1 and b.key not in fed]
    width = float(LEFT + len(rounds) * (BOX_W + COL_GAP))
    if finals:
        final = finals[0]
        cx = final.x + BOX_W + COL_GAP
        champion_box = (cx, final.centre)
        lines.append(Line(final.x + BOX_W, final.centre, cx, final.centre))
        width = cx + CHAMPION_W + LEFT
    height = max((b.y + b.height for b in boxes.values()), default=TOP) + 24
    columns = [(name, float(LEFT + i * (BOX_W + COL_GAP))) for i, name in enumerate(rounds)]
    return Layout(
        columns=columns,
        boxes=list(boxes.values()),
        lines=lines,
        champion=champion,
        champion_box=champion_box,
        width=width,
        height=height,
    )


def _bye_feeder(
    state: CompetitionState, stage: StageState, boxes: dict[str, Box], box: Box, team: str
) -> str | None:
    """The bye that put `team` into this box, when the stage recorded one."""
    for bye in stage.byes:
        if state.canonical(bye.team) != state.canonical(team):
            continue
        key = f"bye:{state.canonical(bye.team)}"
        if key not in boxes:
            key = f"bye:{bye.team}"
        if key in boxes and bye.into_fixture in (None, box.key):
            return key
    return None

"""What changed between two readings of a competition, and which events did it.

A reading is the ledger at a sporting date and/or a moment of knowledge. Rows
are compared by key: standings by (stage, group, team), bracket by (stage,
fixture), qualifiers by (path, team or slot).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from events.catalogue import Recorded
from projections.audit import entry_evidence, evidence, group_evidence
from projections.model import CompetitionState, fold
from projections.qualifiers import qualifiers
from projections.resolve import Resolver
from projections.views import bracket_matches, table_rows


class Change(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    kind: str  # standings, bracket, qualifier
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: list[str]  # the fields that differ
    events: list[str]  # events present in only one reading that touch this row


class Diff(msgspec.Struct, frozen=True, gc=False, kw_only=True):
    added_events: list[str]  # in the second reading only
    removed_events: list[str]  # in the first reading only
    changes: list[Change]


def _rows(state: CompetitionState) -> dict[tuple[str, str], tuple[dict[str, Any], list[str]]]:
    """Every comparable row with the events that row rests on."""
    resolver = Resolver(state)
    out: dict[tuple[str, str], tuple[dict[str, Any], list[str]]] = {}
    for stage in state.stages.values():
        if stage.format == "group":
            for row in table_rows(state, stage.stage):
                cited = group_evidence(state, resolver, stage.stage, row.group, set())
                out[("standings", f"{stage.stage}/{row.group}/{row.team}")] = (_plain(row), cited)
        for match in bracket_matches(state, stage.stage):
            key = match.fixture or f"bye:{match.round}:{match.home}"
            cited = evidence(state, resolver, match.fixture) if match.fixture else match.events
            out[("bracket", f"{stage.stage}/{key}")] = (_plain(match), cited)
    _, entries = qualifiers(state)
    for entry in entries:
        who = entry.slot or entry.team or "?"
        out[("qualifier", f"{entry.path}/{who}")] = (
            _plain(entry),
            entry_evidence(state, resolver, entry),
        )
    return out


def _plain(obj: Any) -> dict[str, Any]:
    data = msgspec.to_builtins(obj)
    assert isinstance(data, dict)
    return data


_IGNORED = {"events", "complete"}


def diff(first: Sequence[Recorded], second: Sequence[Recorded]) -> Diff:
    ids1 = {r.event.event_id for r in first}
    ids2 = {r.event.event_id for r in second}
    delta = ids1 ^ ids2
    rows1, rows2 = _rows(fold(first)), _rows(fold(second))
    changes = []
    for key in sorted(set(rows1) | set(rows2)):
        before = rows1.get(key)
        after = rows2.get(key)
        b = before[0] if before else None
        a = after[0] if after else None
        if b is not None and a is not None:
            fields = sorted(k for k in a if k not in _IGNORED and a.get(k) != b.get(k))
            if not fields:
                continue
        else:
            fields = sorted((a or b or {}).keys())
        cited = (before[1] if before else []) + (after[1] if after else [])
        responsible = [e for e in dict.fromkeys(cited) if e in delta]
        changes.append(
            Change(kind=key[0], key=key[1], before=b, after=a, fields=fields, events=responsible)
        )
    order = [r.event.event_id for r in (*first, *second)]
    return Diff(
        added_events=[e for e in dict.fromkeys(order) if e in ids2 - ids1],
        removed_events=[e for e in dict.fromkeys(order) if e in ids1 - ids2],
        changes=changes,
    )

"""Everything a clerk can ask the ledger, as data, and the one handler for each.

`decide(state, command, meta)` runs the command's handler, passes every fact it
proposes through the checks in `checks.py`, and applies the accepted ones to
`state`, so the next command of a batch sees them. Nothing here does I/O or
reads a clock; `Ledger.execute` loads state, decides and appends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events.catalogue import Event
from ledger.commands.base import Command, Meta, new_id, stamp
from ledger.commands.checks import admit
from ledger.commands.draw import DrawStage, draw_stage
from ledger.commands.lifecycle import Replay, Retract, replay, retract
from ledger.commands.matches import (
    AwardForfeit,
    CancelFixture,
    CancelRound,
    CorrectResult,
    DecideAdvancement,
    GrantBye,
    RecordCards,
    RecordResult,
    RescheduleFixture,
    ScheduleFixture,
    TeamScorers,
    VoidResult,
    award_forfeit,
    cancel_fixture,
    cancel_round,
    correct_result,
    decide_advancement,
    grant_bye,
    record_cards,
    record_result,
    reschedule_fixture,
    schedule_fixture,
    void_result,
)
from ledger.commands.qualification import (
    ChangeBerths,
    ConfirmBerths,
    DeclareQualifier,
    DeclineBerth,
    FillSlot,
    ReallocateBerth,
    change_berths,
    confirm_berths,
    declare_qualifier,
    decline_berth,
    fill_slot,
    reallocate_berth,
)
from ledger.commands.structure import (
    CreateCompetition,
    CreateStage,
    DeclareRanking,
    DeclareRules,
    DefineGroup,
    DefinePath,
    DrawLots,
    EnterTeams,
    RecordAlias,
    RecordAssumption,
    UseCompetition,
    WithdrawTeam,
    create_competition,
    create_stage,
    declare_ranking,
    declare_rules,
    define_group,
    define_path,
    draw_lots,
    enter_teams,
    record_alias,
    record_assumption,
    use_competition,
    withdraw_team,
)
from ledger.scoreline import Scorer
from projections.model import CompetitionState, apply

Handler = Callable[[CompetitionState, Any, Meta], list[Event]]

HANDLERS: dict[type[Command], Handler] = {
    CreateCompetition: create_competition,
    UseCompetition: use_competition,
    DefinePath: define_path,
    CreateStage: create_stage,
    DeclareRules: declare_rules,
    DeclareRanking: declare_ranking,
    EnterTeams: enter_teams,
    WithdrawTeam: withdraw_team,
    DefineGroup: define_group,
    RecordAlias: record_alias,
    RecordAssumption: record_assumption,
    DrawLots: draw_lots,
    ScheduleFixture: schedule_fixture,
    RescheduleFixture: reschedule_fixture,
    CancelFixture: cancel_fixture,
    CancelRound: cancel_round,
    GrantBye: grant_bye,
    RecordResult: record_result,
    CorrectResult: correct_result,
    VoidResult: void_result,
    AwardForfeit: award_forfeit,
    DecideAdvancement: decide_advancement,
    RecordCards: record_cards,
    DeclareQualifier: declare_qualifier,
    FillSlot: fill_slot,
    ConfirmBerths: confirm_berths,
    ChangeBerths: change_berths,
    DeclineBerth: decline_berth,
    ReallocateBerth: reallocate_berth,
    Retract: retract,
    DrawStage: draw_stage,
    Replay: replay,
}


def decide(state: CompetitionState, command: Command, meta: Meta) -> list[Event]:
    """The facts a command adds, checked and applied to `state`; [] for a repeat.

    On a refusal the state may hold the command's earlier facts: discard it, as
    `Ledger.execute` does, and decide again from fresh state."""
    handler = HANDLERS.get(type(command))
    if handler is None:
        raise TypeError(f"no handler for {type(command).__name__}")
    accepted: list[Event] = []
    for event in handler(state, command, meta):
        if admit(state, event):
            apply(state, event)
            accepted.append(event)
    return accepted


__all__ = [
    "HANDLERS",
    "AwardForfeit",
    "CancelFixture",
    "CancelRound",
    "ChangeBerths",
    "Command",
    "ConfirmBerths",
    "CorrectResult",
    "CreateCompetition",
    "CreateStage",
    "DecideAdvancement",
    "DeclareQualifier",
    "DeclareRanking",
    "DeclareRules",
    "DeclineBerth",
    "DefineGroup",
    "DefinePath",
    "DrawLots",
    "DrawStage",
    "EnterTeams",
    "FillSlot",
    "GrantBye",
    "Meta",
    "ReallocateBerth",
    "RecordAlias",
    "RecordAssumption",
    "RecordCards",
    "RecordResult",
    "Replay",
    "RescheduleFixture",
    "Retract",
    "ScheduleFixture",
    "Scorer",
    "TeamScorers",
    "UseCompetition",
    "VoidResult",
    "WithdrawTeam",
    "decide",
    "new_id",
    "stamp",
]

"""The escalation ladder as an explicit state machine (B2 §5.1, TP §3 table 2).

Per level a case is addressed to the counterpart, who responds (or lets the window pass); the raising
side assesses the result; an insufficient result may be raised to the next level. The ladder's levels
are profile data: the same machine runs B2's three levels and TP's five rows.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from transitions import EventData

from escalation_engine.core.machine import build_machine, mermaid
from escalation_engine.procedures.ladder.rules import ClosureText, EscalationCase, missing_for_level


class EscState(StrEnum):
    NEW = "new"
    ADDRESSED = "addressed"
    RESPONDED = "responded"
    NO_RESPONSE = "no_response"
    SUFFICIENT = "sufficient"
    INSUFFICIENT = "insufficient"
    CLOSED = "closed"
    REFUSED = "refused"


class EscTrigger(StrEnum):
    ADDRESS = "address"
    RESPOND = "respond"
    WINDOW_PASSED = "window_passed"
    ASSESS_SUFFICIENT = "assess_sufficient"
    ASSESS_INSUFFICIENT = "assess_insufficient"
    RAISE = "raise_level"
    REFUSE = "refuse"
    CLOSE = "close"


OPEN_STATES = (
    EscState.ADDRESSED,
    EscState.RESPONDED,
    EscState.NO_RESPONSE,
    EscState.SUFFICIENT,
    EscState.INSUFFICIENT,
)

S = EscState
T = EscTrigger
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": T.ADDRESS, "source": S.NEW, "dest": S.ADDRESSED, "conditions": "lower_levels_gone_through"},
    {"trigger": T.RESPOND, "source": [S.ADDRESSED, S.NO_RESPONSE], "dest": S.RESPONDED},
    {"trigger": T.WINDOW_PASSED, "source": S.ADDRESSED, "dest": S.NO_RESPONSE},
    {"trigger": T.ASSESS_SUFFICIENT, "source": [S.RESPONDED, S.NO_RESPONSE], "dest": S.SUFFICIENT},
    {"trigger": T.ASSESS_INSUFFICIENT, "source": [S.RESPONDED, S.NO_RESPONSE], "dest": S.INSUFFICIENT},
    {
        "trigger": T.RAISE,
        "source": S.INSUFFICIENT,
        "dest": S.ADDRESSED,
        "conditions": "lower_levels_gone_through",
    },
    {"trigger": T.REFUSE, "source": S.ADDRESSED, "dest": S.REFUSED, "conditions": "at_first_level"},
    {"trigger": T.REFUSE, "source": S.ADDRESSED, "dest": S.ADDRESSED, "unless": "at_first_level"},
    {
        "trigger": T.CLOSE,
        "source": [S.SUFFICIENT, S.INSUFFICIENT],
        "dest": S.CLOSED,
        "conditions": "has_closure",
    },
]


class EscalationModel(EscalationCase):
    """The case object plus the guard methods the machine calls (pure: they only read the case)."""

    def lower_levels_gone_through(self, event: EventData) -> bool:
        ladder = event.kwargs["ladder"]
        target: int = event.kwargs["target"]
        return all(not missing_for_level(self.records.get(n), ladder.level(n)) for n in range(1, target))

    def at_first_level(self, event: EventData) -> bool:
        return self.level == 1

    def has_closure(self, event: EventData) -> bool:
        closure: ClosureText = event.kwargs["closure"]
        return all(part.strip() for part in (closure.measures, closure.results, closure.lessons))


_MACHINE = build_machine(EscState, TRANSITIONS, EscState.NEW)


def escalation_machine() -> Any:
    """The one escalation machine of this process (its table does not depend on the profile)."""
    return _MACHINE


def escalation_diagram() -> str:
    return mermaid(EscState, TRANSITIONS, EscState.NEW, "Escalation ladder (one level; repeats per level)")

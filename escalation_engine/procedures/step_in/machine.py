"""Step-in rights as an explicit state machine (B2 §6).

The category requests step-in; when the causes lie outside the supplier's sphere of influence there is
no step-in and the dialogue path is recorded instead. Otherwise the supplier convenes a management-team
meeting within 2 weeks; 30 calendar days after it the category assesses the result; insufficient progress
(or no assessment by then) requires a second meeting, after which the category may lay down binding
advice. The procedure closes with a written result.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from transitions import EventData

from escalation_engine.core.machine import build_machine, mermaid


class StepInState(StrEnum):
    NEW = "new"
    DIALOGUE = "dialogue"
    AWAITING_MEETING = "awaiting_meeting"
    MEETING_OVERDUE = "meeting_overdue"
    MONITORING = "monitoring"
    SOLVED = "solved"
    AWAITING_SECOND_MEETING = "awaiting_second_meeting"
    SECOND_MEETING_OVERDUE = "second_meeting_overdue"
    SECOND_MEETING_HELD = "second_meeting_held"
    ADVISED = "advised"
    CLOSED = "closed"


class StepInTrigger(StrEnum):
    REQUEST = "request"
    OUTSIDE_SPHERE = "outside_sphere"
    MEETING_DEADLINE_PASSED = "meeting_deadline_passed"
    HOLD_MEETING = "hold_meeting"
    ASSESS_SOLVED = "assess_solved"
    ASSESS_INSUFFICIENT = "assess_insufficient_progress"
    CHECK_WITHOUT_ASSESSMENT = "check_without_assessment"
    SECOND_DEADLINE_PASSED = "second_meeting_deadline_passed"
    HOLD_SECOND_MEETING = "hold_second_meeting"
    ADVISE = "advise"
    CLOSE = "close"


S = StepInState
T = StepInTrigger
FINAL_STATES = (S.DIALOGUE, S.CLOSED)
OPEN_STATES = tuple(s for s in S if s not in FINAL_STATES and s is not S.NEW)
_SECOND_PENDING = [S.AWAITING_SECOND_MEETING, S.SECOND_MEETING_OVERDUE]

TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": T.REQUEST, "source": S.NEW, "dest": S.AWAITING_MEETING, "conditions": "culpable"},
    {"trigger": T.OUTSIDE_SPHERE, "source": S.NEW, "dest": S.DIALOGUE, "unless": "culpable"},
    {"trigger": T.MEETING_DEADLINE_PASSED, "source": S.AWAITING_MEETING, "dest": S.MEETING_OVERDUE},
    {"trigger": T.HOLD_MEETING, "source": [S.AWAITING_MEETING, S.MEETING_OVERDUE], "dest": S.MONITORING},
    {
        "trigger": T.ASSESS_SOLVED,
        "source": [S.MONITORING, *_SECOND_PENDING],
        "dest": S.SOLVED,
        "conditions": "not_yet_assessed",
    },
    {"trigger": T.ASSESS_INSUFFICIENT, "source": S.MONITORING, "dest": S.AWAITING_SECOND_MEETING},
    {
        "trigger": T.ASSESS_INSUFFICIENT,
        "source": S.AWAITING_SECOND_MEETING,
        "dest": S.AWAITING_SECOND_MEETING,
        "conditions": "not_yet_assessed",
    },
    {
        "trigger": T.ASSESS_INSUFFICIENT,
        "source": S.SECOND_MEETING_OVERDUE,
        "dest": S.SECOND_MEETING_OVERDUE,
        "conditions": "not_yet_assessed",
    },
    {"trigger": T.CHECK_WITHOUT_ASSESSMENT, "source": S.MONITORING, "dest": S.AWAITING_SECOND_MEETING},
    {
        "trigger": T.SECOND_DEADLINE_PASSED,
        "source": S.AWAITING_SECOND_MEETING,
        "dest": S.SECOND_MEETING_OVERDUE,
    },
    {"trigger": T.HOLD_SECOND_MEETING, "source": _SECOND_PENDING, "dest": S.SECOND_MEETING_HELD},
    {"trigger": T.ADVISE, "source": [S.SECOND_MEETING_HELD, S.ADVISED], "dest": S.ADVISED},
    {"trigger": T.CLOSE, "source": list(OPEN_STATES), "dest": S.CLOSED, "conditions": "has_result"},
]


@dataclass
class StepInModel:
    """The plain case object the machine runs on; guards only read it and the event's data."""

    ref: str
    state: str
    culpable_causes: bool = True
    assessed: bool = False

    def culpable(self, event: EventData) -> bool:
        return self.culpable_causes

    def not_yet_assessed(self, event: EventData) -> bool:
        return not self.assessed

    def has_result(self, event: EventData) -> bool:
        return bool(str(event.kwargs.get("results", "")).strip())


_MACHINE = build_machine(StepInState, TRANSITIONS, StepInState.NEW)


def step_in_machine() -> Any:
    """The one step-in machine of this process (its table does not depend on the profile)."""
    return _MACHINE


def step_in_diagram() -> str:
    return mermaid(StepInState, TRANSITIONS, StepInState.NEW, "Step-in rights (B2 §6)")

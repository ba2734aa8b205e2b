"""The improvement plans as explicit state machines.

Three-step plan (B2 §5.2): step 1 (operational/tactical meeting) → step 2 (category, participants and
supplier consult; a window of at most three months runs) → step 3 (at the category's request the
supplier's final-responsible manager presents a plan in the Strategic Customer Council). Step 1 may be
skipped when the plan concerns a KPI or more than one participant. Resolved at any step.

Plan within 14 days (TP §2.1.2): a norm failure obliges the supplier to submit a plan within 14 days;
the client accepts or rejects it (rejected → a new deadline); a late plan is overdue.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from transitions import EventData

from escalation_engine.core.machine import build_machine, mermaid
from escalation_engine.procedures.plans.rules import PlanCase


class StepState(StrEnum):
    NEW = "new"
    STEP_1 = "step_1"
    STEP_2 = "step_2"
    STEP_3_DUE = "step_3_due"
    STEP_3_REQUESTED = "step_3_requested"
    STEP_3_PRESENTED = "step_3_presented"
    RESOLVED = "resolved"


class StepTrigger(StrEnum):
    OPEN = "open"
    SKIP_STEP1 = "skip_step1"
    ADVANCE = "advance"
    WINDOW_PASSED = "window_passed"
    PRESENT = "present"
    RESOLVE = "resolve"


class NormState(StrEnum):
    NEW = "new"
    AWAITING_PLAN = "awaiting_plan"
    OVERDUE = "overdue"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"


class NormTrigger(StrEnum):
    REQUIRE = "require"
    DEADLINE_PASSED = "deadline_passed"
    SUBMIT = "submit"
    ACCEPT = "accept"
    REJECT = "reject"
    RESOLVE = "resolve"


S, T = StepState, StepTrigger
STEP_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": T.OPEN, "source": S.NEW, "dest": S.STEP_1},
    {
        "trigger": T.SKIP_STEP1,
        "source": S.STEP_1,
        "dest": S.STEP_2,
        "conditions": "concerns_kpi_or_several_participants",
    },
    {"trigger": T.ADVANCE, "source": S.STEP_1, "dest": S.STEP_2},
    {
        "trigger": T.ADVANCE,
        "source": S.STEP_2,
        "dest": S.STEP_3_REQUESTED,
        "conditions": "window_passed_or_early",
    },
    {"trigger": T.ADVANCE, "source": S.STEP_3_DUE, "dest": S.STEP_3_REQUESTED},
    {"trigger": T.WINDOW_PASSED, "source": S.STEP_2, "dest": S.STEP_3_DUE},
    {"trigger": T.PRESENT, "source": S.STEP_3_REQUESTED, "dest": S.STEP_3_PRESENTED},
    {
        "trigger": T.RESOLVE,
        "source": [S.STEP_1, S.STEP_2, S.STEP_3_DUE, S.STEP_3_REQUESTED, S.STEP_3_PRESENTED],
        "dest": S.RESOLVED,
    },
]
STEP_OF = {S.STEP_1: 1, S.STEP_2: 2, S.STEP_3_DUE: 3, S.STEP_3_REQUESTED: 3, S.STEP_3_PRESENTED: 3}

N, U = NormState, NormTrigger
NORM_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": U.REQUIRE, "source": N.NEW, "dest": N.AWAITING_PLAN},
    {"trigger": U.DEADLINE_PASSED, "source": N.AWAITING_PLAN, "dest": N.OVERDUE},
    {"trigger": U.SUBMIT, "source": [N.AWAITING_PLAN, N.OVERDUE], "dest": N.SUBMITTED},
    {"trigger": U.ACCEPT, "source": N.SUBMITTED, "dest": N.ACCEPTED},
    {"trigger": U.REJECT, "source": N.SUBMITTED, "dest": N.AWAITING_PLAN},
    {
        "trigger": U.RESOLVE,
        "source": [N.AWAITING_PLAN, N.OVERDUE, N.SUBMITTED, N.ACCEPTED],
        "dest": N.RESOLVED,
    },
]

CLOSED_STATES = (StepState.RESOLVED.value,)


class PlanModel(PlanCase):
    """The plan case plus the guard methods the machines call (pure: they only read the case)."""

    def concerns_kpi_or_several_participants(self, event: EventData) -> bool:
        return self.skip_allowed()

    def window_passed_or_early(self, event: EventData) -> bool:
        return self.step3_may_be_requested()


_STEP_MACHINE = build_machine(StepState, STEP_TRANSITIONS, StepState.NEW)
_NORM_MACHINE = build_machine(NormState, NORM_TRANSITIONS, NormState.NEW)


def step_machine() -> Any:
    return _STEP_MACHINE


def norm_machine() -> Any:
    return _NORM_MACHINE


def step_diagram() -> str:
    return mermaid(StepState, STEP_TRANSITIONS, StepState.NEW, "Three-step improvement plan (B2 §5.2)")


def norm_diagram() -> str:
    return mermaid(NormState, NORM_TRANSITIONS, NormState.NEW, "Improvement plan within 14 days (TP §2.1.2)")

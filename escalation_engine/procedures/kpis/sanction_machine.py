"""A sanction after a failed KPI verdict as an explicit state machine (B2 §1 and §5).

A failed verdict of a KPI that allows sanctions opens a case *awaiting* a culpability finding. Only with
a finding that the supplier is culpable ('toerekenbaar tekortschiet', B2 §5) does it become a proposal
of one or more allowed codes; the category then applies or waives it with a reason (B2 §1: "de
Categorie behoudt zich het recht voor om een Sanctie wel dan niet toe te passen"). The supplier may add
its response while no decision is taken (hearing both sides). A finding of no culpability ends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from transitions import EventData

from escalation_engine.core.machine import build_machine, mermaid


class SanctionState(StrEnum):
    AWAITING_FINDING = "awaiting_finding"
    PROPOSED = "proposed"
    APPLIED = "applied"
    WAIVED = "waived"
    NOT_CULPABLE = "not_culpable"


class SanctionTrigger(StrEnum):
    FIND_CULPABLE = "find_culpable"
    FIND_NOT_CULPABLE = "find_not_culpable"
    APPLY = "apply"
    WAIVE = "waive"


OPEN_STATES = (SanctionState.AWAITING_FINDING, SanctionState.PROPOSED)

S = SanctionState
T = SanctionTrigger
TRANSITIONS: list[dict[str, Any]] = [
    {
        "trigger": T.FIND_CULPABLE,
        "source": S.AWAITING_FINDING,
        "dest": S.PROPOSED,
        "conditions": "codes_allowed",
    },
    {"trigger": T.FIND_NOT_CULPABLE, "source": S.AWAITING_FINDING, "dest": S.NOT_CULPABLE},
    {"trigger": T.APPLY, "source": S.PROPOSED, "dest": S.APPLIED},
    {"trigger": T.WAIVE, "source": [S.AWAITING_FINDING, S.PROPOSED], "dest": S.WAIVED},
]


@dataclass
class SanctionModel:
    ref: str
    state: str
    allowed: tuple[str, ...]
    outcome: str = ""  # "S4" / "S4+" for the survey
    problems: list[str] = field(default_factory=list)

    def codes_allowed(self, event: EventData) -> bool:
        """Pure guard: the proposed codes are allowed by the KPI (and S4+ has S4 plus another code)."""
        codes: tuple[str, ...] = event.kwargs["codes"]
        self.problems = [f"{code} is not allowed for this KPI" for code in codes if code not in self.allowed]
        if not codes:
            self.problems.append("no sanction code proposed")
        if self.outcome == "S4+" and ("S4" not in codes or len(codes) < 2):
            self.problems.append("S4+ is S4 combined with one or more of S1, S2, S3, S5 (B2 §2.3)")
        if self.outcome == "S4" and codes != ("S4",):
            self.problems.append("the survey outcome S4 allows S4 only (B2 §2.3)")
        return not self.problems


_MACHINE = build_machine(SanctionState, TRANSITIONS, SanctionState.AWAITING_FINDING)


def sanction_machine() -> Any:
    return _MACHINE


def sanction_diagram() -> str:
    return mermaid(SanctionState, TRANSITIONS, SanctionState.AWAITING_FINDING, "Sanction after a failed KPI")

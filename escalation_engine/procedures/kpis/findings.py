"""What a verdict says before it is written: its findings and the verdict to record (see `verdicts.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class Finding:
    kind: str  # plan_required | follow_up | termination_right | response_not_valid | not_delivered
    reason: str
    source: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason, "source": self.source, **self.data}


@dataclass
class NewVerdict:
    kind: str
    kpi: str
    period: str
    met: bool
    inputs: dict[str, Any]
    explanation: str
    source: str
    participant: str = ""
    findings: list[Finding] = field(default_factory=list)
    follow_up_due: date | None = None
    allowed: tuple[str, ...] = ()  # sanction codes the KPI allows when the verdict failed
    outcome: str = ""  # survey outcome S4 / S4+

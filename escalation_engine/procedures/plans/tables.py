"""Improvement-plan tables (B2 §5.2, TP §2.1.2). Kept apart from `tables.py` so a command imports only the tables it uses
(defining a table class costs ≈ 3 ms at start-up).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from escalation_engine.core.tables import _instant


class ImprovementPlan(SQLModel, table=True):
    """An improvement plan: the three-step plan (B2 §5.2) or the 14-day plan after a norm failure (TP §2.1)."""

    __tablename__ = "improvement_plan"
    id: int | None = Field(default=None, primary_key=True)
    contract_key: str = Field(foreign_key="contract.key", index=True)
    kind: str = Field(max_length=16)  # "three_step" | "norm_failure"
    trigger: str = Field(max_length=32)
    subject: str
    kpi: str | None = None
    participants: str = "[]"  # JSON list of participant names
    escalation_ref: str | None = None
    state: str = Field(max_length=32, index=True)
    step: int | None = None
    opened_by: str
    opened_at: datetime = _instant()
    updated_at: datetime = _instant()
    closed_at: datetime | None = _instant(nullable=True)
    origin: str = "cli"  # who created it: "cli" or the calling procedure (e.g. "kpi-evaluation")
    skip_reason: str | None = None
    step2_at: datetime | None = _instant(nullable=True)
    window_ends_at: datetime | None = _instant(nullable=True)
    window_passed_at: datetime | None = _instant(nullable=True)
    step3_requested_at: datetime | None = _instant(nullable=True)
    step3_requested_by: str | None = None
    presented_on: date | None = None
    presentation_steps: str | None = None
    presentation_recorded_by: str | None = None
    detected: date | None = None
    results: str | None = None
    resolved_by: str | None = None


class PlanSubmission(SQLModel, table=True):
    """One round of the 14-day plan: a deadline, then the supplier's plan and the client's decision."""

    __tablename__ = "plan_submission"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="improvement_plan.id", index=True)
    attempt: int
    due_at: datetime = _instant()
    rule: str
    source: str
    overdue_at: datetime | None = _instant(nullable=True)
    submitted_at: datetime | None = _instant(nullable=True)
    submitted_by: str | None = None
    text: str | None = None
    decision: str | None = None
    decision_reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = _instant(nullable=True)

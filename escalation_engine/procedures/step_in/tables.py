"""Step-in tables (B2 §6). Kept apart from `tables.py` so a command imports only the tables it uses
(defining a table class costs ≈ 3 ms at start-up).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from escalation_engine.core.tables import _instant


class StepIn(SQLModel, table=True):
    """One step-in procedure (B2 §6) on a contract: the request, its deadlines, assessment and result."""

    __tablename__ = "step_in"
    id: int | None = Field(default=None, primary_key=True)
    contract_key: str = Field(foreign_key="contract.key", index=True)
    state: str = Field(max_length=32, index=True)
    reason: str
    culpable: bool
    escalations: str = "[]"  # JSON list of the escalation refs named in the request
    counted: str = "[]"  # JSON list of the refs that met the threshold
    override_reason: str | None = None
    requested_by: str
    requested_at: datetime = _instant()
    meeting_due_at: datetime | None = _instant(nullable=True)
    meeting_missed_at: datetime | None = _instant(nullable=True)
    check_due_at: datetime | None = _instant(nullable=True)
    assessment: str | None = None
    assessment_reason: str | None = None
    assessed_by: str | None = None
    assessed_at: datetime | None = _instant(nullable=True)
    assessment_missing_at: datetime | None = _instant(nullable=True)
    second_meeting_due_at: datetime | None = _instant(nullable=True)
    second_meeting_missed_at: datetime | None = _instant(nullable=True)
    results: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = _instant(nullable=True)
    updated_at: datetime = _instant()


class StepInMeeting(SQLModel, table=True):
    """A management-team meeting of the supplier within a step-in procedure (number 1 or 2)."""

    __tablename__ = "step_in_meeting"
    __table_args__ = (UniqueConstraint("step_in_id", "number", name="uq_step_in_meeting_number"),)
    id: int | None = Field(default=None, primary_key=True)
    step_in_id: int = Field(foreign_key="step_in.id", index=True)
    number: int
    held_on: date
    minutes: str
    attendees: str | None = None
    measures: str | None = None
    late: bool = False
    recorded_by: str
    recorded_at: datetime = _instant()


class StepInAdvice(SQLModel, table=True):
    """Binding advice (dwingend advies) laid down by the category, with an optional due date."""

    __tablename__ = "step_in_advice"
    __table_args__ = (UniqueConstraint("step_in_id", "number", name="uq_step_in_advice_number"),)
    id: int | None = Field(default=None, primary_key=True)
    step_in_id: int = Field(foreign_key="step_in.id", index=True)
    number: int
    measures: str
    due_on: date | None = None
    due_at: datetime | None = _instant(nullable=True)
    due_passed_at: datetime | None = _instant(nullable=True)
    advised_by: str
    advised_at: datetime = _instant()

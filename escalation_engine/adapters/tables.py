"""Database tables (sqlmodel). The schema itself is created by the Alembic migrations in `migrations/`.

Never bind a state machine to these rows: the service copies them into plain case objects.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .types import UTCDateTime


def _instant(nullable: bool = False, index: bool = False) -> datetime:
    default = None if nullable else ...
    return Field(default=default, sa_type=UTCDateTime, nullable=nullable, index=index)  # type: ignore[no-any-return]


class Contract(SQLModel, table=True):
    __tablename__ = "contract"
    key: str = Field(primary_key=True, max_length=64)
    title: str
    profile_name: str
    profile_version: int
    profile_sha256: str = Field(max_length=64)
    profile_text: str
    start_date: date
    award_date: date | None = None
    created_at: datetime = _instant()


class Person(SQLModel, table=True):
    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("contract_key", "key", name="uq_person_contract_key"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_key: str = Field(foreign_key="contract.key", index=True)
    key: str = Field(max_length=64)
    name: str
    side: str = Field(max_length=16)
    role: str = Field(max_length=64)
    organisation: str | None = None
    email: str | None = None
    created_at: datetime = _instant()


class Escalation(SQLModel, table=True):
    __tablename__ = "escalation"
    id: int | None = Field(default=None, primary_key=True)
    contract_key: str = Field(foreign_key="contract.key", index=True)
    subject: str
    norm: str | None = None
    participant: str | None = None
    threatened: bool = False
    level: int
    state: str = Field(max_length=32, index=True)
    opened_by: str
    opened_at: datetime = _instant()
    updated_at: datetime = _instant()
    closed_at: datetime | None = _instant(nullable=True)
    measures: str | None = None
    results: str | None = None
    lessons: str | None = None


class EscalationLevel(SQLModel, table=True):
    """One attempt at one level of one escalation; the latest attempt per level is the one that counts."""

    __tablename__ = "escalation_level"
    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    level: int
    attempt: int = 1
    raised_by: str
    raise_reason: str | None = None
    addressed_at: datetime = _instant()
    counterpart_key: str
    response_due_at: datetime = _instant()
    responded_at: datetime | None = _instant(nullable=True)
    responded_by: str | None = None
    response_text: str | None = None
    window_passed_at: datetime | None = _instant(nullable=True)
    assessment: str | None = None
    assessment_reason: str | None = None
    assessed_by: str | None = None
    assessed_at: datetime | None = _instant(nullable=True)
    refused_at: datetime | None = _instant(nullable=True)
    refused_by: str | None = None
    refusal_reason: str | None = None


class Timer(SQLModel, table=True):
    """A deadline or reminder, written in the same transaction as the change that set it."""

    __tablename__ = "timer"
    __table_args__ = (Index("ix_timer_due", "status", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=32)
    subject_kind: str = Field(max_length=32)
    subject_id: int
    contract_key: str = Field(index=True)
    due_at: datetime = _instant()
    status: str = Field(default="pending", max_length=16)
    fired_at: datetime | None = _instant(nullable=True)
    rule: str
    source: str
    payload: str = "{}"


class Outbox(SQLModel, table=True):
    """A message to deliver after commit; a failed send is retried, a sent one is never sent again."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    contract_key: str
    case_ref: str | None = None
    recipient_key: str
    recipient_name: str
    recipient_email: str | None = None
    subject: str
    body: str
    created_at: datetime = _instant()
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = _instant()
    last_error: str | None = None
    sent_at: datetime | None = _instant(nullable=True)
    channel: str | None = None


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained record. The database refuses UPDATE and DELETE on it (triggers)."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    recorded_at: datetime = _instant()
    actor: str
    actor_role: str | None = None
    action: str = Field(max_length=64)
    contract_key: str | None = Field(default=None, index=True)
    case_ref: str | None = Field(default=None, index=True)
    level: int | None = None
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None
    payload: str = "{}"
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


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


class Obligation(SQLModel, table=True):
    """One due date of a contract obligation (a report, plan or meeting), derived from the profile."""

    __tablename__ = "obligation"
    __table_args__ = (UniqueConstraint("contract_key", "code", "seq", name="uq_obligation_occurrence"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_key: str = Field(foreign_key="contract.key", index=True)
    code: str = Field(max_length=64)
    seq: int
    title: str
    title_en: str
    period: str | None = None
    owed_by_role: str = Field(max_length=64)
    owed_to_roles: str
    anchor_date: date
    due_date: date = Field(index=True)
    due_at: datetime = _instant()
    rule: str
    source: str
    state: str = Field(default="open", max_length=16, index=True)
    created_at: datetime = _instant()
    overdue_at: datetime | None = _instant(nullable=True)
    fulfilled_on: date | None = None
    reference: str | None = None
    fulfilled_by: str | None = None
    fulfilled_at: datetime | None = _instant(nullable=True)
    escalation_id: int | None = None


class DigestPreference(SQLModel, table=True):
    """A person's own digest setting; a missing value means the profile's default."""

    __tablename__ = "digest_preference"
    __table_args__ = (UniqueConstraint("contract_key", "person_key", name="uq_digest_preference_person"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_key: str = Field(foreign_key="contract.key")
    person_key: str = Field(max_length=64)
    frequency: str | None = Field(default=None, max_length=16)
    language: str | None = Field(default=None, max_length=8)
    at: str | None = Field(default=None, max_length=5)
    updated_at: datetime = _instant()


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

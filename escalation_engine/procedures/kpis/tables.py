"""Tables of KPI evaluation: measurements, verdicts, survey rounds and grades, sanction cases (B2 §2, §5; TP §2)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from escalation_engine.core.tables import _instant


class KpiMeasurement(SQLModel, table=True):
    """One recorded result of a KPI for a period (and participant when the KPI is decentral)."""

    __tablename__ = "kpi_measurement"
    __table_args__ = (
        UniqueConstraint("contract_key", "kpi", "period", "participant", name="uq_kpi_measurement"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contract_key: str = Field(foreign_key="contract.key", index=True)
    kpi: str = Field(max_length=64)
    period: str = Field(max_length=16)
    participant: str = Field(default="", max_length=200)  # "" for a central KPI
    value: str = Field(max_length=40)  # exact Decimal text
    origin: str  # "command" or "import <file> row <n>"
    recorded_by: str
    recorded_at: datetime = _instant()


class KpiVerdict(SQLModel, table=True):
    """An evaluation: what was decided, from which inputs, and what follows from it."""

    __tablename__ = "kpi_verdict"
    id: int | None = Field(default=None, primary_key=True)
    contract_key: str = Field(foreign_key="contract.key", index=True)
    kind: str = Field(max_length=32)  # kpi | delivery-decentral | delivery-central | survey | waiting-room
    kpi: str = Field(max_length=64)
    period: str = Field(max_length=16)
    participant: str = Field(default="", max_length=200)
    met: bool
    inputs: str  # JSON: every figure the verdict used
    findings: str = "[]"  # JSON list: plan_required, termination_right, follow-up deadlines
    explanation: str
    source: str
    evaluated_by: str
    evaluated_at: datetime = _instant()
    follow_up_due: date | None = None
    follow_up_text: str | None = None
    follow_up_by: str | None = None
    follow_up_at: datetime | None = _instant(nullable=True)


class SurveyRound(SQLModel, table=True):
    __tablename__ = "survey_round"
    __table_args__ = (UniqueConstraint("contract_key", "label", name="uq_survey_round"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_key: str = Field(foreign_key="contract.key", index=True)
    label: str = Field(max_length=16)
    invited: int | None = None
    responded: int | None = None
    origin: str
    imported_by: str
    imported_at: datetime = _instant()


class SurveyGrade(SQLModel, table=True):
    __tablename__ = "survey_grade"
    __table_args__ = (UniqueConstraint("round_id", "participant", "topic", name="uq_survey_grade"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="survey_round.id", index=True)
    participant: str = Field(max_length=200)
    topic: str = Field(max_length=64)
    grade: int


class SanctionCase(SQLModel, table=True):
    """A sanction following a failed verdict: culpability finding, supplier response, category decision."""

    __tablename__ = "sanction_case"
    id: int | None = Field(default=None, primary_key=True)
    contract_key: str = Field(foreign_key="contract.key", index=True)
    verdict_id: int = Field(foreign_key="kpi_verdict.id", index=True)
    state: str = Field(max_length=32, index=True)
    allowed: str  # comma-separated codes the KPI allows ("S4+" outcome: S4 plus a choice of S1, S2, S3, S5)
    outcome: str = Field(default="", max_length=8)  # survey outcome "S4" / "S4+"; "" otherwise
    codes: str = ""  # the codes proposed, comma-separated
    culpability: str | None = None
    proposed_by: str | None = None
    proposed_at: datetime | None = _instant(nullable=True)
    response: str | None = None
    responded_by: str | None = None
    responded_at: datetime | None = _instant(nullable=True)
    cannot_wait: str | None = None  # why the category applied before the supplier was heard (B2 §5)
    decision_reason: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = _instant(nullable=True)
    created_at: datetime = _instant()

"""Escalation tables: a case and one row per level it reached (B2 §5.1, TP §3 table 2)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from escalation_engine.core.tables import _instant

# An open escalation (machine.OPEN_STATES) and a closed one, written with literal values so that SQLite uses
# the partial indexes below (it needs the index's WHERE terms as they are; bound values do not match them).
_OPEN_VALUES = "('addressed', 'responded', 'no_response', 'sufficient', 'insufficient')"
OPEN_ESCALATION = f"state IN {_OPEN_VALUES}"
CLOSED_ESCALATION = f"state NOT IN {_OPEN_VALUES}"


class Escalation(SQLModel, table=True):
    __tablename__ = "escalation"
    __table_args__ = (
        Index("ix_escalation_contract_state", "contract_key", "state", "id"),
        # migration 0013: one participant's cases, and a contract's open or closed ones, in id order
        Index("ix_escalation_participant", "participant", "contract_key", "id"),
        Index(
            "ix_escalation_open",
            "contract_key",
            "id",
            sqlite_where=text(OPEN_ESCALATION),
            postgresql_where=text(OPEN_ESCALATION),
        ),
        # migration 0014: the contract page's open cases, the highest level first, oldest first within it
        Index(
            "ix_escalation_open_level",
            "contract_key",
            text("level DESC"),
            "id",
            sqlite_where=text(OPEN_ESCALATION),
            postgresql_where=text(OPEN_ESCALATION),
        ),
        Index(
            "ix_escalation_closed",
            "contract_key",
            "id",
            sqlite_where=text(CLOSED_ESCALATION),
            postgresql_where=text(CLOSED_ESCALATION),
        ),
    )
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
    # migration 0014: the levels whose counterpart is one person (a person's deadlines, `responsible`)
    __table_args__ = (Index("ix_escalation_level_counterpart", "counterpart_key", "escalation_id", "id"),)
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

"""Contract obligations and digest settings (B2 §2.1, §5.1; TP §2.1.2–2.1.3, §3). Kept apart from `tables.py` so a command imports only the tables it uses
(defining a table class costs ≈ 3 ms at start-up).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from escalation_engine.core.tables import _instant


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

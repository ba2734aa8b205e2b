"""Account tables beside `core.tables.Account`: one-time and personal tokens, and the engine's settings."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from escalation_engine.core.tables import _instant


class AccountToken(SQLModel, table=True):
    """A secret given to an account, stored only as its SHA-256: a personal token for the CLI, or a
    one-time link (invitation, password reset)."""

    __tablename__ = "account_token"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = Field(max_length=16)  # personal | invitation | reset
    token_hash: str = Field(unique=True, max_length=64)
    label: str | None = None
    created_at: datetime = _instant()
    expires_at: datetime | None = _instant(nullable=True)
    used_at: datetime | None = _instant(nullable=True)
    revoked_at: datetime | None = _instant(nullable=True)


class EngineSetting(SQLModel, table=True):
    """Settings of this database, said once (e.g. `mode`: local or shared)."""

    __tablename__ = "engine_setting"
    key: str = Field(primary_key=True, max_length=64)
    value: str

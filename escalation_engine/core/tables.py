"""The tables every procedure shares: contracts, people, timers, the outbox and the audit trail.

The schema itself is created by the Alembic migrations in `core/migrations/`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from escalation_engine.core.columns import UTCDateTime


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
    profile_text: str  # the pinned YAML, exactly as registered (its sha256 above)
    profile_json: str | None = None  # the same rules as JSON, read by every command (no YAML parser needed)
    start_date: date
    award_date: date | None = None
    created_at: datetime = _instant()


class Account(SQLModel, table=True):
    """One person, whatever contracts they are on: their memberships are the `person` rows."""

    __tablename__ = "account"
    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, unique=True, max_length=254)  # lower case; None: cannot sign in
    name: str
    language: str = Field(default="nl", max_length=2)
    is_admin: bool = False
    password_hash: str | None = None
    failed_signins: int = 0
    locked_until: datetime | None = _instant(nullable=True)
    disabled_at: datetime | None = _instant(nullable=True)
    created_at: datetime = _instant()


class Person(SQLModel, table=True):
    """A membership: an account's side, role and organisation on one contract (the procedures' `person`)."""

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
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    created_at: datetime = _instant()


# An open deadline: pending, or failed and given up (listed until retried), and not a reminder. Written with
# literal values so that SQLite uses the partial indexes below (it needs the index's WHERE terms as they are).
OPEN_DEADLINE = "status IN ('pending', 'failed') AND kind != 'reminder'"


class Timer(SQLModel, table=True):
    """A deadline or reminder, written in the same transaction as the change that set it."""

    __tablename__ = "timer"
    __table_args__ = (
        Index("ix_timer_due", "status", "due_at"),
        Index("ix_timer_contract_due", "contract_key", "status", "due_at"),
        # the open deadlines by due date (migration 0012): a query uses them when it repeats OPEN_DEADLINE
        Index(
            "ix_timer_open_deadline_due",
            "due_at",
            "id",
            sqlite_where=text(OPEN_DEADLINE),
            postgresql_where=text(OPEN_DEADLINE),
        ),
        Index(
            "ix_timer_open_deadline_contract_due",
            "contract_key",
            "due_at",
            "id",
            sqlite_where=text(OPEN_DEADLINE),
            postgresql_where=text(OPEN_DEADLINE),
        ),
        # a person's open deadlines, one contract and subject kind at a time (migration 0014)
        Index(
            "ix_timer_open_deadline_kind_due",
            "contract_key",
            "subject_kind",
            "due_at",
            "id",
            "subject_id",
            sqlite_where=text(OPEN_DEADLINE),
            postgresql_where=text(OPEN_DEADLINE),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=32)
    subject_kind: str = Field(max_length=32)
    subject_id: int
    contract_key: str = Field(index=True)
    due_at: datetime = _instant()
    status: str = Field(default="pending", max_length=16)  # pending, fired, skipped or failed (given up)
    fired_at: datetime | None = _instant(nullable=True)
    rule: str
    source: str
    payload: str = "{}"
    attempts: int = 0  # failed firings so far (each rolled back whole)
    next_attempt_at: datetime | None = _instant(nullable=True)  # a pending timer waits until then to retry
    last_error: str | None = None


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
    account: str | None = None  # the signed-in account (e-mail) that acted, when one did
    auth: str | None = Field(default=None, max_length=16)  # how it was proved: token, password, oidc, local
    operator: str | None = None  # local mode: the operating-system user at the terminal
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class Participant(SQLModel, table=True):
    """A participant of a contract (a 'Deelnemer', B2 §2.2): the register KPI results, escalations and
    surveys name, so a misspelt participant is refused instead of counted."""

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("contract_key", "name", name="uq_participant_contract_name"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_key: str = Field(foreign_key="contract.key", index=True)
    name: str = Field(max_length=200)
    added_by: str
    added_at: datetime = _instant()


class DatabaseIdentity(SQLModel, table=True):
    """One row: this database's identifier, generated once (it makes every Message-ID unique across
    databases)."""

    __tablename__ = "database_identity"
    id: int | None = Field(default=None, primary_key=True)
    identifier: str = Field(max_length=64)


class EngineClock(SQLModel, table=True):
    """One row: the instant of the last tick (a daemon beat or `tick`), written in the tick's first
    transaction; a clock far ahead of it or behind it is held (core/clock_guard.py)."""

    __tablename__ = "engine_clock"
    id: int | None = Field(default=None, primary_key=True)
    last_tick_at: datetime | None = _instant(nullable=True)

"""Initial schema: contracts, people, escalations, timers, outbox, append-only audit trail.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

_ts = sa.DateTime(timezone=False)  # naive UTC; see core/columns.py


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True)


def upgrade() -> None:
    op.create_table(
        "contract",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("profile_name", sa.String(), nullable=False),
        sa.Column("profile_version", sa.Integer(), nullable=False),
        sa.Column("profile_sha256", sa.String(64), nullable=False),
        sa.Column("profile_text", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("award_date", sa.Date(), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
    )
    op.create_table(
        "person",
        _id(),
        sa.Column("contract_key", sa.String(), sa.ForeignKey("contract.key"), nullable=False, index=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.UniqueConstraint("contract_key", "key", name="uq_person_contract_key"),
    )
    op.create_table(
        "escalation",
        _id(),
        sa.Column("contract_key", sa.String(), sa.ForeignKey("contract.key"), nullable=False, index=True),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("norm", sa.String(), nullable=True),
        sa.Column("participant", sa.String(), nullable=True),
        sa.Column("threatened", sa.Boolean(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False, index=True),
        sa.Column("opened_by", sa.String(), nullable=False),
        sa.Column("opened_at", _ts, nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
        sa.Column("closed_at", _ts, nullable=True),
        sa.Column("measures", sa.String(), nullable=True),
        sa.Column("results", sa.String(), nullable=True),
        sa.Column("lessons", sa.String(), nullable=True),
    )
    op.create_table(
        "escalation_level",
        _id(),
        sa.Column("escalation_id", sa.Integer(), sa.ForeignKey("escalation.id"), nullable=False, index=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("raised_by", sa.String(), nullable=False),
        sa.Column("raise_reason", sa.String(), nullable=True),
        sa.Column("addressed_at", _ts, nullable=False),
        sa.Column("counterpart_key", sa.String(), nullable=False),
        sa.Column("response_due_at", _ts, nullable=False),
        sa.Column("responded_at", _ts, nullable=True),
        sa.Column("responded_by", sa.String(), nullable=True),
        sa.Column("response_text", sa.String(), nullable=True),
        sa.Column("window_passed_at", _ts, nullable=True),
        sa.Column("assessment", sa.String(), nullable=True),
        sa.Column("assessment_reason", sa.String(), nullable=True),
        sa.Column("assessed_by", sa.String(), nullable=True),
        sa.Column("assessed_at", _ts, nullable=True),
        sa.Column("refused_at", _ts, nullable=True),
        sa.Column("refused_by", sa.String(), nullable=True),
        sa.Column("refusal_reason", sa.String(), nullable=True),
    )
    op.create_table(
        "timer",
        _id(),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject_kind", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("contract_key", sa.String(), nullable=False, index=True),
        sa.Column("due_at", _ts, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("fired_at", _ts, nullable=True),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("payload", sa.String(), nullable=False),
    )
    op.create_index("ix_timer_due", "timer", ["status", "due_at"])
    op.create_table(
        "outbox",
        _id(),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("contract_key", sa.String(), nullable=False),
        sa.Column("case_ref", sa.String(), nullable=True),
        sa.Column("recipient_key", sa.String(), nullable=False),
        sa.Column("recipient_name", sa.String(), nullable=False),
        sa.Column("recipient_email", sa.String(), nullable=True),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _ts, nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("sent_at", _ts, nullable=True),
        sa.Column("channel", sa.String(), nullable=True),
    )
    op.create_index("ix_outbox_pending", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "audit_event",
        _id(),
        sa.Column("recorded_at", _ts, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("actor_role", sa.String(), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("contract_key", sa.String(), nullable=True, index=True),
        sa.Column("case_ref", sa.String(), nullable=True, index=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("from_state", sa.String(), nullable=True),
        sa.Column("to_state", sa.String(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("payload", sa.String(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    _protect_audit_trail()


def _protect_audit_trail() -> None:
    """The database itself refuses UPDATE and DELETE on the audit trail."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END"
            )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit trail is append-only'; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
    )

"""Improvement plans: the three-step plan (B2 §5.2) and the 14-day plan after a norm failure (TP §2.1).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

_ts = sa.DateTime(timezone=False)  # naive UTC; see core/columns.py


def upgrade() -> None:
    op.create_table(
        "improvement_plan",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("contract_key", sa.String(), sa.ForeignKey("contract.key"), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("trigger", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("kpi", sa.String(), nullable=True),
        sa.Column("participants", sa.String(), nullable=False),
        sa.Column("escalation_ref", sa.String(), nullable=True),
        sa.Column("state", sa.String(32), nullable=False, index=True),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("opened_by", sa.String(), nullable=False),
        sa.Column("opened_at", _ts, nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
        sa.Column("closed_at", _ts, nullable=True),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("skip_reason", sa.String(), nullable=True),
        sa.Column("step2_at", _ts, nullable=True),
        sa.Column("window_ends_at", _ts, nullable=True),
        sa.Column("window_passed_at", _ts, nullable=True),
        sa.Column("step3_requested_at", _ts, nullable=True),
        sa.Column("step3_requested_by", sa.String(), nullable=True),
        sa.Column("presented_on", sa.Date(), nullable=True),
        sa.Column("presentation_steps", sa.String(), nullable=True),
        sa.Column("presentation_recorded_by", sa.String(), nullable=True),
        sa.Column("detected", sa.Date(), nullable=True),
        sa.Column("results", sa.String(), nullable=True),
        sa.Column("resolved_by", sa.String(), nullable=True),
    )
    op.create_table(
        "plan_submission",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("improvement_plan.id"), nullable=False, index=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("due_at", _ts, nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("overdue_at", _ts, nullable=True),
        sa.Column("submitted_at", _ts, nullable=True),
        sa.Column("submitted_by", sa.String(), nullable=True),
        sa.Column("text", sa.String(), nullable=True),
        sa.Column("decision", sa.String(), nullable=True),
        sa.Column("decision_reason", sa.String(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("decided_at", _ts, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("plan_submission")
    op.drop_table("improvement_plan")

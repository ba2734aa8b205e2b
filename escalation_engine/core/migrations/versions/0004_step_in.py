"""Step-in rights (B2 §6): step-in procedures, their management-team meetings and binding advice.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

_ts = sa.DateTime(timezone=False)  # naive UTC; see core/columns.py


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True)


def _parent() -> sa.Column[int]:
    return sa.Column("step_in_id", sa.Integer(), sa.ForeignKey("step_in.id"), nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "step_in",
        _id(),
        sa.Column("contract_key", sa.String(), sa.ForeignKey("contract.key"), nullable=False, index=True),
        sa.Column("state", sa.String(32), nullable=False, index=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("culpable", sa.Boolean(), nullable=False),
        sa.Column("escalations", sa.String(), nullable=False),
        sa.Column("counted", sa.String(), nullable=False),
        sa.Column("override_reason", sa.String(), nullable=True),
        sa.Column("requested_by", sa.String(), nullable=False),
        sa.Column("requested_at", _ts, nullable=False),
        sa.Column("meeting_due_at", _ts, nullable=True),
        sa.Column("meeting_missed_at", _ts, nullable=True),
        sa.Column("check_due_at", _ts, nullable=True),
        sa.Column("assessment", sa.String(), nullable=True),
        sa.Column("assessment_reason", sa.String(), nullable=True),
        sa.Column("assessed_by", sa.String(), nullable=True),
        sa.Column("assessed_at", _ts, nullable=True),
        sa.Column("assessment_missing_at", _ts, nullable=True),
        sa.Column("second_meeting_due_at", _ts, nullable=True),
        sa.Column("second_meeting_missed_at", _ts, nullable=True),
        sa.Column("results", sa.String(), nullable=True),
        sa.Column("closed_by", sa.String(), nullable=True),
        sa.Column("closed_at", _ts, nullable=True),
        sa.Column("updated_at", _ts, nullable=False),
    )
    op.create_table(
        "step_in_meeting",
        _id(),
        _parent(),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.String(), nullable=False),
        sa.Column("attendees", sa.String(), nullable=True),
        sa.Column("measures", sa.String(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.Column("recorded_at", _ts, nullable=False),
        sa.UniqueConstraint("step_in_id", "number", name="uq_step_in_meeting_number"),
    )
    op.create_table(
        "step_in_advice",
        _id(),
        _parent(),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("measures", sa.String(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_at", _ts, nullable=True),
        sa.Column("due_passed_at", _ts, nullable=True),
        sa.Column("advised_by", sa.String(), nullable=False),
        sa.Column("advised_at", _ts, nullable=False),
        sa.UniqueConstraint("step_in_id", "number", name="uq_step_in_advice_number"),
    )


def downgrade() -> None:
    op.drop_table("step_in_advice")
    op.drop_table("step_in_meeting")
    op.drop_table("step_in")

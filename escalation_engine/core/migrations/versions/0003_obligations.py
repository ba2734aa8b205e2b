"""Contract obligations (derived due dates of reports, plans and meetings) and digest preferences.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

_ts = sa.DateTime(timezone=False)  # naive UTC; see core/columns.py


def upgrade() -> None:
    op.create_table(
        "obligation",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("contract_key", sa.String(), sa.ForeignKey("contract.key"), nullable=False, index=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("title_en", sa.String(), nullable=False),
        sa.Column("period", sa.String(), nullable=True),
        sa.Column("owed_by_role", sa.String(64), nullable=False),
        sa.Column("owed_to_roles", sa.String(), nullable=False),
        sa.Column("anchor_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False, index=True),
        sa.Column("due_at", _ts, nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("overdue_at", _ts, nullable=True),
        sa.Column("fulfilled_on", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(), nullable=True),
        sa.Column("fulfilled_by", sa.String(), nullable=True),
        sa.Column("fulfilled_at", _ts, nullable=True),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.UniqueConstraint("contract_key", "code", "seq", name="uq_obligation_occurrence"),
    )
    op.create_table(
        "digest_preference",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("contract_key", sa.String(), sa.ForeignKey("contract.key"), nullable=False),
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.Column("frequency", sa.String(16), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("at", sa.String(5), nullable=True),
        sa.Column("updated_at", _ts, nullable=False),
        sa.UniqueConstraint("contract_key", "person_key", name="uq_digest_preference_person"),
    )


def downgrade() -> None:
    op.drop_table("digest_preference")
    op.drop_table("obligation")

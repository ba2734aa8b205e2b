"""Indexes for the lists at scale (issue 18): `escalation list --contract --state` pages in id order, and
`deadlines --contract --within` reads one contract's open timers by due date.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_index("ix_escalation_contract_state", "escalation", ["contract_key", "state", "id"])
    op.create_index("ix_timer_contract_due", "timer", ["contract_key", "status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_timer_contract_due", table_name="timer")
    op.drop_index("ix_escalation_contract_state", table_name="escalation")

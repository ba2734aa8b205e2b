"""Partial indexes for the open deadlines (issue 18): `deadlines` (all contracts or one) and the digest
read the pending or failed timers that are not reminders by due date. Reminders are most pending timers
(three per escalation level), so without these the list sorted every open timer to show one page.

The predicate is core.deadlines.OPEN_DEADLINE, written with literal values: SQLite uses a partial index
only when the query repeats the index's WHERE terms as they are.

Revision ID: 0012
Revises: 0011 (on this branch 0010: the lead sets it to 0011 when both are merged)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"

OPEN_DEADLINE = "status IN ('pending', 'failed') AND kind != 'reminder'"


def upgrade() -> None:
    where = sa.text(OPEN_DEADLINE)
    for name, columns in (
        ("ix_timer_open_deadline_due", ["due_at", "id"]),
        ("ix_timer_open_deadline_contract_due", ["contract_key", "due_at", "id"]),
    ):
        op.create_index(name, "timer", columns, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    op.drop_index("ix_timer_open_deadline_contract_due", table_name="timer")
    op.drop_index("ix_timer_open_deadline_due", table_name="timer")

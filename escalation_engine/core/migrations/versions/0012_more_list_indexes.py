"""Partial indexes for the open deadlines (issue 18): `deadlines` (all contracts or one) and the digest
read the pending or failed timers that are not reminders by due date. Reminders are most pending timers
(three per escalation level), so without these the list sorted every open timer to show one page.

The predicate is core.tables.OPEN_DEADLINE, written with literal values: SQLite uses a partial index
only when the query repeats the index's WHERE terms as they are. SQLite's planner also needs to know that
most timers are pending (without statistics it takes `status IN (…)` for a narrow range of ix_timer_due
and sorts): a timer table with rows is analysed; an empty one (a new database) gets statistics of the
shape every engine database grows into (mostly pending timers, a few per case), which a later ANALYZE
replaces with the real ones. PostgreSQL keeps its own statistics (autovacuum).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"

OPEN_DEADLINE = "status IN ('pending', 'failed') AND kind != 'reminder'"


def upgrade() -> None:
    where = sa.text(OPEN_DEADLINE)
    for name, columns in (
        ("ix_timer_open_deadline_due", ["due_at", "id"]),
        ("ix_timer_open_deadline_contract_due", ["contract_key", "due_at", "id"]),
    ):
        op.create_index(name, "timer", columns, sqlite_where=where, postgresql_where=where)
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_statistics()


SHAPE = {  # rows, then rows per distinct prefix of the index's columns
    "ix_timer_due": "1000000 250000 2",
    "ix_timer_contract_due": "1000000 50000 20000 2",
    "ix_timer_open_deadline_due": "250000 2 1",
    "ix_timer_open_deadline_contract_due": "250000 10000 2 1",
}


def _sqlite_statistics() -> None:
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT COUNT(*) FROM (SELECT 1 FROM timer LIMIT 1000)").scalar_one() >= 1000:
        op.execute("ANALYZE timer")
        return
    op.execute("ANALYZE sqlite_schema")  # creates sqlite_stat1 if there is none
    op.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'timer'")
    for index, stat in SHAPE.items():
        bind.exec_driver_sql(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('timer', ?, ?)", (index, stat)
        )
    op.execute("ANALYZE sqlite_schema")  # ends by loading the statistics into this connection too


def downgrade() -> None:
    op.drop_index("ix_timer_open_deadline_contract_due", table_name="timer")
    op.drop_index("ix_timer_open_deadline_due", table_name="timer")

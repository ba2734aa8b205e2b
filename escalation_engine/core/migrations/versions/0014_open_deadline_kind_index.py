"""Three indexes for pages at scale (issue 14). ix_timer_open_deadline_kind_due, a partial index of
the open deadlines per contract and subject kind, by due date: My work, a person's `deadlines --person`
and their counts read a person's deadlines as one term per contract and
subject kind (`core.responsibility.responsible_terms`), each a range of this index in due order; the
subject id is in the index, so the term's test on it ("the counterpart of the latest level") needs no
table read. Without it a term read every open deadline of the contract in due order and skipped the other
kinds (the account manager's My work at 20,000 escalations: about 100 ms of SQL on SQLite, against 10).

The predicate is core.tables.OPEN_DEADLINE with literal values (SQLite uses a partial index only when the
query repeats the index's WHERE terms as they are). On SQLite, the planner's statistics as in 0012: a
timer table with rows is analysed; a small one gets the shape an engine database grows into.

ix_escalation_level_counterpart: the level records whose counterpart is one person, for the test "the
counterpart of the case's latest level" (`ladder.responsible`), read from that person's records instead of
from every open escalation deadline of the contract (PostgreSQL: 37 ms → 2 ms for a person with none).

ix_escalation_open_level: a contract's open escalations, the highest level first and the oldest first
within a level — the contract page's order, read a page at a time (it sorted only the page it had read in
id order, so a level-3 case could stand on page 2 below level-1 cases). The predicate is
ladder.tables.OPEN_ESCALATION with literal values, as in 0013.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"

OPEN_DEADLINE = "status IN ('pending', 'failed') AND kind != 'reminder'"
NAME = "ix_timer_open_deadline_kind_due"
LEVELS = "ix_escalation_level_counterpart"
BY_LEVEL = "ix_escalation_open_level"
_OPEN_VALUES = "('addressed', 'responded', 'no_response', 'sufficient', 'insufficient')"  # as in 0013
SHAPE = "250000 10000 2000 2 1 1"  # rows, then rows per distinct prefix of the index's columns


def upgrade() -> None:
    where = sa.text(OPEN_DEADLINE)
    columns = ["contract_key", "subject_kind", "due_at", "id", "subject_id"]
    op.create_index(NAME, "timer", columns, sqlite_where=where, postgresql_where=where)
    op.create_index(LEVELS, "escalation_level", ["counterpart_key", "escalation_id", "id"])
    open_cases = sa.text(f"state IN {_OPEN_VALUES}")
    op.create_index(
        BY_LEVEL,
        "escalation",
        ["contract_key", sa.text("level DESC"), "id"],
        sqlite_where=open_cases,
        postgresql_where=open_cases,
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_statistics()


def _sqlite_statistics() -> None:
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT COUNT(*) FROM (SELECT 1 FROM timer LIMIT 1000)").scalar_one() >= 1000:
        op.execute("ANALYZE timer")
        return
    op.execute("ANALYZE sqlite_schema")  # creates sqlite_stat1 if there is none
    bind.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'timer' AND idx = ?", (NAME,))
    bind.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('timer', ?, ?)", (NAME, SHAPE))
    op.execute("ANALYZE sqlite_schema")  # loads the statistics into this connection too


def downgrade() -> None:
    op.drop_index(BY_LEVEL, table_name="escalation")
    op.drop_index(LEVELS, table_name="escalation_level")
    op.drop_index(NAME, table_name="timer")

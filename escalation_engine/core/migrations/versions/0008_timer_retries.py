"""Timer retries: a firing that fails for a transient cause is retried with back-off (`attempts`,
`next_attempt_at`, `last_error`); a timer that failed before this revision keeps its error in `last_error`.

The metronome's old persistent APScheduler job store (`apscheduler_jobs`, which held the database URL with
its password) is dropped: the daemon now keeps its one fixed job in memory.

Revision ID: 0008
Revises: 0007 (re-chained after 0007 on merge)
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
_ts = sa.DateTime(timezone=False)  # naive UTC; see core/columns.py


def upgrade() -> None:
    with op.batch_alter_table("timer") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", _ts, nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(), nullable=True))
    conn = op.get_bind()
    failed = conn.execute(sa.text("SELECT id, payload FROM timer WHERE status = 'failed'")).fetchall()
    for ident, payload in failed:
        error = json.loads(payload or "{}").get("error")
        conn.execute(
            sa.text("UPDATE timer SET last_error = :error, attempts = 1 WHERE id = :id"),
            {"error": error, "id": ident},
        )
    # the metronome's job was re-created at every start; the table held nothing else (and the URL's secret)
    op.execute("DROP TABLE IF EXISTS apscheduler_jobs")


def downgrade() -> None:
    with op.batch_alter_table("timer") as batch:
        batch.drop_column("last_error")
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")

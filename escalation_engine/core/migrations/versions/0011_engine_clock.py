"""The engine's last known time: the instant of the last tick (daemon beat or `tick`), so a clock that
jumps far ahead or runs behind is held instead of firing (or re-firing) deadlines (issue 15).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    op.create_table(
        "engine_clock",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("last_tick_at", sa.DateTime(timezone=False), nullable=True),
    )
    op.get_bind().execute(sa.text("INSERT INTO engine_clock (id, last_tick_at) VALUES (1, NULL)"))


def downgrade() -> None:
    op.drop_table("engine_clock")

"""The pinned profile also as JSON (`contract.profile_json`), so a command reads its contract's rules
without loading a YAML parser; existing contracts are filled from their pinned YAML text.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import json

import sqlalchemy as sa
import yaml
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.add_column("contract", sa.Column("profile_json", sa.Text(), nullable=True))
    conn = op.get_bind()
    for key, text in conn.execute(sa.text("SELECT key, profile_text FROM contract")).fetchall():
        data = json.dumps(yaml.safe_load(text), ensure_ascii=False)
        conn.execute(
            sa.text("UPDATE contract SET profile_json = :data WHERE key = :key"), {"data": data, "key": key}
        )


def downgrade() -> None:
    op.drop_column("contract", "profile_json")

"""Participants as a register per contract (filled from the names existing rows already use), the
reason a sanction was applied before the supplier was heard, and this database's identifier (part of
every Message-ID).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"

# Participant names already in use: KPI results and verdicts, escalations, survey grades, and the
# organisation of participant-side people.
_IN_USE = """
SELECT contract_key, participant FROM kpi_measurement WHERE participant <> ''
UNION SELECT contract_key, participant FROM kpi_verdict WHERE participant <> ''
UNION SELECT contract_key, participant FROM escalation WHERE participant IS NOT NULL AND participant <> ''
UNION SELECT r.contract_key, g.participant FROM survey_grade g JOIN survey_round r ON r.id = g.round_id
UNION SELECT contract_key, organisation FROM person
      WHERE side = 'participant' AND organisation IS NOT NULL AND organisation <> ''
"""


def upgrade() -> None:
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_key", sa.String(), sa.ForeignKey("contract.key"), nullable=False, index=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=False), nullable=False),
        sa.UniqueConstraint("contract_key", "name", name="uq_participant_contract_name"),
    )
    op.create_table(
        "database_identity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("identifier", sa.String(length=64), nullable=False),
    )
    op.add_column("sanction_case", sa.Column("cannot_wait", sa.String(), nullable=True))
    conn = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)  # naive UTC; see core/columns.py
    names: dict[tuple[str, str], str] = {}  # one entry per name regardless of case and spacing
    for key, name in sorted(conn.execute(sa.text(_IN_USE)).fetchall()):
        shown = " ".join(name.split())
        if shown:
            names.setdefault((key, shown.casefold()), shown)
    for (key, _), name in sorted(names.items()):
        conn.execute(
            sa.text(
                "INSERT INTO participant (contract_key, name, added_by, added_at) "
                "VALUES (:key, :name, 'migration 0007', :now)"
            ),
            {"key": key, "name": name, "now": now},
        )
    conn.execute(
        sa.text("INSERT INTO database_identity (id, identifier) VALUES (1, :ident)"),
        {"ident": uuid.uuid4().hex[:16]},
    )


def downgrade() -> None:
    op.drop_column("sanction_case", "cannot_wait")
    op.drop_table("database_identity")
    op.drop_table("participant")

"""KPI measurements, verdicts, survey rounds and grades, sanction cases (B2 §2, §5; TP §2.1).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

_ts = sa.DateTime(timezone=False)  # naive UTC; see core/columns.py


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True)


def _contract() -> sa.Column[str]:
    return sa.Column("contract_key", sa.String(), sa.ForeignKey("contract.key"), nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "kpi_measurement",
        _id(),
        _contract(),
        sa.Column("kpi", sa.String(64), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("participant", sa.String(200), nullable=False),
        sa.Column("value", sa.String(40), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.Column("recorded_at", _ts, nullable=False),
        sa.UniqueConstraint("contract_key", "kpi", "period", "participant", name="uq_kpi_measurement"),
    )
    op.create_table(
        "kpi_verdict",
        _id(),
        _contract(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("kpi", sa.String(64), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("participant", sa.String(200), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("inputs", sa.String(), nullable=False),
        sa.Column("findings", sa.String(), nullable=False),
        sa.Column("explanation", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("evaluated_by", sa.String(), nullable=False),
        sa.Column("evaluated_at", _ts, nullable=False),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("follow_up_text", sa.String(), nullable=True),
        sa.Column("follow_up_by", sa.String(), nullable=True),
        sa.Column("follow_up_at", _ts, nullable=True),
    )
    op.create_table(
        "survey_round",
        _id(),
        _contract(),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=True),
        sa.Column("responded", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("imported_by", sa.String(), nullable=False),
        sa.Column("imported_at", _ts, nullable=False),
        sa.UniqueConstraint("contract_key", "label", name="uq_survey_round"),
    )
    op.create_table(
        "survey_grade",
        _id(),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("survey_round.id"), nullable=False, index=True),
        sa.Column("participant", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.UniqueConstraint("round_id", "participant", "topic", name="uq_survey_grade"),
    )
    op.create_table(
        "sanction_case",
        _id(),
        _contract(),
        sa.Column("verdict_id", sa.Integer(), sa.ForeignKey("kpi_verdict.id"), nullable=False, index=True),
        sa.Column("state", sa.String(32), nullable=False, index=True),
        sa.Column("allowed", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("codes", sa.String(), nullable=False),
        sa.Column("culpability", sa.String(), nullable=True),
        sa.Column("proposed_by", sa.String(), nullable=True),
        sa.Column("proposed_at", _ts, nullable=True),
        sa.Column("response", sa.String(), nullable=True),
        sa.Column("responded_by", sa.String(), nullable=True),
        sa.Column("responded_at", _ts, nullable=True),
        sa.Column("decision_reason", sa.String(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("decided_at", _ts, nullable=True),
        sa.Column("created_at", _ts, nullable=False),
    )


def downgrade() -> None:
    for table in ("sanction_case", "survey_grade", "survey_round", "kpi_verdict", "kpi_measurement"):
        op.drop_table(table)

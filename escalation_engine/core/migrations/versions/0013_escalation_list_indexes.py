"""Indexes for the escalation lists at scale: the contract page and `escalation list` read one page of a
contract's open (or closed) escalations, or of one participant's, in id order.

- ix_escalation_participant: `--participant` and the contract page's participant filter read that
  participant's cases (on one contract or on any), not every case of the contract.
- ix_escalation_open / ix_escalation_closed: partial indexes of the open and the closed cases. Closed cases
  pile up over the years; without these a page of open cases read the contract's cases in id order and
  skipped every closed one before it (at 18,000 closed of 20,000: 14 ms of SQL on SQLite, against 0.04 ms).

The predicates are ladder.tables.OPEN_ESCALATION and CLOSED_ESCALATION written with literal values: SQLite
uses a partial index only when the query repeats the index's WHERE terms as they are.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"

_OPEN_VALUES = "('addressed', 'responded', 'no_response', 'sufficient', 'insufficient')"


def upgrade() -> None:
    op.create_index("ix_escalation_participant", "escalation", ["participant", "contract_key", "id"])
    for name, where in (
        ("ix_escalation_open", f"state IN {_OPEN_VALUES}"),
        ("ix_escalation_closed", f"state NOT IN {_OPEN_VALUES}"),
    ):
        predicate = sa.text(where)
        op.create_index(
            name, "escalation", ["contract_key", "id"], sqlite_where=predicate, postgresql_where=predicate
        )


def downgrade() -> None:
    op.drop_index("ix_escalation_closed", table_name="escalation")
    op.drop_index("ix_escalation_open", table_name="escalation")
    op.drop_index("ix_escalation_participant", table_name="escalation")

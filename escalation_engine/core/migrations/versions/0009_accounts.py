"""Accounts: a person is one account (e-mail, name, language) with memberships per contract (the `person`
rows); personal tokens, invitations and sign-in state; the engine's mode (local or shared); the audit trail
records the account, how it was authenticated and the operator at the terminal.

Existing people become accounts, matched by e-mail (case-insensitive); a person without an e-mail gets an
account of their own. Nothing is lost: every person row stays, with its account.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"

_ts = sa.DateTime(timezone=False)  # naive UTC; see core/columns.py


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True)


def upgrade() -> None:
    op.create_table(
        "account",
        _id(),
        sa.Column("email", sa.String(254), nullable=True, unique=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False, server_default="nl"),
        sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("password_hash", sa.String(), nullable=True),
        sa.Column("failed_signins", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("locked_until", _ts, nullable=True),
        sa.Column("disabled_at", _ts, nullable=True),
        sa.Column("created_at", _ts, nullable=False),
    )
    op.create_table(
        "account_token",
        _id(),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),  # personal | invitation | reset | session
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(), nullable=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("expires_at", _ts, nullable=True),
        sa.Column("used_at", _ts, nullable=True),
        sa.Column("revoked_at", _ts, nullable=True),
    )
    op.create_table(
        "engine_setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
    # plain ADD COLUMN (no batch copy of a table that other tables reference)
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a referencing column only in its own words
        op.execute("ALTER TABLE person ADD COLUMN account_id INTEGER REFERENCES account (id)")
    else:
        column = sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id", name="fk_person_account"))
        op.add_column("person", column)
    op.create_index("ix_person_account_id", "person", ["account_id"])
    # the audit table refuses UPDATE (triggers): plain ADD COLUMN, never a batch copy of the table
    op.add_column("audit_event", sa.Column("account", sa.String(), nullable=True))
    op.add_column("audit_event", sa.Column("auth", sa.String(16), nullable=True))
    op.add_column("audit_event", sa.Column("operator", sa.String(), nullable=True))
    _accounts_for_people()


def _accounts_for_people() -> None:
    conn = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    people = conn.execute(sa.text("SELECT id, name, email FROM person ORDER BY id")).fetchall()
    by_email: dict[str, int] = {}
    for ident, name, email in people:
        address = email.strip().lower() if email and email.strip() else None
        account = by_email.get(address) if address else None
        if account is None:
            account = conn.execute(
                sa.text(
                    "INSERT INTO account (email, name, language, is_admin, failed_signins, created_at) "
                    "VALUES (:email, :name, 'nl', :admin, 0, :now) RETURNING id"
                ),
                {"email": address, "name": name, "admin": False, "now": now},
            ).scalar_one()
            if address:
                by_email[address] = account
        conn.execute(sa.text("UPDATE person SET account_id = :a WHERE id = :p"), {"a": account, "p": ident})
    conn.execute(sa.text("INSERT INTO engine_setting (key, value) VALUES ('mode', 'local')"))


def downgrade() -> None:
    op.drop_column("audit_event", "operator")
    op.drop_column("audit_event", "auth")
    op.drop_column("audit_event", "account")
    op.drop_index("ix_person_account_id", "person")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("account_id")
    op.drop_table("engine_setting")
    op.drop_table("account_token")
    op.drop_table("account")

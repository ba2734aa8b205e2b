"""Queue a notice in the outbox, in the caller's transaction: at most one per key and recipient."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session

from escalation_engine.core.refs import as_one_line
from escalation_engine.core.tables import Outbox


class Recipient(Protocol):
    """Whom a notice goes to: a `Person` row, or a plain contact read on the firing path."""

    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str | None: ...


def notify(
    session: Session,
    *,
    key: str,
    now: datetime,
    person: Recipient,
    contract_key: str,
    case: str | None,
    subject: str,
    body: str,
) -> None:
    """Queue a message in the outbox (same transaction); at most one per key and recipient."""
    idem = f"{key}:{person.key}"
    values = {
        "idempotency_key": idem,
        "contract_key": contract_key,
        "case_ref": case,
        "recipient_key": person.key,
        "recipient_name": person.name,
        "recipient_email": person.email,
        "subject": as_one_line(subject),
        "body": body,
        "created_at": now,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
    }
    # One statement instead of a lookup + an ORM insert; the unique key makes a repeat a no-op.
    session.connection().execute(_insert_ignoring_duplicates(session, _OUTBOX), values)


_OUTBOX = Outbox.__table__  # type: ignore[attr-defined]


def _insert_ignoring_duplicates(session: Session, table: Any) -> Any:
    """`INSERT … ON CONFLICT (idempotency_key) DO NOTHING` in the session's dialect (SQLite or PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    statement = _INSERTS.get((dialect, table.name))
    if statement is None:
        if dialect == "sqlite":  # import only the dialect in use (PostgreSQL's pulls in asyncio)
            from sqlalchemy.dialects import sqlite as module
        else:
            from sqlalchemy.dialects import postgresql as module  # type: ignore[no-redef]
        statement = module.insert(table).on_conflict_do_nothing(index_elements=["idempotency_key"])
        _INSERTS[(dialect, table.name)] = statement
    return statement


_INSERTS: dict[tuple[str, str], Any] = {}

"""Deliver queued messages after commit: claim, send, mark sent; a failure is retried later.

A row is claimed (status `sending`) in its own transaction before the send and marked `sent` right
after, so a message that was sent is never picked up again. If the process dies between the send and
that mark, the row stays `sending`; after `STALE_AFTER` it is retried with the same Message-ID
(at-least-once in that one window, which the receiver can de-duplicate on the Message-ID).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import and_, col, or_, select

from escalation_engine.core.channels import Channel, Message, PermanentFailure
from escalation_engine.core.context import Ctx
from escalation_engine.core.tables import DatabaseIdentity, Outbox

MAX_ATTEMPTS = 8
STALE_AFTER = timedelta(minutes=15)


@dataclass
class DeliveryReport:
    sent: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed}


def requeue_interrupted(ctx: Ctx) -> int:
    """Messages a killed sender left `sending` go back to the queue at once (their Message-ID is kept).

    Only the sole daemon of a SQLite database calls this at start-up (it holds the daemon lock, so no
    other daemon can be sending); elsewhere such rows are retried after `STALE_AFTER`.
    """
    with ctx.db.write() as session:
        rows = list(session.exec(select(Outbox).where(col(Outbox.status) == "sending")))
        for row in rows:
            row.status = "pending"
            session.add(row)
        return len(rows)


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 240))


def _claim(ctx: Ctx, now: datetime) -> Outbox | None:
    with ctx.db.write() as session:
        stale = now - STALE_AFTER
        query = (
            select(Outbox)
            .where(
                or_(
                    and_(col(Outbox.status) == "pending", col(Outbox.next_attempt_at) <= now),
                    and_(col(Outbox.status) == "sending", col(Outbox.next_attempt_at) <= stale),
                )
            )
            .order_by(col(Outbox.id))
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        row = session.exec(query).first()
        if row is None:
            return None
        row.status, row.attempts, row.next_attempt_at = "sending", row.attempts + 1, now
        session.add(row)
        return row


def _finish(ctx: Ctx, row_id: int, now: datetime, channel: str, error: Exception | None) -> dict[str, Any]:
    with ctx.db.write() as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        row.channel = channel
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", now, None
        else:
            row.last_error = f"{type(error).__name__}: {error}"
            permanent = isinstance(error, PermanentFailure) or row.attempts >= MAX_ATTEMPTS
            row.status = "failed" if permanent else "pending"
            row.next_attempt_at = now + backoff(row.attempts)
        session.add(row)
        return {
            "id": row.id,
            "to": row.recipient_key,
            "subject": row.subject,
            "status": row.status,
            "attempts": row.attempts,
            "error": row.last_error,
        }


def database_identifier(ctx: Ctx) -> str:
    """This database's identifier (generated once by migration 0007), part of every Message-ID."""
    with ctx.db.read() as session:
        row = session.exec(select(DatabaseIdentity).order_by(col(DatabaseIdentity.id))).first()
        return row.identifier if row is not None else ""


def queued(ctx: Ctx) -> int:
    """Messages waiting to be sent (pending or interrupted while sending)."""
    with ctx.db.read() as session:
        rows = session.exec(select(Outbox.id).where(col(Outbox.status).in_(("pending", "sending"))))
        return len(list(rows))


def deliver(ctx: Ctx, channel: Channel, now: datetime | None = None, *, limit: int = 1000) -> DeliveryReport:
    now = now or ctx.clock.now()
    report = DeliveryReport()
    database = database_identifier(ctx)
    for _ in range(limit):
        row = _claim(ctx, now)
        if row is None:
            break
        assert row.id is not None
        message = Message(row.id, row.recipient_name, row.recipient_email, row.subject, row.body, database)
        error: Exception | None = None
        try:
            channel.send(message)
        except Exception as exc:  # any failure of the channel: retry later, never lose the message
            error = exc
        result = _finish(ctx, row.id, now, channel.name, error)
        (report.sent if error is None else report.failed).append(result)
    return report

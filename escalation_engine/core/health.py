"""What the operator checks first (`status`): the schema, the timers (due, waiting to retry, dead), the outbox
(queued, failed for good) and the next deadline. A dead timer or a notice given up is a finding: the engine
is not healthy until the operator has looked (`timers failed`, `timers retry`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from escalation_engine.core.deadlines import REMINDER
from escalation_engine.core.display import last_day
from escalation_engine.core.tables import Outbox, Timer
from escalation_engine.core.timer_failures import failed_row


def _count(session: Session, *where: Any) -> int:
    return int(session.exec(select(func.count()).select_from(Timer).where(*where)).one())


def _outbox(session: Session, status: str) -> int:
    return int(session.exec(select(func.count()).select_from(Outbox).where(Outbox.status == status)).one())


def dead_timers(session: Session) -> list[dict[str, Any]]:
    """Every timer given up after a failed firing, soonest first (as `timers failed` lists them)."""
    query = select(Timer).where(Timer.status == "failed").order_by(col(Timer.due_at), col(Timer.id))
    return [failed_row(timer) for timer in session.exec(query)]


def operator_findings(session: Session) -> dict[str, Any] | None:
    """What an administrator's digest adds: the dead timers and the notices failed for good (None: none)."""
    found = {"failed_timers": dead_timers(session), "outbox_failed": _outbox(session, "failed")}
    return found if found["failed_timers"] or found["outbox_failed"] else None


def timer_health(session: Session, now: datetime) -> dict[str, Any]:
    """Counts of the timer table and the outbox, the dead timers themselves and the next deadline."""
    pending = Timer.status == "pending"
    ready = or_(col(Timer.next_attempt_at).is_(None), col(Timer.next_attempt_at) <= now)
    dead = dead_timers(session)
    following = session.exec(
        select(Timer)
        .where(pending, Timer.kind != REMINDER, col(Timer.due_at) > now)
        .order_by(col(Timer.due_at), col(Timer.id))
        .limit(1)
    ).first()
    last_fired = session.exec(
        select(func.max(Timer.fired_at)).where(col(Timer.status).in_(("fired", "skipped")))
    ).one()
    return {
        "timers_due_now": _count(session, pending, col(Timer.due_at) <= now, ready),
        "timers_retrying": _count(session, pending, col(Timer.attempts) > 0, ~ready),
        "timers_failed": len(dead),
        "failed_timers": dead,
        "outbox_queued": _outbox(session, "pending") + _outbox(session, "sending"),
        "outbox_failed": _outbox(session, "failed"),
        "last_fired_at": last_fired.isoformat() if last_fired is not None else None,
        "next_deadline": None
        if following is None
        else {
            "timer": following.id,
            "contract": following.contract_key,
            "what": following.kind.replace("_", " "),
            "due": last_day(following.due_at),
            "due_at": following.due_at.isoformat(),
            "rule": following.rule,
        },
    }

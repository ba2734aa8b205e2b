"""Open deadlines (not reminders), each with its rule and source, for `deadlines` and reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from ..adapters.tables import Escalation, EscalationLevel, Person, Timer
from .common import case_ref
from .context import Ctx
from .views import last_day

DEADLINE_KINDS = ("response_due",)


def list_deadlines(
    ctx: Ctx,
    *,
    contract_key: str | None = None,
    person_key: str | None = None,
    within_days: int | None = None,
) -> list[dict[str, Any]]:
    now = ctx.clock.now()
    with ctx.db.read() as session:
        query = select(Timer).where(Timer.status == "pending", col(Timer.kind).in_(DEADLINE_KINDS))
        if contract_key:
            query = query.where(Timer.contract_key == contract_key)
        if within_days is not None:
            query = query.where(col(Timer.due_at) <= now + timedelta(days=within_days))
        rows: list[dict[str, Any]] = []
        for timer in session.exec(query.order_by(col(Timer.due_at), col(Timer.id))):
            responsible = _responsible(session, timer)
            if person_key and person_key not in responsible:
                continue
            rows.append(_row(session, timer, responsible, now))
        return rows


def _responsible(session: Any, timer: Timer) -> list[str]:
    if timer.subject_kind != "escalation":
        return []
    record = session.exec(
        select(EscalationLevel)
        .where(EscalationLevel.escalation_id == timer.subject_id)
        .order_by(col(EscalationLevel.id).desc())
        .limit(1)
    ).first()
    people = {record.counterpart_key} if record else set()
    managers = session.exec(
        select(Person.key).where(Person.contract_key == timer.contract_key, Person.role == "account_manager")
    )
    return sorted(people | set(managers))


def _row(session: Any, timer: Timer, responsible: list[str], now: datetime) -> dict[str, Any]:
    escalation = session.get(Escalation, timer.subject_id) if timer.subject_kind == "escalation" else None
    return {
        "case": case_ref(timer.subject_kind, timer.subject_id),
        "contract": timer.contract_key,
        "what": timer.kind.replace("_", " "),
        "subject": escalation.subject if escalation else None,
        "level": escalation.level if escalation else None,
        "due": last_day(timer.due_at),
        "due_at": timer.due_at.isoformat(),
        "overdue": timer.due_at <= now,
        "rule": timer.rule,
        "source": timer.source,
        "responsible": responsible,
    }

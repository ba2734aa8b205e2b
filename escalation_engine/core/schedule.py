"""Write and cancel timer rows in the caller's transaction (the timer table is the source of truth)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from escalation_engine.core.tables import Timer


def schedule(
    session: Session,
    *,
    key: str,
    kind: str,
    subject_kind: str,
    subject_id: int,
    contract_key: str,
    due_at: datetime,
    rule: str,
    source: str,
    payload: dict[str, Any],
) -> Timer:
    timer = Timer(
        idempotency_key=key,
        kind=kind,
        subject_kind=subject_kind,
        subject_id=subject_id,
        contract_key=contract_key,
        due_at=due_at,
        rule=rule,
        source=source,
        payload=json.dumps(payload, sort_keys=True),
    )
    session.add(timer)
    return timer


def _insert_timers(session: Session, rows: list[dict[str, Any]]) -> None:
    """One Core INSERT for the deadline and its reminders (same rows as `schedule` would add one by one)."""
    if any(isinstance(obj, Timer) for obj in session.new):
        session.flush()  # timers added before these keep their lower ids
    for row in rows:
        row["payload"] = json.dumps(row["payload"], sort_keys=True)
    session.connection().execute(_TIMER.insert(), rows)


_PENDING_TIMERS = select(Timer).where(
    Timer.subject_kind == bindparam("kind"), Timer.subject_id == bindparam("ident"), Timer.status == "pending"
)


def cancel_timers(session: Session, subject_kind: str, subject_id: int, now: datetime) -> int:
    timers = session.exec(_PENDING_TIMERS, params={"kind": subject_kind, "ident": subject_id})
    count = 0
    for timer in timers:
        timer.status = "cancelled"
        timer.fired_at = now
        session.add(timer)
        count += 1
    return count


_TIMER = Timer.__table__  # type: ignore[attr-defined]

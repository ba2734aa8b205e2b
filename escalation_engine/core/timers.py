"""Fire due timers: each one exactly once, each in its own transaction, catching up after downtime.

`process_due(now)` is what `tick` calls and what the daemon's metronome job calls. A timer row is
claimed with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL (two daemons never fire one twice) and under
BEGIN IMMEDIATE on SQLite; it is marked fired in the same transaction as the change it causes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, select

from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.registry import DueTimer
from escalation_engine.core.tables import Timer


@dataclass
class TickReport:
    fired: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"fired": self.fired, "failed": self.failed}


_T = Timer.__table__  # type: ignore[attr-defined]
_CLAIM = (
    select(*(_T.c[name] for name in DueTimer.__slots__))
    .where(_T.c.status == "pending", _T.c.due_at <= bindparam("now"))
    .order_by(_T.c.due_at, _T.c.id)
    .limit(1)
    .with_for_update(skip_locked=True)
)  # built once: constructing the statement cost as much as running it
_MARK = (
    update(_T)
    .where(_T.c.id == bindparam("ident"))
    .values(status=bindparam("status"), fired_at=bindparam("at"))
)


def _claim(session: Session, now: datetime) -> DueTimer | None:
    row = session.connection().execute(_CLAIM, {"now": now}).first()
    return None if row is None else DueTimer(*row)


def process_due(ctx: Ctx, now: datetime | None = None, *, limit: int | None = None) -> TickReport:
    """Fire every timer due at `now` (default: the clock), oldest first; returns what happened."""
    ctx.registry.require_wired()
    now = now or ctx.clock.now()
    report = TickReport()
    while limit is None or len(report.fired) + len(report.failed) < limit:
        claimed: dict[str, Any] | None = None
        try:
            with ctx.db.write() as session:
                timer = _claim(session, now)
                if timer is None:
                    break
                claimed = _entry(timer, "claimed")
                handler = ctx.registry.handler_for(timer.subject_kind, timer.kind)
                if handler is None:
                    raise LookupError(f"no handler for {timer.subject_kind}/{timer.kind}")
                outcome = handler(ctx, session, timer, now)
                status = "fired" if outcome != "obsolete" else "skipped"
                session.flush()  # the handler's ORM changes go first, then the timer row is marked
                session.connection().execute(_MARK, {"ident": timer.id, "status": status, "at": now})
                report.fired.append({**claimed, "outcome": outcome})
        except Exception as exc:  # one bad timer must not stop the others
            if claimed is None:
                raise
            _mark_failed(ctx, int(claimed["timer"]), now, exc)
            report.failed.append({**claimed, "outcome": "failed", "error": str(exc)})
    return report


def _entry(timer: DueTimer, outcome: str) -> dict[str, Any]:
    return {
        "timer": timer.id,
        "kind": timer.kind,
        "subject": f"{timer.subject_kind}:{timer.subject_id}",
        "due_at": timer.due_at.isoformat(),
        "outcome": outcome,
    }


def _mark_failed(ctx: Ctx, timer_id: int, now: datetime, exc: Exception) -> None:
    with ctx.db.write() as session:
        timer = session.get(Timer, timer_id)
        if timer is None or timer.status != "pending":
            return
        payload = json.loads(timer.payload or "{}")
        payload["error"] = f"{type(exc).__name__}: {exc}"
        timer.payload = json.dumps(payload, sort_keys=True)
        timer.status = "failed"
        timer.fired_at = now
        session.add(timer)
        audit.append(
            ctx.db,
            session,
            now=now,
            actor="system",
            action="timer.failed",
            contract_key=timer.contract_key,
            reason=payload["error"],
            payload={"timer": timer_id, "kind": timer.kind},
        )

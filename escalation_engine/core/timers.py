"""Fire due timers: each one exactly once, each in its own transaction, catching up after downtime.

`process_due(now)` is what `tick` calls and what the daemon's metronome job calls. A timer row is
claimed with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL (two daemons never fire one twice) and under
BEGIN IMMEDIATE on SQLite; it is marked fired in the same transaction as the change it causes.

A firing that fails is rolled back whole (nothing of it stays), so trying it again cannot double its
effects. A transient failure — the database's own errors: a lock timeout, a dropped connection, a
serialisation failure — leaves the timer pending and retries it with back-off (1, 2, 4, … minutes) up to
`max_attempts()` firings (ESCALATION_ENGINE_TIMER_ATTEMPTS, default 5); then it is `failed`. Any other
failure (an engine error, a bug, no handler) would fail the same way again: the timer is `failed` at once.
A failed timer is listed by `deadlines` and `timers failed` and fired again by `timers retry`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, exc, or_, update
from sqlmodel import Session, select

from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.outbox import backoff
from escalation_engine.core.registry import DueTimer
from escalation_engine.core.tables import Timer

DEFAULT_ATTEMPTS = 5
TRANSIENT = (exc.DBAPIError, exc.DisconnectionError, exc.TimeoutError, ConnectionError, TimeoutError)


def max_attempts() -> int:
    """How many firings of one timer may fail for a transient cause before it is given up (`failed`)."""
    value = os.environ.get("ESCALATION_ENGINE_TIMER_ATTEMPTS", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_ATTEMPTS


def is_transient(error: BaseException) -> bool:
    return isinstance(error, TRANSIENT)


@dataclass
class TickReport:
    fired: list[dict[str, Any]] = field(default_factory=list)
    retrying: list[dict[str, Any]] = field(
        default_factory=list
    )  # failed for a transient cause, retried later
    failed: list[dict[str, Any]] = field(default_factory=list)  # given up: `timers failed`, `timers retry`

    @property
    def handled(self) -> int:
        return len(self.fired) + len(self.retrying) + len(self.failed)

    def as_dict(self) -> dict[str, Any]:
        return {"fired": self.fired, "retrying": self.retrying, "failed": self.failed}


_T = Timer.__table__  # type: ignore[attr-defined]
_CLAIM = (
    select(*(_T.c[name] for name in DueTimer.__slots__))
    .where(
        _T.c.status == "pending",
        _T.c.due_at <= bindparam("now"),
        or_(_T.c.next_attempt_at.is_(None), _T.c.next_attempt_at <= bindparam("now")),
    )
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


def process_due(
    ctx: Ctx,
    now: datetime | None = None,
    *,
    limit: int | None = None,
    guard: Callable[[Session, datetime], None] | None = None,
) -> TickReport:
    """Fire every timer due at `now` (default: the clock), oldest first; returns what happened.

    `guard` (the clock's, for `tick` and the daemon) runs in the first transaction before anything is
    claimed: it records the tick's instant with the first firing, or refuses and nothing is written."""
    ctx.registry.require_wired()
    now = (now or ctx.clock.now()).astimezone(UTC)  # the audit chain hashes the instant as stored (UTC)
    report = TickReport()
    while limit is None or report.handled < limit:
        claimed: dict[str, Any] | None = None
        try:
            with ctx.db.write() as session:
                if guard is not None:
                    guard(session, now)
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
            guard = None  # committed with this firing (a failed firing rolls it back: the next one guards)
            report.fired.append({**claimed, "outcome": outcome})  # after the commit: it did happen
        except Exception as error:  # one bad timer must not stop the others; its firing was rolled back
            if claimed is None:
                raise
            entry = _record_failure(ctx, int(claimed["timer"]), now, error)
            (report.retrying if entry["status"] == "pending" else report.failed).append({**claimed, **entry})
    return report


def _entry(timer: DueTimer, outcome: str) -> dict[str, Any]:
    return {
        "timer": timer.id,
        "kind": timer.kind,
        "subject": f"{timer.subject_kind}:{timer.subject_id}",
        "due_at": timer.due_at.isoformat(),
        "outcome": outcome,
    }


def _record_failure(ctx: Ctx, timer_id: int, now: datetime, error: Exception) -> dict[str, Any]:
    """In a transaction of its own: count the attempt, and either schedule the retry or give the timer up."""
    message = f"{type(error).__name__}: {error}".splitlines()[0][:500]
    transient = is_transient(error)
    with ctx.db.write() as session:
        timer = session.get(Timer, timer_id, with_for_update=True)
        if timer is None or timer.status != "pending":
            return {"outcome": "failed", "status": timer.status if timer else "gone", "error": message}
        timer.attempts += 1
        timer.last_error = message
        if transient and timer.attempts < max_attempts():
            timer.next_attempt_at = now + backoff(timer.attempts)
        else:
            timer.status, timer.next_attempt_at = "failed", None
            audit.append(
                ctx.db,
                session,
                now=now,
                actor="system",
                action="timer.failed",
                contract_key=timer.contract_key,
                reason=message,
                payload={"timer": timer_id, "kind": timer.kind, "attempts": timer.attempts},
            )
        session.add(timer)
        return {
            "outcome": "retrying" if timer.status == "pending" else "failed",
            "status": timer.status,
            "attempts": timer.attempts,
            "next_attempt_at": timer.next_attempt_at.isoformat() if timer.next_attempt_at else None,
            "error": message,
            "transient": transient,
        }

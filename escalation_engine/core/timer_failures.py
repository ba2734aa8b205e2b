"""Timers that were given up (`failed`): list them, and put them back to fire (`timers retry`), audited.

A retried timer is pending again with a fresh count of attempts; the next `tick` or beat fires it at once
(its due moment has passed) — exactly once, in one transaction like any firing.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.display import last_day
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.refs import PREFIXES, case_ref
from escalation_engine.core.tables import Timer


def _case(timer: Timer) -> str:
    if timer.subject_kind in PREFIXES:
        return case_ref(timer.subject_kind, timer.subject_id)
    return f"{timer.subject_kind}:{timer.subject_id}"  # a digest or horizon timer has no case of its own


def failed_row(timer: Timer) -> dict[str, Any]:
    return {
        "timer": timer.id,
        "case": _case(timer),
        "contract": timer.contract_key,
        "what": timer.kind.replace("_", " "),
        "kind": timer.kind,
        "due": last_day(timer.due_at),
        "due_at": timer.due_at.isoformat(),
        "status": timer.status,
        "attempts": timer.attempts,
        "error": timer.last_error,
        "rule": timer.rule,
        "source": timer.source,
    }


def _failed_query(contract_key: str | None) -> Any:
    query = select(Timer).where(Timer.status == "failed")
    if contract_key:
        query = query.where(Timer.contract_key == contract_key)
    return query.order_by(col(Timer.due_at), col(Timer.id))


def list_failed(ctx: Ctx, *, contract_key: str | None = None) -> list[dict[str, Any]]:
    with ctx.db.read() as session:
        return [failed_row(timer) for timer in session.exec(_failed_query(contract_key))]


def count_failed(session: Session) -> int:
    return len(list(session.exec(select(Timer.id).where(Timer.status == "failed"))))


def retry(
    ctx: Ctx, *, actor: str, timer_id: int | None = None, every: bool = False, contract_key: str | None = None
) -> list[dict[str, Any]]:
    """Put one failed timer (or every one, of a contract) back to fire; refused for a timer not failed."""
    if (timer_id is None) == (not every):
        raise BadInput("name one timer ID or --all")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        if timer_id is not None:
            timer = session.get(Timer, timer_id, with_for_update=True)
            if timer is None:
                raise NotFound(f"no timer {timer_id}")
            if timer.status != "failed":
                raise RuleRefused(
                    f"timer {timer_id} is {timer.status}, not failed: only a failed timer is retried by hand",
                    rule="a timer fires exactly once",
                )
            timers = [timer]
        else:
            timers = list(session.exec(_failed_query(contract_key).with_for_update()))
        rows = []
        for timer in timers:
            rows.append(failed_row(timer))
            audit.append(
                ctx.db,
                session,
                now=now,
                actor=actor,
                action="timer.retried",
                contract_key=timer.contract_key,
                case_ref=_case(timer) if timer.subject_kind in PREFIXES else None,
                reason=timer.last_error,
                payload={"timer": timer.id, "kind": timer.kind, "attempts": timer.attempts},
            )
            timer.status, timer.attempts, timer.next_attempt_at = "pending", 0, None
            session.add(timer)
        return rows

"""The rolling obligation horizon: the monthly look-ahead that keeps recurring obligations coming.

`derive_for_contract` derives up to the rolling horizon (rules/horizon.py) and schedules a look-ahead
timer for the next monthly anniversary of the contract start. When it fires, every recurring series of
the contract's pinned profile is continued from its highest derived number (same anchor, same arithmetic,
so the dates are exactly those a longer first derivation would have had) up to the new horizon, with due
and reminder timers, an `obligations.extend` audit row and the next look-ahead timer — all in the timer's
transaction. Continuing from the highest number makes it idempotent: a second look-ahead, or one catching
up after long downtime, derives each occurrence once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from escalation_engine.contracts.lookup import pinned_profile
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.db import Database
from escalation_engine.core.deadlines import REMINDER
from escalation_engine.core.refs import case_ref
from escalation_engine.core.registry import DueTimer, Registry
from escalation_engine.core.tables import Contract
from escalation_engine.procedures.obligations.calendar import (
    HORIZON,
    anchor_of,
    derive_item,
    horizon_of,
    schedule_look_ahead,
    schedule_of,
)
from escalation_engine.procedures.obligations.profile import ObligationSpec
from escalation_engine.procedures.obligations.tables import Obligation
from escalation_engine.profile.model import Profile


def _last_derived(session: Session, contract_key: str, code: str) -> Obligation | None:
    top = session.exec(
        select(func.max(Obligation.seq)).where(
            Obligation.contract_key == contract_key, Obligation.code == code
        )
    ).one()
    if top is None:
        return None
    return session.exec(
        select(Obligation).where(
            Obligation.contract_key == contract_key, Obligation.code == code, Obligation.seq == top
        )
    ).one()


def _fulfilment_label(session: Session, contract_key: str, item: ObligationSpec, anchor: date) -> str:
    """The anchor label `obligation_fulfil` gave a series anchored on another obligation's fulfilment."""
    source = session.exec(
        select(Obligation)
        .where(
            Obligation.contract_key == contract_key,
            Obligation.code == item.after,
            Obligation.fulfilled_on == anchor,
        )
        .order_by(col(Obligation.id))
    ).first()
    ref = case_ref("obligation", source.id) if source is not None else "?"
    return f"fulfilment of {ref} ({item.after}) on {anchor.isoformat()}"


def _anchor(
    session: Session, contract: Contract, item: ObligationSpec, last: Obligation | None
) -> tuple[date, str] | None:
    """The series' anchor and label; None for a fulfilment-anchored series not derived yet (fulfil does it)."""
    if item.anchor != "fulfilment":
        return anchor_of(contract, item.anchor)
    if last is None:
        return None
    return last.anchor_date, _fulfilment_label(session, contract.key, item, last.anchor_date)


def extend(
    db: Database, session: Session, contract: Contract, profile: Profile, *, now: datetime, actor: str
) -> dict[str, Any]:
    """Continue every recurring series of `contract` up to the rolling horizon at `now`; schedule the next look."""
    spec = profile.spec.obligations
    assert spec is not None
    horizon = horizon_of(contract, profile, now)
    derived: dict[str, int] = {}
    for item in spec.items:
        if not schedule_of(item, profile, "").recurring:
            continue
        last = _last_derived(session, contract.key, item.key)
        anchored = _anchor(session, contract, item, last)
        if anchored is None:
            continue
        after = last.seq if last is not None else 0
        rows = derive_item(
            session, profile, contract.key, item, anchored[0], anchored[1], horizon.end, now, after_seq=after
        )
        if rows:
            derived[item.key] = len(rows)
    schedule_look_ahead(session, contract, horizon)
    audit.append(
        db,
        session,
        now=now,
        actor=actor,
        action="obligations.extend",
        contract_key=contract.key,
        reason=f"recurring obligations continued up to {horizon.end.isoformat()} (rolling horizon: at least "
        f"{spec.horizon_months} months ahead; "
        + (
            f"next look {horizon.next_look.isoformat()})"
            if horizon.next_look
            else "the contract's term ends)"
        ),
        payload={
            "count": sum(derived.values()),
            "derived": derived,
            "horizon_end": horizon.end.isoformat(),
            "next_look": horizon.next_look.isoformat() if horizon.next_look else None,
        },
    )
    return {"horizon_end": horizon.end.isoformat(), "derived": derived}


def look_ahead(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    """Continue the contract's recurring obligations to the rolling horizon; schedule the next look-ahead."""
    contract = session.exec(
        select(Contract).where(Contract.key == timer.contract_key).with_for_update()
    ).first()
    if contract is None:
        return "obsolete"
    profile = pinned_profile(contract)
    if profile.spec.obligations is None:
        return "obsolete"  # repinned to a version without obligations
    result = extend(ctx.db, session, contract, profile, now=now, actor="system")
    return f"obligations up to {result['horizon_end']} ({sum(result['derived'].values())} new)"


def register(registry: Registry) -> None:
    """Add this module's timer handlers and deadline describer to the engine's registry."""
    registry.handler(HORIZON, REMINDER, look_ahead)

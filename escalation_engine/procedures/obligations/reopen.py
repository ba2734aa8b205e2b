"""Take back a fulfilment recorded by mistake: the obligation is open (or overdue) again, with its deadline
and the reminders still ahead — unless something was already decided on the strength of that fulfilment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, or_, update
from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.people import get_person
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import NotFound, RuleRefused
from escalation_engine.core.refs import case_ref, parse_ref, require_lines
from escalation_engine.core.tables import Timer
from escalation_engine.procedures.obligations.fulfil import require_fulfiller
from escalation_engine.procedures.obligations.hooks import judgement_of
from escalation_engine.procedures.obligations.listing import obligation_view
from escalation_engine.procedures.obligations.tables import Obligation

RULE = "a fulfilment is taken back only while nothing was decided on it"

# The deadline comes back even when it has passed meanwhile (it then fires at the next tick: overdue);
# reminders only when still ahead ("due soon" after the deadline would mislead).
_REVIVE = (
    update(Timer)
    .where(
        col(Timer.subject_kind) == "obligation",
        col(Timer.subject_id) == bindparam("of_id"),
        col(Timer.status) == "cancelled",
        or_(col(Timer.kind) != "reminder", col(Timer.due_at) > bindparam("after")),
    )
    .values(status="pending", fired_at=None)
)


def reopen(ctx: Ctx, *, ref: str, reason: str, actor_key: str | None) -> dict[str, Any]:
    """`obligation reopen`: by the people who may record the fulfilment, with a reason; audited."""
    ident = parse_ref("obligation", ref)
    reason = require_lines(reason, "reason")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        row = session.exec(select(Obligation).where(Obligation.id == ident).with_for_update()).first()
        if row is None:
            raise NotFound(f"obligation {case_ref('obligation', ident)} not found")
        person = get_person(session, row.contract_key, actor_key)
        require_fulfiller(session, row, person)
        _refuse_if_decided(ctx, session, row)
        before = {
            "fulfilled_on": row.fulfilled_on.isoformat() if row.fulfilled_on else None,
            "reference": row.reference,
            "fulfilled_by": row.fulfilled_by,
        }
        row.state = "overdue" if row.overdue_at is not None else "open"
        row.fulfilled_on = row.reference = row.fulfilled_by = None
        row.fulfilled_at = None
        session.add(row)
        session.flush()
        session.execute(_REVIVE, {"of_id": ident, "after": now})
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=person.key,
            actor_role=person.role,
            action="obligation.reopen",
            contract_key=row.contract_key,
            case_ref=case_ref("obligation", ident),
            from_state="fulfilled",
            to_state=row.state,
            reason=reason,
            payload={"was": before},
        )
        return obligation_view(session, row, now)


def _refuse_if_decided(ctx: Ctx, session: Session, row: Obligation) -> None:
    ref = case_ref("obligation", row.id)
    if row.state != "fulfilled":
        raise RuleRefused(
            f"{ref} is not fulfilled: there is nothing to take back", rule=RULE, source=row.source
        )
    verdict = judgement_of(ctx, session, row, ref)
    if verdict is not None:
        raise RuleRefused(
            f"{ref} was judged in verdict {verdict.verdict} ({verdict.kpi} "
            f"{verdict.period}) on the strength of this fulfilment; the verdict stands",
            rule=RULE,
            source=verdict.source,
        )
    spec = pinned_profile(get_contract(session, row.contract_key)).spec.obligations
    after = [item.key for item in (spec.items if spec else []) if item.after == row.code]
    derived = session.exec(
        select(Obligation).where(Obligation.contract_key == row.contract_key, col(Obligation.code).in_(after))
    ).first()
    if derived is not None:
        raise RuleRefused(
            f"{case_ref('obligation', derived.id)} ({derived.code}) was derived from the fulfilment of {ref}; "
            "a fulfilment that started other obligations is not taken back",
            rule=RULE,
            source=derived.source,
        )

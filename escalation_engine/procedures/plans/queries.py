"""Read-only queries over improvement plans: `plan show` (with its audit history) and `plan list`."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from escalation_engine.contracts.lookup import get_contract, preload_profiles, session_profile
from escalation_engine.core import audit
from escalation_engine.core.batch import grouped
from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import BadInput
from escalation_engine.core.paging import page, require_page
from escalation_engine.core.visibility import require_visible, restrict, without_others
from escalation_engine.procedures.plans.case import load
from escalation_engine.procedures.plans.tables import ImprovementPlan, PlanSubmission
from escalation_engine.procedures.plans.views import plan_view

STATE_FILTERS = ("open", "closed", "all")


def show_plan(ctx: Ctx, ref: str) -> dict[str, Any]:
    with ctx.db.read() as session:
        loaded = load(session, ref, lock=False)
        data = plan_view(loaded.row, loaded.submissions, loaded.profile, ctx.clock.now())
        require_visible(session, data, ref)
    data["history"] = [
        {
            k: event[k]
            for k in ("recorded_at", "actor", "actor_role", "action", "from_state", "to_state", "reason")
        }
        for event in audit.listing(ctx.db, case_ref=data["case"])
    ]
    return data


def list_plans(
    ctx: Ctx,
    *,
    contract_key: str | None = None,
    state: str = "open",
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The plans in `state`, oldest first, in a fixed number of statements (the plans, their submissions,
    the contracts' profiles); `limit`/`offset` page through them in SQL, as what the account may see (a
    participant's contract manager: the plans of no participant or of their own organisation)."""
    if state not in STATE_FILTERS:
        raise BadInput(f"unknown state filter {state!r}: expected one of {', '.join(STATE_FILTERS)}")
    require_page(limit, offset)
    now = ctx.clock.now()
    with ctx.db.read() as session:
        query = select(ImprovementPlan).order_by(col(ImprovementPlan.id))
        if contract_key:
            get_contract(session, contract_key)
            query = query.where(ImprovementPlan.contract_key == contract_key)
        if state == "open":
            query = query.where(col(ImprovementPlan.closed_at).is_(None))
        elif state == "closed":
            query = query.where(col(ImprovementPlan.closed_at).is_not(None))
        query = restrict(session, query, col(ImprovementPlan.contract_key))
        query = without_others(  # a participant's contract manager: the plans of their own organisation
            ctx.registry, session, query, "plan", col(ImprovementPlan.contract_key), col(ImprovementPlan.id)
        )
        plans = list(session.exec(page(query, limit, offset)))
        subs = grouped(session, PlanSubmission, PlanSubmission.plan_id, (row.id or 0 for row in plans))
        preload_profiles(session, (row.contract_key for row in plans))
        return [
            plan_view(row, subs.get(row.id or 0, []), session_profile(session, row.contract_key), now)
            for row in plans
        ]

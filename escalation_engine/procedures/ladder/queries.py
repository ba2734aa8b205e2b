"""Read-only queries over escalations."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import BadInput
from escalation_engine.core.visibility import require_visible, restrict, visible
from escalation_engine.procedures.ladder.case import load
from escalation_engine.procedures.ladder.machine import OPEN_STATES
from escalation_engine.procedures.ladder.tables import Escalation, EscalationLevel
from escalation_engine.procedures.ladder.views import escalation_view

STATE_FILTERS = ("open", "closed", "all")


def show_escalation(ctx: Ctx, ref: str) -> dict[str, Any]:
    with ctx.db.read() as session:
        loaded = load(session, ref, lock=False)
        view = escalation_view(loaded.row, loaded.levels, loaded.profile, ctx.clock.now())
        require_visible(session, view, ref)
        return view


def list_escalations(
    ctx: Ctx, *, contract_key: str | None = None, state: str = "open"
) -> list[dict[str, Any]]:
    if state not in STATE_FILTERS:
        raise BadInput(f"unknown state filter {state!r}: expected one of {', '.join(STATE_FILTERS)}")
    from escalation_engine.contracts.lookup import get_contract, pinned_profile

    now = ctx.clock.now()
    with ctx.db.read() as session:
        query = select(Escalation).order_by(col(Escalation.id))
        if contract_key:
            get_contract(session, contract_key)
            query = query.where(Escalation.contract_key == contract_key)
        open_values = [s.value for s in OPEN_STATES]
        if state == "open":
            query = query.where(col(Escalation.state).in_(open_values))
        elif state == "closed":
            query = query.where(col(Escalation.state).not_in(open_values))
        rows = []
        for row in session.exec(restrict(session, query, col(Escalation.contract_key))):
            levels = list(
                session.exec(select(EscalationLevel).where(EscalationLevel.escalation_id == row.id))
            )
            rows.append(
                escalation_view(row, levels, pinned_profile(get_contract(session, row.contract_key)), now)
            )
        return visible(session, rows)

"""Read-only queries over escalations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlmodel import col, select

from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import BadInput
from escalation_engine.core.paging import page, require_page
from escalation_engine.core.visibility import require_visible, restrict_rows
from escalation_engine.procedures.ladder.case import load
from escalation_engine.procedures.ladder.tables import (
    CLOSED_ESCALATION,
    OPEN_ESCALATION,
    Escalation,
    EscalationLevel,
)
from escalation_engine.procedures.ladder.views import escalation_view

STATE_FILTERS = ("open", "closed", "all")


def show_escalation(ctx: Ctx, ref: str) -> dict[str, Any]:
    with ctx.db.read() as session:
        loaded = load(session, ref, lock=False)
        view = escalation_view(loaded.row, loaded.levels, loaded.profile, ctx.clock.now())
        require_visible(session, view, ref)
        return view


def list_escalations(
    ctx: Ctx,
    *,
    contract_key: str | None = None,
    state: str = "open",
    participant: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    highest_level_first: bool = False,
) -> list[dict[str, Any]]:
    """The escalations in `state` (of one participant, named regardless of case and spacing), oldest
    first — or, `highest_level_first`, by level from the highest down and oldest first within a level (the
    contract page) — in a fixed number of statements whatever their number: the cases, their levels (one
    query) and each contract's pinned profile once. The filters, the order, what the account may see and
    `limit`/`offset` are all SQL, so a page is read whole and nothing is dropped after it."""
    if state not in STATE_FILTERS:
        raise BadInput(f"unknown state filter {state!r}: expected one of {', '.join(STATE_FILTERS)}")
    require_page(limit, offset)
    from escalation_engine.contracts.lookup import get_contract, preload_profiles, session_profile
    from escalation_engine.contracts.participants import spellings

    now = ctx.clock.now()
    with ctx.db.read() as session:
        query = select(Escalation)
        if highest_level_first:  # the open cases of a contract: along ix_escalation_open_level (0014)
            query = query.order_by(col(Escalation.level).desc(), col(Escalation.id))
        else:
            query = query.order_by(col(Escalation.id))
        if contract_key:
            get_contract(session, contract_key)
            query = query.where(Escalation.contract_key == contract_key)
        if state != "all":  # literal SQL, so the page reads the open (or closed) cases' partial index
            query = query.where(text(OPEN_ESCALATION if state == "open" else CLOSED_ESCALATION))
        if participant and participant.strip():
            names = spellings(session, participant, contract_key)
            query = query.where(col(Escalation.participant).in_(names))
        query = restrict_rows(session, query, col(Escalation.contract_key), col(Escalation.participant))
        query = page(query, limit, offset)
        cases = list(session.exec(query))
        levels: dict[int, list[EscalationLevel]] = {}
        if cases:
            ids: Any = [row.id for row in cases]  # a page's ids; all cases: the query again, as a subquery
            if limit is None:
                ids = query.with_only_columns(col(Escalation.id)).scalar_subquery()
            level_query = select(EscalationLevel).where(col(EscalationLevel.escalation_id).in_(ids))
            for record in session.exec(level_query.order_by(col(EscalationLevel.id))):
                levels.setdefault(record.escalation_id, []).append(record)
        preload_profiles(session, (row.contract_key for row in cases))
        return [
            escalation_view(row, levels.get(row.id or 0, []), session_profile(session, row.contract_key), now)
            for row in cases
        ]

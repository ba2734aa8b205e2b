"""Read-only views: one verdict with its inputs, the verdicts of a contract, the waiting-room status."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from escalation_engine.contracts.lookup import get_contract
from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import NotFound
from escalation_engine.core.paging import page, require_page
from escalation_engine.core.refs import case_ref, parse_ref
from escalation_engine.core.visibility import require_visible, restrict_rows
from escalation_engine.procedures.kpis.rules.waiting_room import SOURCE as WAITING_ROOM_SOURCE
from escalation_engine.procedures.kpis.rules.waiting_room import moment_date
from escalation_engine.procedures.kpis.tables import KpiVerdict
from escalation_engine.procedures.kpis.verdicts import PREFIX_VERDICT, verdict_view
from escalation_engine.procedures.kpis.waiting_room import KIND, evidence


def show_verdict(ctx: Ctx, ref: str) -> dict[str, Any]:
    ident = parse_ref(PREFIX_VERDICT, ref)
    with ctx.db.read() as session:
        row = session.get(KpiVerdict, ident)
        if row is None:
            raise NotFound(f"verdict {case_ref(PREFIX_VERDICT, ident)} not found")
        view = verdict_view(row)
        require_visible(session, view, case_ref(PREFIX_VERDICT, ident))
        return view


def list_verdicts(
    ctx: Ctx,
    *,
    contract_key: str,
    period: str | None = None,
    kpi: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[dict[str, Any]]:
    """The contract's verdicts that the account may see, oldest (or newest) first, in one query after the
    contract's; filtered and paged in SQL."""
    require_page(limit, offset)
    with ctx.db.read() as session:
        get_contract(session, contract_key)
        query = select(KpiVerdict).where(KpiVerdict.contract_key == contract_key)
        query = restrict_rows(session, query, col(KpiVerdict.contract_key), col(KpiVerdict.participant))
        if period:
            query = query.where(KpiVerdict.period == period.strip())
        if kpi:
            query = query.where(KpiVerdict.kpi == kpi.strip().lower())
        order = col(KpiVerdict.id).desc() if newest_first else col(KpiVerdict.id)
        return [verdict_view(row) for row in session.exec(page(query.order_by(order), limit, offset))]


def waiting_room_status(ctx: Ctx, *, contract_key: str) -> dict[str, Any]:
    """Every measurement moment: its date, figures and verdict; whether the termination right exists."""
    with ctx.db.read() as session:
        contract = get_contract(session, contract_key)
        rows = list(
            session.exec(
                select(KpiVerdict).where(KpiVerdict.contract_key == contract_key, KpiVerdict.kind == KIND)
            )
        )
        shown = evidence(rows)
        done = {entry["moment"] for entry in shown}
        views = [verdict_view(row) for row in rows]
    right = next((f for v in views for f in v["findings"] if f["kind"] == "termination_right"), None)
    return {
        "contract": contract_key,
        "source": WAITING_ROOM_SOURCE,
        "evidence": shown,
        "pending_moments": [
            {"moment": m, "date": moment_date(contract.start_date, m).isoformat()}
            for m in (6, 9, 12)
            if m not in done
        ],
        "termination_right": right,
    }

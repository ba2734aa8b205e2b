"""Read models of sanction cases: one case, the cases of a contract, and their summary for the KPI report."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract
from escalation_engine.core.batch import by_id
from escalation_engine.core.context import Ctx
from escalation_engine.core.paging import page, require_page
from escalation_engine.core.refs import case_ref
from escalation_engine.core.visibility import restrict_rows, sight
from escalation_engine.procedures.kpis.rules.sanctions import (
    heaviest,
    parse_sanction,
)
from escalation_engine.procedures.kpis.sanction_hearing import hearing_view
from escalation_engine.procedures.kpis.tables import KpiVerdict, SanctionCase
from escalation_engine.procedures.kpis.verdicts import PREFIX_SANCTION, PREFIX_VERDICT


def sanction_view(
    session: Session, row: SanctionCase, verdicts: dict[int, KpiVerdict] | None = None
) -> dict[str, Any]:
    """One sanction case; `verdicts` (by id) when a list has read them already."""
    verdict = session.get(KpiVerdict, row.verdict_id) if verdicts is None else verdicts.get(row.verdict_id)
    return {
        "sanction": case_ref(PREFIX_SANCTION, row.id),
        "contract": row.contract_key,
        "verdict": case_ref(PREFIX_VERDICT, row.verdict_id),
        "kpi": verdict.kpi if verdict else None,
        "period": verdict.period if verdict else None,
        "participant": (verdict.participant or None) if verdict else None,
        "state": row.state,
        "allowed": row.outcome or row.allowed.replace(",", ", "),
        "codes": row.codes.replace(",", ", ") or None,
        "heaviest": _heaviest(row.codes),
        "culpability": row.culpability,
        "proposed_by": row.proposed_by,
        "response": row.response,
        "responded_by": row.responded_by,
        **hearing_view(session, row),
        "decision_reason": row.decision_reason,
        "decided_by": row.decided_by,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
    }


def _heaviest(codes: str) -> str | None:
    chosen = heaviest(parse_sanction(code) for code in codes.split(",") if code)
    return chosen.value if chosen else None


def list_sanctions(
    ctx: Ctx,
    *,
    contract_key: str | None,
    state: str | None = None,
    verdict: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[dict[str, Any]]:
    """The sanction cases the account may see (of one verdict, by its reference), oldest (or newest) first, in
    a fixed number of statements (the cases, their verdicts, the contracts' profiles); filtered and paged in
    SQL."""
    from escalation_engine.contracts.lookup import preload_profiles
    from escalation_engine.core.refs import parse_ref

    require_page(limit, offset)
    with ctx.db.read() as session:
        query = select(SanctionCase)
        if contract_key:
            get_contract(session, contract_key)
            query = query.where(SanctionCase.contract_key == contract_key)
        if state:
            query = query.where(SanctionCase.state == state)
        if verdict:
            query = query.where(SanctionCase.verdict_id == parse_ref(PREFIX_VERDICT, verdict))
        if sight(session).contracts is not None:  # its verdict's participant, as `show_sanction` checks
            query = query.join(KpiVerdict, col(KpiVerdict.id) == col(SanctionCase.verdict_id))
        query = restrict_rows(session, query, col(SanctionCase.contract_key), col(KpiVerdict.participant))
        order = col(SanctionCase.id).desc() if newest_first else col(SanctionCase.id)
        cases = list(session.exec(page(query.order_by(order), limit, offset)))
        preload_profiles(session, (row.contract_key for row in cases))
        verdicts = by_id(session, KpiVerdict, (row.verdict_id for row in cases))
        return [sanction_view(session, row, verdicts) for row in cases]


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Several sanctions at once become one at the heaviest level (B2 §1)."""
    applied = [
        code for row in rows if row["state"] == "applied" for code in (row["codes"] or "").split(", ") if code
    ]
    proposed = [
        code
        for row in rows
        if row["state"] == "proposed"
        for code in (row["codes"] or "").split(", ")
        if code
    ]
    top_applied = heaviest(parse_sanction(code) for code in applied)
    top_proposed = heaviest(parse_sanction(code) for code in proposed)
    return {
        "applied": len([r for r in rows if r["state"] == "applied"]),
        "proposed": len([r for r in rows if r["state"] == "proposed"]),
        "awaiting_finding": len([r for r in rows if r["state"] == "awaiting_finding"]),
        "waived": len([r for r in rows if r["state"] == "waived"]),
        "not_culpable": len([r for r in rows if r["state"] == "not_culpable"]),
        "heaviest_applied": top_applied.value if top_applied else None,
        "heaviest_proposed": top_proposed.value if top_proposed else None,
        "rule": "several sanctions become one at the heaviest level (B2 §1); order S1 < S4 < S2 < S3 < S5 (policy default)",
    }


def show_sanction(ctx: Ctx, ref: str) -> dict[str, Any]:
    """One sanction case, not found for an account that may not see its contract or participant."""
    from escalation_engine.core.errors import NotFound
    from escalation_engine.core.refs import parse_ref
    from escalation_engine.core.visibility import require_visible

    ident = parse_ref(PREFIX_SANCTION, ref)
    with ctx.db.read() as session:
        row = session.get(SanctionCase, ident)
        if row is None:
            raise NotFound(f"sanction {case_ref(PREFIX_SANCTION, ident)} not found")
        view = sanction_view(session, row)
        require_visible(session, view, case_ref(PREFIX_SANCTION, ident))
        return view

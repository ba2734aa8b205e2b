"""The contracts the person is on, and a contract's page: open escalations by level (filter by state and
participant, 50 a page), improvement plans, step-in procedures, KPI verdicts (filter by KPI and period) and
sanctions, open obligations and deadlines, and the forms to open an escalation or request step-in."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from escalation_engine.app.registration import list_contracts
from escalation_engine.contracts.lookup import get_contract
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.errors import BadInput, EngineError, NotFound
from escalation_engine.core.visibility import sight
from escalation_engine.procedures.kpis.queries import list_verdicts
from escalation_engine.procedures.kpis.sanction_views import list_sanctions
from escalation_engine.procedures.ladder.queries import STATE_FILTERS, list_escalations
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.procedures.plans.queries import list_plans
from escalation_engine.procedures.step_in.actions import request as request_step_in
from escalation_engine.procedures.step_in.views import list_step_ins
from escalation_engine.web.base import Req, refusal_status
from escalation_engine.web.cases import roles_on
from escalation_engine.web.step_in import may_request
from escalation_engine.web.work import link_of

PAGE = 50
SHOWN = 50  # the other lists: the first 50, and a note when there are more


def contracts_page(req: Req) -> Response:
    with req.ctx.db.read() as session:
        seen = sight(session)
    rows = [c for c in list_contracts(req.ctx) if seen.sees(c["key"])]
    return req.page("contracts.html", title=req.t("Contracten"), contracts=rows)


def _page_number(req: Req) -> int:
    text = req.request.query_params.get("pagina", "1")
    return max(1, min(int(text), 10**6)) if text.isdigit() else 1


def _escalations(req: Req, key: str, state: str, participant: str, number: int) -> tuple[list[Any], bool]:
    """One page of escalations, the highest level first, and whether another page follows (one row more is
    read to know)."""
    rows = list_escalations(
        req.ctx,
        contract_key=key,
        state=state,
        participant=participant or None,
        limit=PAGE + 1,
        offset=(number - 1) * PAGE,
        highest_level_first=True,
    )
    return rows[:PAGE], len(rows) > PAGE


def _kpi_filters(req: Req) -> tuple[str, str]:
    kpi = req.request.query_params.get("kpi", "").strip()[:80]
    period = req.request.query_params.get("periode", "").strip()[:10]
    return kpi, period


def _lists(req: Req, key: str, kpi: str, period: str) -> dict[str, Any]:
    """The contract's other lists, each its first SHOWN rows and whether more follow (one row more is read to
    know): bounded in SQL, whatever the number of cases."""
    read = SHOWN + 1
    rows = {
        "plans": list_plans(req.ctx, contract_key=key, state="open", limit=read),
        "step_ins": list_step_ins(req.ctx, contract_key=key, state="all", newest_first=True, limit=read),
        "verdicts": list_verdicts(
            req.ctx, contract_key=key, kpi=kpi or None, period=period or None, newest_first=True, limit=read
        ),
        "sanctions": list_sanctions(req.ctx, contract_key=key, newest_first=True, limit=read),
        "obligations": list_obligations(req.ctx, contract_key=key, state="open", limit=read),
        "deadlines": [
            {**d, "link": link_of(d["case"])} for d in list_deadlines(req.ctx, contract_key=key, limit=read)
        ],
    }
    lists: dict[str, Any] = {}
    for name, found in rows.items():
        lists[name], lists[f"more_{name}"] = found[:SHOWN], len(found) > SHOWN
    return lists


def contract_page(req: Req, *, refusal: dict[str, Any] | None = None, status: int = 200) -> Response:
    key = req.request.path_params["key"]
    with req.ctx.db.read() as session:
        contract = get_contract(session, key)  # not found for a contract the person may not see
        title = contract.title
    state = req.request.query_params.get("state", "open")
    state = state if state in STATE_FILTERS else "open"
    participant = req.request.query_params.get("participant", "").strip()[:200]
    number = _page_number(req)
    cases, more = _escalations(req, key, state, participant, number)
    kpi, period = _kpi_filters(req)
    return req.page(
        "contract.html",
        status=status,
        title=f"{key} — {title}",
        key=key,
        contract_title=title,
        cases=cases,
        page_number=number,
        more=more,
        **_lists(req, key, kpi, period),
        shown=SHOWN,
        state=state,
        states=STATE_FILTERS,
        participant=participant,
        kpi=kpi,
        period=period,
        can_open=bool(roles_on(req, key)),
        can_request_step_in=may_request(req, key),
        can_open_plan=may_open_plan(req, key),
        refusal=refusal,
        values=req.data,
    )


def request_case(req: Req) -> Response:
    """POST /contracten/{key}/step-in: the category requests step-in, with its culpability finding."""
    contract = req.request.path_params["key"]
    named = [part.strip() for part in req.field("escalations").replace(";", ",").split(",") if part.strip()]
    try:
        if req.field("culpability") not in ("culpable", "outside"):
            raise BadInput(req.t("Kies of de oorzaken aan Opdrachtnemer te wijten zijn (B2 §6)."))
        view = request_step_in(
            req.ctx,
            actor_key=None,
            contract_key=contract,
            reason=req.field("reason"),
            escalations=named,
            override=req.field("override") or None,
            culpable=req.field("culpability") == "culpable",
        )
    except NotFound:
        raise
    except EngineError as exc:
        return contract_page(req, refusal=exc.as_dict(), status=refusal_status(exc))
    return req.redirect(f"/step-in/{view['case']}?done=1#melding")


def may_open_plan(req: Req, contract_key: str) -> bool:
    """Whether the contract page offers opening a three-step improvement plan (the profile's open roles)."""
    from escalation_engine.contracts.lookup import pinned_profile
    from escalation_engine.procedures.plans.case import three_step_spec

    with req.ctx.db.read() as session:
        profile = pinned_profile(get_contract(session, contract_key))
    try:
        spec = three_step_spec(profile, contract_key)
    except EngineError:  # a profile without the three-step plan
        return False
    return bool(roles_on(req, contract_key) & set(spec.open_roles))


def open_plan_case(req: Req) -> Response:
    """POST /contracten/{key}/plannen: open a three-step improvement plan at step 1 (B2 §5.2)."""
    from escalation_engine.procedures.plans.three_step import open_plan

    contract = req.request.path_params["key"]
    try:
        view = open_plan(
            req.ctx,
            actor_key=None,
            contract_key=contract,
            trigger=req.field("trigger"),
            subject=req.field("subject"),
            kpi=req.field("kpi") or None,
            participants=[req.field("participant")] if req.field("participant") else [],
            escalation=req.field("escalation") or None,
        )
    except NotFound:
        raise
    except EngineError as exc:
        return contract_page(req, refusal=exc.as_dict(), status=refusal_status(exc))
    return req.redirect(f"/plannen/{view['case']}?done=1#melding")

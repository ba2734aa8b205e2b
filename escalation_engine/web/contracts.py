"""The contracts the person is on, and a contract's page: open escalations by level, deadlines, and the form
to open an escalation."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from escalation_engine.app.registration import list_contracts
from escalation_engine.contracts.lookup import get_contract
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.visibility import sight
from escalation_engine.procedures.ladder.queries import STATE_FILTERS, list_escalations
from escalation_engine.web.base import Req
from escalation_engine.web.work import link_of, memberships


def contracts_page(req: Req) -> Response:
    with req.ctx.db.read() as session:
        seen = sight(session)
    rows = [c for c in list_contracts(req.ctx) if seen.sees(c["key"])]
    return req.page("contracts.html", title=req.t("Contracten"), contracts=rows)


def contract_page(req: Req, *, refusal: dict[str, Any] | None = None, status: int = 200) -> Response:
    key = req.request.path_params["key"]
    with req.ctx.db.read() as session:
        contract = get_contract(session, key)  # not found for a contract the person may not see
        title = contract.title
    state = req.request.query_params.get("state", "open")
    state = state if state in STATE_FILTERS else "open"
    participant = req.request.query_params.get("participant", "")
    cases = [
        c
        for c in list_escalations(req.ctx, contract_key=key, state=state)
        if not participant or c["participant"] == participant
    ]
    deadlines = [{**d, "link": link_of(d["case"])} for d in list_deadlines(req.ctx, contract_key=key)]
    roles = {p.role for p in memberships(req) if p.contract_key == key}
    return req.page(
        "contract.html",
        status=status,
        title=f"{key} — {title}",
        key=key,
        contract_title=title,
        cases=cases,
        deadlines=deadlines,
        state=state,
        states=STATE_FILTERS,
        participant=participant,
        can_open=bool(roles),
        refusal=refusal,
        values=req.data,
    )

"""KPI verdicts and sanctions (B2 §2 and §5; TP table 1), each on its own page.

A verdict's page shows the KPI, period, participant, result with its explanation and clause, every input it
used, its findings, and its follow-up: the category records the agreed improvement term, the supplier its
improvements. A sanction's page shows the allowed and proposed codes, the culpability finding, the supplier's
response and its last day, and the decision: the supplier responds; the category records the finding,
applies (only when the supplier was heard, or with the reason it cannot wait) or waives."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.kpis import follow_up, sanctions
from escalation_engine.procedures.kpis.follow_up import TERM_SOURCES
from escalation_engine.procedures.kpis.queries import show_verdict
from escalation_engine.procedures.kpis.results import kpi_section
from escalation_engine.procedures.kpis.sanction_views import list_sanctions, show_sanction
from escalation_engine.web.base import Req
from escalation_engine.web.cases import act_on, case_page, day_field, roles_on, sides_on, timeline

VERDICT_URL = "/kpi-oordelen/"
SANCTION_URL = "/sancties/"


def deciders(req: Req, contract_key: str) -> set[str]:
    """The roles that decide on sanctions and set improvement terms on this contract (the category)."""
    with req.ctx.db.read() as session:
        contract = get_contract(session, contract_key)
        return set(kpi_section(pinned_profile(contract), contract.key).sanctions_decided_by)


def _verdict_forms(req: Req, view: dict[str, Any]) -> list[str]:
    if view["met"]:
        return []
    forms = []
    deciding = roles_on(req, view["contract"]) & deciders(req, view["contract"])
    if view["kind"] in TERM_SOURCES and not view["follow_up_due"] and deciding:
        forms.append("term")
    if view["follow_up_due"] and not view["follow_up"] and "supplier" in sides_on(req, view["contract"]):
        forms.append("improve")
    return forms


def _verdict_page(
    req: Req, ref: str, *, status: int = 200, refusal: dict[str, Any] | None = None
) -> Response:
    view = show_verdict(req.ctx, ref)
    related = list_sanctions(req.ctx, contract_key=view["contract"], verdict=view["verdict"])
    return case_page(
        req,
        "verdict.html",
        title=f"{ref} — {view['kpi']} {view['period']}",
        status=status,
        refusal=refusal,
        verdict=view,
        sanctions=related,
        forms=_verdict_forms(req, view),
        timeline=timeline(req, ref),
    )


def verdict_page(req: Req) -> Response:
    return _verdict_page(req, req.request.path_params["ref"])


VERDICT_ACTIONS = {
    "term": lambda req, ref: follow_up.set_term(
        req.ctx,
        actor_key=None,
        ref=ref,
        until=day_field(req, "until", req.t("Laatste dag van de termijn")),
        reason=req.field("reason"),
    ),
    "improve": lambda req, ref: follow_up.record_improvement(
        req.ctx, actor_key=None, ref=ref, text=req.field("text")
    ),
}


def verdict_act(req: Req) -> Response:
    return act_on(req, VERDICT_ACTIONS, lambda ref: show_verdict(req.ctx, ref), _verdict_page, VERDICT_URL)


OPEN_SANCTIONS = ("awaiting_finding", "proposed")


def _sanction_forms(req: Req, view: dict[str, Any]) -> list[str]:
    if view["state"] not in OPEN_SANCTIONS:
        return []
    forms = []
    if "supplier" in sides_on(req, view["contract"]) and not view["response"]:
        forms.append("respond")
    if roles_on(req, view["contract"]) & deciders(req, view["contract"]):
        if view["state"] == "awaiting_finding":
            forms.append("propose")
        forms += ["apply", "waive"]
    return forms


def _sanction_page(
    req: Req, ref: str, *, status: int = 200, refusal: dict[str, Any] | None = None
) -> Response:
    view = show_sanction(req.ctx, ref)
    return case_page(
        req,
        "sanction.html",
        title=f"{ref} — {view['kpi']} {view['period']}",
        status=status,
        refusal=refusal,
        sanction=view,
        forms=_sanction_forms(req, view),
        timeline=timeline(req, ref),
    )


def sanction_page(req: Req) -> Response:
    return _sanction_page(req, req.request.path_params["ref"])


def _codes(req: Req) -> list[str]:
    return [part.strip() for part in req.field("codes").replace(";", ",").split(",") if part.strip()]


def _culpable(req: Req) -> bool:
    if req.field("culpability") not in ("culpable", "not_culpable"):
        raise BadInput(req.t("Kies of Opdrachtnemer verwijtbaar tekortschoot (B2 §5)."))
    return req.field("culpability") == "culpable"


SANCTION_ACTIONS = {
    "respond": lambda req, ref: sanctions.respond(req.ctx, actor_key=None, ref=ref, text=req.field("text")),
    "propose": lambda req, ref: sanctions.propose(
        req.ctx,
        actor_key=None,
        ref=ref,
        culpable=_culpable(req),
        finding=req.field("finding"),
        codes=_codes(req),
    ),
    "apply": lambda req, ref: sanctions.decide(
        req.ctx,
        actor_key=None,
        ref=ref,
        apply=True,
        reason=req.field("reason"),
        finding=req.field("finding") or None,
        codes=_codes(req),
        cannot_wait=req.field("cannot_wait") or None,
    ),
    "waive": lambda req, ref: sanctions.decide(
        req.ctx, actor_key=None, ref=ref, apply=False, reason=req.field("reason")
    ),
}


def sanction_act(req: Req) -> Response:
    return act_on(
        req, SANCTION_ACTIONS, lambda ref: show_sanction(req.ctx, ref), _sanction_page, SANCTION_URL
    )

"""An improvement plan's page: the three-step plan (B2 §5.2) or the 14-day plan after a norm failure
(TP §2.1.2), its state, step and deadlines, its history, and the forms the profile gives the person's role in
this state; a refusal is shown on the page and nothing is written."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.responses import Response

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.core.dates import parse_date
from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.plans import actions, three_step
from escalation_engine.procedures.plans.case import norm_spec, three_step_spec
from escalation_engine.procedures.plans.queries import show_plan
from escalation_engine.web.base import Req
from escalation_engine.web.cases import act_on, case_page, roles_on, timeline

URL = "/plannen/"

THREE_STEP_FORMS = {  # state → (form, the spec's role list)
    "step_1": [
        ("advance", "advance_roles"),
        ("skip-step1", "skip_step1_roles"),
        ("resolve", "resolve_roles"),
    ],
    "step_2": [("advance", "request_step3_roles"), ("resolve", "resolve_roles")],
    "step_3_due": [("advance", "request_step3_roles"), ("resolve", "resolve_roles")],
    "step_3_requested": [("present", "record_presentation_roles"), ("resolve", "resolve_roles")],
    "step_3_presented": [("resolve", "resolve_roles")],
}
NORM_FORMS = {
    "awaiting_plan": [("submit", "submit_roles")],
    "overdue": [("submit", "submit_roles")],
    "submitted": [("decide", "decide_roles")],
    "accepted": [("resolve", "resolve_roles")],
}


def _forms(req: Req, view: dict[str, Any]) -> list[str]:
    roles = roles_on(req, view["contract"])
    with req.ctx.db.read() as session:
        profile = pinned_profile(get_contract(session, view["contract"]))
    if view["kind"] == "three_step":
        spec: Any = three_step_spec(profile, view["contract"])
        table = THREE_STEP_FORMS
    else:
        spec = norm_spec(profile, view["contract"])
        table = NORM_FORMS
    return [form for form, attr in table.get(view["state"], []) if roles & set(getattr(spec, attr))]


def _page(req: Req, ref: str, *, status: int = 200, refusal: dict[str, Any] | None = None) -> Response:
    view = show_plan(req.ctx, ref)
    return case_page(
        req,
        "plan.html",
        title=f"{ref} — {view['subject']}",
        status=status,
        refusal=refusal,
        plan=view,
        timeline=timeline(req, ref),
        forms=_forms(req, view),
    )


def plan_page(req: Req) -> Response:
    return _page(req, req.request.path_params["ref"])


def _day(text: str, what: str) -> date:
    try:
        return parse_date(text.strip())  # the same strict parser as the command line
    except BadInput:
        raise BadInput(f"{what}: JJJJ-MM-DD") from None


ACTIONS = {
    "submit": lambda req, ref: actions.submit(req.ctx, actor_key=None, ref=ref, text=req.field("text")),
    "decide": lambda req, ref: actions.decide(
        req.ctx, actor_key=None, ref=ref, accept=req.field("decision") == "accept", reason=req.field("reason")
    ),
    "resolve": lambda req, ref: actions.resolve(
        req.ctx, actor_key=None, ref=ref, results=req.field("results")
    ),
    "advance": lambda req, ref: three_step.advance(
        req.ctx, actor_key=None, ref=ref, reason=req.field("reason")
    ),
    "skip-step1": lambda req, ref: three_step.skip_step1(
        req.ctx, actor_key=None, ref=ref, reason=req.field("reason")
    ),
    "present": lambda req, ref: three_step.present(
        req.ctx,
        actor_key=None,
        ref=ref,
        presented_on=_day(req.field("on"), req.t("Datum")),
        steps=req.field("steps"),
    ),
}


def plan_act(req: Req) -> Response:
    return act_on(req, ACTIONS, lambda ref: show_plan(req.ctx, ref), _page, URL)

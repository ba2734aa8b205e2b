"""A step-in procedure's page (B2 §6): its state, problems and escalations, the management-team meetings and
binding advice with their deadlines, its timeline, and the forms the person's role has in this state: the
supplier records a meeting; the category assesses progress, lays down binding advice and closes. The category
requests step-in from the contract page."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.core.errors import EngineError
from escalation_engine.procedures.step_in import decisions, meetings
from escalation_engine.procedures.step_in.case import step_in_rules
from escalation_engine.procedures.step_in.machine import TRANSITIONS
from escalation_engine.procedures.step_in.machine import StepInTrigger as T
from escalation_engine.procedures.step_in.profile import StepInSpec
from escalation_engine.procedures.step_in.views import show_step_in
from escalation_engine.web.base import Req
from escalation_engine.web.cases import act_on, case_page, day_field, roles_on, timeline, triggers_from

URL = "/step-in/"


def rules_for(req: Req, contract_key: str) -> StepInSpec:
    with req.ctx.db.read() as session:
        contract = get_contract(session, contract_key)
        return step_in_rules(contract, pinned_profile(contract))


def may_request(req: Req, contract_key: str) -> bool:
    """Whether the contract page offers the step-in request (the category's roles in the profile)."""
    try:
        rules = rules_for(req, contract_key)
    except EngineError:  # a profile without step-in rights
        return False
    return bool(roles_on(req, contract_key) & set(rules.requested_by))


def _forms(req: Req, view: dict[str, Any]) -> list[str]:
    """The forms for what the step-in machine accepts in this state, by the person's role."""
    possible = triggers_from(TRANSITIONS, view["state"])
    if not possible:
        return []
    rules = rules_for(req, view["contract"])
    roles = roles_on(req, view["contract"])
    forms = []
    if roles & set(rules.meetings_recorded_by) and possible & {T.HOLD_MEETING, T.HOLD_SECOND_MEETING}:
        forms.append("meeting")
    if roles & set(rules.requested_by):
        if T.ASSESS_SOLVED in possible and not view["assessment"]:
            forms.append("assess")
        if T.ADVISE in possible:
            forms.append("advise")
        if T.CLOSE in possible:
            forms.append("close")
    return forms


def _page(req: Req, ref: str, *, status: int = 200, refusal: dict[str, Any] | None = None) -> Response:
    view = show_step_in(req.ctx, ref)
    return case_page(
        req,
        "step_in.html",
        title=f"{ref} — {req.t('step-in rights')}",
        status=status,
        refusal=refusal,
        case=view,
        forms=_forms(req, view),
        timeline=timeline(req, ref),
    )


def step_in_page(req: Req) -> Response:
    return _page(req, req.request.path_params["ref"])


ACTIONS = {
    "meeting": lambda req, ref: meetings.record_meeting(
        req.ctx,
        actor_key=None,
        ref=ref,
        held=day_field(req, "held", req.t("Datum van de vergadering")),
        minutes=req.field("minutes"),
        attendees=req.field("attendees") or None,
        measures=req.field("measures") or None,
    ),
    "assess": lambda req, ref: decisions.assess(
        req.ctx, actor_key=None, ref=ref, solved=req.field("verdict") == "solved", reason=req.field("reason")
    ),
    "advise": lambda req, ref: decisions.advise(
        req.ctx,
        actor_key=None,
        ref=ref,
        measures=req.field("measures"),
        due=day_field(req, "due", req.t("Uitgevoerd uiterlijk")) if req.field("due") else None,
    ),
    "close": lambda req, ref: decisions.close(req.ctx, actor_key=None, ref=ref, results=req.field("results")),
}


def step_in_act(req: Req) -> Response:
    return act_on(req, ACTIONS, lambda ref: show_step_in(req.ctx, ref), _page, URL)

"""The escalation's page: its state, level and counterpart, its deadlines, its timeline (the audit trail of
the case), and only the actions the signed-in person's role may take, as forms. A refusal is shown on the
page with the rule and the clause, and nothing is written."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.core.errors import EngineError, NotFound
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.ladder.machine import TRANSITIONS
from escalation_engine.procedures.ladder.machine import EscTrigger as T
from escalation_engine.procedures.ladder.queries import show_escalation
from escalation_engine.web.base import Req, refusal_status
from escalation_engine.web.cases import act_on, case_page, profiles_of, roles_on, timeline, triggers_from

URL = "/escalaties/"


def _actions(req: Req, view: dict[str, Any]) -> list[str]:
    """Which forms to offer: what the machine accepts in the case's state, for the person's role on the
    contract (the engine still decides when the form is sent)."""
    roles = roles_on(req, view["contract"])
    possible = triggers_from(TRANSITIONS, view["state"])
    with req.ctx.db.read() as session:
        ladder = pinned_profile(get_contract(session, view["contract"])).ladder
    level = ladder.level(view["level"])
    offered = []
    if level.counterpart in roles and T.RESPOND in possible:
        offered.append("respond")
    if level.counterpart in roles and T.REFUSE in possible:
        offered.append("refuse")
    if roles & set(ladder.assessors(view["level"])) and T.ASSESS_SUFFICIENT in possible:
        offered.append("assess")
    if (
        view["level"] < ladder.top
        and roles & set(ladder.level(view["level"] + 1).raised_by)
        and T.RAISE in possible
    ):
        offered.append("raise")
    raisers = {r for n in range(1, view["level"] + 1) for r in ladder.level(n).raised_by}
    if roles & raisers and T.CLOSE in possible:
        offered.append("close")
    return offered


def _page(req: Req, ref: str, *, status: int = 200, refusal: dict[str, Any] | None = None) -> Response:
    view = show_escalation(req.ctx, ref)
    return case_page(
        req,
        "escalation.html",
        title=f"{ref} — {view['subject']}",
        status=status,
        profile=profiles_of(req, {view["contract"]}).get(view["contract"]),
        refusal=refusal,
        case=view,
        timeline=timeline(req, ref),
        actions=_actions(req, view),
    )


def escalation_page(req: Req) -> Response:
    return _page(req, req.request.path_params["ref"])


ACTIONS = {
    "respond": lambda req, ref: esc.respond(req.ctx, actor_key=None, ref=ref, text=req.field("text")),
    "assess": lambda req, ref: esc.assess(
        req.ctx,
        actor_key=None,
        ref=ref,
        sufficient=req.field("verdict") == "sufficient",
        reason=req.field("reason"),
    ),
    "raise": lambda req, ref: esc.raise_level(req.ctx, actor_key=None, ref=ref, reason=req.field("reason")),
    "refuse": lambda req, ref: esc.refuse(req.ctx, actor_key=None, ref=ref, reason=req.field("reason")),
    "close": lambda req, ref: esc.close(
        req.ctx,
        actor_key=None,
        ref=ref,
        measures=req.field("measures"),
        results=req.field("results"),
        lessons=req.field("lessons"),
    ),
}


def act(req: Req) -> Response:
    return act_on(req, ACTIONS, lambda ref: show_escalation(req.ctx, ref), _page, URL)


def open_case(req: Req) -> Response:
    contract = req.request.path_params["key"]
    try:
        view = esc.open_escalation(
            req.ctx,
            actor_key=None,
            contract_key=contract,
            subject=req.field("subject"),
            norm=req.field("norm") or None,
            participant=req.field("participant") or None,
            threatened=req.field("threatened") == "yes",
        )
    except NotFound:
        raise
    except EngineError as exc:
        from escalation_engine.web.contracts import contract_page

        return contract_page(req, refusal=exc.as_dict(), status=refusal_status(exc))
    return req.redirect(f"/escalaties/{view['case']}?done=1#melding")

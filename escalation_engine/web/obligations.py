"""An obligation's page: what is owed, by whom, to whom, by which last day and why (rule and clause), its
timeline, and for the people who record its fulfilment: record it, or take a mistaken one back."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from escalation_engine.core.dates import parse_date
from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.obligations.fulfil import fulfil
from escalation_engine.procedures.obligations.queries import show_obligation
from escalation_engine.procedures.obligations.reopen import reopen
from escalation_engine.web.base import Req
from escalation_engine.web.cases import act_on, case_page, profiles_of, roles_on, timeline

URL = "/verplichtingen/"


def _page(req: Req, ref: str, *, status: int = 200, refusal: dict[str, Any] | None = None) -> Response:
    view = show_obligation(req.ctx, ref)
    may = bool(roles_on(req, view["contract"]) & set(view["fulfilled_by_roles"]))
    return case_page(
        req,
        "obligation.html",
        title=f"{ref} — {view['title']}",
        status=status,
        refusal=refusal,
        item=view,
        timeline=timeline(req, ref),
        profile=profiles_of(req, {view["contract"]}).get(view["contract"]),
        may_fulfil=may and view["status"] != "fulfilled",
        may_reopen=may and view["status"] == "fulfilled",
    )


def obligation_page(req: Req) -> Response:
    return _page(req, req.request.path_params["ref"])


def _fulfil(req: Req, ref: str) -> object:
    try:
        on = parse_date(req.field("on").strip())  # the same strict parser as the command line
    except BadInput:
        raise BadInput(req.t("Datum: vul een datum in als JJJJ-MM-DD.")) from None
    return fulfil(req.ctx, ref=ref, on=on, reference=req.field("reference") or None, actor_key=None)


ACTIONS = {
    "fulfil": _fulfil,
    "reopen": lambda req, ref: reopen(req.ctx, ref=ref, reason=req.field("reason"), actor_key=None),
}


def obligation_act(req: Req) -> Response:
    return act_on(req, ACTIONS, lambda ref: show_obligation(req.ctx, ref), _page, URL)

"""An obligation's page: what is owed, by whom, to whom, by which last day and why (rule and clause), its
timeline, and for the people who record its fulfilment: record it, or take a mistaken one back."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from escalation_engine.core.dates import parse_date
from escalation_engine.core.errors import BadInput, EngineError, NotFound
from escalation_engine.procedures.obligations.fulfil import fulfil
from escalation_engine.procedures.obligations.queries import show_obligation
from escalation_engine.procedures.obligations.reopen import reopen
from escalation_engine.web.base import Req, refusal_status
from escalation_engine.web.cases import profiles_of, timeline
from escalation_engine.web.work import memberships


def _page(req: Req, ref: str, *, status: int = 200, refusal: dict[str, Any] | None = None) -> Response:
    view = show_obligation(req.ctx, ref)
    roles = {p.role for p in memberships(req) if p.contract_key == view["contract"]}
    may = bool(roles & set(view["fulfilled_by_roles"]))
    done = req.t("Vastgelegd.") if req.request.query_params.get("done") else None
    return req.page(
        "obligation.html",
        status=status,
        title=f"{ref} — {view['title']}",
        item=view,
        timeline=timeline(req, ref),
        profile=profiles_of(req, {view["contract"]}).get(view["contract"]),
        may_fulfil=may and view["status"] != "fulfilled",
        may_reopen=may and view["status"] == "fulfilled",
        refusal=refusal,
        done=done,
        values=req.data,
        today=req.ctx.clock.now().date().isoformat(),
    )


def obligation_page(req: Req) -> Response:
    return _page(req, req.request.path_params["ref"])


def obligation_act(req: Req) -> Response:
    ref, action = req.request.path_params["ref"], req.request.path_params["action"]
    show_obligation(req.ctx, ref)  # not found for what the person may not see
    try:
        if action == "fulfil":
            try:
                on = parse_date(req.field("on").strip())  # the same strict parser as the command line
            except BadInput:
                raise BadInput(req.t("Datum: vul een datum in als JJJJ-MM-DD.")) from None
            fulfil(req.ctx, ref=ref, on=on, reference=req.field("reference") or None, actor_key=None)
        elif action == "reopen":
            reopen(req.ctx, ref=ref, reason=req.field("reason"), actor_key=None)
        else:
            raise NotFound(action)
    except NotFound:
        raise
    except EngineError as exc:
        return _page(req, ref, status=refusal_status(exc), refusal=exc.as_dict())
    return req.redirect(f"/verplichtingen/{ref}?done=1#melding")

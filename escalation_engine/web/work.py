"""My work: every open item the signed-in person must act on or is waiting for, by its last day, with its rule
and clause, what is late shown as late."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from escalation_engine.accounts.accounts import memberships_of
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.refs import web_path
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.web.base import Req


def memberships(req: Req) -> list[Any]:
    """The signed-in account's memberships (side, role, organisation per contract)."""
    return [] if req.principal is None else memberships_of(req.ctx, req.principal.account_id)


def link_of(case: str) -> str | None:
    return web_path(case)


def my_items(req: Req) -> list[dict[str, Any]]:
    mine = {(p.contract_key, p.key) for p in memberships(req)}
    items: list[dict[str, Any]] = []
    for row in list_deadlines(req.ctx):
        if any((row["contract"], key) in mine for key in row["responsible"]):
            items.append(
                {
                    **row,
                    "kind": "deadline",
                    "link": link_of(row["case"]),
                    "title": row["subject"] or row["what"],
                }
            )
    for contract, key in sorted(mine):
        for row in list_obligations(req.ctx, contract_key=contract, person_key=key, state="open"):
            mine_to_do = key in row.get("owed_by_people", [])
            items.append(
                {
                    "kind": "obligation",
                    "case": row["id"],
                    "contract": contract,
                    "what": req.t("verplichting") if mine_to_do else req.t("verplichting (u wacht erop)"),
                    "title": row["title_en"] if req.lang == "en" and row.get("title_en") else row["title"],
                    "due": row["due"],
                    "due_at": row["due_at"],
                    "overdue": row["status"] == "overdue",
                    "rule": row["rule"],
                    "source": row["source"],
                    "link": link_of(row["id"]),
                }
            )
    return sorted(items, key=lambda item: (item["due_at"], item["case"]))


HORIZON_DAYS = 60


def my_work(req: Req) -> Response:
    """What is late and what falls due in the next 60 days; `?alles=1` shows everything that is open."""
    from datetime import timedelta

    everything = my_items(req)
    show_all = req.request.query_params.get("alles") == "1"
    until = (req.ctx.clock.now() + timedelta(days=HORIZON_DAYS)).isoformat()
    items = everything if show_all else [i for i in everything if i["overdue"] or i["due_at"] <= until]
    late = sum(1 for item in items if item["overdue"])
    return req.page(
        "work.html",
        title=req.t("Mijn werk"),
        items=items,
        late=late,
        hidden=len(everything) - len(items),
        horizon=HORIZON_DAYS,
        show_all=show_all,
    )

"""My work: every open item the signed-in person must act on or is waiting for, by its last day, with its rule
and clause, what is late shown as late."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from starlette.responses import Response

from escalation_engine.accounts.accounts import memberships_of
from escalation_engine.core.dates import local_date
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.refs import web_path
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.web.base import Req


def memberships(req: Req) -> list[Any]:
    """The signed-in account's memberships (side, role, organisation per contract)."""
    return [] if req.principal is None else memberships_of(req.ctx, req.principal.account_id)


def link_of(case: str) -> str | None:
    return web_path(case)


def my_items(
    req: Req,
    *,
    within_days: int | None = None,
    between: tuple[datetime, datetime] | None = None,
) -> list[dict[str, Any]]:
    """The deadlines and open obligations of every membership of the signed-in account, soonest first: per
    membership, the contract's deadlines that person is responsible for and the obligations that concern
    them — filtered in SQL (`within_days` from now, or due `between` two instants)."""
    seen: set[object] = set()
    items: list[dict[str, Any]] = []
    days = (local_date(between[0]), local_date(between[1] - timedelta(microseconds=1))) if between else None
    for contract, key in sorted({(p.contract_key, p.key) for p in memberships(req)}):
        for row in list_deadlines(
            req.ctx, contract_key=contract, person_key=key, within_days=within_days, due_between=between
        ):
            if row["timer"] not in seen:
                seen.add(row["timer"])
                items.append(
                    {
                        **row,
                        "kind": "deadline",
                        "link": link_of(row["case"]),
                        "title": row["subject"] or row["what"],
                    }
                )
        for row in list_obligations(
            req.ctx,
            contract_key=contract,
            person_key=key,
            state="open",
            within_days=within_days,
            due_between=days,
        ):
            if row["id"] in seen:
                continue
            seen.add(row["id"])
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
    show_all = req.request.query_params.get("alles") == "1"
    items = my_items(req, within_days=None if show_all else HORIZON_DAYS)
    late = sum(1 for item in items if item["overdue"])
    return req.page(
        "work.html",
        title=req.t("Mijn werk"),
        items=items,
        late=late,
        horizon=HORIZON_DAYS,
        show_all=show_all,
    )

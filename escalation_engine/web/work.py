"""My work: every open item the signed-in person must act on or is waiting for, by its last day, with its rule
and clause, what is late shown as late."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from starlette.responses import Response

from escalation_engine.accounts.accounts import memberships_of
from escalation_engine.core.dates import local_date
from escalation_engine.core.deadlines import count_deadlines, list_deadlines
from escalation_engine.core.refs import web_path
from escalation_engine.procedures.obligations.listing import count_obligations, list_obligations
from escalation_engine.web.base import Req


def memberships(req: Req) -> list[Any]:
    """The signed-in account's memberships (side, role, organisation per contract)."""
    return [] if req.principal is None else memberships_of(req.ctx, req.principal.account_id)


def link_of(case: str) -> str | None:
    return web_path(case)


OBLIGATION = "obligation"  # obligations come from their own list (state, who owes), not as deadlines
PAGE = 50


def _keys_by_contract(req: Req) -> dict[str, tuple[str, ...]]:
    """The signed-in account's person keys, per contract it is on."""
    found: dict[str, set[str]] = {}
    for person in memberships(req):
        found.setdefault(person.contract_key, set()).add(person.key)
    return {contract: tuple(sorted(keys)) for contract, keys in sorted(found.items())}


def my_items(
    req: Req,
    *,
    within_days: int | None = None,
    between: tuple[datetime, datetime] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The deadlines and open obligations of every membership of the signed-in account, soonest first:
    per contract, the deadlines that person is responsible for and the obligations that concern them —
    filtered and paged in SQL (`within_days` from now, or due `between` two instants; `limit`/`offset`
    one page of the merged list: each source gives at most `offset + limit`)."""
    wanted = None if limit is None else offset + limit
    days = (local_date(between[0]), local_date(between[1] - timedelta(microseconds=1))) if between else None
    sources: list[list[dict[str, Any]]] = []
    for contract, keys in _keys_by_contract(req).items():
        deadlines = list_deadlines(
            req.ctx,
            contract_key=contract,
            person_key=keys,
            within_days=within_days,
            due_between=between,
            limit=wanted,
            without_kinds=(OBLIGATION,),
        )
        sources.append(
            [
                {
                    **row,
                    "kind": "deadline",
                    "link": link_of(row["case"]),
                    "title": row["subject"] or "",  # none: the column of its kind says what
                }
                for row in deadlines
            ]
        )
        obligations = list_obligations(
            req.ctx,
            contract_key=contract,
            person_key=keys,
            state="open",
            within_days=within_days,
            due_between=days,
            limit=wanted,
        )
        sources.append([_obligation_item(req, contract, keys, row) for row in obligations])
    merged = sorted(  # each source is in its own SQL order already: a merge by due moment keeps it
        ((item["due_at"], n, i, item) for n, source in enumerate(sources) for i, item in enumerate(source)),
        key=lambda entry: entry[:3],
    )
    items = [entry[3] for entry in merged]
    return items[offset:] if limit is None else items[offset : offset + limit]


def _obligation_item(req: Req, contract: str, keys: tuple[str, ...], row: dict[str, Any]) -> dict[str, Any]:
    mine_to_do = any(key in row.get("owed_by_people", []) for key in keys)
    return {
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


def my_counts(req: Req, *, within_days: int | None) -> tuple[int, int]:
    """How many open items My work has in all and how many of them are late, counted in SQL."""
    total = late = 0
    for contract, keys in _keys_by_contract(req).items():
        deadlines, late_ones = count_deadlines(
            req.ctx,
            contract_key=contract,
            person_key=keys,
            within_days=within_days,
            without_kinds=(OBLIGATION,),
        )
        total += deadlines + count_obligations(
            req.ctx, contract_key=contract, person_key=keys, within_days=within_days
        )
        late += late_ones + count_obligations(
            req.ctx, contract_key=contract, person_key=keys, state="overdue"
        )
    return total, late


HORIZON_DAYS = 60


def my_work(req: Req) -> Response:
    """What is late and what falls due in the next 60 days, 50 a page; `?alles=1` shows everything open."""
    show_all = req.request.query_params.get("alles") == "1"
    text = req.request.query_params.get("pagina", "1")
    number = max(1, min(int(text), 10**6)) if text.isdigit() else 1
    within = None if show_all else HORIZON_DAYS
    total, late = my_counts(req, within_days=within)
    items = my_items(req, within_days=within, limit=PAGE, offset=(number - 1) * PAGE)
    return req.page(
        "work.html",
        title=req.t("Mijn werk"),
        items=items,
        total=total,
        late=late,
        horizon=HORIZON_DAYS,
        show_all=show_all,
        page_number=number,
        more=number * PAGE < total,
        query="alles=1&" if show_all else "",
    )

"""The month view: a calendar of one month with every deadline and obligation that falls due in it — for the
signed-in person (`/maand`: what concerns them, on every contract) or for one contract
(`/contracten/{key}/maand`), with the previous and next month one link away. `?m=JJJJ-MM` picks the month."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names
from starlette.responses import Response

from escalation_engine.contracts.lookup import get_contract
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.web.base import Req
from escalation_engine.web.work import link_of, my_items

AMS = ZoneInfo("Europe/Amsterdam")


def _month(req: Req) -> date:
    text = req.request.query_params.get("m", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1) if 1990 <= year <= 2200 else req.ctx.clock.now().date().replace(day=1)
    except ValueError:
        return req.ctx.clock.now().date().replace(day=1)


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _period(first: date) -> tuple[datetime, datetime]:
    """The month as instants: from its first day 00:00 to the next month's, Amsterdam time."""
    return (
        datetime.combine(first, time(0), tzinfo=AMS),
        datetime.combine(_shift(first, 1), time(0), tzinfo=AMS),
    )


def _contract_items(req: Req, key: str, first: date) -> list[dict[str, Any]]:
    period = _period(first)
    items = [
        {**d, "link": link_of(d["case"]), "title": d["subject"] or ""}
        for d in list_deadlines(req.ctx, contract_key=key, due_between=period)
    ]
    last = _shift(first, 1) - timedelta(days=1)
    for row in list_obligations(req.ctx, contract_key=key, state="all", due_between=(first, last)):
        items.append(
            {
                "case": row["id"],
                "due": row["due"],
                "what": req.t("verplichting"),
                "title": row["title_en"] if req.lang == "en" and row.get("title_en") else row["title"],
                "overdue": row["status"] == "overdue",
                "done": row["status"] == "fulfilled",
                "link": link_of(row["id"]),
            }
        )
    return items


def _weeks(first: date, items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    by_day: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_day.setdefault(item["due"], []).append(item)
    return [
        [
            {"day": day, "in_month": day.month == first.month, "due_items": by_day.get(day.isoformat(), [])}
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]


def _render(req: Req, first: date, items: list[dict[str, Any]], base: str, heading: str) -> Response:
    month = first.strftime("%Y-%m")
    shown = [item for item in items if item["due"].startswith(month)]
    days = get_day_names("abbreviated", locale=req.lang)
    names = get_day_names("wide", locale=req.lang)
    return req.page(
        "month.html",
        title=f"{heading} — {format_date(first, 'LLLL yyyy', locale=req.lang)}",
        heading=heading,
        month_name=format_date(first, "LLLL yyyy", locale=req.lang),
        weeks=_weeks(first, shown),
        day_names=[(days[i], names[i]) for i in range(7)],
        items=sorted(shown, key=lambda item: (item["due"], item["case"])),
        previous=f"{base}?m={_shift(first, -1).strftime('%Y-%m')}",
        following=f"{base}?m={_shift(first, 1).strftime('%Y-%m')}",
        today=req.ctx.clock.now().date(),
    )


def my_month(req: Req) -> Response:
    first = _month(req)
    return _render(req, first, my_items(req, between=_period(first)), "/maand", req.t("Mijn termijnen"))


def contract_month(req: Req) -> Response:
    key = req.request.path_params["key"]
    with req.ctx.db.read() as session:
        get_contract(session, key)  # not found for a contract the person may not see
    first = _month(req)
    return _render(req, first, _contract_items(req, key, first), f"/contracten/{key}/maand", key)

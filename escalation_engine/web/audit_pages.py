"""Audit review: the whole trail the person may see, with filters (contract, case, person, action, period), the
result of `audit verify`, and an export for an auditor (CSV, and the page itself prints)."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.responses import Response

from escalation_engine.core import audit
from escalation_engine.core.exports import spreadsheet_safe
from escalation_engine.web.base import Req

FILTERS = ("contract", "case", "person", "action", "from", "to")


def _rows(req: Req) -> tuple[list[dict[str, Any]], dict[str, str]]:
    chosen = {name: req.request.query_params.get(name, "").strip() for name in FILTERS}
    rows = audit.listing(req.ctx.db, case_ref=chosen["case"] or None, contract_key=chosen["contract"] or None)
    if chosen["person"]:
        rows = [r for r in rows if chosen["person"] in (r["actor"], r.get("account"))]
    if chosen["action"]:
        rows = [r for r in rows if r["action"].startswith(chosen["action"])]
    low, high = _day(chosen, "from"), _day(chosen, "to")
    if low is not None:
        rows = [r for r in rows if date.fromisoformat(r["recorded_at"][:10]) >= low]
    if high is not None:
        rows = [r for r in rows if date.fromisoformat(r["recorded_at"][:10]) <= high]
    return rows, chosen


def _day(chosen: dict[str, str], name: str) -> date | None:
    try:
        return date.fromisoformat(chosen[name]) if chosen[name] else None
    except ValueError:
        chosen[name] = ""
        return None


def audit_page(req: Req) -> Response:
    rows, chosen = _rows(req)
    result = audit.verify(req.ctx.db)
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    return req.page(
        "audit.html", title=req.t("Audittrail"), rows=rows, chosen=chosen, verify=result, query=query
    )


COLUMNS = (
    "id",
    "recorded_at",
    "actor",
    "actor_role",
    "account",
    "auth",
    "action",
    "contract_key",
    "case_ref",
    "level",
    "from_state",
    "to_state",
    "reason",
    "hash",
)


def audit_csv(req: Req) -> Response:
    import csv
    import io

    rows, _ = _rows(req)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_safe(row.get(name)) for name in COLUMNS])
    return req.finish(
        Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="audittrail.csv"'},
        )
    )

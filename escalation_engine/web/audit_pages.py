"""Audit review: the whole trail the person may see, newest first and 100 rows a page, with filters (contract,
case, person, action, period) in SQL, the result of `audit verify` on request, and an export for an auditor
(CSV of every matching row, and the page itself prints)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from escalation_engine.core import audit
from escalation_engine.core.audit_search import search
from escalation_engine.core.exports import spreadsheet_safe
from escalation_engine.web.base import Req
from escalation_engine.web.cases import with_profiles

FILTERS = ("contract", "case", "person", "action", "from", "to")


PAGE = 100


def _filters(req: Req) -> tuple[dict[str, Any], dict[str, str]]:
    chosen = {name: req.request.query_params.get(name, "").strip()[:200] for name in FILTERS}
    wanted = {
        "contract_key": chosen["contract"] or None,
        "case_ref": chosen["case"] or None,
        "person": chosen["person"] or None,
        "action": chosen["action"] or None,
        "since": _day(chosen, "from"),
        "until": _day(chosen, "to"),
    }
    return wanted, chosen


def _day(chosen: dict[str, str], name: str) -> date | None:
    try:
        return date.fromisoformat(chosen[name]) if chosen[name] else None
    except ValueError:
        chosen[name] = ""
        return None


def audit_page(req: Req) -> Response:
    """Newest first, 100 a page; `audit verify` runs when asked (`?controle=1`): it reads the whole chain."""
    wanted, chosen = _filters(req)
    text = req.request.query_params.get("pagina", "1")
    number = max(1, min(int(text), 10**6)) if text.isdigit() else 1
    rows = search(
        req.ctx.db,
        **wanted,
        newest_first=True,
        limit=PAGE + 1,
        offset=(number - 1) * PAGE,
        registry=req.ctx.registry,
    )
    check = req.request.query_params.get("controle") == "1"
    query = "&".join(f"{k}={quote(v)}" for k, v in chosen.items() if v)
    return req.page(
        "audit.html",
        title=req.t("Audittrail"),
        rows=with_profiles(req, rows[:PAGE]),
        more=len(rows) > PAGE,
        page_number=number,
        chosen=chosen,
        verify=_check(req) if check else None,
        query=query,
    )


def _check(req: Req) -> dict[str, Any]:
    """`audit verify` as the page shows it: the hash chain and every case's stored state against what its
    audit rows replay to. An administrator sees every finding; others see the findings on the cases they may
    see, and only that there are others (no references, no row numbers)."""
    from escalation_engine.core.replay import disagreements
    from escalation_engine.core.visibility import sight

    chain = audit.verify(req.ctx.db)
    drift = disagreements(req.ctx)
    with req.ctx.db.read() as session:
        everything = sight(session).contracts is None
    if everything:
        shown, hidden = chain.problems + drift, 0
    else:
        shown = [
            text
            for text in drift
            if search(req.ctx.db, case_ref=text.split(":", 1)[0], limit=1, registry=req.ctx.registry)
        ]
        hidden = len(chain.problems) + len(drift) - len(shown)
    return {
        "ok": chain.ok and not drift,
        "everything": everything,
        "rows": chain.rows,
        "head": chain.head,
        "problems": shown,
        "hidden": hidden,
        "backwards": chain.backwards if everything else [],
    }


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

    wanted, _ = _filters(req)
    rows = search(req.ctx.db, **wanted, registry=req.ctx.registry)
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

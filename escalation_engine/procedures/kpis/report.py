"""`report --contract KEY`: the per-contract KPI report — verdicts with their inputs and findings,
sanctions with the heaviest one, improvement-plan findings and the waiting-room termination right."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlmodel import col, func, select

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.core.context import Ctx
from escalation_engine.procedures.kpis.results import kpi_section
from escalation_engine.procedures.kpis.sanction_views import list_sanctions, summary
from escalation_engine.procedures.kpis.survey_validity import not_valid_rounds
from escalation_engine.procedures.kpis.tables import KpiMeasurement, KpiVerdict
from escalation_engine.procedures.kpis.verdicts import verdict_view


def report(ctx: Ctx, *, contract_key: str) -> dict[str, Any]:
    with ctx.db.read() as session:
        contract = get_contract(session, contract_key)
        profile = pinned_profile(contract)
        section = kpi_section(profile, contract_key)
        count = session.exec(
            select(func.count())
            .select_from(KpiMeasurement)
            .where(KpiMeasurement.contract_key == contract_key)
        ).one()
        surveys_not_valid = not_valid_rounds(session, contract_key, section.survey)
        verdicts = [
            verdict_view(row)
            for row in session.exec(
                select(KpiVerdict).where(KpiVerdict.contract_key == contract_key).order_by(col(KpiVerdict.id))
            )
        ]
    sanctions = list_sanctions(ctx, contract_key=contract_key)
    findings = [
        {"verdict": v["verdict"], "kpi": v["kpi"], "period": v["period"], **finding}
        for v in verdicts
        for finding in v["findings"]
    ]
    return {
        "contract": contract_key,
        "title": contract.title,
        "profile": f"{profile.name} v{profile.version}",
        "kpis_defined": len(section.definitions),
        "measurements": int(count),
        "rounding": section.rounding,
        "verdicts": verdicts,
        "missed": sum(1 for v in verdicts if not v["met"]),
        "findings": findings,
        "termination_right": next((f for f in findings if f["kind"] == "termination_right"), None),
        "sanctions": sanctions,
        "sanction_summary": summary(sanctions),
        "surveys_not_valid": surveys_not_valid,
    }


CSV_COLUMNS = (
    "verdict",
    "kind",
    "kpi",
    "period",
    "participant",
    "result",
    "findings",
    "sanction",
    "state",
    "codes",
    "explanation",
)


def as_csv(data: dict[str, Any]) -> str:
    """One line per verdict, with its sanction (if any) and findings."""
    by_verdict = {row["verdict"]: row for row in data["sanctions"]}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for v in data["verdicts"]:
        sanction = by_verdict.get(v["verdict"], {})
        writer.writerow(
            [
                v["verdict"],
                v["kind"],
                v["kpi"],
                v["period"],
                v["participant"] or "",
                v["result"],
                "; ".join(f"{f['kind']}: {f['reason']}" for f in v["findings"]),
                sanction.get("sanction", ""),
                sanction.get("state", ""),
                sanction.get("codes") or "",
                v["explanation"],
            ]
        )
    return buffer.getvalue()

"""Delivery reliability (B2 §2.2), evaluated per participant per month and centrally per quarter.

- Decentral: per participant per month; on failure the supplier shows and implements its improvements in
  the following month — a tracked deadline at the end of that month.
- Central: per quarter over the participants' monthly figures; on failure the category sets the
  improvement term (`kpi term`), which is then tracked.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from escalation_engine.contracts.terms import schedule_deadline_with_reminders
from escalation_engine.procedures.kpis.findings import Finding, NewVerdict
from escalation_engine.procedures.kpis.profile import KpiSpec
from escalation_engine.procedures.kpis.rules import delivery
from escalation_engine.procedures.kpis.run import Run, kpi_inputs
from escalation_engine.procedures.kpis.tables import KpiMeasurement
from escalation_engine.procedures.kpis.verdicts import existing_verdict


def decentral(run: Run, spec: KpiSpec, row: KpiMeasurement) -> NewVerdict:
    result = delivery.evaluate_decentral(row.participant, run.period.start, Decimal(row.value))
    findings = []
    if not result.met:
        findings.append(
            Finding(
                "follow_up",
                f"the supplier shows and implements its improvements in {result.improve_in_month:%Y-%m}",
                delivery.SOURCE,
                {"due": result.improve_by.isoformat() if result.improve_by else None},
            )
        )
    return NewVerdict(
        kind="delivery-decentral",
        kpi=spec.ref,
        period=row.period,
        participant=row.participant,
        met=result.met,
        inputs=kpi_inputs(spec, [row]),
        explanation=result.explanation,
        source=spec.source,
        findings=findings,
        follow_up_due=result.improve_by,
        allowed=tuple(code.value for code in result.allowed_sanctions),
    )


def central(run: Run, spec: KpiSpec, skipped: list[str]) -> list[NewVerdict]:
    assert spec.derived_from is not None
    if existing_verdict(run.session, run.contract.key, "delivery-central", spec.ref, run.period.label, ""):
        skipped.append(f"{spec.ref} {run.period.label}: already evaluated")
        return []
    months = [f"{day:%Y-%m}" for day in run.period.month_starts()]
    rows = run.measurements(spec.derived_from, months)
    if not rows:
        return []
    per_participant: dict[str, list[Decimal]] = defaultdict(list)
    for row in rows:
        per_participant[row.participant].append(Decimal(row.value))
    result = delivery.evaluate_central(run.period.label, per_participant)
    findings = []
    if not result.met:
        findings.append(
            Finding(
                "follow_up",
                "the category agrees the term for improvement with the supplier (kpi term)",
                delivery.SOURCE,
            )
        )
    return [
        NewVerdict(
            kind="delivery-central",
            kpi=spec.ref,
            period=run.period.label,
            met=result.met,
            inputs=kpi_inputs(
                spec,
                rows,
                passed=result.passed_count,
                participants=result.participant_count,
                share_pct=str(result.share_pct),
                failing=list(result.failing_participants),
            ),
            explanation=result.explanation,
            source=spec.source,
            findings=findings,
            allowed=tuple(code.value for code in result.allowed_sanctions),
        )
    ]


def track_follow_up(run: Run, verdict_id: int, new: NewVerdict) -> None:
    assert new.follow_up_due is not None
    schedule_deadline_with_reminders(
        run.session,
        run.profile,
        now=run.now,
        key=f"verdict:{verdict_id}:follow-up",
        kind="improvement_due",
        subject_kind="kpi_verdict",
        subject_id=verdict_id,
        contract_key=run.contract.key,
        last_day=new.follow_up_due,
        rule=new.findings[0].reason if new.findings else "improvement term",
        source=new.source,
        payload={"verdict": verdict_id},
    )

"""MVOI KPIs judged against the obligations calendar (B2 §2.1).

A KPI whose profile definition names an obligation (`obligation: {keys, judged_by, source}`) has the due
dates, reminders and overdue timer of that obligation's occurrences (`obligations.items`) and none of its own.

- Evaluating it for a period uses the occurrences due in that period that no earlier verdict of the KPI
  judged: fulfilled on or before the due date is *on time*; fulfilled later, or not fulfilled, is *missed*.
  `judged_by: delivery` — met when every occurrence was on time. `judged_by: recorded-value` — a missed
  occurrence fails the KPI; when all were on time, the yes/no recorded for the period decides (none
  recorded yet: not evaluated, listed as skipped).
- When an occurrence's overdue timer fires, each KPI judged against its obligation gets its failed verdict
  in the same transaction (`on_overdue`), proposing the KPI's allowed sanctions (the category still needs a
  culpability finding first, B2 §5). An occurrence is judged once per KPI: the timer and a later
  `kpi evaluate` never both judge it.
Every such verdict lists the occurrences it used: obligation, number, due date, fulfilled on, by whom.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract
from escalation_engine.core.context import Ctx
from escalation_engine.core.refs import case_ref
from escalation_engine.core.registry import Registry
from escalation_engine.core.tables import Contract
from escalation_engine.procedures.kpis.findings import Finding, NewVerdict
from escalation_engine.procedures.kpis.profile import KpiSpec
from escalation_engine.procedures.kpis.rules.periods import Period, period_containing
from escalation_engine.procedures.kpis.run import Run, kpi_inputs
from escalation_engine.procedures.kpis.tables import KpiMeasurement, KpiVerdict
from escalation_engine.procedures.kpis.verdicts import PREFIX_VERDICT, verdict_view, write_verdict
from escalation_engine.procedures.obligations.hooks import JUDGED, OVERDUE, Judgement
from escalation_engine.procedures.obligations.tables import Obligation
from escalation_engine.profile.model import Profile

SOURCE = "B2 §2.1"


def occurrences(session: Session, contract_key: str, keys: list[str], period: Period) -> list[Obligation]:
    """The occurrences of the obligations `keys` due in `period`, earliest first — locked (PostgreSQL), so
    an evaluation and the overdue timer never both judge one occurrence."""
    query = select(Obligation).where(
        Obligation.contract_key == contract_key,
        col(Obligation.code).in_(keys),
        col(Obligation.due_date) >= period.start,
        col(Obligation.due_date) <= period.end,
    )
    ordered = query.order_by(col(Obligation.due_date), col(Obligation.id)).with_for_update()
    return list(session.exec(ordered))


def judging_verdicts(session: Session, contract_key: str, kpi: str | None = None) -> dict[str, KpiVerdict]:
    """Occurrence (OBL-n) → the first verdict (of `kpi`, or of any KPI) that judged it."""
    query = select(KpiVerdict).where(KpiVerdict.contract_key == contract_key)
    if kpi is not None:
        query = query.where(KpiVerdict.kpi == kpi)
    found: dict[str, KpiVerdict] = {}
    for row in session.exec(query.order_by(col(KpiVerdict.id))):
        for occurrence in json.loads(row.inputs).get("obligations", []):
            found.setdefault(occurrence["id"], row)
    return found


def judged(session: Session, contract_key: str, kpi: str) -> dict[str, str]:
    """Occurrence (OBL-n) → the verdict (VER-m) of `kpi` that judged it."""
    return {
        ref: case_ref(PREFIX_VERDICT, row.id)
        for ref, row in judging_verdicts(session, contract_key, kpi).items()
    }


def status_of(row: Obligation) -> str:
    """`on time`, `late` or `not delivered` (only asked once the due date has passed)."""
    if row.fulfilled_on is None:
        return "not delivered"
    return "on time" if row.fulfilled_on <= row.due_date else "late"


def occurrence_input(row: Obligation) -> dict[str, Any]:
    return {
        "id": case_ref("obligation", row.id),
        "obligation": row.code,
        "number": row.seq,
        "due": row.due_date.isoformat(),
        "rule": row.rule,
        "status": status_of(row),
        "fulfilled_on": row.fulfilled_on.isoformat() if row.fulfilled_on else None,
        "fulfilled_by": row.fulfilled_by,
        "recorded_at": row.fulfilled_at.isoformat() if row.fulfilled_at else None,
        "reference": row.reference,
    }


def _described(row: Obligation) -> str:
    what = f"{row.code} {case_ref('obligation', row.id)} due {row.due_date.isoformat()}"
    state = status_of(row)
    if state == "not delivered":
        return f"{what}: not delivered"
    assert row.fulfilled_on is not None
    late = (row.fulfilled_on - row.due_date).days
    return f"{what}: fulfilled on {row.fulfilled_on.isoformat()}" + (
        f", {late} day(s) late" if late > 0 else ""
    )


def evaluate_linked(run: Run, spec: KpiSpec, skipped: list[str]) -> list[NewVerdict]:
    """The verdict of a KPI judged against its obligation(s) for the run's period (none: see `skipped`)."""
    assert spec.obligation is not None
    link, label = spec.obligation, run.period.label
    rows = occurrences(run.session, run.contract.key, link.keys, run.period)
    values = run.measurements(spec.ref, [label])
    if not rows:
        if values:
            skipped.append(
                f"{spec.ref} {label}: no {' or '.join(link.keys)} is due in {label}; a recorded value is judged "
                "in the period in which its report is due"
            )
        return []
    earlier = judged(run.session, run.contract.key, spec.ref)
    fresh = [row for row in rows if case_ref("obligation", row.id) not in earlier]
    if not fresh:
        refs = sorted({earlier[case_ref("obligation", row.id)] for row in rows})
        skipped.append(f"{spec.ref} {label}: already evaluated ({', '.join(refs)})")
        return []
    missed = [row for row in fresh if status_of(row) != "on time"]
    facts = "; ".join(_described(row) for row in fresh)
    if link.judged_by == "recorded-value" and not missed:
        if not values:
            skipped.append(
                f"{spec.ref} {label}: {facts}; record the PI's value (yes/no) for {label} to evaluate it"
            )
            return []
        met = values[0].value == "1"
        text = f"{spec.source}: {spec.name} in {label}: {facts}; the PI is recorded as {'met' if met else 'NOT met'}."
        return [_verdict(spec, label, fresh, values, met, text, [])]
    met = not missed
    verdict = "met" if met else "NOT met: a missed PI is a failed evaluation (B2 §2.1)"
    text = f"{spec.source}: {spec.name} in {label}: {facts} — {verdict}."
    used = values if link.judged_by == "recorded-value" else []
    return [_verdict(spec, label, fresh, used, met, text, missed)]


def _verdict(
    spec: KpiSpec,
    label: str,
    rows: list[Obligation],
    values: list[KpiMeasurement],
    met: bool,
    text: str,
    missed: list[Obligation],
) -> NewVerdict:
    assert spec.obligation is not None
    findings = [
        Finding(
            "not_delivered",
            _described(row),
            spec.obligation.source,
            {"obligation": case_ref("obligation", row.id), "due": row.due_date.isoformat()},
        )
        for row in missed
    ]
    return NewVerdict(
        kind="kpi",
        kpi=spec.ref,
        period=label,
        met=met,
        inputs=kpi_inputs(
            spec,
            values,
            obligations=[occurrence_input(row) for row in rows],
            judged_by=spec.obligation.judged_by,
            rule=spec.obligation.source,
        ),
        explanation=text,
        source=spec.source,
        findings=findings,
        allowed=() if met else tuple(spec.sanctions),
    )


def on_overdue(
    ctx: Ctx, session: Session, row: Obligation, profile: Profile, now: datetime
) -> list[dict[str, Any]]:
    """The occurrence's last day ended unfulfilled: a failed verdict for each KPI judged against it, once."""
    section = profile.spec.kpis
    if section is None or not section.linked_to(row.code):
        return []
    session.exec(select(Obligation.id).where(Obligation.id == row.id).with_for_update()).one()
    contract: Contract | None = None
    made = []
    for spec in section.linked_to(row.code):
        if case_ref("obligation", row.id) in judged(session, row.contract_key, spec.ref):
            continue
        contract = contract or get_contract(session, row.contract_key)
        period = period_containing(spec.finest_period(), row.due_date).label
        text = (
            f"{spec.source}: {spec.name} in {period}: {_described(row)} when its day ended (overdue) — NOT met: "
            "a missed PI is a failed evaluation (B2 §2.1)."
        )
        new = _verdict(spec, period, [row], [], False, text, [row])
        verdict = write_verdict(
            ctx,
            session,
            contract=contract,
            profile=profile,
            section=section,
            actor="system",
            now=now,
            new=new,
        )
        made.append(verdict_view(verdict))
    return made


def _judged_occurrences(session: Session, contract_key: str) -> dict[str, Judgement]:
    return {
        ref: Judgement(case_ref("kpi_verdict", row.id), row.kpi, row.period, row.source)
        for ref, row in judging_verdicts(session, contract_key).items()
    }


def _overdue(
    ctx: Ctx, session: Session, row: Obligation, profile: Profile, now: datetime
) -> list[dict[str, Any]]:
    return on_overdue(ctx, session, row, profile, now)  # looked up when called, as a test replaces it


def register(registry: Registry) -> None:
    """Answer the obligations' hooks: an overdue occurrence is judged at once, a judged one stays fulfilled."""
    registry.hook(OVERDUE, _overdue)
    registry.hook(JUDGED, _judged_occurrences)

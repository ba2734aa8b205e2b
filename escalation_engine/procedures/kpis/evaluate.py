"""`kpi evaluate --period P`: judge every recorded result of the period against its norm.

- Percentage and yes/no KPIs: one verdict per recorded result (TP table 1; B2 §2.1). A missed TP
  scorecard norm requires an improvement plan, created with the verdict (TP §2.1.1; verdict_plans.py).
- KPIs judged against an obligation (the MVOI plans and reports, B2 §2.1): from the obligation's
  occurrences due in the period (kpi_obligations.py).
- A one-off delivery with a `due:` block of its own (KPI 12) whose due date has passed inside the period
  without a recorded result is a failed verdict: not delivered.
- Delivery reliability, decentral and central (B2 §2.2): kpi_delivery.py.
A period is evaluated once per KPI (and participant); results recorded later are evaluated on a next run.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from escalation_engine.contracts.lookup import lock_contract, pinned_profile
from escalation_engine.contracts.people import get_person
from escalation_engine.core.context import Ctx
from escalation_engine.core.date_bounds import period_within_contract
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import RuleRefused
from escalation_engine.procedures.kpis import delivery as kpi_delivery
from escalation_engine.procedures.kpis.findings import Finding, NewVerdict
from escalation_engine.procedures.kpis.obligation_kpis import evaluate_linked
from escalation_engine.procedures.kpis.profile import KpiSpec
from escalation_engine.procedures.kpis.results import kpi_section
from escalation_engine.procedures.kpis.rules.norms import due_date, judge, month_of_execution
from escalation_engine.procedures.kpis.rules.periods import parse_period
from escalation_engine.procedures.kpis.run import Run, kpi_inputs, require_evaluator
from escalation_engine.procedures.kpis.tables import KpiMeasurement, KpiVerdict
from escalation_engine.procedures.kpis.verdict_plans import scorecard_finding
from escalation_engine.procedures.kpis.verdicts import existing_verdict, verdict_view, write_verdict

__all__ = ["evaluate_period", "require_evaluator"]


def evaluate_period(ctx: Ctx, *, actor_key: str | None, contract_key: str, period: str) -> dict[str, Any]:
    chosen = parse_period(period)
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = lock_contract(session, contract_key)
        profile = pinned_profile(contract)
        section = kpi_section(profile, contract_key)
        actor = get_person(session, contract_key, actor_key)
        require_evaluator(actor, "evaluating KPIs", section.source)
        period_within_contract(
            chosen.label, chosen.start, chosen.end, contract.start_date, local_date(now), "period"
        )
        if local_date(now) <= chosen.end:
            raise RuleRefused(
                f"period {chosen.label} ends on {chosen.end.isoformat()}: it can be evaluated from the next day",
                rule="a period is evaluated after it has ended",
                source=section.source,
            )
        run = Run(ctx, session, contract, profile, section, actor, now, chosen)
        views, skipped = _evaluate_all(run)
        return {
            "contract": contract_key,
            "period": chosen.label,
            "verdicts": views,
            "skipped": skipped,
            "missed": sum(1 for view in views if not view["met"]),
        }


def _evaluate_all(run: Run) -> tuple[list[dict[str, Any]], list[str]]:
    made: list[NewVerdict] = []
    skipped: list[str] = []
    for spec in run.section.definitions:
        if run.period.kind.value in spec.periods:
            made += _for_kpi(run, spec, skipped)
    if not made and not skipped:
        raise RuleRefused(
            f"nothing to evaluate for {run.period.label} on contract {run.contract.key!r}: no results recorded "
            "for it (kpi record / kpi import)",
            rule="a verdict needs recorded results",
            source=run.section.source,
        )
    views = []
    for new in made:
        if new.kind == "kpi" and not new.met:
            plan = scorecard_finding(
                run.session, run.contract, run.profile, new.kpi, new.period, local_date(run.now)
            )
            new.findings += [plan] if plan else []
        row = write_verdict(
            run.ctx,
            run.session,
            contract=run.contract,
            profile=run.profile,
            section=run.section,
            actor=run.actor,
            now=run.now,
            new=new,
        )
        if new.follow_up_due is not None:
            kpi_delivery.track_follow_up(run, row.id or 0, new)
        views.append(verdict_view(row))
    run.session.flush()
    return views, skipped


def _for_kpi(run: Run, spec: KpiSpec, skipped: list[str]) -> list[NewVerdict]:
    if spec.measure == "share":
        return kpi_delivery.central(run, spec, skipped)
    if spec.measure == "survey":
        return []
    if spec.obligation is not None:
        return evaluate_linked(run, spec, skipped)
    made: list[NewVerdict] = []
    rows = run.measurements(spec.ref, [run.period.label])
    for row in rows:
        kind = "delivery-decentral" if spec.scope == "decentral" else "kpi"
        if existing_verdict(run.session, run.contract.key, kind, spec.ref, row.period, row.participant):
            skipped.append(f"{spec.ref} {row.period} {row.participant}".strip() + ": already evaluated")
            continue
        made.append(
            kpi_delivery.decentral(run, spec, row)
            if kind == "delivery-decentral"
            else _single(run, spec, row)
        )
    if not rows and spec.due is not None:
        made += _not_delivered(run, spec, skipped)
    return made


def _phase_note(run: Run, spec: KpiSpec) -> tuple[str, dict[str, Any]]:
    waiting = run.section.waiting_room
    if waiting is None or spec.ref not in [*waiting.counted_kpis, "k12"]:
        return "", {}
    month = month_of_execution(run.contract.start_date, run.period.end)
    if month <= 12:
        return (
            f" Month {month} of execution: the waiting-room norm (TP §2.1.2) applies to the clause; a missed "
            "scorecard norm still requires an improvement plan (TP §2.1.1, §2.1.2 NB).",
            {"month_of_execution": month, "phase": "waiting-room"},
        )
    return f" Month {month} of execution: the full scorecard norms apply (TP §2.1.2).", {
        "month_of_execution": month,
        "phase": "full-scorecard",
    }


def _single(run: Run, spec: KpiSpec, row: KpiMeasurement) -> NewVerdict:
    verdict = judge(
        spec.measure, row.value, spec.norm_pct, name=spec.name, period=row.period, source=spec.source
    )
    note, phase = _phase_note(run, spec)
    return NewVerdict(
        kind="kpi",
        kpi=spec.ref,
        period=row.period,
        met=verdict.met,
        inputs=kpi_inputs(spec, [row], **phase),
        explanation=verdict.explanation + (note if phase else ""),
        source=spec.source,
        allowed=() if verdict.met else tuple(spec.sanctions),
    )


def _not_delivered(run: Run, spec: KpiSpec, skipped: list[str]) -> list[NewVerdict]:
    assert spec.due is not None
    due = due_date(spec.due.after, spec.due.months, run.contract.start_date, run.contract.award_date)
    if due is None or due not in run.period or local_date(run.now) <= due:
        return []
    query = select(KpiMeasurement).where(
        KpiMeasurement.contract_key == run.contract.key, KpiMeasurement.kpi == spec.ref
    )
    if any(parse_period(row.period).start <= run.period.end for row in run.session.exec(query)):
        return []
    earlier = select(KpiVerdict.id).where(
        KpiVerdict.contract_key == run.contract.key, KpiVerdict.kpi == spec.ref
    )
    if run.session.exec(earlier).first() is not None:
        skipped.append(f"{spec.ref}: the one-off delivery due {due.isoformat()} was already evaluated")
        return []
    text = (
        f"{spec.source}: {spec.name} was due by {due.isoformat()} ({spec.due.source}) and no delivery is "
        "recorded: the PI is not met."
    )
    return [
        NewVerdict(
            kind="kpi",
            kpi=spec.ref,
            period=run.period.label,
            met=False,
            inputs=kpi_inputs(spec, [], due=due.isoformat(), due_rule=spec.due.source),
            explanation=text,
            source=spec.source,
            findings=[
                Finding("not_delivered", f"no delivery recorded by {due.isoformat()}", spec.due.source)
            ],
            allowed=tuple(spec.sanctions),
        )
    ]

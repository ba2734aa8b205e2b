"""`kpi evaluate --period P`: judge every recorded result of the period against its norm.

- Percentage and yes/no KPIs: one verdict per recorded result (TP table 1; B2 §2.1).
- A one-off delivery (ISV plan, social-return plan, KPI 12) whose due date has passed inside the period
  without a recorded result is a failed verdict: not delivered (B2 §2.1.1, §2.1.2).
- Delivery reliability, decentral (B2 §2.2): per participant per month; on failure the supplier shows and
  implements its improvements in the following month — a tracked deadline at the end of that month.
- Delivery reliability, central (B2 §2.2): per quarter over the participants' monthly figures; on failure
  the category sets the improvement term (`kpi term`), which is then tracked.
A period is evaluated once per KPI (and participant); results recorded later are evaluated on a next run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from ..adapters.tables import Contract, Person
from ..adapters.tables_kpi import KpiMeasurement, KpiVerdict
from ..domain import delivery
from ..domain.dates import local_date
from ..domain.errors import RuleRefused
from ..domain.kpi_rules import due_date, judge, month_of_execution
from ..domain.periods import Period, parse_period
from ..kpi_profile import KpiSection, KpiSpec
from ..profiles import Profile
from .common import get_contract, get_person, pinned_profile, schedule_deadline_with_reminders
from .context import Ctx
from .kpis import kpi_section
from .verdicts import Finding, NewVerdict, existing_verdict, verdict_view, write_verdict


@dataclass
class Run:
    ctx: Ctx
    session: Session
    contract: Contract
    profile: Profile
    section: KpiSection
    actor: Person
    now: datetime
    period: Period

    def measurements(self, kpi: str, periods: list[str]) -> list[KpiMeasurement]:
        query = select(KpiMeasurement).where(
            KpiMeasurement.contract_key == self.contract.key, KpiMeasurement.kpi == kpi
        )
        return sorted(
            (row for row in self.session.exec(query) if row.period in periods),
            key=lambda row: (row.period, row.participant),
        )


def require_evaluator(actor: Person, what: str, source: str) -> None:
    if actor.side == "supplier":
        raise RuleRefused(
            f"{actor.key} ({actor.role}) is on the supplier side: {what} is done by the client or the participant",
            rule="the client side evaluates the supplier's performance",
            source=source,
        )


def evaluate_period(ctx: Ctx, *, actor_key: str | None, contract_key: str, period: str) -> dict[str, Any]:
    chosen = parse_period(period)
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = get_contract(session, contract_key)
        profile = pinned_profile(contract)
        section = kpi_section(profile, contract_key)
        actor = get_person(session, contract_key, actor_key)
        require_evaluator(actor, "evaluating KPIs", section.source)
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
            _track_follow_up(run, row.id or 0, new)
        views.append(verdict_view(row))
    run.session.flush()
    return views, skipped


def _for_kpi(run: Run, spec: KpiSpec, skipped: list[str]) -> list[NewVerdict]:
    if spec.measure == "share":
        return _central_delivery(run, spec, skipped)
    if spec.measure == "survey":
        return []
    made: list[NewVerdict] = []
    rows = run.measurements(spec.ref, [run.period.label])
    for row in rows:
        kind = "delivery-decentral" if spec.scope == "decentral" else "kpi"
        if existing_verdict(run.session, run.contract.key, kind, spec.ref, row.period, row.participant):
            skipped.append(f"{spec.ref} {row.period} {row.participant}".strip() + ": already evaluated")
            continue
        made.append(_decentral(run, spec, row) if kind == "delivery-decentral" else _single(run, spec, row))
    if not rows and spec.due is not None:
        made += _not_delivered(run, spec, skipped)
    return made


def _inputs(spec: KpiSpec, rows: list[KpiMeasurement], **extra: Any) -> dict[str, Any]:
    return {
        "kpi": spec.ref,
        "norm_pct": None if spec.norm_pct is None else str(spec.norm_pct),
        "measure": spec.measure,
        "measurements": [
            {
                "id": r.id,
                "period": r.period,
                "participant": r.participant or None,
                "value": r.value,
                "origin": r.origin,
            }
            for r in rows
        ],
        **extra,
    }


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
        inputs=_inputs(spec, [row], **phase),
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
            inputs=_inputs(spec, [], due=due.isoformat(), due_rule=spec.due.source),
            explanation=text,
            source=spec.source,
            findings=[
                Finding("not_delivered", f"no delivery recorded by {due.isoformat()}", spec.due.source)
            ],
            allowed=tuple(spec.sanctions),
        )
    ]


def _decentral(run: Run, spec: KpiSpec, row: KpiMeasurement) -> NewVerdict:
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
        inputs=_inputs(spec, [row]),
        explanation=result.explanation,
        source=spec.source,
        findings=findings,
        follow_up_due=result.improve_by,
        allowed=tuple(code.value for code in result.allowed_sanctions),
    )


def _central_delivery(run: Run, spec: KpiSpec, skipped: list[str]) -> list[NewVerdict]:
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
            inputs=_inputs(
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


def _track_follow_up(run: Run, verdict_id: int, new: NewVerdict) -> None:
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

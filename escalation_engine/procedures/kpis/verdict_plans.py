"""The improvement plan a verdict requires, created in the verdict's own transaction (TP §2.1.1, §2.1.2).

- The waiting-room clause's first miss: the plan within 14 days (TP §2.1.2), for the KPI "waiting-room".
- A missed scorecard norm (TP table 1; the KPIs of the profile's `norm_failure_plan.scorecard.rules`):
  a plan for that KPI (TP §2.1.1). A finding in the first months of execution gets the 14-day term where
  the rule says so (TP §2.1.2, and its NB when the waiting-room norm is met); any other finding is due with
  the next occurrence of `scorecard.due_with` (the management report) that is not yet delivered. A verdict
  is written once per KPI and period, so each failed KPI and period asks for one plan; a met waiting-room
  moment asks for none of its own (its scorecard misses have theirs), whichever is evaluated first — only
  for a KPI whose misses asked for none (a contract pinned to a profile without scorecard plans) does the
  moment require the 14-day plan (TP §2.1.2 NB).
- When the plan rules refuse (the KPI already has an open plan, no report is due to go with), the verdict
  stands: the audit row `verdict.plan_required` and the verdict's finding say why no plan was created.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.refs import case_ref
from escalation_engine.core.tables import Contract
from escalation_engine.procedures.kpis.findings import Finding
from escalation_engine.procedures.kpis.profile import KpiSection
from escalation_engine.procedures.kpis.rules.periods import parse_period
from escalation_engine.procedures.kpis.rules.waiting_room import (
    IMPROVEMENT_PLAN_DAYS,
    NB_SOURCE,
    in_moment_window,
    moment_date,
)
from escalation_engine.procedures.kpis.tables import KpiVerdict
from escalation_engine.procedures.obligations.tables import Obligation
from escalation_engine.procedures.plans.norm_plan import FixedDue, require_plan_in
from escalation_engine.procedures.plans.rules import within_first_months
from escalation_engine.profile.model import Profile

VERDICT = "kpi_verdict"
MOMENT_KIND = "waiting-room"  # waiting_room_clause.KIND (that module imports this one)


def scorecard_finding(
    session: Session, contract: Contract, profile: Profile, kpi: str, period: str, today: date
) -> Finding | None:
    """The plan_required finding of a missed scorecard KPI, or None when the profile asks for no plan.

    Without a scorecard rule for the KPI (a contract pinned to a profile from before TP §2.1.1 plans) a
    miss in the window of a met waiting-room moment still requires the 14-day plan (TP §2.1.2 NB)."""

    spec = profile.spec.norm_failure_plan
    if spec is None:
        return None
    rule = spec.scorecard.rule_for(kpi) if spec.scorecard else None
    moment = met_moment_for(session, contract, period)
    if rule is None and moment is None:
        return None
    data: dict[str, Any] = {"detected": today.isoformat(), "period": period}
    in_first = within_first_months(contract.start_date, today, spec.first_months)
    if spec.scorecard is not None and rule is not None and not (rule.term_in_first_months and in_first):
        data["due_with"] = spec.scorecard.due_with
        how = f"due with the next {spec.scorecard.due_with} ({spec.scorecard.due_source.split(' — ')[0]})"
    else:
        data["term"] = f"{spec.term.amount} {spec.term.unit}"
        how = f"within {spec.term.amount} {spec.term.unit} of the finding ({spec.source})"
    reason = f"{kpi} {period} missed: the supplier adds an improvement plan, {how}"
    if moment is not None:
        data["waiting_room_moment"] = case_ref(VERDICT, moment.id)
        reason += (
            f"; the waiting-room norm was met at {moment.period} ({data['waiting_room_moment']}) — TP §2.1.2 NB: "
            "a plan nonetheless"
        )
    return Finding("plan_required", reason, rule.source if rule else NB_SOURCE, data)


def met_moment_for(session: Session, contract: Contract, period: str) -> KpiVerdict | None:
    """The met waiting-room moment whose window holds `period` (TP §2.1.2 NB), if one was established."""
    query = select(KpiVerdict).where(KpiVerdict.contract_key == contract.key, KpiVerdict.kind == MOMENT_KIND)
    moments = sorted(session.exec(query), key=lambda row: int(row.period.removeprefix("month-")))
    end = parse_period(period).end
    previous: date | None = None
    for row in moments:
        day = moment_date(contract.start_date, int(row.period.removeprefix("month-")))
        if row.met and in_moment_window(end, day, previous):
            return row
        previous = day
    return None


def plans_of(row: KpiVerdict) -> list[str] | None:
    """The plans a verdict's findings required (created or already there); None when it asked for none."""
    asked = [f for f in json.loads(row.findings) if f["kind"] == "plan_required"]
    return [f["plan"] for f in asked if f.get("plan")] if asked else None


def moment_findings(
    session: Session,
    contract: Contract,
    section: KpiSection,
    window: tuple[date | None, date],
    month: int,
    today: date,
) -> list[Finding]:
    """TP §2.1.2 NB at a met waiting-room moment: the scorecard misses of its window (a period ending on or
    after the previous moment and before this one) with the plans they asked for (`scorecard_missed`), and a
    14-day plan for each KPI whose misses asked for none (verdicts written under a profile without
    scorecard plans) — so there is one plan per KPI, whichever was evaluated first."""

    refs = {spec.ref for spec in section.definitions}
    query = select(KpiVerdict).where(
        KpiVerdict.contract_key == contract.key, KpiVerdict.kind == "kpi", col(KpiVerdict.met).is_(False)
    )
    rows = [
        row
        for row in session.exec(query.order_by(col(KpiVerdict.id)))
        if row.kpi in refs and in_moment_window(parse_period(row.period).end, window[1], window[0])
    ]
    if not rows:
        return []
    missed = [
        {
            "kpi": r.kpi,
            "period": r.period,
            "verdict": case_ref(VERDICT, r.id),
            "plans": ", ".join(plans_of(r) or []),
        }
        for r in rows
    ]
    listed = ", ".join(
        f"{m['kpi']} {m['period']} ({m['verdict']}: {m['plans'] or 'no plan'})" for m in missed
    )
    reason = f"waiting-room norm met at month {month} but scorecard norm(s) missed: {listed}"
    findings = [Finding("scorecard_missed", reason, NB_SOURCE, {"missed": missed})]
    unasked = {r.kpi: [m for m in missed if m["kpi"] == r.kpi] for r in rows if plans_of(r) is None}
    for kpi, its in unasked.items():
        periods = ", ".join(f"{m['period']} ({m['verdict']})" for m in its)
        why = (
            f"{kpi} missed in {periods} while the waiting-room norm was met at month {month}: improvement plan "
            f"within {IMPROVEMENT_PLAN_DAYS} days"
        )
        data = {"kpi": kpi, "detected": today.isoformat(), "days": IMPROVEMENT_PLAN_DAYS, "missed": its}
        findings.append(Finding("plan_required", why, NB_SOURCE, data))
    return findings


def report_due(session: Session, contract: Contract, profile: Profile, detected: date) -> FixedDue:
    """The next not-yet-delivered occurrence of `scorecard.due_with` due after `detected` (TP §2.1.1)."""
    spec = profile.spec.norm_failure_plan
    assert spec is not None and spec.scorecard is not None
    key = spec.scorecard.due_with
    query = select(Obligation).where(
        Obligation.contract_key == contract.key,
        Obligation.code == key,
        col(Obligation.due_date) > detected,
        Obligation.state != "fulfilled",
    )
    row = session.exec(query.order_by(col(Obligation.due_date), col(Obligation.id))).first()
    if row is None:
        raise RuleRefused(
            f"no {key} of contract {contract.key!r} is due after {detected.isoformat()}: there is no report "
            "for the improvement plan to go with",
            rule="the plan is due with the next management report",
            source=spec.scorecard.due_source,
        )
    return FixedDue(
        last_day=row.due_date,
        rule=f"with the next {row.title_en.lower()}, {case_ref('obligation', row.id)} due {row.due_date.isoformat()}",
        source=spec.scorecard.due_source,
    )


def on_plan_required(
    ctx: Ctx,
    session: Session,
    *,
    contract: Contract,
    profile: Profile,
    kpi: str,
    finding: Finding,
    actor: str,
    now: datetime,
    verdict_ref: str,
) -> dict[str, Any]:
    """Create the plan a finding requires (inside the caller's transaction) and audit it; returns what
    became of it: the plan and whether it was created, or why not."""
    detected = date.fromisoformat(finding.data.get("detected") or local_date(now).isoformat())
    payload: dict[str, Any] = {"kpi": kpi, "detected": detected.isoformat(), "source": finding.source}
    try:
        due = report_due(session, contract, profile, detected) if finding.data.get("due_with") else None
        plan = require_plan_in(
            ctx,
            session,
            contract_key=contract.key,
            kpi=kpi,
            detected=detected,
            reason=f"{finding.reason} ({verdict_ref})",
            actor=f"kpi-evaluation ({actor})",
            now=now,
            source=finding.source,
            due=due,
        )
        outcome = {"plan": plan["case"], "created": plan["created"], "plan_due": plan["plan_due"]}
    except RuleRefused as refused:
        outcome = {"plan": None, "created": False, "not_created_because": refused.message}
    audit.append(
        ctx.db,
        session,
        now=now,
        actor=actor,
        action="verdict.plan_required",
        contract_key=contract.key,
        case_ref=verdict_ref,
        reason=finding.reason,
        payload=payload | outcome,
    )
    return outcome

"""`waiting-room evaluate`: the waiting-room clause at months 6, 9 and 12 of execution (TP §2.1.2).

Each moment is evaluated once, after the moment (start date + 6/9/12 months), from the three summed
percentages over quality KPIs 1-11. Findings:
- the first miss: the supplier draws up an improvement plan within 14 days (plan_required);
- a met waiting-room norm while a scorecard norm (TP table 1) was missed since the previous moment: an
  improvement plan as well (TP §2.1.2 NB) — the plan each missed scorecard verdict required when it was
  written (verdict_plans.py), whichever was evaluated first; the moment lists those misses and their plans
  (scorecard_missed) and asks for a plan only for a KPI whose misses asked for none, so there is one plan
  per missed KPI and period;
- two consecutive misses: the client may terminate and continue with the runner-up — the right is
  recorded once, the client's people are told, and the evidence (every moment's figures) is shown.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import lock_contract, pinned_profile
from escalation_engine.contracts.people import get_person, people_with_role
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.notice_texts import send_notice
from escalation_engine.core.refs import case_ref
from escalation_engine.core.tables import Contract
from escalation_engine.procedures.kpis.findings import Finding, NewVerdict
from escalation_engine.procedures.kpis.profile import KpiSection, WaitingRoomSpec
from escalation_engine.procedures.kpis.results import kpi_section
from escalation_engine.procedures.kpis.rules.norms import parse_percentage
from escalation_engine.procedures.kpis.rules.waiting_room import (
    IMPROVEMENT_PLAN_DAYS,
    MOMENTS,
    SOURCE,
    ClauseVerdict,
    MomentVerdict,
    check_moment,
    evaluate_clause,
    evaluate_moment,
    moment_date,
)
from escalation_engine.procedures.kpis.run import require_evaluator
from escalation_engine.procedures.kpis.tables import KpiVerdict
from escalation_engine.procedures.kpis.verdict_plans import moment_findings
from escalation_engine.procedures.kpis.verdicts import PREFIX_VERDICT, verdict_view, write_verdict

KIND = "waiting-room"


def _spec(section: KpiSection, contract_key: str) -> WaitingRoomSpec:
    if section.waiting_room is None:
        raise RuleRefused(
            f"contract {contract_key!r} has no waiting-room clause in its profile",
            rule="waiting-room clause",
            source=SOURCE,
        )
    return section.waiting_room


def _moments(session: Session, contract_key: str) -> list[KpiVerdict]:
    query = select(KpiVerdict).where(KpiVerdict.contract_key == contract_key, KpiVerdict.kind == KIND)
    return list(session.exec(query.order_by(col(KpiVerdict.id))))


def _check_moment_open(
    contract: Contract, month: int, when: date, today: date, earlier: list[KpiVerdict]
) -> None:
    """A moment is established on or after its date (start + 6/9/12 months), once."""
    if today < when:
        raise RuleRefused(
            f"measurement moment month {month} of contract {contract.key!r} is on {when.isoformat()} "
            f"(start {contract.start_date.isoformat()} + {month} months): not yet",
            rule="the norm is established at the measurement moment",
            source=SOURCE,
        )
    later = [
        int(row.period.removeprefix("month-"))
        for row in earlier
        if int(row.period.removeprefix("month-")) > month
    ]
    if later:
        raise RuleRefused(
            f"measurement moment month {month} of contract {contract.key!r} comes before the established month "
            f"{later[0]}: moments are established in order",
            rule="measurement moments in order (first miss, consecutive misses)",
            source=SOURCE,
        )
    if any(row.period == f"month-{month}" for row in earlier):
        raise RuleRefused(
            f"measurement moment month {month} of contract {contract.key!r} was already evaluated",
            rule="one verdict per measurement moment",
            source=SOURCE,
        )


def evaluate(
    ctx: Ctx,
    *,
    actor_key: str | None,
    contract_key: str,
    moment: int,
    finished: str,
    satisfied: str,
    quality: str,
) -> dict[str, Any]:
    month = check_moment(moment)
    values = [parse_percentage(raw) for raw in (finished, satisfied, quality)]
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = lock_contract(session, contract_key)
        profile = pinned_profile(contract)
        section = kpi_section(profile, contract_key)
        spec = _spec(section, contract_key)
        actor = get_person(session, contract_key, actor_key)
        require_evaluator(actor, "establishing the waiting-room norm", SOURCE)
        when = moment_date(contract.start_date, month)
        earlier = _moments(session, contract_key)
        _check_moment_open(contract, month, when, local_date(now), earlier)
        result = evaluate_moment(month, *values)
        results: dict[int, bool | MomentVerdict] = {
            int(row.period.removeprefix("month-")): bool(row.met) for row in earlier
        }
        results[month] = result
        clause = evaluate_clause(results)
        findings = _findings(session, contract, section, earlier, result, clause, when, local_date(now))
        new = NewVerdict(
            kind=KIND,
            kpi=KIND,
            period=f"month-{month}",
            met=result.met,
            inputs=_inputs(result, clause, when, spec),
            explanation=f"{result.explanation} {clause.explanation}",
            source=SOURCE,
            findings=findings,
        )
        row = write_verdict(
            ctx, session, contract=contract, profile=profile, section=section, actor=actor, now=now, new=new
        )
        if any(f.kind == "termination_right" for f in findings):
            _tell_client(ctx, session, contract, spec, row, clause, earlier, now)
        return {**verdict_view(row), "clause_invoked": clause.invoked, "evidence": evidence(earlier + [row])}


def _inputs(
    result: MomentVerdict, clause: ClauseVerdict, when: date, spec: WaitingRoomSpec
) -> dict[str, Any]:
    return {
        "moment": result.moment,
        "moment_date": when.isoformat(),
        "finished_pct": str(result.finished_pct),
        "satisfied_pct": str(result.satisfied_pct),
        "quality_pct": str(result.quality_pct),
        "norm_pct": str(result.norm_pct),
        "failed": list(result.failed),
        "counted_kpis": list(spec.counted_kpis),
        "clause_evidence": [list(pair) for pair in clause.evidence],
        "clause_invoked": clause.invoked,
    }


def _findings(
    session: Session,
    contract: Contract,
    section: KpiSection,
    earlier: list[KpiVerdict],
    result: MomentVerdict,
    clause: ClauseVerdict,
    when: date,
    today: date,
) -> list[Finding]:
    plan = {"days": IMPROVEMENT_PLAN_DAYS, "detected": today.isoformat()}
    findings: list[Finding] = []
    if not result.met and all(row.met for row in earlier):
        reason = f"first miss of the waiting-room norm (month {result.moment}): improvement plan within {IMPROVEMENT_PLAN_DAYS} days"
        findings.append(Finding("plan_required", reason, SOURCE, plan))
    if result.met:
        previous = max((moment_date(contract.start_date, _month(row)) for row in earlier), default=None)
        findings += moment_findings(session, contract, section, (previous, when), result.moment, today)
    already = any(f["kind"] == "termination_right" for row in earlier for f in json.loads(row.findings))
    if clause.invoked and not already and clause.consecutive_misses is not None:
        a, b = clause.consecutive_misses
        reason = (
            f"waiting-room norm missed at two consecutive moments (months {a} and {b}): the client may "
            "terminate the framework agreement and continue with the runner-up (Wachtkamerovereenkomst)"
        )
        findings.append(Finding("termination_right", reason, SOURCE, {"moments": [a, b]}))
    return findings


def _month(row: KpiVerdict) -> int:
    return int(row.period.removeprefix("month-"))


def evidence(rows: list[KpiVerdict]) -> list[dict[str, Any]]:
    shown = []
    for row in sorted(rows, key=lambda r: int(r.period.removeprefix("month-"))):
        data = json.loads(row.inputs)
        shown.append(
            {
                "moment": data["moment"],
                "date": data["moment_date"],
                "finished_pct": data["finished_pct"],
                "satisfied_pct": data["satisfied_pct"],
                "quality_pct": data["quality_pct"],
                "norm_met": row.met,
                "verdict": case_ref(PREFIX_VERDICT, row.id),
            }
        )
    return shown


def _tell_client(
    ctx: Ctx,
    session: Session,
    contract: Contract,
    spec: WaitingRoomSpec,
    row: KpiVerdict,
    clause: ClauseVerdict,
    earlier: list[KpiVerdict],
    now: Any,
) -> None:
    ref = case_ref(PREFIX_VERDICT, row.id)
    for role in spec.notify_roles:
        for person in people_with_role(session, contract.key, role):
            send_notice(
                session,
                "waiting_room_termination_right",
                key=f"verdict:{row.id}:termination-right",
                now=now,
                person=person,
                contract_key=contract.key,
                case=ref,
                explanation=clause.explanation,
                evidence=evidence(earlier + [row]),
                source=clause.source,
            )
    audit.append(
        ctx.db,
        session,
        now=now,
        actor="system",
        action="waiting_room.termination_right",
        contract_key=contract.key,
        case_ref=ref,
        reason=clause.explanation,
        payload={
            "evidence": evidence(earlier + [row]),
            "told_roles": list(spec.notify_roles),
            "moments": list(MOMENTS),
        },
    )

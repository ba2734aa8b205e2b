"""Writing a verdict with everything that follows from it, inside the caller's transaction.

A verdict stores every input it used (so it can be reproduced), its explanation and source, and its
findings: a follow-up deadline, an improvement-plan obligation, a termination right. A failed verdict
of a KPI that allows sanctions opens a sanction case awaiting the culpability finding (B2 §5).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from escalation_engine.contracts.people import people_with_role
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.notice_texts import send_notice
from escalation_engine.core.refs import case_ref
from escalation_engine.core.tables import Contract, Person
from escalation_engine.procedures.kpis.findings import NewVerdict
from escalation_engine.procedures.kpis.profile import KpiSection
from escalation_engine.procedures.kpis.sanction_machine import SanctionState
from escalation_engine.procedures.kpis.tables import KpiVerdict, SanctionCase
from escalation_engine.procedures.kpis.verdict_plans import on_plan_required
from escalation_engine.profile.model import Profile

PREFIX_VERDICT = "kpi_verdict"
PREFIX_SANCTION = "sanction"


def existing_verdict(
    session: Session, contract_key: str, kind: str, kpi: str, period: str, participant: str
) -> bool:
    query = select(KpiVerdict.id).where(
        KpiVerdict.contract_key == contract_key,
        KpiVerdict.kind == kind,
        KpiVerdict.kpi == kpi,
        KpiVerdict.period == period,
        KpiVerdict.participant == participant,
    )
    return session.exec(query).first() is not None


def write_verdict(
    ctx: Ctx,
    session: Session,
    *,
    contract: Contract,
    profile: Profile,
    section: KpiSection,
    actor: Person | str,
    now: datetime,
    new: NewVerdict,
) -> KpiVerdict:
    actor_key = actor if isinstance(actor, str) else actor.key
    findings = [finding.as_dict() for finding in new.findings]
    row = KpiVerdict(
        contract_key=contract.key,
        kind=new.kind,
        kpi=new.kpi,
        period=new.period,
        participant=new.participant,
        met=new.met,
        inputs=json.dumps(new.inputs, sort_keys=True, default=str),
        findings=json.dumps(findings, sort_keys=True, default=str),
        explanation=new.explanation,
        source=new.source,
        evaluated_by=actor_key,
        evaluated_at=now,
        follow_up_due=new.follow_up_due,
    )
    session.add(row)
    session.flush()
    audit.append(
        ctx.db,
        session,
        now=now,
        actor=actor_key,
        actor_role=None if isinstance(actor, str) else actor.role,
        action=f"verdict.{new.kind}",
        contract_key=contract.key,
        case_ref=case_ref(PREFIX_VERDICT, row.id),
        to_state="met" if new.met else "missed",
        reason=new.explanation,
        payload={"inputs": new.inputs, "findings": findings},
    )
    _follow_from(ctx, session, contract, profile, section, row, new, actor_key, now)
    return row


def _follow_from(
    ctx: Ctx,
    session: Session,
    contract: Contract,
    profile: Profile,
    section: KpiSection,
    row: KpiVerdict,
    new: NewVerdict,
    actor: str,
    now: datetime,
) -> None:
    """What a verdict sets going: plan obligations, a sanction case, the supplier told of a miss.

    A plan_required finding creates the improvement plan in this transaction (verdict_plans.py); what
    became of it (the plan, or why none was created) is kept on the verdict's finding."""
    plans = [finding for finding in new.findings if finding.kind == "plan_required"]
    for finding in plans:
        finding.data |= on_plan_required(
            ctx,
            session,
            contract=contract,
            profile=profile,
            kpi=finding.data.get("kpi", row.kpi),
            finding=finding,
            actor=actor,
            now=now,
            verdict_ref=case_ref(PREFIX_VERDICT, row.id),
        )
    if plans:
        row.findings = json.dumps([f.as_dict() for f in new.findings], sort_keys=True, default=str)
        session.add(row)
    if not new.met and new.allowed:
        _open_sanction(ctx, session, contract=contract, section=section, verdict=row, new=new, now=now)
    if not new.met:
        _tell_supplier(session, contract, profile, row, now)


def _open_sanction(
    ctx: Ctx,
    session: Session,
    *,
    contract: Contract,
    section: KpiSection,
    verdict: KpiVerdict,
    new: NewVerdict,
    now: datetime,
) -> None:
    case = SanctionCase(
        contract_key=contract.key,
        verdict_id=verdict.id or 0,
        state=SanctionState.AWAITING_FINDING.value,
        allowed=",".join(new.allowed),
        outcome=new.outcome,
        created_at=now,
    )
    session.add(case)
    session.flush()
    ref = case_ref(PREFIX_SANCTION, case.id)
    audit.append(
        ctx.db,
        session,
        now=now,
        actor="system",
        action="sanction.open",
        contract_key=contract.key,
        case_ref=ref,
        to_state=case.state,
        reason=(
            f"{case_ref(PREFIX_VERDICT, verdict.id)} missed: allowed {new.outcome or ', '.join(new.allowed)}; "
            "a culpability finding is needed before a sanction is proposed (B2 §5)"
        ),
        payload={"verdict": verdict.id, "allowed": list(new.allowed), "outcome": new.outcome},
    )
    _tell_deciders(session, contract, section, case, verdict, new, now)


def _tell_deciders(
    session: Session,
    contract: Contract,
    section: KpiSection,
    case: SanctionCase,
    verdict: KpiVerdict,
    new: NewVerdict,
    now: datetime,
) -> None:
    ref = case_ref(PREFIX_SANCTION, case.id)
    allowed = new.outcome or ", ".join(new.allowed)
    for role in section.sanctions_decided_by:
        for person in people_with_role(session, contract.key, role):
            send_notice(
                session,
                "sanction_case_opened",
                key=f"sanction:{case.id}:opened",
                now=now,
                person=person,
                contract_key=contract.key,
                case=ref,
                kpi=verdict.kpi,
                period=verdict.period,
                explanation=verdict.explanation,
                allowed=allowed,
                source="B2 §5",
            )


def _tell_supplier(
    session: Session, contract: Contract, profile: Profile, verdict: KpiVerdict, now: datetime
) -> None:
    """The supplier's account manager hears of every missed norm."""
    if profile.role("account_manager") is None:
        return
    ref = case_ref(PREFIX_VERDICT, verdict.id)
    for person in people_with_role(session, contract.key, "account_manager"):
        send_notice(
            session,
            "kpi_norm_missed",
            key=f"verdict:{verdict.id}:missed",
            now=now,
            person=person,
            contract_key=contract.key,
            case=ref,
            kpi=verdict.kpi,
            period=verdict.period,
            explanation=verdict.explanation,
            source=verdict.source,
        )


def verdict_view(row: KpiVerdict) -> dict[str, Any]:
    return {
        "verdict": case_ref(PREFIX_VERDICT, row.id),
        "contract": row.contract_key,
        "kind": row.kind,
        "kpi": row.kpi,
        "period": row.period,
        "participant": row.participant or None,
        "met": row.met,
        "result": "met" if row.met else "missed",
        "explanation": row.explanation,
        "source": row.source,
        "inputs": json.loads(row.inputs),
        "findings": json.loads(row.findings),
        "follow_up_due": row.follow_up_due.isoformat() if row.follow_up_due else None,
        "follow_up": row.follow_up_text,
        "follow_up_by": row.follow_up_by,
        "evaluated_by": row.evaluated_by,
        "evaluated_at": row.evaluated_at.isoformat(),
    }

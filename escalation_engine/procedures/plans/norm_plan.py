"""The supplier's improvement plan within 14 days of a norm failure (TP §2.1.2), and the
actions both plan procedures share (resolve).

`require_plan_in` is the procedure's core: it writes the obligation inside the CALLER's open
transaction (no commit of its own), so the KPI evaluation can create it together with its own writes.
With `due` the plan is due with a document (TP §2.1.1: with the next management report) instead of
within the 14-day term, and the first-months rule does not apply.
`require_plan` (the `plan require` command) is a thin wrapper that opens the transaction and calls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract, lock_contract, pinned_profile
from escalation_engine.contracts.people import get_person
from escalation_engine.contracts.terms import due_date, term_of
from escalation_engine.core import date_bounds
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import Term, end_of_day, local_date
from escalation_engine.core.display import last_day
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.machine import fire
from escalation_engine.core.refs import require_line, require_lines
from escalation_engine.core.tables import Person
from escalation_engine.procedures.plans.case import (
    NORM_FAILURE,
    Loaded,
    norm_spec,
    require_role,
    schedule_at,
    schedule_reminder,
    tell,
    write_audit,
)
from escalation_engine.procedures.plans.machine import NormState, NormTrigger, norm_machine
from escalation_engine.procedures.plans.profile import NormPlanSpec
from escalation_engine.procedures.plans.rules import execution_window_end, within_first_months
from escalation_engine.procedures.plans.tables import ImprovementPlan, PlanSubmission
from escalation_engine.procedures.plans.views import plan_view

SOURCE = "TP §2.1.2"


@dataclass(frozen=True)
class FixedDue:
    """A plan due on a given day rather than within a term (TP §2.1.1: with the next management report)."""

    last_day: date
    rule: str
    source: str


def require_plan_in(
    ctx: Ctx,
    session: Session,
    *,
    contract_key: str,
    kpi: str,
    detected: date,
    reason: str,
    actor: str,
    now: datetime,
    source: str,
    due: FixedDue | None = None,
) -> dict[str, Any]:
    """Create the supplier's obligation to deliver an improvement plan within 14 days of `detected`
    (or by `due.last_day` when given: then the first-months rule does not apply).

    Runs inside the caller's open write transaction and never commits. `actor` is a person key on the
    contract (whose role is then checked) or the name of a calling procedure (e.g. "kpi-evaluation");
    `source` says where the finding came from and is kept on the plan. Calling it again for the same
    contract, KPI and detection date returns the existing plan with "created": False.
    Refuses (RuleRefused) outside the first months of execution or while a plan for the KPI is open.
    """
    kpi, reason = require_line(kpi, "KPI"), require_lines(reason, "reason")
    contract = lock_contract(session, contract_key)
    profile = pinned_profile(contract)
    spec = norm_spec(profile, contract_key)
    person = session.exec(
        select(Person).where(Person.contract_key == contract_key, Person.key == actor)
    ).first()
    if person is not None:
        require_role(person, spec.require_roles, "recording a norm failure", spec.source, "new plan")
    existing = _existing_for(session, contract_key, kpi)
    for row in existing:
        if row.detected == detected:
            return {**_view(session, row, profile, now), "created": False}
    _check_finding(contract.start_date, detected, now, spec, existing, first_months=due is None)
    row = _new_row(
        contract_key, kpi=kpi, detected=detected, reason=reason, actor=actor, now=now, origin=source
    )
    session.add(row)
    session.flush()
    loaded = Loaded(session, row, contract, profile, [])
    row.state = fire(norm_machine(), loaded.model(), NormTrigger.REQUIRE, rule="require", source=spec.source)
    sub = new_round(loaded, spec, start=detected, term=term_of(spec.term), now=now, fixed=due)
    payload = {"kpi": kpi, "detected": detected.isoformat(), "due": last_day(sub.due_at), "source": source}
    write_audit(
        ctx,
        loaded,
        now=now,
        actor=person or actor,
        action="plan.require",
        before=NormState.NEW.value,
        reason=reason,
        payload=payload,
    )
    session.flush()
    return {**plan_view(row, loaded.submissions, profile, now), "created": True}


def _new_row(
    contract_key: str, *, kpi: str, detected: date, reason: str, actor: str, now: datetime, origin: str
) -> ImprovementPlan:
    return ImprovementPlan(
        contract_key=contract_key,
        kind=NORM_FAILURE,
        trigger="norm_failure",
        subject=reason,
        kpi=kpi,
        state=NormState.NEW.value,
        opened_by=actor,
        opened_at=now,
        updated_at=now,
        origin=origin,
        detected=detected,
    )


def require_plan(
    ctx: Ctx, *, actor_key: str | None, contract_key: str, kpi: str, detected: date, reason: str
) -> dict[str, Any]:
    """`plan require`: one transaction around `require_plan_in`, acting as a registered person."""
    now = ctx.clock.now()
    with ctx.db.write() as session:
        get_contract(session, contract_key)
        person = get_person(session, contract_key, actor_key)
        return require_plan_in(
            ctx,
            session,
            contract_key=contract_key,
            kpi=kpi,
            detected=detected,
            reason=reason,
            actor=person.key,
            now=now,
            source="cli",
        )


def _existing_for(session: Session, contract_key: str, kpi: str) -> list[ImprovementPlan]:
    query = select(ImprovementPlan).where(
        ImprovementPlan.contract_key == contract_key,
        ImprovementPlan.kind == NORM_FAILURE,
        col(ImprovementPlan.kpi) == kpi,
    )
    return list(session.exec(query.order_by(col(ImprovementPlan.id))))


def _check_finding(
    start: date,
    detected: date,
    now: datetime,
    spec: NormPlanSpec,
    existing: list[ImprovementPlan],
    *,
    first_months: bool,
) -> None:
    if detected > local_date(now):
        raise BadInput(f"the finding's date {detected} lies in the future (today is {local_date(now)})")
    date_bounds.happened_on(detected, "the finding's date", start, None, local_date(now))
    if first_months and not within_first_months(start, detected, spec.first_months):
        end = execution_window_end(start, spec.first_months)
        raise RuleRefused(
            f"a finding of {detected} lies outside the first {spec.first_months} months of execution "
            f"({start} up to {end}); after that the plan goes with the management report (TP §2.1.1)",
            rule=f"14-day plan for findings in the first {spec.first_months} months",
            source=spec.source,
        )
    still_open = [row for row in existing if row.closed_at is None]
    if still_open:
        from escalation_engine.core.refs import case_ref

        raise RuleRefused(
            f"KPI {still_open[0].kpi!r} already has an open improvement plan {case_ref('plan', still_open[0].id)} "
            f"(finding of {still_open[0].detected}); resolve it before recording a new 14-day plan",
            rule="one open 14-day plan per KPI",
            source=spec.source,
        )


def new_round(
    loaded: Loaded,
    spec: NormPlanSpec,
    *,
    start: date,
    term: Term,
    now: datetime,
    rejected: tuple[str, str] | None = None,
    fixed: FixedDue | None = None,
) -> PlanSubmission:
    """A deadline for the supplier's plan (end of start + term, or `fixed`), its reminders, and a message
    to the supplier (naming who rejected the previous plan and why, if `rejected` = (name, reason))."""
    attempt = len(loaded.submissions) + 1
    if fixed is None:
        last, source = due_date(loaded.profile, start, term), term.source
        rule = f"{'finding' if attempt == 1 else 'rejection'} + {term.amount} {term.unit} ({term.label})"
    else:
        last, rule, source = fixed.last_day, fixed.rule, fixed.source
    sub = PlanSubmission(
        plan_id=loaded.ident, attempt=attempt, due_at=end_of_day(last), rule=rule, source=source
    )
    loaded.session.add(sub)
    loaded.submissions.append(sub)
    key = f"plan:{loaded.ident}:a{attempt}"
    schedule_at(
        loaded,
        key=f"{key}:due",
        kind="plan_due",
        due_at=sub.due_at,
        rule=rule,
        source=source,
        payload={"attempt": attempt},
    )
    for offset in sorted(set(spec.reminder_offsets_days)):
        schedule_reminder(
            loaded,
            key=f"{key}:reminder:{offset:+d}",
            day=date.fromordinal(last.toordinal() + offset),
            rule=rule,
            source=source,
            payload={
                "series": "submission",
                "attempt": attempt,
                "offset_days": offset,
                "deadline_at": sub.due_at.isoformat(),
            },
            now=now,
        )
    loaded.touch(now)
    tell(
        loaded,
        [*spec.supplier_notify_roles],
        "plan_required",
        key=f"{key}:required",
        now=now,
        rejected_by=rejected[0] if rejected else "",
        rejection=rejected[1] if rejected else "",
        kpi=loaded.row.kpi,
        subject=loaded.row.subject,
        due=f"{last}",
        rule=rule,
        source=source,
    )
    return sub


def _view(session: Session, row: ImprovementPlan, profile: Any, now: datetime) -> dict[str, Any]:
    subs = list(session.exec(select(PlanSubmission).where(PlanSubmission.plan_id == row.id)))
    return plan_view(row, subs, profile, now)

"""What happens when an improvement plan's deadline or reminder comes due (B2 §5.2, TP §2.1.2).

Every handler re-reads the plan and returns "obsolete" when the timer no longer applies. Recurring
reminders (step-3 presentation, overdue 14-day plan) schedule their next slot strictly after `now`,
so a catch-up after downtime sends one reminder, not one per missed interval.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from escalation_engine.contracts.lookup import preload_profiles, session_profile
from escalation_engine.contracts.people import in_roles, preload_people, session_people
from escalation_engine.core.batch import by_id
from escalation_engine.core.context import Ctx
from escalation_engine.core.display import last_day
from escalation_engine.core.machine import fire
from escalation_engine.core.refs import case_ref
from escalation_engine.core.registry import DueTimer, Registry
from escalation_engine.core.tables import Timer
from escalation_engine.procedures.plans.case import (
    Loaded,
    load,
    norm_spec,
    reminder_time,
    schedule_at,
    tell,
    three_step_spec,
    write_audit,
)
from escalation_engine.procedures.plans.machine import (
    NormState,
    NormTrigger,
    StepState,
    StepTrigger,
    norm_machine,
    step_machine,
)
from escalation_engine.procedures.plans.rules import next_recurring
from escalation_engine.procedures.plans.tables import ImprovementPlan
from escalation_engine.procedures.plans.views import step_of


def _late(timer: DueTimer, now: datetime) -> dict[str, Any]:
    return {
        "timer": timer.id,
        "due_at": timer.due_at.isoformat(),
        "late_by_s": int((now - timer.due_at).total_seconds()),
    }


def step2_window_passed(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    """The step-2 window ended without resolution: the plan is due for step 3 (B2 §5.2 Stap 3)."""
    loaded = load(session, case_ref("plan", timer.subject_id))
    if loaded.row.state != StepState.STEP_2.value:
        return "obsolete"
    spec = three_step_spec(loaded.profile, loaded.row.contract_key)
    before = loaded.row.state
    loaded.row.state = fire(
        step_machine(), loaded.model(), StepTrigger.WINDOW_PASSED, rule=timer.rule, source=timer.source
    )
    loaded.row.window_passed_at, loaded.row.step = timer.due_at, step_of(loaded.row.state)
    loaded.touch(now)
    tell(
        loaded,
        [*spec.request_step3_roles, *spec.window_notify_roles],
        "plan_due_for_step3",
        key=f"timer:{timer.id}",
        now=now,
        subject=loaded.row.subject,
        due=last_day(timer.due_at),
        rule=timer.rule,
        source=timer.source,
    )
    write_audit(
        ctx,
        loaded,
        now=now,
        actor="system",
        action="plan.window_passed",
        before=before,
        reason=f"{timer.rule} ({timer.source}) ended",
        payload=_late(timer, now),
    )
    return "due for step 3"


def plan_deadline_passed(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    """No plan submitted within the term: overdue; the client is told; reminders continue (TP §2.1.2)."""
    loaded = load(session, case_ref("plan", timer.subject_id))
    attempt = json.loads(timer.payload)["attempt"]
    current = loaded.current()
    if loaded.row.state != NormState.AWAITING_PLAN.value or current is None or current.attempt != attempt:
        return "obsolete"
    spec = norm_spec(loaded.profile, loaded.row.contract_key)
    before = loaded.row.state
    loaded.row.state = fire(
        norm_machine(), loaded.model(), NormTrigger.DEADLINE_PASSED, rule=timer.rule, source=timer.source
    )
    current.overdue_at = timer.due_at
    session.add(current)
    loaded.touch(now)
    day = last_day(timer.due_at)
    tell(
        loaded,
        [*spec.client_notify_roles, *spec.supplier_notify_roles],
        "plan_overdue",
        key=f"timer:{timer.id}",
        now=now,
        kpi=loaded.row.kpi,
        every_days=spec.overdue_reminder_every_days,
        due=day,
        rule=timer.rule,
        source=timer.source,
    )
    first = date.fromordinal(date.fromisoformat(day).toordinal() + spec.overdue_reminder_every_days)
    _next_in_series(loaded, timer, "overdue", first, spec.overdue_reminder_every_days, now, attempt=attempt)
    write_audit(
        ctx,
        loaded,
        now=now,
        actor="system",
        action="plan.overdue",
        before=before,
        reason=f"{timer.rule} ({timer.source}) ended",
        payload=_late(timer, now),
    )
    return "overdue"


def _next_in_series(
    loaded: Loaded, timer: DueTimer, series: str, first: date, every: int, now: datetime, **extra: Any
) -> None:
    when = next_recurring(now, first, every, *reminder_time(loaded.profile))
    rule = timer.rule if timer.kind == "reminder" else f"{timer.rule}: overdue"
    schedule_at(
        loaded,
        key=f"plan:{loaded.ident}:{series}:{extra.get('attempt', 0)}:reminder:{when.isoformat()}",
        kind="reminder",
        due_at=when,
        rule=rule,
        source=timer.source,
        payload={"series": series, "first_day": first.isoformat(), **extra},
    )


def remind(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    payload = json.loads(timer.payload)
    loaded = load(session, case_ref("plan", timer.subject_id))
    series = payload["series"]
    if series in ("window", "presentation"):
        return _remind_three_step(loaded, timer, payload, now)
    return _remind_supplier(loaded, timer, payload, now)


def _remind_three_step(loaded: Loaded, timer: DueTimer, payload: dict[str, Any], now: datetime) -> str:
    spec = three_step_spec(loaded.profile, loaded.row.contract_key)
    if payload["series"] == "window":
        deadline_at = datetime.fromisoformat(payload["deadline_at"])
        if loaded.row.state != StepState.STEP_2.value or now >= deadline_at:
            return "obsolete"
        day = last_day(deadline_at)
        tell(
            loaded,
            spec.window_notify_roles,
            "plan_window_reminder",
            key=f"timer:{timer.id}",
            now=now,
            subject=loaded.row.subject,
            due=day,
            rule=timer.rule,
            source=timer.source,
        )
        return f"reminded ({payload['days_before']} d before)"
    if loaded.row.state != StepState.STEP_3_REQUESTED.value:
        return "obsolete"
    requested = loaded.row.step3_requested_at
    tell(
        loaded,
        spec.presentation_notify_roles,
        "plan_presentation_reminder",
        key=f"timer:{timer.id}",
        now=now,
        requested=f"{requested:%Y-%m-%d}",
        subject=loaded.row.subject,
        rule=timer.rule,
        source=timer.source,
    )
    first = date.fromisoformat(payload["first_day"])
    _next_in_series(loaded, timer, "presentation", first, spec.presentation_reminder_every_days, now)
    return "reminded (presentation)"


def _remind_supplier(loaded: Loaded, timer: DueTimer, payload: dict[str, Any], now: datetime) -> str:
    spec = norm_spec(loaded.profile, loaded.row.contract_key)
    current = loaded.current()
    wanted = NormState.AWAITING_PLAN.value if payload["series"] == "submission" else NormState.OVERDUE.value
    if loaded.row.state != wanted or current is None or current.attempt != payload["attempt"]:
        return "obsolete"
    day = last_day(current.due_at)
    if payload["series"] == "submission":
        if now >= current.due_at:
            return "obsolete"  # caught up after downtime: the deadline handler reports instead
        days_left = -int(payload["offset_days"])
    else:
        days_left = -1  # overdue
    tell(
        loaded,
        spec.supplier_notify_roles,
        "plan_reminder",
        key=f"timer:{timer.id}",
        now=now,
        kpi=loaded.row.kpi,
        subject=loaded.row.subject,
        days_left=days_left,
        due=day,
        rule=current.rule,
        source=current.source,
    )
    if payload["series"] == "overdue":
        first = date.fromisoformat(payload["first_day"])
        _next_in_series(
            loaded, timer, "overdue", first, spec.overdue_reminder_every_days, now, attempt=current.attempt
        )
    return f"reminded ({payload['series']})"


def describe_deadline(session: Session, timers: list[Timer]) -> dict[int, dict[str, Any]]:
    """The step-2 window (final-responsible manager and category) or the supplier's 14-day plan."""
    contracts = {t.contract_key for t in timers}
    preload_people(session, contracts)
    preload_profiles(session, contracts)
    plans = by_id(session, ImprovementPlan, (t.subject_id for t in timers))
    about: dict[int, dict[str, Any]] = {}
    for timer in timers:
        row = plans.get(timer.subject_id)
        if row is None:
            about[timer.id or 0] = {}
            continue
        profile = session_profile(session, row.contract_key)
        if row.kind == "three_step" and profile.spec.improvement_plan is not None:
            roles = profile.spec.improvement_plan.window_notify_roles
        elif profile.spec.norm_failure_plan is not None:
            spec = profile.spec.norm_failure_plan
            roles = [*spec.supplier_notify_roles, *spec.submit_roles]
        else:
            roles = []
        people = in_roles(session_people(session, row.contract_key), roles)
        about[timer.id or 0] = {
            "subject": f"{row.kpi}: {row.subject}" if row.kpi else row.subject,
            "level": row.step,
            "responsible": [p.key for p in people],
        }
    return about


def register(registry: Registry) -> None:
    """Add this module's timer handlers and deadline describer to the engine's registry."""
    registry.handler("plan", "window_end", step2_window_passed)
    registry.handler("plan", "plan_due", plan_deadline_passed)
    registry.handler("plan", "reminder", remind)
    registry.describer("plan", describe_deadline)

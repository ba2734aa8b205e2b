"""The three-step improvement plan (B2 §5.2): open, skip step 1, advance, record the presentation.

Each action is one transaction: load → domain checks → fire the machine → write the plan, its timers,
outbox and audit row together. A refused action raises before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.participants import registered, resolve
from escalation_engine.contracts.people import get_person
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.machine import fire
from escalation_engine.core.refs import case_ref, parse_ref, require_line, require_lines
from escalation_engine.core.schedule import cancel_timers
from escalation_engine.core.tables import Person
from escalation_engine.procedures.ladder.tables import Escalation
from escalation_engine.procedures.plans.case import (
    THREE_STEP,
    Loaded,
    load,
    require_kind,
    require_open,
    require_role,
    tell,
    three_step_spec,
    write_audit,
)
from escalation_engine.procedures.plans.machine import StepState, StepTrigger, step_machine
from escalation_engine.procedures.plans.profile import ThreeStepPlanSpec
from escalation_engine.procedures.plans.rules import TRIGGERS, clean_participants, may_skip_step1
from escalation_engine.procedures.plans.tables import ImprovementPlan
from escalation_engine.procedures.plans.views import plan_view
from escalation_engine.procedures.plans.windows import enter_step2, request_step3

SOURCE = "B2 §5.2"


def open_plan(
    ctx: Ctx,
    *,
    actor_key: str | None,
    contract_key: str,
    trigger: str,
    subject: str,
    kpi: str | None = None,
    participants: Sequence[str] = (),
    escalation: str | None = None,
) -> dict[str, Any]:
    """Open a three-step plan at step 1 (on the agenda of the participant–supplier meeting)."""
    subject = require_line(subject, "subject")
    if trigger not in TRIGGERS:
        raise BadInput(f"unknown trigger {trigger!r}: expected one of {', '.join(TRIGGERS)} (B2 §5.2)")
    if trigger == "kpi" and not (kpi and kpi.strip()):
        raise BadInput("trigger 'kpi' (a KPI lags its target) needs --kpi naming the KPI")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = get_contract(session, contract_key)
        profile = pinned_profile(contract)
        spec = three_step_spec(profile, contract_key)
        actor = get_person(session, contract_key, actor_key)
        require_role(actor, spec.open_roles, "opening an improvement plan", spec.source, "new plan")
        esc_ref = _escalation_ref(session, contract_key, escalation) if escalation else None
        known = registered(session, contract_key)
        participants = [resolve(name, contract_key, known) for name in participants if name.strip()]
        row = _new_row(contract_key, actor, trigger, subject, kpi, participants, esc_ref, now)
        session.add(row)
        session.flush()
        loaded = Loaded(session, row, contract, profile, [])
        row.state = fire(step_machine(), loaded.model(), StepTrigger.OPEN, rule="open", source=spec.source)
        row.step = 1
        write_audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action="plan.open",
            before=StepState.NEW.value,
            reason=subject,
            payload={
                "trigger": trigger,
                "kpi": row.kpi,
                "participants": loaded.participants(),
                "escalation": esc_ref,
            },
        )
        session.flush()
        return plan_view(row, [], profile, now)


def _new_row(
    contract_key: str,
    actor: Person,
    trigger: str,
    subject: str,
    kpi: str | None,
    participants: Sequence[str],
    esc_ref: str | None,
    now: datetime,
) -> ImprovementPlan:
    return ImprovementPlan(
        contract_key=contract_key,
        kind=THREE_STEP,
        trigger=trigger,
        subject=subject,
        kpi=kpi.strip() if kpi and kpi.strip() else None,
        participants=json.dumps(clean_participants(participants), ensure_ascii=False),
        escalation_ref=esc_ref,
        state=StepState.NEW.value,
        opened_by=actor.key,
        opened_at=now,
        updated_at=now,
    )


def _escalation_ref(session: Session, contract_key: str, text: str) -> str:
    ident = parse_ref("escalation", text)
    esc = session.get(Escalation, ident)
    if esc is None or esc.contract_key != contract_key:
        raise NotFound(f"escalation {case_ref('escalation', ident)} not found on contract {contract_key!r}")
    return case_ref("escalation", ident)


def skip_step1(ctx: Ctx, *, actor_key: str | None, ref: str, reason: str) -> dict[str, Any]:
    """The category decides to skip step 1 (only for a KPI or more than one participant, B2 §5.2)."""
    reason = require_lines(reason, "reason")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded, spec, actor = _prepare(session, ref, actor_key, "skip-step1")
        require_role(
            actor, spec.skip_step1_roles, "skipping step 1 (a decision of the category)", SOURCE, loaded.ref
        )
        if loaded.row.state == StepState.STEP_1.value and not may_skip_step1(
            loaded.row.kpi, loaded.participants()
        ):
            raise RuleRefused(
                f"{loaded.ref} concerns no KPI and only {len(loaded.participants())} participant(s): step 1 may "
                "only be skipped when the situation concerns one of the KPIs or more than one participant",
                rule="skipping step 1: KPI or more than one participant",
                source=f"{SOURCE} (last paragraph)",
            )
        before = loaded.row.state
        loaded.row.state = fire(
            step_machine(), loaded.model(), StepTrigger.SKIP_STEP1, rule="skipping step 1", source=SOURCE
        )
        loaded.row.skip_reason = reason
        enter_step2(ctx, loaded, spec, now)
        write_audit(ctx, loaded, now=now, actor=actor, action="plan.skip_step1", before=before, reason=reason)
        return plan_view(loaded.row, [], loaded.profile, now)


def advance(ctx: Ctx, *, actor_key: str | None, ref: str, reason: str) -> dict[str, Any]:
    """Step 1 → 2 (participant consults the category) or step 2 → 3 (the category requests the plan)."""
    reason = require_lines(reason, "reason")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded, spec, actor = _prepare(session, ref, actor_key, "advance")
        before = loaded.row.state
        if before == StepState.STEP_1.value:
            require_role(
                actor, spec.advance_roles, "moving to step 2 (consulting the category)", SOURCE, loaded.ref
            )
        else:
            require_role(
                actor,
                spec.request_step3_roles,
                "requesting step 3 (the category's request)",
                SOURCE,
                loaded.ref,
            )
            _refuse_early_step3(loaded, spec)
        model = loaded.model(early_step3_allowed=spec.step3_before_window_end)
        loaded.row.state = fire(step_machine(), model, StepTrigger.ADVANCE, rule="advance", source=SOURCE)
        if loaded.row.state == StepState.STEP_2.value:
            enter_step2(ctx, loaded, spec, now)
        else:
            request_step3(loaded, spec, actor, reason, now)
        write_audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action=f"plan.advance.step{loaded.row.step}",
            before=before,
            reason=reason,
        )
        return plan_view(loaded.row, [], loaded.profile, now)


def present(ctx: Ctx, *, actor_key: str | None, ref: str, presented_on: date, steps: str) -> dict[str, Any]:
    """Record the presentation in the Strategic Customer Council: its date and the verifiable steps."""
    steps = require_lines(steps, "the improvement steps")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded, spec, actor = _prepare(session, ref, actor_key, "present")
        require_role(actor, spec.record_presentation_roles, "recording the presentation", SOURCE, loaded.ref)
        before = loaded.row.state
        loaded.row.state = fire(
            step_machine(),
            loaded.model(),
            StepTrigger.PRESENT,
            rule="presentation after the request",
            source=SOURCE,
        )
        _check_presentation_date(loaded, presented_on, now)
        loaded.row.presented_on, loaded.row.presentation_steps = presented_on, steps
        loaded.row.presentation_recorded_by = actor.key
        cancel_timers(session, "plan", loaded.ident, now)
        loaded.touch(now)
        tell(
            loaded,
            [*spec.presentation_notify_roles, *spec.resolve_roles],
            "plan_presented",
            key=f"plan:{loaded.ident}:presented",
            now=now,
            actor=actor.name,
            presented_on=f"{presented_on}",
            source=f"{SOURCE} Stap 3",
            subject=loaded.row.subject,
            steps=steps,
        )
        write_audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action="plan.present",
            before=before,
            reason=steps,
            payload={"presented_on": presented_on.isoformat()},
        )
        return plan_view(loaded.row, [], loaded.profile, now)


def _prepare(
    session: Session, ref: str, actor_key: str | None, action: str
) -> tuple[Loaded, ThreeStepPlanSpec, Person]:
    loaded = load(session, ref)
    require_kind(loaded, THREE_STEP, action)
    spec = three_step_spec(loaded.profile, loaded.row.contract_key)
    actor = get_person(session, loaded.row.contract_key, actor_key)
    require_open(loaded, SOURCE)
    return loaded, spec, actor


def _refuse_early_step3(loaded: Loaded, spec: ThreeStepPlanSpec) -> None:
    if loaded.row.state != StepState.STEP_2.value or spec.step3_before_window_end:
        return
    assert loaded.row.window_ends_at is not None
    from escalation_engine.core.display import last_day

    raise RuleRefused(
        f"{loaded.ref} is in step 2 until the end of {last_day(loaded.row.window_ends_at)}: step 3 follows only "
        f"when there is no improvement within the window of {spec.step2_window.amount} {spec.step2_window.unit} "
        "after step 2",
        rule="step 3 only after the step-2 window",
        source=spec.step2_window.source,
    )


def _check_presentation_date(loaded: Loaded, presented_on: date, now: datetime) -> None:
    requested = loaded.row.step3_requested_at
    assert requested is not None
    if presented_on > local_date(now):
        raise RuleRefused(
            f"{loaded.ref}: the presentation date {presented_on} lies in the future; record it once it took place",
            rule="presentation recorded after it took place",
            source=f"{SOURCE} Stap 3",
        )
    if presented_on < local_date(requested):
        raise RuleRefused(
            f"{loaded.ref}: the presentation date {presented_on} lies before the category's request of "
            f"{local_date(requested)}",
            rule="presentation at the category's request",
            source=f"{SOURCE} Stap 3",
        )

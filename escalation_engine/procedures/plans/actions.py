"""Actions on a plan after it exists: the supplier submits the 14-day plan, the client accepts or rejects
it (TP §2.1.2); either kind of plan is resolved with a written result (B2 §5.2, TP §2.1.2).

Each action is one transaction; a refused action raises before anything is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from escalation_engine.contracts.people import get_person
from escalation_engine.contracts.terms import term_of
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.display import last_day
from escalation_engine.core.machine import fire
from escalation_engine.core.refs import require_lines
from escalation_engine.core.schedule import cancel_timers
from escalation_engine.core.tables import Person
from escalation_engine.procedures.plans.case import (
    NORM_FAILURE,
    THREE_STEP,
    Loaded,
    load,
    norm_spec,
    require_kind,
    require_open,
    require_role,
    tell,
    three_step_spec,
    write_audit,
)
from escalation_engine.procedures.plans.machine import (
    NormTrigger,
    StepTrigger,
    norm_machine,
    step_machine,
)
from escalation_engine.procedures.plans.norm_plan import SOURCE, new_round
from escalation_engine.procedures.plans.profile import NormPlanSpec
from escalation_engine.procedures.plans.views import plan_view


def submit(ctx: Ctx, *, actor_key: str | None, ref: str, text: str) -> dict[str, Any]:
    text = require_lines(text, "plan text")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded, spec, actor = _prepare(session, ref, actor_key, "submit")
        require_role(actor, spec.submit_roles, "submitting the improvement plan", spec.source, loaded.ref)
        before = loaded.row.state
        loaded.row.state = fire(
            norm_machine(), loaded.model(), NormTrigger.SUBMIT, rule="submit", source=SOURCE
        )
        sub = loaded.current()
        assert sub is not None
        sub.submitted_at, sub.submitted_by, sub.text = now, actor.key, text
        late = now > sub.due_at
        _settle(loaded, now)
        tell(
            loaded,
            spec.decide_roles,
            "plan_submitted",
            key=f"plan:{loaded.ident}:a{sub.attempt}:submitted",
            now=now,
            actor=actor.name,
            kpi=loaded.row.kpi,
            late=late,
            due=last_day(sub.due_at),
            rule=sub.rule,
            source=sub.source,
            text=text,
        )
        write_audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action="plan.submit",
            before=before,
            reason=text,
            payload={"attempt": sub.attempt, "late": late},
        )
        return plan_view(loaded.row, loaded.submissions, loaded.profile, now)


def decide(ctx: Ctx, *, actor_key: str | None, ref: str, accept: bool, reason: str) -> dict[str, Any]:
    """The client accepts the submitted plan, or rejects it with a reason: a new deadline per the profile."""
    reason = require_lines(reason, "reason")
    now = ctx.clock.now()
    verb = "accept" if accept else "reject"
    with ctx.db.write() as session:
        loaded, spec, actor = _prepare(session, ref, actor_key, verb)
        require_role(actor, spec.decide_roles, f"deciding to {verb} the plan", spec.source, loaded.ref)
        before = loaded.row.state
        trigger = NormTrigger.ACCEPT if accept else NormTrigger.REJECT
        loaded.row.state = fire(norm_machine(), loaded.model(), trigger, rule=verb, source=SOURCE)
        sub = loaded.current()
        assert sub is not None
        sub.decision, sub.decision_reason = ("accepted" if accept else "rejected"), reason
        sub.decided_by, sub.decided_at = actor.key, now
        loaded.session.add(sub)
        _settle(loaded, now)
        if accept:
            tell(
                loaded,
                spec.supplier_notify_roles,
                "plan_accepted",
                key=f"plan:{loaded.ident}:a{sub.attempt}:accepted",
                now=now,
                actor=actor.name,
                kpi=loaded.row.kpi,
                reason=reason,
            )
        else:
            term = term_of(spec.resubmit_term)
            new_round(loaded, spec, start=local_date(now), term=term, now=now, rejected=(actor.name, reason))
        write_audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action=f"plan.{verb}",
            before=before,
            reason=reason,
            payload={"attempt": sub.attempt},
        )
        return plan_view(loaded.row, loaded.submissions, loaded.profile, now)


def resolve(ctx: Ctx, *, actor_key: str | None, ref: str, results: str) -> dict[str, Any]:
    """End a plan of either kind at any step with the written result; its history stays."""
    results = require_lines(results, "results")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = load(session, ref)
        actor = get_person(session, loaded.row.contract_key, actor_key)
        three_step = loaded.row.kind == THREE_STEP
        source = "B2 §5.2" if three_step else SOURCE
        require_open(loaded, source)
        spec_roles = (
            three_step_spec(loaded.profile, loaded.row.contract_key).resolve_roles
            if three_step
            else norm_spec(loaded.profile, loaded.row.contract_key).resolve_roles
        )
        require_role(actor, spec_roles, "resolving the plan", source, loaded.ref)
        before = loaded.row.state
        machine, trigger = (
            (step_machine(), StepTrigger.RESOLVE) if three_step else (norm_machine(), NormTrigger.RESOLVE)
        )
        loaded.row.state = fire(machine, loaded.model(), trigger, rule="resolve", source=source)
        loaded.row.results, loaded.row.resolved_by, loaded.row.closed_at = results, actor.key, now
        _settle(loaded, now)
        write_audit(ctx, loaded, now=now, actor=actor, action="plan.resolve", before=before, reason=results)
        return plan_view(loaded.row, loaded.submissions, loaded.profile, now)


def _prepare(
    session: Session, ref: str, actor_key: str | None, action: str
) -> tuple[Loaded, NormPlanSpec, Person]:
    loaded = load(session, ref)
    require_kind(loaded, NORM_FAILURE, action)
    spec = norm_spec(loaded.profile, loaded.row.contract_key)
    actor = get_person(session, loaded.row.contract_key, actor_key)
    require_open(loaded, SOURCE)
    return loaded, spec, actor


def _settle(loaded: Loaded, now: datetime) -> None:
    cancel_timers(loaded.session, "plan", loaded.ident, now)
    loaded.touch(now)

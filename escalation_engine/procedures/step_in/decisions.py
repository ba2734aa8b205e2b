"""The category's step-in decisions (B2 §6): assess progress, lay down binding advice, close."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from escalation_engine.contracts.people import get_person
from escalation_engine.core import date_bounds
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.display import last_day
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.machine import fire
from escalation_engine.core.refs import require_lines
from escalation_engine.core.schedule import cancel_timers
from escalation_engine.core.tables import Person
from escalation_engine.procedures.step_in.case import (
    Loaded,
    cancel_stage,
    category_people,
    load,
    record_audit,
    require_role,
    schedule_step_deadline,
    supplier_people,
    tell,
    touch,
)
from escalation_engine.procedures.step_in.machine import StepInState, StepInTrigger, step_in_machine
from escalation_engine.procedures.step_in.meetings import schedule_second_meeting
from escalation_engine.procedures.step_in.tables import StepInAdvice
from escalation_engine.procedures.step_in.views import step_in_view

_BEFORE_SECOND_MEETING = {
    StepInState.AWAITING_MEETING.value,
    StepInState.MEETING_OVERDUE.value,
    StepInState.MONITORING.value,
    StepInState.SOLVED.value,
    StepInState.AWAITING_SECOND_MEETING.value,
    StepInState.SECOND_MEETING_OVERDUE.value,
}


def assess(ctx: Ctx, *, actor_key: str | None, ref: str, solved: bool, reason: str) -> dict[str, Any]:
    """Solved, or insufficient progress (which requires a second management-team meeting)."""
    reason = require_lines(reason, "reason")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = load(session, ref)
        rules = loaded.rules
        actor = get_person(session, loaded.row.contract_key, actor_key)
        require_role(actor, rules.requested_by, "only the category assesses the progress", rules.source)
        before = loaded.row.state
        trigger = StepInTrigger.ASSESS_SOLVED if solved else StepInTrigger.ASSESS_INSUFFICIENT
        loaded.row.state = fire(
            step_in_machine(),
            loaded.model(),
            trigger,
            rule="one assessment after the meeting",
            source=rules.source,
        )
        verdict = "solved" if solved else "insufficient_progress"
        row = loaded.row
        row.assessment, row.assessment_reason, row.assessed_by, row.assessed_at = (
            verdict,
            reason,
            actor.key,
            now,
        )
        second_due = _after_assessment(loaded, solved, now)
        touch(loaded, now)
        record_audit(
            ctx, loaded, now=now, actor=actor, action=f"stepin.assess.{verdict}", before=before, reason=reason
        )
        tell(
            loaded,
            supplier_people(loaded),
            "stepin_assessed",
            key=f"stepin:{loaded.ident}:assessed",
            now=now,
            actor=f"{actor.name} ({actor.role})",
            reason=reason,
            due=second_due,
            source=loaded.rules.source,
        )
        return step_in_view(loaded, now)


def _after_assessment(loaded: Loaded, solved: bool, now: datetime) -> str:
    """End the check; solved ends any second-meeting deadline ("" returned), insufficient progress starts
    one (its last day returned)."""
    cancel_stage(loaded, "check", now)
    if solved:
        cancel_stage(loaded, "meeting2", now)
        return ""
    if loaded.row.second_meeting_due_at is None:
        schedule_second_meeting(loaded, now=now, start=local_date(now))
    assert loaded.row.second_meeting_due_at is not None
    return last_day(loaded.row.second_meeting_due_at)


def _refuse_before_second_meeting(loaded: Loaded) -> None:
    if loaded.row.state in _BEFORE_SECOND_MEETING:
        raise RuleRefused(
            f"{loaded.ref} is {loaded.row.state.replace('_', ' ')}: binding advice follows the second "
            "management-team meeting, which has not been recorded",
            rule="binding advice after the second meeting",
            source=loaded.rules.source,
        )


def advise(ctx: Ctx, *, actor_key: str | None, ref: str, measures: str, due: date | None) -> dict[str, Any]:
    """Binding advice after the second meeting: measures, the supplier's means and people to deploy."""
    measures = require_lines(measures, "measures")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = load(session, ref)
        rules = loaded.rules
        actor = get_person(session, loaded.row.contract_key, actor_key)
        require_role(actor, rules.requested_by, "only the category lays down binding advice", rules.source)
        if due is not None and due < local_date(now):
            raise BadInput(f"the advice's due date {due} lies in the past (today is {local_date(now)})")
        if due is not None:
            date_bounds.due_on(due, "the advice's due date", local_date(now))
        _refuse_before_second_meeting(loaded)
        before = loaded.row.state
        loaded.row.state = fire(
            step_in_machine(),
            loaded.model(),
            StepInTrigger.ADVISE,
            rule="binding advice follows the second management-team meeting",
            source=rules.source,
        )
        number = len(loaded.advice) + 1
        advice = StepInAdvice(
            step_in_id=loaded.ident,
            number=number,
            measures=measures,
            due_on=due,
            advised_by=actor.key,
            advised_at=now,
        )
        if due is not None:
            advice.due_at = schedule_step_deadline(
                loaded,
                now=now,
                stage=f"advice{number}",
                kind="advice_due",
                last_day=due,
                rule=f"binding advice {number}: due date set by the category",
                source=rules.source,
            )
        session.add(advice)
        loaded.advice.append(advice)
        touch(loaded, now)
        _announce_advice(ctx, loaded, advice, actor, before, now)
        return step_in_view(loaded, now)


def _announce_advice(
    ctx: Ctx, loaded: Loaded, advice: StepInAdvice, actor: Person, before: str, now: datetime
) -> None:
    number, due, measures = advice.number, advice.due_on, advice.measures
    record_audit(
        ctx,
        loaded,
        now=now,
        actor=actor,
        action="stepin.advise",
        before=before,
        reason=measures,
        payload={"number": number, "due": due.isoformat() if due else None},
    )
    tell(
        loaded,
        supplier_people(loaded),
        "stepin_advice",
        key=f"stepin:{loaded.ident}:advice{number}",
        now=now,
        actor=f"{actor.name} ({actor.role})",
        number=number,
        measures=measures,
        due=f"{due}" if due else "",
        source=loaded.rules.source,
    )


def close(ctx: Ctx, *, actor_key: str | None, ref: str, results: str) -> dict[str, Any]:
    """Close the procedure with its written result; every pending step-in deadline ends."""
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = load(session, ref)
        rules = loaded.rules
        actor = get_person(session, loaded.row.contract_key, actor_key)
        require_role(actor, rules.requested_by, "only the category closes a step-in procedure", rules.source)
        before = loaded.row.state
        loaded.row.state = fire(
            step_in_machine(),
            loaded.model(),
            StepInTrigger.CLOSE,
            rule="a written result (--results)",
            source=rules.source,
            results=results or "",
        )
        loaded.row.results, loaded.row.closed_by, loaded.row.closed_at = results.strip(), actor.key, now
        cancel_timers(session, "stepin", loaded.ident, now)
        touch(loaded, now)
        record_audit(
            ctx, loaded, now=now, actor=actor, action="stepin.close", before=before, reason=loaded.row.results
        )
        tell(
            loaded,
            supplier_people(loaded) + category_people(loaded),
            "stepin_closed",
            key=f"stepin:{loaded.ident}:closed",
            now=now,
            actor=f"{actor.name} ({actor.role})",
            before=before.replace("_", " "),
            results=loaded.row.results,
        )
        return step_in_view(loaded, now)

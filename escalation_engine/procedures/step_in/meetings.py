"""Recording the supplier's management-team meetings (B2 §6) and the deadlines they start:
the first meeting starts the 30-calendar-day progress check; the second opens the way to binding advice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from escalation_engine.contracts.people import get_person
from escalation_engine.contracts.terms import due_date, term_of
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.display import last_day
from escalation_engine.core.machine import fire
from escalation_engine.core.refs import require_lines
from escalation_engine.core.tables import Person
from escalation_engine.procedures.step_in.case import (
    Loaded,
    cancel_stage,
    category_people,
    load,
    record_audit,
    require_role,
    schedule_step_deadline,
    tell,
    touch,
)
from escalation_engine.procedures.step_in.machine import StepInState, StepInTrigger, step_in_machine
from escalation_engine.procedures.step_in.rules import check_held_date
from escalation_engine.procedures.step_in.tables import StepInMeeting
from escalation_engine.procedures.step_in.views import step_in_view


def _meeting_number(loaded: Loaded) -> int:
    first = (StepInState.AWAITING_MEETING.value, StepInState.MEETING_OVERDUE.value)
    return 1 if loaded.row.state in first or not loaded.meetings else 2


def record_meeting(
    ctx: Ctx,
    *,
    actor_key: str | None,
    ref: str,
    held: date,
    minutes: str,
    attendees: str | None = None,
    measures: str | None = None,
) -> dict[str, Any]:
    """As the supplier, record a management-team meeting (the first or the second)."""
    minutes = require_lines(minutes, "minutes")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = load(session, ref)
        rules = loaded.rules
        actor = get_person(session, loaded.row.contract_key, actor_key)
        what = "the supplier records its management-team meetings"
        require_role(actor, rules.meetings_recorded_by, what, rules.source)
        number = _meeting_number(loaded)
        trigger = StepInTrigger.HOLD_MEETING if number == 1 else StepInTrigger.HOLD_SECOND_MEETING
        before = loaded.row.state
        loaded.row.state = fire(
            step_in_machine(), loaded.model(), trigger, rule="record a meeting", source=rules.source
        )
        _check_date(loaded, number, held, local_date(now))
        meeting = StepInMeeting(
            step_in_id=loaded.ident,
            number=number,
            held_on=held,
            minutes=minutes,
            attendees=(attendees or "").strip() or None,
            measures=(measures or "").strip() or None,
            late=_late(loaded, number, held),
            recorded_by=actor.key,
            recorded_at=now,
        )
        session.add(meeting)
        loaded.meetings.append(meeting)
        cancel_stage(loaded, f"meeting{number}", now)
        check = _after_meeting(loaded, number, held, now)
        touch(loaded, now)
        _record(ctx, loaded, meeting, actor, before, check, now)
        return step_in_view(loaded, now)


def _check_date(loaded: Loaded, number: int, held: date, today: date) -> None:
    if number == 1:
        earliest, what = local_date(loaded.row.requested_at), "the step-in request"
    else:
        earliest, what = loaded.meetings[0].held_on, "the first management-team meeting"
    check_held_date(held, earliest=earliest, earliest_what=what, today=today, source=loaded.rules.source)


def _late(loaded: Loaded, number: int, held: date) -> bool:
    due_at = loaded.row.meeting_due_at if number == 1 else loaded.row.second_meeting_due_at
    return due_at is not None and held.isoformat() > last_day(due_at)


def _record(
    ctx: Ctx,
    loaded: Loaded,
    meeting: StepInMeeting,
    actor: Person,
    before: str,
    check: dict[str, str],
    now: datetime,
) -> None:
    number, held = meeting.number, meeting.held_on
    record_audit(
        ctx,
        loaded,
        now=now,
        actor=actor,
        action=f"stepin.meeting{number}",
        before=before,
        reason=meeting.minutes,
        payload={
            "number": number,
            "held_on": held.isoformat(),
            "late": meeting.late,
            "attendees": meeting.attendees,
            "measures": meeting.measures,
        },
    )
    tell(
        loaded,
        category_people(loaded),
        "stepin_meeting_held",
        key=f"stepin:{loaded.ident}:meeting{number}",
        now=now,
        actor=f"{actor.name} ({actor.role})",
        number=number,
        held=f"{held}",
        late=bool(meeting.late),
        minutes=meeting.minutes,
        attendees=meeting.attendees or "-",
        measures=meeting.measures or "-",
        **check,
    )


def _after_meeting(loaded: Loaded, number: int, held: date, now: datetime) -> dict[str, str]:
    """After meeting 1 the progress check's deadline (its last day, rule and clause); after meeting 2 none."""
    if number == 2:
        return {"due": "", "rule": "", "source": loaded.rules.source}
    term = term_of(loaded.rules.progress_check)
    day = due_date(loaded.profile, held, term)
    rule = f"progress check: meeting + {term.amount} calendar {term.unit}"
    loaded.row.check_due_at = schedule_step_deadline(
        loaded, now=now, stage="check", kind="progress_check", last_day=day, rule=rule, source=term.source
    )
    return {"due": f"{day}", "rule": rule, "source": term.source}


def schedule_second_meeting(loaded: Loaded, *, now: datetime, start: date) -> date:
    term = term_of(loaded.rules.second_meeting_deadline)
    day = due_date(loaded.profile, start, term)
    rule = f"second management-team meeting: insufficient progress (or no assessment) + {term.amount} {term.unit}"
    loaded.row.second_meeting_due_at = schedule_step_deadline(
        loaded,
        now=now,
        stage="meeting2",
        kind="second_meeting_due",
        last_day=day,
        rule=rule,
        source=term.source,
    )
    return day

"""What happens when a step-in deadline or reminder comes due (B2 §6).

Meeting deadlines that pass are marked missed and the category is told; a progress check that comes
without an assessment is flagged and requires the second meeting; an advice's due date that passes is
marked and reported. Reminders go before and on the day to the supplier (or, for the check, the category).
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
from escalation_engine.core.tables import Person, Timer
from escalation_engine.procedures.step_in.case import (
    Loaded,
    category_people,
    load,
    record_audit,
    stage_of,
    supplier_people,
    tell,
    touch,
)
from escalation_engine.procedures.step_in.machine import StepInState, StepInTrigger, step_in_machine
from escalation_engine.procedures.step_in.meetings import schedule_second_meeting
from escalation_engine.procedures.step_in.tables import StepIn

S = StepInState
_STAGE_STATE = {
    "meeting1": S.AWAITING_MEETING.value,
    "check": S.MONITORING.value,
    "meeting2": S.AWAITING_SECOND_MEETING.value,
}
_STAGE_LABEL = {"meeting1": "MT meeting 1", "check": "progress check", "meeting2": "MT meeting 2"}


def _load_for(session: Session, timer: DueTimer) -> Loaded:
    return load(session, case_ref("stepin", timer.subject_id))


def _passed(
    ctx: Ctx,
    loaded: Loaded,
    timer: DueTimer,
    now: datetime,
    *,
    trigger: StepInTrigger,
    action: str,
    what: str,
) -> str:
    before = loaded.row.state
    loaded.row.state = fire(step_in_machine(), loaded.model(), trigger, rule=timer.rule, source=timer.source)
    touch(loaded, now)
    day = last_day(timer.due_at)
    record_audit(
        ctx,
        loaded,
        now=now,
        actor="system",
        action=action,
        before=before,
        reason=f"{timer.rule} ({timer.source}) ended {day} — {what}",
        payload={
            "timer": timer.id,
            "due_at": timer.due_at.isoformat(),
            "late_by_s": int((now - timer.due_at).total_seconds()),
        },
    )
    return day


def meeting_missed(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    loaded = _load_for(session, timer)
    if loaded.row.state != S.AWAITING_MEETING.value:
        return "obsolete"
    day = _passed(
        ctx,
        loaded,
        timer,
        now,
        trigger=StepInTrigger.MEETING_DEADLINE_PASSED,
        action="stepin.meeting_missed",
        what="no management-team meeting recorded",
    )
    loaded.row.meeting_missed_at = timer.due_at
    tell(
        loaded,
        category_people(loaded) + supplier_people(loaded),
        "stepin_meeting_missed",
        key=f"timer:{timer.id}",
        now=now,
        number=1,
        due=day,
        rule=timer.rule,
        source=timer.source,
    )
    return "meeting missed"


def check_without_assessment(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    loaded = _load_for(session, timer)
    if loaded.row.state != S.MONITORING.value:
        return "obsolete"
    day = _passed(
        ctx,
        loaded,
        timer,
        now,
        trigger=StepInTrigger.CHECK_WITHOUT_ASSESSMENT,
        action="stepin.assessment_missing",
        what="no assessment recorded: flagged; a second meeting is required",
    )
    loaded.row.assessment_missing_at = timer.due_at
    second = schedule_second_meeting(loaded, now=now, start=date.fromisoformat(day))
    tell(
        loaded,
        category_people(loaded),
        "stepin_check_missed",
        key=f"timer:{timer.id}",
        now=now,
        due=day,
        rule=timer.rule,
        source=timer.source,
        second_due=f"{second}",
    )
    tell(
        loaded,
        supplier_people(loaded),
        "stepin_second_meeting_required",
        key=f"timer:{timer.id}:supplier",
        now=now,
        due=f"{second}",
        source=timer.source,
    )
    return "assessment missing: flagged"


def second_meeting_missed(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    loaded = _load_for(session, timer)
    if loaded.row.state != S.AWAITING_SECOND_MEETING.value:
        return "obsolete"
    day = _passed(
        ctx,
        loaded,
        timer,
        now,
        trigger=StepInTrigger.SECOND_DEADLINE_PASSED,
        action="stepin.second_meeting_missed",
        what="no second management-team meeting recorded",
    )
    loaded.row.second_meeting_missed_at = timer.due_at
    tell(
        loaded,
        category_people(loaded) + supplier_people(loaded),
        "stepin_meeting_missed",
        key=f"timer:{timer.id}",
        now=now,
        number=2,
        due=day,
        rule=timer.rule,
        source=timer.source,
    )
    return "second meeting missed"


def _advice(loaded: Loaded, timer: DueTimer) -> Any:
    number = int(stage_of(timer).removeprefix("advice"))
    return next((a for a in loaded.advice if a.number == number), None)


def advice_due_passed(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    loaded = _load_for(session, timer)
    advice = _advice(loaded, timer)
    if advice is None or advice.due_passed_at is not None or loaded.row.state == S.CLOSED.value:
        return "obsolete"
    advice.due_passed_at = timer.due_at
    session.add(advice)
    day = _passed_advice_audit(ctx, loaded, timer, now, advice.number)
    tell(
        loaded,
        category_people(loaded) + supplier_people(loaded),
        "stepin_advice_due_passed",
        key=f"timer:{timer.id}",
        now=now,
        number=advice.number,
        measures=advice.measures,
        due=day,
        source=timer.source,
    )
    return "advice due date passed"


def _passed_advice_audit(ctx: Ctx, loaded: Loaded, timer: DueTimer, now: datetime, number: int) -> str:
    day = last_day(timer.due_at)
    touch(loaded, now)
    record_audit(
        ctx,
        loaded,
        now=now,
        actor="system",
        action="stepin.advice_due_passed",
        before=loaded.row.state,
        reason=f"{timer.rule} ({timer.source}) ended {day}",
        payload={"timer": timer.id, "advice": number, "due_at": timer.due_at.isoformat()},
    )
    return day


def _still_pending(loaded: Loaded, timer: DueTimer) -> bool:
    stage = stage_of(timer)
    if stage.startswith("advice"):
        advice = _advice(loaded, timer)
        return advice is not None and advice.due_passed_at is None and loaded.row.state != S.CLOSED.value
    return loaded.row.state == _STAGE_STATE.get(stage)


def _reminded(loaded: Loaded, stage: str) -> list[Person]:
    return category_people(loaded) if stage == "check" else supplier_people(loaded)


def remind(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    """Before and on the day: remind the supplier (account manager, final-responsible management)."""
    loaded = _load_for(session, timer)
    payload = json.loads(timer.payload)
    deadline_at = datetime.fromisoformat(payload["deadline_at"])
    if not _still_pending(loaded, timer) or now >= deadline_at:
        return "obsolete"  # done already, or caught up after the deadline: a "due soon" note would mislead
    offset = int(payload["offset_days"])
    day = last_day(deadline_at)
    stage = stage_of(timer)
    tell(
        loaded,
        _reminded(loaded, stage),
        "stepin_reminder",
        key=f"timer:{timer.id}",
        now=now,
        stage=stage,
        days_left=-offset,
        due=day,
        rule=timer.rule,
        source=timer.source,
    )
    return f"reminded ({offset:+d} d)"


def describe_deadline(session: Session, timers: list[Timer]) -> dict[int, dict[str, Any]]:
    contracts = {t.contract_key for t in timers}
    preload_people(session, contracts)
    preload_profiles(session, contracts)
    cases = by_id(session, StepIn, (t.subject_id for t in timers))
    about: dict[int, dict[str, Any]] = {}
    for timer in timers:
        row = cases.get(timer.subject_id)
        if row is None:
            about[timer.id or 0] = {}
            continue
        rules = session_profile(session, row.contract_key).spec.step_in
        stage = stage_of(timer)
        label = _STAGE_LABEL.get(stage, stage.replace("advice", "binding advice "))
        if rules is None:
            about[timer.id or 0] = {"subject": f"step-in: {row.reason}", "level": label}
            continue
        roles = rules.requested_by if stage == "check" else rules.reminders.notify_roles
        about[timer.id or 0] = {
            "subject": f"step-in: {row.reason}",
            "level": label,
            "responsible": [p.key for p in in_roles(session_people(session, row.contract_key), roles)],
        }
    return about


def register(registry: Registry) -> None:
    """Add this module's timer handlers and deadline describer to the engine's registry."""
    registry.handler("stepin", "meeting_due", meeting_missed)
    registry.handler("stepin", "progress_check", check_without_assessment)
    registry.handler("stepin", "second_meeting_due", second_meeting_missed)
    registry.handler("stepin", "advice_due", advice_due_passed)
    registry.handler("stepin", "reminder", remind)
    registry.describer("stepin", describe_deadline)

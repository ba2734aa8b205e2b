"""What happens when an escalation's deadline or reminder comes due."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session

from escalation_engine.contracts.lookup import preload_profiles, session_profile
from escalation_engine.contracts.people import preload_people, session_people
from escalation_engine.core import audit
from escalation_engine.core.batch import by_id, grouped
from escalation_engine.core.context import Ctx
from escalation_engine.core.display import last_day
from escalation_engine.core.machine import fire
from escalation_engine.core.notice_texts import send_notice
from escalation_engine.core.registry import DueTimer, Registry
from escalation_engine.core.tables import Timer
from escalation_engine.procedures.ladder import firing
from escalation_engine.procedures.ladder.case import recipients, reminder_recipients
from escalation_engine.procedures.ladder.firing import Contact
from escalation_engine.procedures.ladder.machine import EscState, EscTrigger, escalation_machine
from escalation_engine.procedures.ladder.tables import Escalation, EscalationLevel


def _named(people: dict[str, Contact], key: str) -> str:
    person = people.get(key)
    return f"{person.name} ({person.role})" if person else key


def response_window_passed(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    """The counterpart did not respond within the window: the level may now be assessed."""
    payload = json.loads(timer.payload)
    case = firing.view(session, timer.subject_id)
    if case is None or case.state != EscState.ADDRESSED.value or not case.is_current(payload):
        return "obsolete"
    people = firing.people(session, case.contract_key)
    who = _named(people, case.counterpart_key)
    state = fire(
        escalation_machine(), case.model(), EscTrigger.WINDOW_PASSED, rule=timer.rule, source=timer.source
    )
    firing.window_passed(session, case, state, timer.due_at, now)
    for key in {case.raised_by, case.opened_by}:
        person = people.get(key)
        if person is not None:
            send_notice(
                session,
                "escalation_no_response",
                key=f"timer:{timer.id}",
                now=now,
                person=person,
                contract_key=case.contract_key,
                case=case.ref,
                who=who,
                subject=case.subject,
                level=case.level,
                due=last_day(timer.due_at),
                rule=timer.rule,
                source=timer.source,
            )
    audit.case_step(
        ctx.db,
        session,
        now=now,
        actor="system",
        action="escalation.window_passed",
        contract_key=case.contract_key,
        case_ref=case.ref,
        level=case.level,
        before=case.state,
        after=state,
        reason=f"{timer.rule} ({timer.source}) ended {timer.due_at.isoformat()} without response",
        payload={
            "timer": timer.id,
            "due_at": timer.due_at.isoformat(),
            "late_by_s": int((now - timer.due_at).total_seconds()),
        },
    )
    return "window passed"


def remind(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    """Before, on and after the response deadline: remind the account manager and the counterpart."""
    payload = json.loads(timer.payload)
    case = firing.view(session, timer.subject_id)
    open_states = (EscState.ADDRESSED.value, EscState.NO_RESPONSE.value)
    if case is None or case.state not in open_states or not case.is_current(payload):
        return "obsolete"
    deadline_at = datetime.fromisoformat(payload["deadline_at"])
    offset = int(payload["offset_days"])
    if offset <= 0 and now >= deadline_at:
        return "obsolete"  # caught up after downtime: a "due soon" note after the deadline would mislead
    people = firing.people(session, case.contract_key)
    who = _named(people, case.counterpart_key)
    roles = firing.profile(session, case).spec.reminders.notify_roles
    for person in recipients(people, roles, case.counterpart_key):
        send_notice(
            session,
            "escalation_reminder",
            key=f"timer:{timer.id}",
            now=now,
            person=person,
            contract_key=case.contract_key,
            case=case.ref,
            who=who,
            subject=case.subject,
            level=case.level,
            days_left=-offset,
            due=last_day(deadline_at),
            rule=timer.rule,
            source=timer.source,
        )
    return f"reminded ({offset:+d} d)"


def describe_deadline(session: Session, timers: list[Timer]) -> dict[int, dict[str, Any]]:
    """Response deadlines: the counterpart must respond; the reminded roles are reminded too."""
    contracts = {t.contract_key for t in timers}
    preload_people(session, contracts)
    preload_profiles(session, contracts)
    cases = by_id(session, Escalation, (t.subject_id for t in timers))
    levels = grouped(session, EscalationLevel, EscalationLevel.escalation_id, cases)
    about: dict[int, dict[str, Any]] = {}
    for timer in timers:
        row = cases.get(timer.subject_id)
        if row is None:
            about[timer.id or 0] = {}
            continue
        records = levels.get(timer.subject_id)
        if not records:
            about[timer.id or 0] = {"subject": row.subject, "level": row.level}
            continue
        profile = session_profile(session, row.contract_key)
        everyone = session_people(session, row.contract_key)
        people = reminder_recipients(session, row, profile, records[-1], everyone)
        about[timer.id or 0] = {
            "subject": row.subject,
            "level": row.level,
            "responsible": [p.key for p in people],
        }
    return about


def register(registry: Registry) -> None:
    """Add this module's timer handlers and deadline describer to the engine's registry."""
    registry.handler("escalation", "response_due", response_window_passed)
    registry.handler("escalation", "reminder", remind)
    registry.describer("escalation", describe_deadline)

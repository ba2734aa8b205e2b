"""What happens when an escalation's deadline or reminder comes due."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from ..adapters.tables import Escalation, EscalationLevel, Timer
from ..machines.base import fire
from ..machines.escalation import EscState, EscTrigger, escalation_machine
from . import audit
from . import escalation_firing as firing
from .common import get_contract, notify, pinned_profile
from .context import Ctx
from .deadlines import describes
from .escalation_case import recipients, reminder_recipients
from .escalation_firing import Contact
from .timers import DueTimer, handles
from .views import last_day


def _named(people: dict[str, Contact], key: str) -> str:
    person = people.get(key)
    return f"{person.name} ({person.role})" if person else key


@handles("escalation", "response_due")
def response_window_passed(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    """The counterpart did not respond within the window: the level may now be assessed (SPEC §1 rule 2b)."""
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
            notify(
                session,
                key=f"timer:{timer.id}",
                now=now,
                person=person,
                contract_key=case.contract_key,
                case=case.ref,
                subject=f"[{case.contract_key}] {case.ref}: no response by {last_day(timer.due_at)}",
                body=(
                    f"{who} did not respond to {case.ref} ({case.subject}) within the "
                    f"{timer.rule} ({timer.source}). Record your assessment of level {case.level} "
                    "(sufficient / insufficient, with reason) to continue."
                ),
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


@handles("escalation", "reminder")
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
    day = last_day(deadline_at)
    when = {True: f"is due in {-offset} day(s), on {day}", False: f"was due on {day}"}[offset < 0]
    if offset == 0:
        when = f"is due today, {day}"
    roles = firing.profile(session, case).spec.reminders.notify_roles
    for person in recipients(people, roles, case.counterpart_key):
        notify(
            session,
            key=f"timer:{timer.id}",
            now=now,
            person=person,
            contract_key=case.contract_key,
            case=case.ref,
            subject=f"[{case.contract_key}] reminder: response to {case.ref} {when}",
            body=(
                f"Escalation {case.ref} ({case.subject}) at level {case.level} awaits the response of "
                f"{who}. The {timer.rule} {when} (Europe/Amsterdam)."
            ),
        )
    return f"reminded ({offset:+d} d)"


@describes("escalation")
def describe_deadline(session: Session, timer: Timer) -> dict[str, Any]:
    """A response deadline: the counterpart must respond; the reminded roles are reminded too."""
    row = session.get(Escalation, timer.subject_id)
    if row is None:
        return {}
    record = session.exec(
        select(EscalationLevel)
        .where(EscalationLevel.escalation_id == row.id)
        .order_by(col(EscalationLevel.id).desc())
        .limit(1)
    ).first()
    if record is None:
        return {"subject": row.subject, "level": row.level}
    profile = pinned_profile(get_contract(session, row.contract_key))
    people = reminder_recipients(session, row, profile, record)
    return {"subject": row.subject, "level": row.level, "responsible": [p.key for p in people]}

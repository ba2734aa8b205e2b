"""What happens when an escalation's deadline or reminder comes due."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from ..adapters.tables import Escalation, EscalationLevel, Timer
from ..machines.base import fire
from ..machines.escalation import EscState, EscTrigger, escalation_machine
from .common import case_ref, get_contract, notify, pinned_profile
from .context import Ctx
from .deadlines import describes
from .escalation_case import Loaded, load, people_for, reminder_recipients, write_audit
from .timers import handles
from .views import last_day


def _is_current(loaded: Loaded, payload: dict[str, int]) -> bool:
    """A timer belongs to the level attempt that set it; a later raise or refusal makes it obsolete."""
    return loaded.row.level == payload["level"] and loaded.current().attempt == payload["attempt"]


def _named(loaded: Loaded, key: str) -> str:
    person = people_for(loaded, key)
    return f"{person.name} ({person.role})" if person else key


@handles("escalation", "response_due")
def response_window_passed(ctx: Ctx, session: Session, timer: Timer, now: datetime) -> str:
    """The counterpart did not respond within the window: the level may now be assessed (SPEC §1 rule 2b)."""
    payload = json.loads(timer.payload)
    loaded = load(session, case_ref("escalation", timer.subject_id))
    if loaded.row.state != EscState.ADDRESSED.value or not _is_current(loaded, payload):
        return "obsolete"
    record = loaded.current()
    who = _named(loaded, record.counterpart_key)
    before = loaded.row.state
    loaded.row.state = fire(
        escalation_machine(), loaded.model(), EscTrigger.WINDOW_PASSED, rule=timer.rule, source=timer.source
    )
    record.window_passed_at = timer.due_at
    loaded.row.updated_at = now
    session.add(loaded.row)
    session.add(record)
    for key in {record.raised_by, loaded.row.opened_by}:
        person = people_for(loaded, key)
        if person is not None:
            notify(
                session,
                key=f"timer:{timer.id}",
                now=now,
                person=person,
                contract_key=loaded.row.contract_key,
                case=loaded.ref,
                subject=f"[{loaded.row.contract_key}] {loaded.ref}: no response by {last_day(timer.due_at)}",
                body=(
                    f"{who} did not respond to {loaded.ref} ({loaded.row.subject}) within the "
                    f"{timer.rule} ({timer.source}). Record your assessment of level {record.level} "
                    "(sufficient / insufficient, with reason) to continue."
                ),
            )
    write_audit(
        ctx,
        loaded,
        now=now,
        actor="system",
        action="escalation.window_passed",
        before=before,
        reason=f"{timer.rule} ({timer.source}) ended {timer.due_at.isoformat()} without response",
        payload={
            "timer": timer.id,
            "due_at": timer.due_at.isoformat(),
            "late_by_s": int((now - timer.due_at).total_seconds()),
        },
    )
    return "window passed"


@handles("escalation", "reminder")
def remind(ctx: Ctx, session: Session, timer: Timer, now: datetime) -> str:
    """Before, on and after the response deadline: remind the account manager and the counterpart."""
    payload = json.loads(timer.payload)
    loaded = load(session, case_ref("escalation", timer.subject_id))
    open_states = (EscState.ADDRESSED.value, EscState.NO_RESPONSE.value)
    if loaded.row.state not in open_states or not _is_current(loaded, payload):
        return "obsolete"
    deadline_at = datetime.fromisoformat(payload["deadline_at"])
    offset = int(payload["offset_days"])
    if offset <= 0 and now >= deadline_at:
        return "obsolete"  # caught up after downtime: a "due soon" note after the deadline would mislead
    record = loaded.current()
    who = _named(loaded, record.counterpart_key)
    day = last_day(deadline_at)
    when = {True: f"is due in {-offset} day(s), on {day}", False: f"was due on {day}"}[offset < 0]
    if offset == 0:
        when = f"is due today, {day}"
    for person in reminder_recipients(session, loaded.row, loaded.profile, record, loaded.everyone()):
        notify(
            session,
            key=f"timer:{timer.id}",
            now=now,
            person=person,
            contract_key=loaded.row.contract_key,
            case=loaded.ref,
            subject=f"[{loaded.row.contract_key}] reminder: response to {loaded.ref} {when}",
            body=(
                f"Escalation {loaded.ref} ({loaded.row.subject}) at level {record.level} awaits the response of "
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

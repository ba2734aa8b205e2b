"""A contract's terms as due dates on its calendar, and a deadline scheduled with its reminders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from escalation_engine.core.dates import Term, at_local_time, deadline_date, end_of_day
from escalation_engine.core.schedule import _insert_timers
from escalation_engine.core.workdays import WorkdayCalendar
from escalation_engine.profile.model import Profile


def term_of(spec: Any) -> Term:
    return Term(amount=spec.amount, unit=spec.unit, label=spec.label, source=spec.source)


def due_date(profile: Profile, start: date, term: Term) -> date:
    rules = profile.spec.deadlines
    return deadline_date(
        start,
        term,
        roll_to_working_day=rules.roll_to_working_day,
        calendar=WorkdayCalendar.named(rules.calendar),
    )


def schedule_deadline_with_reminders(
    session: Session,
    profile: Profile,
    *,
    now: datetime,
    key: str,
    kind: str,
    subject_kind: str,
    subject_id: int,
    contract_key: str,
    last_day: date,
    rule: str,
    source: str,
    payload: dict[str, Any],
    reminders: Any = None,
) -> datetime:
    """A deadline at the end of `last_day` (Europe/Amsterdam) plus reminders around it: the profile's
    (escalation) reminder schedule, or the procedure's own `reminders` spec (offsets_days, at, source)."""
    due_at = end_of_day(last_day)
    common: dict[str, Any] = {
        "kind": kind,
        "subject_kind": subject_kind,
        "subject_id": subject_id,
        "contract_key": contract_key,
        "status": "pending",
        "fired_at": None,
        "rule": rule,
    }
    rows = [
        {**common, "idempotency_key": f"{key}:due", "due_at": due_at, "source": source, "payload": payload}
    ]
    reminders = profile.spec.reminders if reminders is None else reminders
    hour, minute = (int(part) for part in reminders.at.split(":"))
    for offset in reminders.offsets_days:
        when = at_local_time(date.fromordinal(last_day.toordinal() + offset), hour, minute)
        if when <= now:
            continue
        reminder = {
            **payload,
            "offset_days": offset,
            "deadline_kind": kind,
            "deadline_at": due_at.isoformat(),
        }
        rows.append(
            {
                **common,
                "idempotency_key": f"{key}:reminder:{offset:+d}",
                "kind": "reminder",
                "due_at": when,
                "source": reminders.source,
                "payload": reminder,
            }
        )
    _insert_timers(session, rows)
    return due_at

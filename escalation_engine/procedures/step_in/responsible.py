"""Who is responsible for a step-in's deadlines, as SQL: the progress check concerns the roles that may
request a step-in, the meetings and advice the profile's reminded roles (`describe_deadline` says the same
per row)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col

from escalation_engine.contracts.lookup import session_profile
from escalation_engine.contracts.people import session_people
from escalation_engine.core.registry import Registry
from escalation_engine.core.tables import Timer

CHECK = "progress_check"  # the timer kind of stage "check" (meetings.schedule_check)


def responsible(session: Session, contract_key: str, person_key: str) -> Any:
    person = session_people(session, contract_key).get(person_key)
    rules = session_profile(session, contract_key).spec.step_in
    if person is None or rules is None:
        return False
    checks = person.role in rules.requested_by
    others = person.role in rules.reminders.notify_roles
    if checks and others:
        return True
    if checks:
        return col(Timer.kind) == CHECK
    return col(Timer.kind) != CHECK if others else False


def register(registry: Registry) -> None:
    registry.responsibility("stepin", responsible)

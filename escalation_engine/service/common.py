"""Lookups and the writes every procedure shares: timers and outbox rows in the caller's transaction."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from ..adapters.tables import Contract, Outbox, Person, Timer
from ..domain.dates import Term, at_local_time, deadline_date, end_of_day
from ..domain.errors import BadInput, NotFound, RuleRefused
from ..domain.workdays import WorkdayCalendar
from ..profiles import Profile, parse_profile

PREFIXES = {
    "escalation": "ESC",
    "plan": "PLAN",
    "stepin": "STEP",
    "obligation": "OBL",
    "kpi_verdict": "VER",
    "sanction": "SAN",
}
MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL (bigint) can store


def case_ref(kind: str, ident: int | None) -> str:
    return f"{PREFIXES[kind]}-{ident}"


def parse_ref(kind: str, text: str) -> int:
    prefix = PREFIXES[kind]
    match = re.fullmatch(rf"(?:{prefix}-?)?(\d+)", text.strip(), flags=re.IGNORECASE)
    if not match:
        raise BadInput(f"malformed {kind} reference {text!r}: expected {prefix}-<number>, e.g. {prefix}-1")
    number = int(match.group(1))
    if number > MAX_ID:
        raise BadInput(f"{kind} reference {text!r} is out of range: no case has a number that large")
    return number


def require_text(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise BadInput(f"{what} must not be empty")
    return value.strip()


def get_contract(session: Session, key: str) -> Contract:
    contract = session.get(Contract, key)
    if contract is None:
        raise NotFound(f"contract {key!r} not found")
    return contract


def pinned_profile(contract: Contract) -> Profile:
    """The profile exactly as it was when the contract was registered."""
    return parse_profile(
        contract.profile_text,
        f"contract {contract.key} (pinned {contract.profile_name} v{contract.profile_version})",
    )


def get_person(session: Session, contract_key: str, key: str | None) -> Person:
    if not key:
        raise BadInput("name the acting person with --as PERSON (or ESCALATION_ENGINE_AS)")
    person = session.exec(
        select(Person).where(Person.contract_key == contract_key, Person.key == key)
    ).first()
    if person is None:
        raise NotFound(f"person {key!r} not found on contract {contract_key!r}")
    return person


def people_with_role(session: Session, contract_key: str, role: str) -> list[Person]:
    query = (
        select(Person)
        .where(Person.contract_key == contract_key, Person.role == role)
        .order_by(col(Person.id))
    )
    return list(session.exec(query))


def counterpart(session: Session, contract_key: str, role: str, level_name: str, source: str) -> Person:
    people = people_with_role(session, contract_key, role)
    if not people:
        raise RuleRefused(
            f"no counterpart registered for {level_name} on contract {contract_key!r}: register a person with "
            f"role {role!r} first (person add … --role {role})",
            rule="counterpart at the same level (SPEC §1)",
            source=source,
        )
    return people[0]


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


def schedule(
    session: Session,
    *,
    key: str,
    kind: str,
    subject_kind: str,
    subject_id: int,
    contract_key: str,
    due_at: datetime,
    rule: str,
    source: str,
    payload: dict[str, Any],
) -> Timer:
    timer = Timer(
        idempotency_key=key,
        kind=kind,
        subject_kind=subject_kind,
        subject_id=subject_id,
        contract_key=contract_key,
        due_at=due_at,
        rule=rule,
        source=source,
        payload=json.dumps(payload, sort_keys=True),
    )
    session.add(timer)
    return timer


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
) -> datetime:
    """A deadline at the end of `last_day` (Europe/Amsterdam) plus the profile's reminders around it."""
    due_at = end_of_day(last_day)
    common: dict[str, Any] = {
        "subject_kind": subject_kind,
        "subject_id": subject_id,
        "contract_key": contract_key,
    }
    schedule(
        session,
        key=f"{key}:due",
        kind=kind,
        due_at=due_at,
        rule=rule,
        source=source,
        payload=payload,
        **common,
    )
    reminders = profile.spec.reminders
    hour, minute = (int(part) for part in reminders.at.split(":"))
    for offset in reminders.offsets_days:
        when = at_local_time(date.fromordinal(last_day.toordinal() + offset), hour, minute)
        if when <= now:
            continue
        schedule(
            session,
            key=f"{key}:reminder:{offset:+d}",
            kind="reminder",
            due_at=when,
            rule=rule,
            source=reminders.source,
            payload={
                **payload,
                "offset_days": offset,
                "deadline_kind": kind,
                "deadline_at": due_at.isoformat(),
            },
            **common,
        )
    return due_at


def cancel_timers(session: Session, subject_kind: str, subject_id: int, now: datetime) -> int:
    query = select(Timer).where(
        Timer.subject_kind == subject_kind, Timer.subject_id == subject_id, Timer.status == "pending"
    )
    count = 0
    for timer in session.exec(query):
        timer.status = "cancelled"
        timer.fired_at = now
        session.add(timer)
        count += 1
    return count


def notify(
    session: Session,
    *,
    key: str,
    now: datetime,
    person: Person,
    contract_key: str,
    case: str | None,
    subject: str,
    body: str,
) -> None:
    """Queue a message in the outbox (same transaction); at most one per key and recipient."""
    idem = f"{key}:{person.key}"
    if session.exec(select(Outbox.id).where(Outbox.idempotency_key == idem)).first() is not None:
        return
    session.add(
        Outbox(
            idempotency_key=idem,
            contract_key=contract_key,
            case_ref=case,
            recipient_key=person.key,
            recipient_name=person.name,
            recipient_email=person.email,
            subject=subject,
            body=body,
            created_at=now,
            next_attempt_at=now,
        )
    )

"""Lookups and the writes every procedure shares: timers and outbox rows in the caller's transaction."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from ..adapters.tables import Contract, Outbox, Person, Timer
from ..domain.dates import Term, at_local_time, deadline_date, end_of_day
from ..domain.errors import BadInput, NotFound, RuleRefused
from ..domain.workdays import WorkdayCalendar
from ..profiles import Profile, ProfileSpec, parse_profile

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


def lock_contract(session: Session, key: str) -> Contract:
    """`get_contract`, holding the contract's row until the transaction ends: on PostgreSQL the actions
    that check "not recorded / not evaluated yet" and then write take turns per contract (SQLite's
    BEGIN IMMEDIATE already serialises every write)."""
    contract = session.exec(select(Contract).where(Contract.key == key).with_for_update()).first()
    if contract is None:
        raise NotFound(f"contract {key!r} not found")
    return contract


def pinned_profile(contract: Contract) -> Profile:
    """The profile exactly as it was when the contract was registered: from its JSON copy, else (or if that
    does not validate) from the pinned YAML text."""
    origin = f"contract {contract.key} (pinned {contract.profile_name} v{contract.profile_version})"
    if contract.profile_json:
        return _from_json(contract.profile_json, contract.profile_text, origin)
    return _parse_pinned(contract.profile_text, origin)


@lru_cache(maxsize=32)
def _from_json(data: str, text: str, origin: str) -> Profile:
    try:
        spec = ProfileSpec.model_validate(json.loads(data))
    except (ValidationError, ValueError, TypeError):
        return _parse_pinned(text, origin)
    return Profile.of(spec, text, origin)


@lru_cache(maxsize=32)
def _parse_pinned(text: str, origin: str) -> Profile:
    """`parse_profile` for a text the engine accepted at registration, read with libyaml when PyYAML has
    it (the pure-Python parser took ~0.1 s of every CLI command); any problem takes the normal path, so
    the messages stay those of `parse_profile`."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            data = yaml.load(text, Loader=loader)  # noqa: S506 (CSafeLoader is the safe loader)
            spec = ProfileSpec.model_validate(data)
        except (yaml.YAMLError, ValidationError, TypeError, ValueError):
            pass
        else:
            return Profile.of(spec, text, origin)
    return parse_profile(text, origin)


def get_person(session: Session, contract_key: str, key: str | None) -> Person:
    if not key:
        raise BadInput("name the acting person with --as PERSON (or ESCALATION_ENGINE_AS)")
    person = session.exec(
        select(Person).where(Person.contract_key == contract_key, Person.key == key)
    ).first()
    return _found(person, contract_key, key)


def contract_people(session: Session, contract_key: str) -> dict[str, Person]:
    """Everyone registered on the contract, by key, in registration order: one query per transaction
    for the callers that keep it (an action or a firing looks up several people)."""
    return {person.key: person for person in session.exec(_PEOPLE, params={"contract": contract_key})}


_PEOPLE = select(Person).where(Person.contract_key == bindparam("contract")).order_by(col(Person.id))


def person_among(people: dict[str, Person], contract_key: str, key: str | None) -> Person:
    """`get_person` over the people already loaded with `contract_people` (same refusals)."""
    if not key:
        raise BadInput("name the acting person with --as PERSON (or ESCALATION_ENGINE_AS)")
    return _found(people.get(key), contract_key, key)


def _found(person: Person | None, contract_key: str, key: str) -> Person:
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


def counterpart(
    session: Session,
    contract_key: str,
    role: str,
    level_name: str,
    source: str,
    *,
    people: dict[str, Person] | None = None,
) -> Person:
    if people is None:
        found = people_with_role(session, contract_key, role)
    else:
        found = [person for person in people.values() if person.role == role]
    if not found:
        raise RuleRefused(
            f"no counterpart registered for {level_name} on contract {contract_key!r}: register a person with "
            f"role {role!r} first (person add … --role {role})",
            rule="counterpart at the same level (SPEC §1)",
            source=source,
        )
    return found[0]


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


def _insert_timers(session: Session, rows: list[dict[str, Any]]) -> None:
    """One Core INSERT for the deadline and its reminders (same rows as `schedule` would add one by one)."""
    if any(isinstance(obj, Timer) for obj in session.new):
        session.flush()  # timers added before these keep their lower ids
    for row in rows:
        row["payload"] = json.dumps(row["payload"], sort_keys=True)
    session.connection().execute(_TIMER.insert(), rows)


_PENDING_TIMERS = select(Timer).where(
    Timer.subject_kind == bindparam("kind"), Timer.subject_id == bindparam("ident"), Timer.status == "pending"
)


def cancel_timers(session: Session, subject_kind: str, subject_id: int, now: datetime) -> int:
    timers = session.exec(_PENDING_TIMERS, params={"kind": subject_kind, "ident": subject_id})
    count = 0
    for timer in timers:
        timer.status = "cancelled"
        timer.fired_at = now
        session.add(timer)
        count += 1
    return count


class Recipient(Protocol):
    """Whom a notice goes to: a `Person` row, or a plain contact read on the firing path."""

    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str | None: ...


def notify(
    session: Session,
    *,
    key: str,
    now: datetime,
    person: Recipient,
    contract_key: str,
    case: str | None,
    subject: str,
    body: str,
) -> None:
    """Queue a message in the outbox (same transaction); at most one per key and recipient."""
    idem = f"{key}:{person.key}"
    values = {
        "idempotency_key": idem,
        "contract_key": contract_key,
        "case_ref": case,
        "recipient_key": person.key,
        "recipient_name": person.name,
        "recipient_email": person.email,
        "subject": subject,
        "body": body,
        "created_at": now,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
    }
    # One statement instead of a lookup + an ORM insert; the unique key makes a repeat a no-op.
    session.connection().execute(_insert_ignoring_duplicates(session, _OUTBOX), values)


_OUTBOX = Outbox.__table__  # type: ignore[attr-defined]
_TIMER = Timer.__table__  # type: ignore[attr-defined]


def _insert_ignoring_duplicates(session: Session, table: Any) -> Any:
    """`INSERT … ON CONFLICT (idempotency_key) DO NOTHING` in the session's dialect (SQLite or PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    statement = _INSERTS.get((dialect, table.name))
    if statement is None:
        if dialect == "sqlite":  # import only the dialect in use (PostgreSQL's pulls in asyncio)
            from sqlalchemy.dialects import sqlite as module
        else:
            from sqlalchemy.dialects import postgresql as module  # type: ignore[no-redef]
        statement = module.insert(table).on_conflict_do_nothing(index_elements=["idempotency_key"])
        _INSERTS[(dialect, table.name)] = statement
    return statement


_INSERTS: dict[tuple[str, str], Any] = {}

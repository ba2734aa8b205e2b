"""The people registered on a contract: by key, by role, and the counterpart at a level."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.tables import Person


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
            rule="the counterpart at the same level of the ladder",
            source=source,
        )
    return found[0]

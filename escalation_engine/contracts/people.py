"""The people registered on a contract: by key, by role, and the counterpart at a level."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.principal import Principal
from escalation_engine.core.principal import current as current_principal
from escalation_engine.core.tables import Person


def get_person(session: Session, contract_key: str, key: str | None) -> Person:
    principal = current_principal()
    if principal is not None and principal.signed_in:
        mine = select(Person).where(
            Person.contract_key == contract_key, Person.account_id == principal.account_id
        )
        return _membership(list(session.exec(mine.order_by(col(Person.id)))), contract_key, principal, key)
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
    principal = current_principal()
    if principal is not None and principal.signed_in:
        mine = [p for p in people.values() if p.account_id == principal.account_id]
        return _membership(mine, contract_key, principal, key)
    if not key:
        raise BadInput("name the acting person with --as PERSON (or ESCALATION_ENGINE_AS)")
    return _found(people.get(key), contract_key, key)


def _found(person: Person | None, contract_key: str, key: str) -> Person:
    if person is None:
        raise NotFound(f"person {key!r} not found on contract {contract_key!r}")
    return person


def _membership(mine: list[Person], contract_key: str, principal: Principal, key: str | None) -> Person:
    """A signed-in account acts as its own membership on the contract, never as someone else."""
    if key and all(person.key != key for person in mine):
        raise RuleRefused(
            f"signed in as {principal.account}, you act as yourself only: {key!r} is not your membership",
            rule="no acting for another person on a shared database",
            source="accounts: shared mode",
        )
    chosen = [person for person in mine if person.key == key] if key else mine
    if not chosen:
        raise NotFound("not found among the contracts you are a member of")
    if len(chosen) > 1:
        roles = ", ".join(f"{person.key} ({person.role})" for person in chosen)
        raise BadInput(
            f"you have several memberships on this contract ({roles}); ask an administrator to keep one"
        )
    return chosen[0]


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


def session_people(session: Session, contract_key: str) -> dict[str, Person]:
    """`contract_people`, read once per session: for the read-only lists, which describe many rows of the
    same contract (an action keeps its own `contract_people`)."""
    cache: dict[str, dict[str, Person]] = session.info.setdefault(_SESSION_PEOPLE, {})
    found = cache.get(contract_key)
    if found is None:
        found = cache[contract_key] = contract_people(session, contract_key)
    return found


def preload_people(session: Session, contract_keys: Iterable[str]) -> None:
    """Read the people of many contracts with one query, so `session_people` reads none per contract (the
    lists and the deadline describers span many contracts)."""
    cache: dict[str, dict[str, Person]] = session.info.setdefault(_SESSION_PEOPLE, {})
    missing = sorted(set(contract_keys) - set(cache))
    if not missing:
        return
    found: dict[str, dict[str, Person]] = {key: {} for key in missing}
    query = select(Person).where(col(Person.contract_key).in_(missing)).order_by(col(Person.id))
    for person in session.exec(query):
        found[person.contract_key][person.key] = person
    cache.update(found)


def in_roles(people: dict[str, Person], roles: list[str] | tuple[str, ...]) -> list[Person]:
    """The people with one of `roles`, role by role, each once (as `people_with_role` per role would)."""
    found: dict[str, Person] = {}
    for role in roles:
        for person in people.values():
            if person.role == role:
                found.setdefault(person.key, person)
    return list(found.values())


_SESSION_PEOPLE = "escalation_engine.people"

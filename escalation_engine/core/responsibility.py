"""A person's open deadlines as SQL conditions on the timer table: per contract the person is on, per
subject kind, the procedure's responsibility test (`Registry.responsibility`). The describers still decide
row by row (`person_key in row["responsible"]`); this keeps a list, a count and a page of one person's
deadlines in the database instead of describing every open deadline of the contract first.

`responsible_terms` gives the conditions as disjoint terms — one per contract for the subject kinds the
person has whole, one per contract and subject kind the person has in part — so that a count is the sum of
the terms' counts and a page is merged from each term's first rows, each term read along the open-deadline
index of its contract and subject kind (migration 0014). One OR over them all is `responsible_filter`; the
planners (SQLite and PostgreSQL) read that along no index and test every open deadline of the contract."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, false, or_
from sqlalchemy.sql.elements import True_
from sqlmodel import Session, col, select

from escalation_engine.core.registry import Registry
from escalation_engine.core.tables import Person, Timer


def responsible_terms(
    registry: Registry,
    session: Session,
    person_keys: Iterable[str],
    contract_key: str | None = None,
    *,
    without_kinds: Iterable[str] = (),
) -> list[Any]:
    """Disjoint conditions whose union holds for the open deadlines any of `person_keys` is responsible for
    or reminded of (on `contract_key`, else on every contract with a person of such a key), leaving the
    subject kinds `without_kinds` out. A subject kind without a test is kept whole: its describer decides."""
    registry.require_wired()  # the describers and tests are known once the procedures are wired
    keys = sorted(set(person_keys))
    if not keys:
        return []
    if contract_key:
        on = {key: [contract_key] for key in keys}
    else:
        found = select(Person.contract_key, Person.key).where(col(Person.key).in_(keys)).distinct()
        on = {}
        for contract, key in session.exec(found):
            on.setdefault(key, []).append(contract)
    contracts = sorted({contract for of_key in on.values() for contract in of_key})
    terms: list[Any] = []
    for contract in contracts:
        whole: list[str] = []
        for kind in sorted(set(registry.describers) - set(without_kinds)):
            conditions = _conditions(
                registry, session, kind, contract, [k for k in keys if contract in on.get(k, [])]
            )
            if conditions is True:
                whole.append(kind)
            elif conditions:
                terms.append(
                    and_(
                        col(Timer.contract_key) == contract,
                        col(Timer.subject_kind) == kind,
                        or_(*conditions),
                    )
                )
        if whole:
            kinds = (
                col(Timer.subject_kind) == whole[0] if len(whole) == 1 else col(Timer.subject_kind).in_(whole)
            )
            terms.append(and_(col(Timer.contract_key) == contract, kinds))
    return terms


def _conditions(
    registry: Registry, session: Session, kind: str, contract: str, keys: list[str]
) -> bool | list[Any]:
    """True when one of `keys` has every deadline of `kind` on `contract`, else the SQL conditions of those
    who have some (none: an empty list)."""
    test = registry.responsibility_for(kind)
    if test is None:
        return bool(keys)
    found: list[Any] = []
    for key in keys:
        condition = test(session, contract, key)
        if condition is True or isinstance(condition, True_):
            return True
        if condition is not False:
            found.append(condition)
    return found


def responsible_filter(
    registry: Registry, session: Session, person_key: str, contract_key: str | None = None
) -> Any:
    """One condition for the open deadlines `person_key` is responsible for or reminded of (on
    `contract_key`, else on every contract with a person of that key): the OR of `responsible_terms`."""
    terms = responsible_terms(registry, session, [person_key], contract_key)
    return or_(*terms) if terms else false()

"""A person's open deadlines as one SQL condition on the timer table: per contract the person is on, per
subject kind, the procedure's responsibility test (`Registry.responsibility`). The describers still decide
row by row (`person_key in row["responsible"]`); this keeps a list, a count and a page of one person's
deadlines in the database instead of describing every open deadline of the contract first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, or_
from sqlmodel import Session, col, select

from escalation_engine.core.registry import Registry
from escalation_engine.core.tables import Person, Timer


def responsible_filter(
    registry: Registry, session: Session, person_key: str, contract_key: str | None = None
) -> Any:
    """The condition that holds for the open deadlines `person_key` is responsible for or reminded of (on
    `contract_key`, else on every contract with a person of that key). A subject kind without a test is kept
    whole: its describer decides."""
    registry.require_wired()  # the describers and tests are known once the procedures are wired
    if contract_key:
        contracts = [contract_key]
    else:
        found = select(Person.contract_key).where(Person.key == person_key).distinct()
        contracts = sorted(session.exec(found))
    per_contract = []
    for contract in contracts:
        kinds = []
        for kind in sorted(registry.describers):
            test = registry.responsibility_for(kind)
            condition = True if test is None else test(session, contract, person_key)
            if condition is False:
                continue
            of_kind = col(Timer.subject_kind) == kind
            kinds.append(of_kind if condition is True else and_(of_kind, condition))
        if kinds:
            per_contract.append(and_(col(Timer.contract_key) == contract, or_(*kinds)))
    return or_(*per_contract) if per_contract else false()

"""Who is responsible for an obligation's due date, as SQL: the debtor's role and the creditor's roles
(`describe_deadline` says the same per row)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal, or_
from sqlmodel import Session, col, select

from escalation_engine.contracts.people import session_people
from escalation_engine.core.registry import Registry
from escalation_engine.core.tables import Timer
from escalation_engine.procedures.obligations.tables import Obligation


def responsible(session: Session, contract_key: str, person_key: str) -> Any:
    person = session_people(session, contract_key).get(person_key)
    if person is None:
        return False
    owed_to = literal(",") + col(Obligation.owed_to_roles) + literal(",")
    theirs = select(Obligation.id).where(
        Obligation.contract_key == contract_key,
        or_(col(Obligation.owed_by_role) == person.role, owed_to.contains(f",{person.role},")),
    )
    return col(Timer.subject_id).in_(theirs)


def register(registry: Registry) -> None:
    registry.responsibility("obligation", responsible)

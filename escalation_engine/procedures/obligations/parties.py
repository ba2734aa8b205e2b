"""Who an obligation concerns: the side that owes it and the side it is owed to (B2 §2.1, TP §3)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, or_, select

from escalation_engine.contracts.people import session_people
from escalation_engine.core.tables import Person
from escalation_engine.procedures.obligations.tables import Obligation


def involves(session: Session, row: Obligation, person_key: str) -> bool:
    """Whether the person (by key, on the obligation's contract) owes it or is owed it."""
    person = session_people(session, row.contract_key).get(person_key)
    return person is not None and (
        person.role == row.owed_by_role or person.role in row.owed_to_roles.split(",")
    )


def open_obligations_for(
    session: Session, person: Person, until: date | None = None, now: datetime | None = None
) -> list[Obligation]:
    """The person's unfulfilled obligations; with `until` and `now`, only those overdue at `now` or due by
    `until` (the digest's selection, cut in SQL)."""
    roles = {person.role}
    query = select(Obligation).where(
        Obligation.contract_key == person.contract_key, Obligation.state != "fulfilled"
    )
    if until is not None and now is not None:
        query = query.where(
            or_(
                col(Obligation.due_date) <= until,
                col(Obligation.state) == "overdue",
                col(Obligation.due_at) <= now,
            )
        )
    return [
        r for r in session.exec(query) if r.owed_by_role in roles or person.role in r.owed_to_roles.split(",")
    ]

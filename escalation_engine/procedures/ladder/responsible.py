"""Who is responsible for an escalation's response deadline, as SQL: everyone with one of the profile's
reminded roles, and the counterpart of the case's latest level record (`describe_deadline` says the same per
row) — so My work and `deadlines --person` filter and page a person's deadlines in the database. A person
at no case's latest level has no such deadline: no condition at all, read in one step along their level
records, instead of one that every open response deadline of the contract is tested against."""

from __future__ import annotations

from typing import Any

from sqlalchemy import true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import session_profile
from escalation_engine.contracts.people import session_people
from escalation_engine.core.registry import Registry
from escalation_engine.core.tables import Timer
from escalation_engine.procedures.ladder.tables import Escalation, EscalationLevel


def responsible(session: Session, contract_key: str, person_key: str) -> Any:
    person = session_people(session, contract_key).get(person_key)
    if person is None:
        return False
    if person.role in session_profile(session, contract_key).spec.reminders.notify_roles:
        return true()
    later = aliased(EscalationLevel)
    superseded = (  # "no later level record": an anti-join both planners read from the person's levels
        select(later.id)
        .where(later.escalation_id == EscalationLevel.escalation_id, col(later.id) > EscalationLevel.id)
        .correlate(EscalationLevel)
        .exists()
    )
    theirs = select(EscalationLevel.escalation_id).where(
        EscalationLevel.counterpart_key == person_key, ~superseded
    )
    if session.exec(theirs.limit(1)).first() is None:
        return False  # at no case's level now: no term (one would test every open deadline for none)
    return col(Timer.subject_id).in_(theirs)


def others(contract_key: str, organisations: list[str]) -> Any:
    """The escalations on the contract raised for another participant than `organisations` (one of no
    participant is the contract's, seen by all)."""
    return select(Escalation.id).where(
        Escalation.contract_key == contract_key,
        col(Escalation.participant).is_not(None),
        col(Escalation.participant) != "",
        col(Escalation.participant).not_in(organisations),
    )


def register(registry: Registry) -> None:
    registry.responsibility("escalation", responsible)
    registry.participant_cases("escalation", others)

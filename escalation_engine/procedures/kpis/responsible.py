"""Who is responsible for a KPI verdict's improvements and a sanction's response, as SQL: the supplier's
account managers (the describers in `follow_up` and `sanction_hearing` say the same per row)."""

from __future__ import annotations

from sqlmodel import Session

from escalation_engine.contracts.people import session_people
from escalation_engine.core.registry import Registry
from escalation_engine.procedures.kpis.verdicts import PREFIX_SANCTION, PREFIX_VERDICT

ACCOUNT_MANAGER = "account_manager"


def responsible(session: Session, contract_key: str, person_key: str) -> bool:
    person = session_people(session, contract_key).get(person_key)
    return person is not None and person.role == ACCOUNT_MANAGER


def register(registry: Registry) -> None:
    registry.responsibility(PREFIX_VERDICT, responsible)
    registry.responsibility(PREFIX_SANCTION, responsible)

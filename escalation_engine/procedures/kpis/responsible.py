"""Who is responsible for a KPI verdict's improvements and a sanction's response, as SQL: the supplier's
account managers (the describers in `follow_up` and `sanction_hearing` say the same per row); and whose
verdicts and sanctions they are, for a participant's contract manager (a decentral KPI's participant)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.contracts.people import session_people
from escalation_engine.core.registry import Registry
from escalation_engine.procedures.kpis.tables import KpiVerdict, SanctionCase
from escalation_engine.procedures.kpis.verdicts import PREFIX_SANCTION, PREFIX_VERDICT

ACCOUNT_MANAGER = "account_manager"


def responsible(session: Session, contract_key: str, person_key: str) -> bool:
    person = session_people(session, contract_key).get(person_key)
    return person is not None and person.role == ACCOUNT_MANAGER


def other_verdicts(contract_key: str, organisations: list[str]) -> Any:
    """The verdicts on the contract of a decentral KPI for another participant (a central KPI's verdict has
    no participant: the contract's, seen by all)."""
    return select(KpiVerdict.id).where(
        KpiVerdict.contract_key == contract_key,
        col(KpiVerdict.participant) != "",
        col(KpiVerdict.participant).not_in(organisations),
    )


def other_sanctions(contract_key: str, organisations: list[str]) -> Any:
    """The sanctions that follow such a verdict."""
    return select(SanctionCase.id).where(
        SanctionCase.contract_key == contract_key,
        col(SanctionCase.verdict_id).in_(other_verdicts(contract_key, organisations)),
    )


def register(registry: Registry) -> None:
    registry.responsibility(PREFIX_VERDICT, responsible)
    registry.responsibility(PREFIX_SANCTION, responsible)
    registry.participant_cases(PREFIX_VERDICT, other_verdicts)
    registry.participant_cases(PREFIX_SANCTION, other_sanctions)

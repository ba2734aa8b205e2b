"""Who is responsible for a plan's deadlines, as SQL: a three-step plan's window concerns the profile's
window roles, a norm-failure plan the supplier's notified and submitting roles (`describe_deadline` says the
same per row)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import not_, or_, true
from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import session_profile
from escalation_engine.contracts.people import session_people
from escalation_engine.core.registry import Registry
from escalation_engine.core.tables import Timer
from escalation_engine.procedures.plans.tables import ImprovementPlan

THREE_STEP = "three_step"


def responsible(session: Session, contract_key: str, person_key: str) -> Any:
    person = session_people(session, contract_key).get(person_key)
    if person is None:
        return False
    spec = session_profile(session, contract_key).spec
    kinds: list[Any] = []
    three_step = spec.improvement_plan
    if three_step is not None and person.role in three_step.window_notify_roles:
        kinds.append(col(ImprovementPlan.kind) == THREE_STEP)
    norm = spec.norm_failure_plan
    if norm is not None and person.role in [*norm.supplier_notify_roles, *norm.submit_roles]:
        kinds.append(true() if three_step is None else col(ImprovementPlan.kind) != THREE_STEP)
    if not kinds:
        return False
    return col(Timer.subject_id).in_(select(ImprovementPlan.id).where(or_(*kinds)))


def others(contract_key: str, organisations: list[str]) -> Any:
    """The plans on the contract that concern participants, none of them one of `organisations` (a plan of
    no participant is the contract's, seen by all). The participants are a JSON list: each organisation is
    looked for as its JSON string, written as `three_step` writes the list."""
    mine = [
        col(ImprovementPlan.participants).contains(json.dumps(org, ensure_ascii=False), autoescape=True)
        for org in organisations
    ]
    return select(ImprovementPlan.id).where(
        ImprovementPlan.contract_key == contract_key,
        col(ImprovementPlan.participants) != "[]",
        *(not_(found) for found in mine),
    )


def register(registry: Registry) -> None:
    registry.responsibility("plan", responsible)
    registry.participant_cases("plan", others)

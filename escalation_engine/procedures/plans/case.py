"""What both improvement-plan procedures share: loading, role checks, audit rows, reminders, people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.people import people_with_role
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import at_local_time
from escalation_engine.core.errors import NotFound, RuleRefused
from escalation_engine.core.notice_texts import send_notice
from escalation_engine.core.refs import case_ref, parse_ref
from escalation_engine.core.schedule import schedule
from escalation_engine.core.tables import Contract, Person
from escalation_engine.procedures.plans.machine import PlanModel
from escalation_engine.procedures.plans.profile import NormPlanSpec, ThreeStepPlanSpec
from escalation_engine.procedures.plans.tables import ImprovementPlan, PlanSubmission
from escalation_engine.profile.model import Profile

THREE_STEP, NORM_FAILURE = "three_step", "norm_failure"
KIND_NAMES = {
    THREE_STEP: "three-step improvement plan (B2 §5.2)",
    NORM_FAILURE: "improvement plan after a norm failure (TP §2.1.1, §2.1.2)",
}


@dataclass
class Loaded:
    session: Session
    row: ImprovementPlan
    contract: Contract
    profile: Profile
    submissions: list[PlanSubmission]

    @property
    def ref(self) -> str:
        return case_ref("plan", self.row.id)

    @property
    def ident(self) -> int:
        assert self.row.id is not None
        return self.row.id

    def participants(self) -> list[str]:
        names: list[str] = json.loads(self.row.participants or "[]")
        return names

    def model(self, *, early_step3_allowed: bool = False) -> PlanModel:
        return PlanModel(
            ref=self.ref,
            state=self.row.state,
            kpi=self.row.kpi,
            participants=self.participants(),
            window_over=self.row.window_passed_at is not None,
            early_step3_allowed=early_step3_allowed,
        )

    def current(self) -> PlanSubmission | None:
        return max(self.submissions, key=lambda s: s.attempt, default=None)

    def touch(self, now: datetime) -> None:
        self.row.updated_at = now
        self.session.add(self.row)


def three_step_spec(profile: Profile, contract_key: str) -> ThreeStepPlanSpec:
    spec = profile.spec.improvement_plan
    if spec is None:
        raise RuleRefused(
            f"contract {contract_key!r} (profile {profile.name}) has no three-step improvement plan: its "
            "profile has no improvement_plan section",
            rule="three-step improvement plan not in this contract",
            source="B2 §5.2",
        )
    return spec


def norm_spec(profile: Profile, contract_key: str) -> NormPlanSpec:
    spec = profile.spec.norm_failure_plan
    if spec is None:
        raise RuleRefused(
            f"contract {contract_key!r} (profile {profile.name}) has no improvement plan within 14 days of a "
            "norm failure: its profile has no norm_failure_plan section",
            rule="14-day improvement plan not in this contract",
            source="TP §2.1.2",
        )
    return spec


def load(session: Session, ref: str, *, lock: bool = True) -> Loaded:
    ident = parse_ref("plan", ref)
    query = select(ImprovementPlan).where(ImprovementPlan.id == ident)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"improvement plan {case_ref('plan', ident)} not found")
    contract = get_contract(session, row.contract_key)
    submissions = list(
        session.exec(
            select(PlanSubmission).where(PlanSubmission.plan_id == ident).order_by(col(PlanSubmission.id))
        )
    )
    return Loaded(session, row, contract, pinned_profile(contract), submissions)


def require_kind(loaded: Loaded, kind: str, action: str) -> None:
    if loaded.row.kind != kind:
        raise RuleRefused(
            f"{loaded.ref} is a {KIND_NAMES[loaded.row.kind]}; '{action}' belongs to the {KIND_NAMES[kind]}",
            rule=f"'{action}' only for the {KIND_NAMES[kind]}",
            source="B2 §5.2" if kind == THREE_STEP else "TP §2.1.2",
        )


def require_open(loaded: Loaded, source: str) -> None:
    if loaded.row.closed_at is not None:
        raise RuleRefused(
            f"{loaded.ref} is {loaded.row.state}; a resolved plan keeps its history but nothing more can be done",
            rule="wrong state (plan resolved)",
            source=source,
        )


def require_role(actor: Person, roles: Sequence[str], what: str, source: str, ref: str) -> None:
    if actor.role not in roles:
        raise RuleRefused(
            f"{ref}: {what} is for {' or '.join(roles)} (you, {actor.key}, are {actor.role})",
            rule=f"authority: {what}",
            source=source,
        )


def people_in_roles(session: Session, contract_key: str, roles: Sequence[str]) -> list[Person]:
    people: dict[str, Person] = {}
    for role in roles:
        for person in people_with_role(session, contract_key, role):
            people.setdefault(person.key, person)
    return list(people.values())


def tell(
    loaded: Loaded, roles: Sequence[str], kind: str, *, key: str, now: datetime, **data: Any
) -> list[str]:
    """Queue notice `kind` to each person in `roles`, in their language (idempotent per key); returns
    the recipients' keys."""
    people = people_in_roles(loaded.session, loaded.row.contract_key, roles)
    for person in people:
        send_notice(
            loaded.session,
            kind,
            key=key,
            now=now,
            person=person,
            contract_key=loaded.row.contract_key,
            case=loaded.ref,
            **data,
        )
    return [p.key for p in people]


def write_audit(
    ctx: Ctx,
    loaded: Loaded,
    *,
    now: datetime,
    actor: Person | str,
    action: str,
    before: str,
    reason: str | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    audit.case_step(
        ctx.db,
        loaded.session,
        now=now,
        actor=actor,
        action=action,
        contract_key=loaded.row.contract_key,
        case_ref=loaded.ref,
        level=loaded.row.step,
        before=before,
        after=loaded.row.state,
        reason=reason,
        payload=payload,
    )


def reminder_time(profile: Profile) -> tuple[int, int]:
    hour, minute = (int(part) for part in profile.spec.reminders.at.split(":"))
    return hour, minute


def schedule_reminder(
    loaded: Loaded, *, key: str, day: date, rule: str, source: str, payload: dict[str, Any], now: datetime
) -> bool:
    """A reminder at the profile's reminder time on local `day`, unless that moment has already passed."""
    when = at_local_time(day, *reminder_time(loaded.profile))
    if when <= now:
        return False
    schedule_at(loaded, key=key, kind="reminder", due_at=when, rule=rule, source=source, payload=payload)
    return True


def schedule_at(
    loaded: Loaded, *, key: str, kind: str, due_at: datetime, rule: str, source: str, payload: dict[str, Any]
) -> None:
    schedule(
        loaded.session,
        key=key,
        kind=kind,
        subject_kind="plan",
        subject_id=loaded.ident,
        contract_key=loaded.row.contract_key,
        due_at=due_at,
        rule=rule,
        source=source,
        payload=payload,
    )

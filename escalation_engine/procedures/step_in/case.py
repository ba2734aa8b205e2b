"""Loading, role checks, deadlines, reminders and messages shared by the step-in actions and timers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract, pinned_profile, preload_profiles, session_profile
from escalation_engine.contracts.people import people_with_role
from escalation_engine.contracts.terms import schedule_deadline_with_reminders
from escalation_engine.core import audit
from escalation_engine.core.batch import grouped
from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import NotFound, RuleRefused
from escalation_engine.core.notice_texts import send_notice
from escalation_engine.core.refs import case_ref, parse_ref
from escalation_engine.core.registry import DueTimer
from escalation_engine.core.tables import Contract, Person, Timer
from escalation_engine.procedures.step_in.machine import StepInModel
from escalation_engine.procedures.step_in.profile import StepInSpec
from escalation_engine.procedures.step_in.tables import StepIn, StepInAdvice, StepInMeeting
from escalation_engine.profile.model import Profile


@dataclass
class Loaded:
    session: Session
    row: StepIn
    contract: Contract
    profile: Profile
    meetings: list[StepInMeeting]
    advice: list[StepInAdvice]

    @property
    def ref(self) -> str:
        return case_ref("stepin", self.row.id)

    @property
    def rules(self) -> StepInSpec:
        return step_in_rules(self.contract, self.profile)

    @property
    def ident(self) -> int:
        assert self.row.id is not None
        return self.row.id

    def model(self) -> StepInModel:
        return StepInModel(
            ref=self.ref,
            state=self.row.state,
            culpable_causes=self.row.culpable,
            assessed=self.row.assessment is not None,
        )


def step_in_rules(contract: Contract, profile: Profile) -> StepInSpec:
    """The profile's step-in section; refused when the contract's profile has no step-in rights."""
    if profile.spec.step_in is None:
        raise RuleRefused(
            f"contract {contract.key!r} (profile {profile.name} v{profile.version}) has no step-in rights: "
            "its profile has no step_in section",
            rule="step-in rights are contractual (B2 §6)",
            source=profile.spec.seed,
        )
    return profile.spec.step_in


def load(session: Session, ref: str, *, lock: bool = True) -> Loaded:
    ident = parse_ref("stepin", ref)
    query = select(StepIn).where(StepIn.id == ident)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"step-in {case_ref('stepin', ident)} not found")
    contract = get_contract(session, row.contract_key)
    meetings = list(
        session.exec(
            select(StepInMeeting).where(StepInMeeting.step_in_id == ident).order_by(col(StepInMeeting.number))
        )
    )
    advice = list(
        session.exec(
            select(StepInAdvice).where(StepInAdvice.step_in_id == ident).order_by(col(StepInAdvice.number))
        )
    )
    return Loaded(session, row, contract, pinned_profile(contract), meetings, advice)


def load_many(session: Session, rows: list[StepIn]) -> list[Loaded]:
    """`load` (unlocked) for many step-ins at once: their meetings and advice with one query each, each
    contract and its pinned profile once."""
    ids = [row.id or 0 for row in rows]
    meetings = grouped(session, StepInMeeting, StepInMeeting.step_in_id, ids)
    advice = grouped(session, StepInAdvice, StepInAdvice.step_in_id, ids)
    preload_profiles(session, (row.contract_key for row in rows))
    loaded = []
    for row in rows:
        profile = session_profile(session, row.contract_key)
        mine = sorted(meetings.get(row.id or 0, []), key=lambda m: m.number)
        given = sorted(advice.get(row.id or 0, []), key=lambda a: a.number)
        loaded.append(Loaded(session, row, get_contract(session, row.contract_key), profile, mine, given))
    return loaded


def require_role(actor: Person, roles: list[str], what: str, source: str) -> None:
    if actor.role not in roles:
        raise RuleRefused(
            f"{what}; needed role: {' or '.join(roles)} (you are {actor.role})",
            rule="who may take step-in decisions (B2 §6)",
            source=source,
        )


def record_audit(
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
        level=None,
        before=before,
        after=loaded.row.state,
        reason=reason,
        payload=payload,
    )


def schedule_step_deadline(
    loaded: Loaded, *, now: datetime, stage: str, kind: str, last_day: date, rule: str, source: str
) -> datetime:
    """A step-in deadline at the end of `last_day` plus the step-in reminders before and on the day."""
    return schedule_deadline_with_reminders(
        loaded.session,
        loaded.profile,
        now=now,
        key=f"stepin:{loaded.ident}:{stage}",
        kind=kind,
        subject_kind="stepin",
        subject_id=loaded.ident,
        contract_key=loaded.row.contract_key,
        last_day=last_day,
        rule=rule,
        source=source,
        payload={"stage": stage},
        reminders=loaded.rules.reminders,
    )


def cancel_stage(loaded: Loaded, stage: str, now: datetime) -> None:
    """Cancel the pending deadline and reminders of one stage (e.g. "meeting1", "check", "advice2")."""
    prefix = f"stepin:{loaded.ident}:{stage}:"
    query = select(Timer).where(
        Timer.subject_kind == "stepin", Timer.subject_id == loaded.ident, Timer.status == "pending"
    )
    for timer in loaded.session.exec(query):
        if timer.idempotency_key.startswith(prefix):
            timer.status, timer.fired_at = "cancelled", now
            loaded.session.add(timer)


def stage_of(timer: DueTimer | Timer) -> str:
    return str(json.loads(timer.payload).get("stage", ""))


def people(session: Session, contract_key: str, roles: list[str]) -> list[Person]:
    found: dict[str, Person] = {}
    for role in roles:
        for person in people_with_role(session, contract_key, role):
            found.setdefault(person.key, person)
    return list(found.values())


def category_people(loaded: Loaded) -> list[Person]:
    return people(loaded.session, loaded.row.contract_key, loaded.rules.requested_by)


def supplier_people(loaded: Loaded) -> list[Person]:
    return people(loaded.session, loaded.row.contract_key, loaded.rules.reminders.notify_roles)


def tell(
    loaded: Loaded, recipients: list[Person], kind: str, *, key: str, now: datetime, **data: Any
) -> None:
    """Queue notice `kind` to each recipient, in their language (idempotent per key)."""
    for person in recipients:
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


def touch(loaded: Loaded, now: datetime) -> None:
    loaded.row.updated_at = now
    loaded.session.add(loaded.row)

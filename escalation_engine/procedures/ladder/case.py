"""An escalation case as the actions see it: loading it with its level records, addressing a level's
counterpart (deadline, reminders, notice), and the audit row every action writes (B2 §5.1, TP §3 table 2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.people import contract_people, counterpart, person_among
from escalation_engine.contracts.terms import due_date, schedule_deadline_with_reminders, term_of
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import NotFound, RuleRefused
from escalation_engine.core.notice_texts import send_notice
from escalation_engine.core.refs import case_ref, parse_ref
from escalation_engine.core.schedule import cancel_timers
from escalation_engine.core.tables import Contract, Person
from escalation_engine.procedures.ladder.machine import EscalationModel, EscState
from escalation_engine.procedures.ladder.rules import Ladder, LevelRecord
from escalation_engine.procedures.ladder.tables import Escalation, EscalationLevel
from escalation_engine.profile.model import Profile


@dataclass
class Loaded:
    session: Session
    row: Escalation
    contract: Contract
    profile: Profile
    levels: list[EscalationLevel]
    people: dict[str, Person] | None = None  # the contract's people, loaded on first use

    @property
    def ref(self) -> str:
        return case_ref("escalation", self.row.id)

    @property
    def ladder(self) -> Ladder:
        return self.profile.ladder

    def everyone(self) -> dict[str, Person]:
        if self.people is None:
            self.people = contract_people(self.session, self.row.contract_key)
        return self.people

    def person(self, key: str | None) -> Person:
        """The named person on the case's contract (BadInput / NotFound as `get_person`)."""
        return person_among(self.everyone(), self.row.contract_key, key)

    def current(self) -> EscalationLevel:
        return max((lv for lv in self.levels if lv.level == self.row.level), key=lambda lv: lv.attempt)

    def model(self) -> EscalationModel:
        latest: dict[int, EscalationLevel] = {}
        for lv in self.levels:
            if lv.level not in latest or lv.attempt > latest[lv.level].attempt:
                latest[lv.level] = lv
        records = {
            n: LevelRecord(
                level=n,
                addressed_at=lv.addressed_at,
                counterpart_key=lv.counterpart_key,
                response_due_at=lv.response_due_at,
                responded_at=lv.responded_at,
                window_passed_at=lv.window_passed_at,
                assessment=lv.assessment,
                assessment_reason=lv.assessment_reason,
                refused_at=lv.refused_at,
            )
            for n, lv in latest.items()
            if lv.refused_at is None
        }
        return EscalationModel(ref=self.ref, state=self.row.state, level=self.row.level, records=records)


_CASE = select(Escalation).where(Escalation.id == bindparam("ident"))
_CASE_LOCKED = _CASE.with_for_update()
_LEVELS = (
    select(EscalationLevel)
    .where(EscalationLevel.escalation_id == bindparam("ident"))
    .order_by(col(EscalationLevel.id))
)  # the statements are built once; only their parameters change


def load(session: Session, ref: str, *, lock: bool = True) -> Loaded:
    ident = parse_ref("escalation", ref)
    row = session.exec(_CASE_LOCKED if lock else _CASE, params={"ident": ident}).first()
    if row is None:
        raise NotFound(f"escalation {case_ref('escalation', ident)} not found")
    contract = get_contract(session, row.contract_key)
    levels = list(session.exec(_LEVELS, params={"ident": ident}))
    return Loaded(session, row, contract, pinned_profile(contract), levels)


def address(
    ctx: Ctx, loaded: Loaded, *, level: int, actor: Person, reason: str | None, now: datetime
) -> EscalationLevel:
    """Address the case to the counterpart of `level`: new level record, response deadline, reminders."""
    spec = loaded.ladder.level(level)
    target = counterpart(
        loaded.session,
        loaded.row.contract_key,
        spec.counterpart,
        f"level {level} ({spec.name})",
        spec.source,
        people=loaded.everyone(),
    )
    attempt = 1 + max((lv.attempt for lv in loaded.levels if lv.level == level), default=0)
    term = term_of(loaded.profile.spec.ladder.response_window)
    last_day = due_date(loaded.profile, local_date(now), term)
    assert loaded.row.id is not None
    rule = f"response window: addressed + {term.amount} {term.unit}"
    due_at = schedule_deadline_with_reminders(
        loaded.session,
        loaded.profile,
        now=now,
        key=f"esc:{loaded.row.id}:L{level}:a{attempt}",
        kind="response_due",
        subject_kind="escalation",
        subject_id=loaded.row.id,
        contract_key=loaded.row.contract_key,
        last_day=last_day,
        rule=rule,
        source=term.source,
        payload={"level": level, "attempt": attempt},
    )
    record = EscalationLevel(
        escalation_id=loaded.row.id,
        level=level,
        attempt=attempt,
        raised_by=actor.key,
        raise_reason=reason,
        addressed_at=now,
        counterpart_key=target.key,
        response_due_at=due_at,
    )
    loaded.session.add(record)
    loaded.levels.append(record)
    send_notice(
        loaded.session,
        "escalation_addressed",
        key=f"esc:{loaded.row.id}:L{level}:a{attempt}:addressed",
        now=now,
        person=target,
        contract_key=loaded.row.contract_key,
        case=loaded.ref,
        actor=f"{actor.name} ({actor.role})",
        counterpart=spec.counterpart,
        level_name=spec.name,
        level_source=spec.source,
        subject=loaded.row.subject,
        reason=reason,
        due=f"{last_day:%Y-%m-%d}",
        rule=rule,
        source=term.source,
    )
    return record


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
        level=loaded.row.level,
        before=before,
        after=loaded.row.state,
        reason=reason,
        payload=payload,
    )


def check_recipient(actor: Person, role: str, level_name: str, source: str) -> None:
    if actor.role != role:
        raise RuleRefused(
            f"only the recipient at {level_name} may refuse the escalation; needed role: {role} (you are {actor.role})",
            rule="the person escalated to may refuse the escalation",
            source=source,
        )


def refuse_if_finished(loaded: Loaded) -> None:
    if loaded.row.state in (EscState.CLOSED.value, EscState.REFUSED.value):
        raise RuleRefused(
            f"{loaded.ref} is {loaded.row.state}; nothing more can be done with it",
            rule="wrong state",
            source=loaded.ladder.source,
        )


def cancel_and_touch(loaded: Loaded, now: datetime) -> None:
    assert loaded.row.id is not None
    cancel_timers(loaded.session, "escalation", loaded.row.id, now)
    loaded.row.updated_at = now
    loaded.session.add(loaded.row)


def require_role(actor: Person, allowed: Sequence[str], what: str, *, rule: str, source: str) -> None:
    """Refuse `actor` unless their role is one of `allowed`; the message says which role is needed."""
    if actor.role not in allowed:
        raise RuleRefused(
            f"{what}; needed role: {' or '.join(allowed)} (you are {actor.role})", rule=rule, source=source
        )


def tell_raisers(loaded: Loaded, *, key: str, now: datetime, kind: str, **data: Any) -> None:
    """Queue notice `kind` to everyone who raised the case, in the action's transaction."""
    for person in raisers(loaded):
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


def raisers(loaded: Loaded) -> list[Person]:
    keys = {lv.raised_by for lv in loaded.levels} | {loaded.row.opened_by}
    return [p for p in (people_for(loaded, k) for k in sorted(keys)) if p is not None]


def people_for(loaded: Loaded, key: str) -> Person | None:
    return loaded.everyone().get(key)


def reminder_recipients(
    session: Session,
    row: Escalation,
    profile: Profile,
    record: EscalationLevel,
    people: dict[str, Person] | None = None,
) -> list[Person]:
    """The supplier's account manager(s) and the counterpart at the case's current level."""
    everyone = contract_people(session, row.contract_key) if people is None else people
    return recipients(everyone, profile.spec.reminders.notify_roles, record.counterpart_key)


class _WithRole(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def role(self) -> str: ...


P = TypeVar("P", bound=_WithRole)


def recipients(everyone: dict[str, P], notify_roles: list[str], counterpart_key: str) -> list[P]:
    """Everyone with one of the reminded roles, then the level's counterpart; each once."""
    chosen: dict[str, P] = {}
    for role in notify_roles:
        for person in everyone.values():
            if person.role == role:
                chosen[person.key] = person
    target = everyone.get(counterpart_key)
    if target is not None:
        chosen[target.key] = target
    return list(chosen.values())

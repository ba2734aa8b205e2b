"""Escalation actions (SPEC §1): open, respond, assess, raise, refuse, close.

Each action is one transaction: load → domain checks → fire the machine → write the case, its level
record, timers, outbox and audit row together. A refused action raises before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from ..adapters.tables import Contract, Escalation, EscalationLevel, Person
from ..domain.dates import local_date
from ..domain.errors import NotFound, RuleRefused
from ..domain.ladder import ClosureText, Ladder, LevelRecord, check_closure, check_raise
from ..machines.base import fire
from ..machines.escalation import EscalationModel, EscState, EscTrigger, escalation_machine
from ..profiles import Profile
from . import audit
from .common import (
    cancel_timers,
    case_ref,
    counterpart,
    due_date,
    get_contract,
    get_person,
    notify,
    parse_ref,
    people_with_role,
    pinned_profile,
    require_text,
    schedule_deadline_with_reminders,
    term_of,
)
from .context import Ctx
from .views import escalation_view


@dataclass
class Loaded:
    session: Session
    row: Escalation
    contract: Contract
    profile: Profile
    levels: list[EscalationLevel]

    @property
    def ref(self) -> str:
        return case_ref("escalation", self.row.id)

    @property
    def ladder(self) -> Ladder:
        return self.profile.ladder

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


def _load(session: Session, ref: str, *, lock: bool = True) -> Loaded:
    ident = parse_ref("escalation", ref)
    query = select(Escalation).where(Escalation.id == ident)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"escalation {case_ref('escalation', ident)} not found")
    contract = get_contract(session, row.contract_key)
    levels = list(
        session.exec(
            select(EscalationLevel)
            .where(EscalationLevel.escalation_id == ident)
            .order_by(col(EscalationLevel.id))
        )
    )
    return Loaded(session, row, contract, pinned_profile(contract), levels)


def _address(
    ctx: Ctx, loaded: Loaded, *, level: int, actor: Person, reason: str | None, now: datetime
) -> EscalationLevel:
    """Address the case to the counterpart of `level`: new level record, response deadline, reminders."""
    spec = loaded.ladder.level(level)
    target = counterpart(
        loaded.session, loaded.row.contract_key, spec.counterpart, f"level {level} ({spec.name})", spec.source
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
    notify(
        loaded.session,
        key=f"esc:{loaded.row.id}:L{level}:a{attempt}:addressed",
        now=now,
        person=target,
        contract_key=loaded.row.contract_key,
        case=loaded.ref,
        subject=f"[{loaded.row.contract_key}] {loaded.ref} escalated to you at {spec.name}: {loaded.row.subject}",
        body=(
            f"{actor.name} ({actor.role}) addressed escalation {loaded.ref} to you as {spec.counterpart} at "
            f"{spec.name} ({spec.source}).\nSubject: {loaded.row.subject}\nReason: {reason or '-'}\n"
            f"Please respond by the end of {last_day:%Y-%m-%d} (Europe/Amsterdam) — {rule}, {term.source}."
        ),
    )
    return record


def _audit(
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
    audit.append(
        ctx.db,
        loaded.session,
        now=now,
        actor=actor if isinstance(actor, str) else actor.key,
        actor_role=None if isinstance(actor, str) else actor.role,
        action=action,
        contract_key=loaded.row.contract_key,
        case_ref=loaded.ref,
        level=loaded.row.level,
        from_state=before,
        to_state=loaded.row.state,
        reason=reason,
        payload=payload,
    )


def open_escalation(
    ctx: Ctx,
    *,
    actor_key: str | None,
    contract_key: str,
    subject: str,
    norm: str | None,
    participant: str | None,
    threatened: bool,
    level: int = 1,
) -> dict[str, Any]:
    subject = require_text(subject, "subject")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = get_contract(session, contract_key)
        profile = pinned_profile(contract)
        actor = get_person(session, contract_key, actor_key)
        model = EscalationModel(ref="new escalation", state=EscState.NEW.value, level=0)
        check_raise(model, level, profile.ladder, actor.role)
        spec = profile.ladder.level(level)
        counterpart(session, contract_key, spec.counterpart, f"level {level} ({spec.name})", spec.source)
        fire(
            escalation_machine(),
            model,
            EscTrigger.ADDRESS,
            rule="lower levels gone through",
            source=spec.source,
            ladder=profile.ladder,
            target=level,
        )
        row = Escalation(
            contract_key=contract_key,
            subject=subject,
            norm=norm,
            participant=participant,
            threatened=threatened,
            level=level,
            state=model.state,
            opened_by=actor.key,
            opened_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        loaded = Loaded(session, row, contract, profile, [])
        why = f"norm {'threatens not to be met' if threatened else 'not met'}: {norm or subject}"
        _address(ctx, loaded, level=level, actor=actor, reason=why, now=now)
        _audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action="escalation.open",
            before=EscState.NEW.value,
            reason=why,
            payload={"subject": subject, "norm": norm, "participant": participant, "threatened": threatened},
        )
        session.flush()
        return escalation_view(loaded.row, loaded.levels, profile, now)


def respond(ctx: Ctx, *, actor_key: str | None, ref: str, text: str) -> dict[str, Any]:
    text = require_text(text, "response text")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = _load(session, ref)
        actor = get_person(session, loaded.row.contract_key, actor_key)
        spec = loaded.ladder.level(loaded.row.level)
        if actor.role != spec.counterpart:
            raise RuleRefused(
                f"only the counterpart at {spec.name} responds to {loaded.ref}; needed role: {spec.counterpart} "
                f"(you are {actor.role})",
                rule="same level on both sides (SPEC §1)",
                source=spec.source,
            )
        before = loaded.row.state
        model = loaded.model()
        loaded.row.state = fire(
            escalation_machine(), model, EscTrigger.RESPOND, rule="respond", source=spec.source
        )
        record = loaded.current()
        record.responded_at, record.responded_by, record.response_text = now, actor.key, text
        late = record.window_passed_at is not None
        _cancel_and_touch(loaded, now)
        for person in _raisers(loaded):
            notify(
                session,
                key=f"esc:{loaded.row.id}:L{record.level}:a{record.attempt}:responded",
                now=now,
                person=person,
                contract_key=loaded.row.contract_key,
                case=loaded.ref,
                subject=f"[{loaded.row.contract_key}] {loaded.ref}: {actor.name} responded at {spec.name}",
                body=f"{actor.name} ({actor.role}) responded{' after the window passed' if late else ''}:\n{text}\n"
                "Please record your assessment (sufficient / insufficient, with reason).",
            )
        _audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action="escalation.respond",
            before=before,
            reason=text,
            payload={"late": late},
        )
        return escalation_view(loaded.row, loaded.levels, loaded.profile, now)


def assess(ctx: Ctx, *, actor_key: str | None, ref: str, sufficient: bool, reason: str) -> dict[str, Any]:
    reason = require_text(reason, "reason")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = _load(session, ref)
        actor = get_person(session, loaded.row.contract_key, actor_key)
        level = loaded.ladder.level(loaded.row.level)
        assessors = loaded.ladder.assessors(loaded.row.level)
        if actor.role not in assessors:
            raise RuleRefused(
                f"the result of {level.name} is judged by the raising side; needed role: {' or '.join(assessors)} "
                f"(you are {actor.role})",
                rule="assessment by the raising side (SPEC §1 rule 2c)",
                source=level.source,
            )
        before = loaded.row.state
        trigger = EscTrigger.ASSESS_SUFFICIENT if sufficient else EscTrigger.ASSESS_INSUFFICIENT
        loaded.row.state = fire(
            escalation_machine(), loaded.model(), trigger, rule="assess", source=level.source
        )
        record = loaded.current()
        record.assessment = "sufficient" if sufficient else "insufficient"
        record.assessment_reason, record.assessed_by, record.assessed_at = reason, actor.key, now
        _cancel_and_touch(loaded, now)
        _audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action=f"escalation.assess.{record.assessment}",
            before=before,
            reason=reason,
        )
        return escalation_view(loaded.row, loaded.levels, loaded.profile, now)


def raise_level(
    ctx: Ctx, *, actor_key: str | None, ref: str, reason: str, to: int | None = None
) -> dict[str, Any]:
    reason = require_text(reason, "reason")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = _load(session, ref)
        actor = get_person(session, loaded.row.contract_key, actor_key)
        _refuse_if_finished(loaded)
        target = to if to is not None else loaded.row.level + 1
        if target > loaded.ladder.top and to is None:
            raise RuleRefused(
                f"{loaded.ref} is at the top level ({loaded.ladder.level(loaded.ladder.top).name}); there is no "
                "higher level — consider step-in rights (B2 §6)",
                rule="top of the ladder",
                source=loaded.ladder.source,
            )
        model = loaded.model()
        check_raise(model, target, loaded.ladder, actor.role)
        spec = loaded.ladder.level(target)
        counterpart(
            session, loaded.row.contract_key, spec.counterpart, f"level {target} ({spec.name})", spec.source
        )
        before = loaded.row.state
        loaded.row.state = fire(
            escalation_machine(),
            model,
            EscTrigger.RAISE,
            rule="lower levels gone through",
            source=spec.source,
            ladder=loaded.ladder,
            target=target,
        )
        _cancel_and_touch(loaded, now)
        loaded.row.level = target
        _address(ctx, loaded, level=target, actor=actor, reason=reason, now=now)
        _audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action="escalation.raise",
            before=before,
            reason=reason,
            payload={"from_level": model.level, "to_level": target},
        )
        return escalation_view(loaded.row, loaded.levels, loaded.profile, now)


def refuse(ctx: Ctx, *, actor_key: str | None, ref: str, reason: str) -> dict[str, Any]:
    """The recipient does not accept the escalation (B2 §5.1): back to the previous level, or ended at level 1."""
    reason = require_text(reason, "reason")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = _load(session, ref)
        actor = get_person(session, loaded.row.contract_key, actor_key)
        spec = loaded.ladder.level(loaded.row.level)
        check_recipient(actor, spec.counterpart, spec.name, spec.source)
        before, refused_level = loaded.row.state, loaded.row.level
        loaded.row.state = fire(
            escalation_machine(), loaded.model(), EscTrigger.REFUSE, rule="refuse", source=spec.source
        )
        record = loaded.current()
        record.refused_at, record.refused_by, record.refusal_reason = now, actor.key, reason
        _cancel_and_touch(loaded, now)
        if loaded.row.state == EscState.REFUSED.value:
            loaded.row.closed_at = now
        else:
            loaded.row.level = refused_level - 1
            raiser = get_person(session, loaded.row.contract_key, record.raised_by)
            _address(
                ctx,
                loaded,
                level=refused_level - 1,
                actor=raiser,
                reason=f"refused at level {refused_level} by {actor.name}: {reason}",
                now=now,
            )
        for person in _raisers(loaded):
            notify(
                session,
                key=f"esc:{loaded.row.id}:L{refused_level}:a{record.attempt}:refused",
                now=now,
                person=person,
                contract_key=loaded.row.contract_key,
                case=loaded.ref,
                subject=f"[{loaded.row.contract_key}] {loaded.ref} not accepted at {spec.name}",
                body=f"{actor.name} ({actor.role}) did not accept the escalation: {reason}",
            )
        _audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action="escalation.refuse",
            before=before,
            reason=reason,
            payload={"refused_level": refused_level},
        )
        return escalation_view(loaded.row, loaded.levels, loaded.profile, now)


def close(
    ctx: Ctx, *, actor_key: str | None, ref: str, measures: str, results: str, lessons: str
) -> dict[str, Any]:
    now = ctx.clock.now()
    closure = ClosureText(measures=measures or "", results=results or "", lessons=lessons or "")
    with ctx.db.write() as session:
        loaded = _load(session, ref)
        actor = get_person(session, loaded.row.contract_key, actor_key)
        _refuse_if_finished(loaded)
        check_closure(closure, loaded.ladder.source)
        allowed = sorted(
            {r for n in range(1, loaded.row.level + 1) for r in loaded.ladder.level(n).raised_by}
        )
        if actor.role not in allowed:
            raise RuleRefused(
                f"an escalation is closed by the raising side; needed role: {' or '.join(allowed)} (you are {actor.role})",
                rule="closure (SPEC §1 rule 4)",
                source=loaded.ladder.source,
            )
        before = loaded.row.state
        loaded.row.state = fire(
            escalation_machine(),
            loaded.model(),
            EscTrigger.CLOSE,
            rule="closure text complete",
            source=loaded.ladder.source,
            closure=closure,
        )
        loaded.row.measures, loaded.row.results, loaded.row.lessons = (
            closure.measures,
            closure.results,
            closure.lessons,
        )
        loaded.row.closed_at = now
        _cancel_and_touch(loaded, now)
        _audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action="escalation.close",
            before=before,
            payload={"measures": measures, "results": results, "lessons": lessons},
        )
        return escalation_view(loaded.row, loaded.levels, loaded.profile, now)


def check_recipient(actor: Person, role: str, level_name: str, source: str) -> None:
    if actor.role != role:
        raise RuleRefused(
            f"only the recipient at {level_name} may refuse the escalation; needed role: {role} (you are {actor.role})",
            rule="recipient refuses (SPEC §1 rule 1)",
            source=source,
        )


def _refuse_if_finished(loaded: Loaded) -> None:
    if loaded.row.state in (EscState.CLOSED.value, EscState.REFUSED.value):
        raise RuleRefused(
            f"{loaded.ref} is {loaded.row.state}; nothing more can be done with it",
            rule="wrong state",
            source=loaded.ladder.source,
        )


def _cancel_and_touch(loaded: Loaded, now: datetime) -> None:
    assert loaded.row.id is not None
    cancel_timers(loaded.session, "escalation", loaded.row.id, now)
    loaded.row.updated_at = now
    loaded.session.add(loaded.row)


def _raisers(loaded: Loaded) -> list[Person]:
    keys = {lv.raised_by for lv in loaded.levels} | {loaded.row.opened_by}
    return [p for p in (people_for(loaded, k) for k in sorted(keys)) if p is not None]


def people_for(loaded: Loaded, key: str) -> Person | None:
    return loaded.session.exec(
        select(Person).where(Person.contract_key == loaded.row.contract_key, Person.key == key)
    ).first()


def reminder_recipients(
    session: Session, row: Escalation, profile: Profile, record: EscalationLevel
) -> list[Person]:
    """The supplier's account manager(s) and the counterpart at the case's current level."""
    people: dict[str, Person] = {}
    for role in profile.spec.reminders.notify_roles:
        for person in people_with_role(session, row.contract_key, role):
            people[person.key] = person
    target = session.exec(
        select(Person).where(Person.contract_key == row.contract_key, Person.key == record.counterpart_key)
    ).first()
    if target is not None:
        people[target.key] = target
    return list(people.values())

"""Escalation actions (B2 §5.1, TP §3 table 2): open, respond, assess, raise, refuse, close.

Each action is one transaction: load → domain checks → fire the machine → write the case, its level
record, timers, outbox and audit row together. A refused action raises before anything is written.
"""

from __future__ import annotations

from typing import Any

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.participants import require_participant
from escalation_engine.contracts.people import contract_people, counterpart, person_among
from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.machine import fire
from escalation_engine.core.refs import optional_line, require_line, require_lines
from escalation_engine.procedures.ladder.case import (
    Loaded,
    address,
    cancel_and_touch,
    load,
    refuse_if_finished,
    require_role,
    tell_raisers,
    write_audit,
)
from escalation_engine.procedures.ladder.closing import close, refuse
from escalation_engine.procedures.ladder.machine import (
    EscalationModel,
    EscState,
    EscTrigger,
    escalation_machine,
)
from escalation_engine.procedures.ladder.rules import check_raise
from escalation_engine.procedures.ladder.tables import Escalation
from escalation_engine.procedures.ladder.views import escalation_view

__all__ = ["assess", "close", "open_escalation", "raise_level", "refuse", "respond"]


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
    subject = require_line(subject, "subject")
    norm = optional_line(norm, "norm") if norm is not None and norm.strip() else norm
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = get_contract(session, contract_key)
        profile = pinned_profile(contract)
        people = contract_people(session, contract_key)
        actor = person_among(people, contract_key, actor_key)
        if participant is not None and participant.strip():
            participant = require_participant(session, contract_key, participant)
        else:
            participant = None
        model = EscalationModel(ref="new escalation", state=EscState.NEW.value, level=0)
        check_raise(model, level, profile.ladder, actor.role)
        spec = profile.ladder.level(level)
        counterpart(
            session,
            contract_key,
            spec.counterpart,
            f"level {level} ({spec.name})",
            spec.source,
            people=people,
        )
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
        loaded = Loaded(session, row, contract, profile, [], people)
        why = f"norm {'threatens not to be met' if threatened else 'not met'}: {norm or subject}"
        address(ctx, loaded, level=level, actor=actor, reason=why, now=now)
        write_audit(
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
    text = require_lines(text, "response text")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = load(session, ref)
        actor = loaded.person(actor_key)
        spec = loaded.ladder.level(loaded.row.level)
        require_role(
            actor,
            [spec.counterpart],
            f"only the counterpart at {spec.name} responds to {loaded.ref}",
            rule="same level on both sides",
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
        cancel_and_touch(loaded, now)
        tell_raisers(
            loaded,
            key=f"esc:{loaded.row.id}:L{record.level}:a{record.attempt}:responded",
            now=now,
            kind="escalation_responded",
            actor=f"{actor.name} ({actor.role})",
            level_name=spec.name,
            late=late,
            text=text,
        )
        write_audit(
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
    reason = require_lines(reason, "reason")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = load(session, ref)
        actor = loaded.person(actor_key)
        level = loaded.ladder.level(loaded.row.level)
        assessors = loaded.ladder.assessors(loaded.row.level)
        require_role(
            actor,
            assessors,
            f"the result of {level.name} is judged by the raising side",
            rule="the raising side assesses the result",
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
        cancel_and_touch(loaded, now)
        write_audit(
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
    reason = require_lines(reason, "reason")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = load(session, ref)
        actor = loaded.person(actor_key)
        refuse_if_finished(loaded)
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
            session,
            loaded.row.contract_key,
            spec.counterpart,
            f"level {target} ({spec.name})",
            spec.source,
            people=loaded.everyone(),
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
        cancel_and_touch(loaded, now)
        loaded.row.level = target
        address(ctx, loaded, level=target, actor=actor, reason=reason, now=now)
        write_audit(
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

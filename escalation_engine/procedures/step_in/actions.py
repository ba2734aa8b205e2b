"""Step-in actions (B2 §6): request, record a meeting, assess, advise, close.

Each action is one transaction: load → domain checks → fire the machine → write the case, its meetings
or advice, timers, outbox and audit row together. A refused action raises before anything is written.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import lock_contract, pinned_profile
from escalation_engine.contracts.people import get_person
from escalation_engine.contracts.terms import due_date, term_of
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.machine import fire
from escalation_engine.core.refs import case_ref, parse_ref, require_lines
from escalation_engine.procedures.ladder.tables import Escalation
from escalation_engine.procedures.step_in.case import (
    Loaded,
    record_audit,
    require_role,
    schedule_step_deadline,
    step_in_rules,
    supplier_people,
    tell,
)
from escalation_engine.procedures.step_in.machine import (
    OPEN_STATES,
    StepInModel,
    StepInState,
    StepInTrigger,
    step_in_machine,
)
from escalation_engine.procedures.step_in.profile import StepInSpec
from escalation_engine.procedures.step_in.rules import NamedEscalation, Threshold, check_threshold
from escalation_engine.procedures.step_in.tables import StepIn
from escalation_engine.procedures.step_in.views import step_in_view

SOURCE = "B2 §6"
DIALOGUE = (
    "the causes lie outside the supplier's sphere of influence: no step-in (B2 §6 requires actual culpability); "
    "the client seeks a solution in dialogue with the supplier"
)


def _named_escalations(session: Session, contract_key: str, refs: list[str]) -> list[NamedEscalation]:
    named: dict[int, NamedEscalation] = {}
    for ref in refs:
        ident = parse_ref("escalation", ref)
        row = session.get(Escalation, ident)
        if row is None:
            from escalation_engine.core.errors import NotFound

            raise NotFound(f"escalation {case_ref('escalation', ident)} not found")
        if row.contract_key != contract_key:
            raise BadInput(
                f"escalation {case_ref('escalation', ident)} belongs to contract {row.contract_key!r}, "
                f"not {contract_key!r}"
            )
        named[ident] = NamedEscalation(ref=case_ref("escalation", ident), level=row.level, state=row.state)
    return list(named.values())


def _refuse_if_running(session: Session, contract_key: str) -> None:
    running = session.exec(
        select(StepIn).where(
            StepIn.contract_key == contract_key, col(StepIn.state).in_([s.value for s in OPEN_STATES])
        )
    ).first()
    if running is not None:
        raise RuleRefused(
            f"step-in {case_ref('stepin', running.id)} is already running on contract {contract_key!r} "
            f"({running.state.replace('_', ' ')}); close it before requesting another",
            rule="one step-in procedure at a time",
            source=SOURCE,
        )


def _threshold(rules: StepInSpec) -> Threshold:
    t = rules.threshold
    return Threshold(t.min_escalations, t.at_top_level, t.unresolved, t.source)


def _new_row(
    contract_key: str,
    actor_key: str,
    reason: str,
    culpable: bool,
    named: list[NamedEscalation],
    counted: list[str],
    override: str | None,
    now: datetime,
) -> StepIn:
    state = StepInState.AWAITING_MEETING if culpable else StepInState.DIALOGUE
    return StepIn(
        contract_key=contract_key,
        state=state.value,
        reason=reason,
        culpable=culpable,
        escalations=json.dumps([e.ref for e in named]),
        counted=json.dumps(counted),
        override_reason=override if culpable else None,
        requested_by=actor_key,
        requested_at=now,
        closed_at=None if culpable else now,
        updated_at=now,
    )


def request(
    ctx: Ctx,
    *,
    actor_key: str | None,
    contract_key: str,
    reason: str,
    escalations: list[str],
    override: str | None,
    culpable: bool,
) -> dict[str, Any]:
    reason = require_lines(reason, "reason")
    override = override.strip() if override and override.strip() else None
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = lock_contract(
            session, contract_key
        )  # one running step-in per contract, also on PostgreSQL
        profile = pinned_profile(contract)
        rules = step_in_rules(contract, profile)
        actor = get_person(session, contract_key, actor_key)
        require_role(actor, rules.requested_by, "only the category requests step-in", rules.source)
        named = _named_escalations(session, contract_key, escalations)
        counted: list[str] = []
        if culpable:
            _refuse_if_running(session, contract_key)
            counted = check_threshold(named, _threshold(rules), profile.ladder.top, override)
        model = StepInModel(ref="new step-in", state=StepInState.NEW.value, culpable_causes=culpable)
        trigger = StepInTrigger.REQUEST if culpable else StepInTrigger.OUTSIDE_SPHERE
        fire(step_in_machine(), model, trigger, rule="culpability", source=rules.source)
        row = _new_row(contract_key, actor.key, reason, culpable, named, counted, override, now)
        session.add(row)
        session.flush()
        loaded = Loaded(session, row, contract, profile, [], [])
        if culpable:
            _start(ctx, loaded, actor_name=actor.name, now_reason=reason, override=override, counted=counted)
        else:
            _dialogue(ctx, loaded, reason)
        session.flush()
        return step_in_view(loaded, now)


def _start(
    ctx: Ctx, loaded: Loaded, *, actor_name: str, now_reason: str, override: str | None, counted: list[str]
) -> None:
    now = loaded.row.requested_at
    term = term_of(loaded.rules.meeting_deadline)
    day = due_date(loaded.profile, local_date(now), term)
    rule = f"management-team meeting: request + {term.amount} {term.unit}"
    loaded.row.meeting_due_at = schedule_step_deadline(
        loaded, now=now, stage="meeting1", kind="meeting_due", last_day=day, rule=rule, source=term.source
    )
    tell(
        loaded,
        supplier_people(loaded),
        "stepin_requested",
        key=f"stepin:{loaded.ident}:requested",
        now=now,
        actor=actor_name,
        step_source=SOURCE,
        problems=now_reason,
        escalations=", ".join(json.loads(loaded.row.escalations)) or "-",
        due=f"{day}",
        rule=rule,
        source=term.source,
    )
    record_audit(
        ctx,
        loaded,
        now=now,
        actor=loaded.row.requested_by,
        action="stepin.request",
        before=StepInState.NEW.value,
        reason=now_reason,
        payload={
            "escalations": json.loads(loaded.row.escalations),
            "counted": counted,
            "override_reason": override,
            "meeting_due": day.isoformat(),
        },
    )


def _dialogue(ctx: Ctx, loaded: Loaded, reason: str) -> None:
    now = loaded.row.requested_at
    tell(
        loaded,
        supplier_people(loaded),
        "stepin_dialogue",
        key=f"stepin:{loaded.ident}:dialogue",
        now=now,
        problems=reason,
        source=SOURCE,
    )
    record_audit(
        ctx,
        loaded,
        now=now,
        actor=loaded.row.requested_by,
        action="stepin.dialogue",
        before=StepInState.NEW.value,
        reason=f"{reason} — {DIALOGUE}",
        payload={"escalations": json.loads(loaded.row.escalations), "culpable": False},
    )

"""Step-in actions (SPEC §3, B2 §6): request, record a meeting, assess, advise, close.

Each action is one transaction: load → domain checks → fire the machine → write the case, its meetings
or advice, timers, outbox and audit row together. A refused action raises before anything is written.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from ..adapters.tables import Escalation, StepIn, StepInMeeting
from ..domain.dates import local_date
from ..domain.errors import BadInput, RuleRefused
from ..domain.step_in import NamedEscalation, Threshold, check_held_date, check_threshold
from ..machines.base import fire
from ..machines.step_in import OPEN_STATES, StepInModel, StepInState, StepInTrigger, step_in_machine
from ..profiles import StepInSpec
from .common import (
    case_ref,
    due_date,
    get_contract,
    get_person,
    parse_ref,
    pinned_profile,
    require_text,
    term_of,
)
from .context import Ctx
from .step_in_support import (
    Loaded,
    cancel_stage,
    category_people,
    load,
    record_audit,
    require_role,
    schedule_step_deadline,
    step_in_rules,
    supplier_people,
    tell,
    touch,
)
from .step_in_views import step_in_view
from .views import last_day

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
            from ..domain.errors import NotFound

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
    reason = require_text(reason, "reason")
    override = override.strip() if override and override.strip() else None
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = get_contract(session, contract_key)
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
        row = StepIn(
            contract_key=contract_key,
            state=model.state,
            reason=reason,
            culpable=culpable,
            escalations=json.dumps([e.ref for e in named]),
            counted=json.dumps(counted),
            override_reason=override if culpable else None,
            requested_by=actor.key,
            requested_at=now,
            closed_at=None if culpable else now,
            updated_at=now,
        )
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
        key=f"stepin:{loaded.ident}:requested",
        now=now,
        subject=f"step-in requested — convene your management team by {day}",
        body=(
            f"{actor_name} (the category) requests step-in on contract {loaded.row.contract_key} ({SOURCE}).\n"
            f"Problems: {now_reason}\nEscalations concerned: {', '.join(json.loads(loaded.row.escalations)) or '-'}\n"
            f"Convene a meeting of your management team, attended by the category and/or the participant, by the "
            f"end of {day} (Europe/Amsterdam) — {rule}, {term.source}."
        ),
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
        key=f"stepin:{loaded.ident}:dialogue",
        now=now,
        subject="no step-in — the category seeks a solution in dialogue",
        body=f"Problems: {reason}\nOutcome: {DIALOGUE}.",
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


def _meeting_number(loaded: Loaded) -> int:
    first = (StepInState.AWAITING_MEETING.value, StepInState.MEETING_OVERDUE.value)
    return 1 if loaded.row.state in first or not loaded.meetings else 2


def record_meeting(
    ctx: Ctx,
    *,
    actor_key: str | None,
    ref: str,
    held: date,
    minutes: str,
    attendees: str | None = None,
    measures: str | None = None,
) -> dict[str, Any]:
    minutes = require_text(minutes, "minutes")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = load(session, ref)
        rules = loaded.rules
        actor = get_person(session, loaded.row.contract_key, actor_key)
        require_role(
            actor,
            rules.meetings_recorded_by,
            "the supplier records its management-team meetings",
            rules.source,
        )
        number = _meeting_number(loaded)
        trigger = StepInTrigger.HOLD_MEETING if number == 1 else StepInTrigger.HOLD_SECOND_MEETING
        before = loaded.row.state
        loaded.row.state = fire(
            step_in_machine(), loaded.model(), trigger, rule="record a meeting", source=rules.source
        )
        earliest = (
            (local_date(loaded.row.requested_at), "the step-in request")
            if number == 1
            else (
                loaded.meetings[0].held_on,
                "the first management-team meeting",
            )
        )
        check_held_date(
            held, earliest=earliest[0], earliest_what=earliest[1], today=local_date(now), source=rules.source
        )
        due_at = loaded.row.meeting_due_at if number == 1 else loaded.row.second_meeting_due_at
        late = due_at is not None and held.isoformat() > last_day(due_at)
        meeting = StepInMeeting(
            step_in_id=loaded.ident,
            number=number,
            held_on=held,
            minutes=minutes,
            attendees=(attendees or "").strip() or None,
            measures=(measures or "").strip() or None,
            late=late,
            recorded_by=actor.key,
            recorded_at=now,
        )
        session.add(meeting)
        loaded.meetings.append(meeting)
        cancel_stage(loaded, f"meeting{number}", now)
        note = _after_meeting(loaded, number, held, now)
        touch(loaded, now)
        record_audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action=f"stepin.meeting{number}",
            before=before,
            reason=minutes,
            payload={
                "number": number,
                "held_on": held.isoformat(),
                "late": late,
                "attendees": meeting.attendees,
                "measures": meeting.measures,
            },
        )
        tell(
            loaded,
            category_people(loaded),
            key=f"stepin:{loaded.ident}:meeting{number}",
            now=now,
            subject=f"management-team meeting {number} held on {held}",
            body=f"{actor.name} ({actor.role}) recorded meeting {number} held on {held}{' (after its deadline)' if late else ''}.\n"
            f"Minutes: {minutes}\nAttendees: {meeting.attendees or '-'}\nMeasures: {meeting.measures or '-'}\n{note}",
        )
        return step_in_view(loaded, now)


def _after_meeting(loaded: Loaded, number: int, held: date, now: Any) -> str:
    if number == 2:
        return "You may now lay down binding advice (stepin advise) or close the procedure with its result."
    term = term_of(loaded.rules.progress_check)
    day = due_date(loaded.profile, held, term)
    rule = f"progress check: meeting + {term.amount} calendar {term.unit}"
    loaded.row.check_due_at = schedule_step_deadline(
        loaded, now=now, stage="check", kind="progress_check", last_day=day, rule=rule, source=term.source
    )
    return f"Record by the end of {day} whether the problems are solved or progress is insufficient — {rule}, {term.source}."


def schedule_second_meeting(loaded: Loaded, *, now: Any, start: date) -> date:
    term = term_of(loaded.rules.second_meeting_deadline)
    day = due_date(loaded.profile, start, term)
    rule = f"second management-team meeting: insufficient progress (or no assessment) + {term.amount} {term.unit}"
    loaded.row.second_meeting_due_at = schedule_step_deadline(
        loaded,
        now=now,
        stage="meeting2",
        kind="second_meeting_due",
        last_day=day,
        rule=rule,
        source=term.source,
    )
    return day

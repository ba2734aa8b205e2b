"""Read models of step-in procedures: what `stepin show`, `stepin list` and every action print."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from escalation_engine.contracts.lookup import get_contract
from escalation_engine.core.context import Ctx
from escalation_engine.core.display import iso, last_day
from escalation_engine.core.errors import BadInput
from escalation_engine.core.visibility import require_visible, restrict
from escalation_engine.procedures.step_in.machine import OPEN_STATES, StepInState
from escalation_engine.procedures.step_in.tables import StepIn

if TYPE_CHECKING:
    from escalation_engine.procedures.step_in.case import Loaded

STATE_FILTERS = ("open", "closed", "all")
_WAITING = {
    StepInState.AWAITING_MEETING.value: ("meeting_due_at", "management-team meeting 1 (supplier)"),
    StepInState.MEETING_OVERDUE.value: ("meeting_due_at", "management-team meeting 1 (supplier) — missed"),
    StepInState.MONITORING.value: ("check_due_at", "progress assessment (category)"),
    StepInState.AWAITING_SECOND_MEETING.value: (
        "second_meeting_due_at",
        "management-team meeting 2 (supplier)",
    ),
    StepInState.SECOND_MEETING_OVERDUE.value: (
        "second_meeting_due_at",
        "management-team meeting 2 (supplier) — missed",
    ),
}


def _day(value: datetime | None) -> str | None:
    return last_day(value) if value else None


def _next(row: StepIn) -> dict[str, Any] | None:
    waiting = _WAITING.get(row.state)
    if waiting is None:
        return None
    due_at: datetime | None = getattr(row, waiting[0])
    return {"what": waiting[1], "due": _day(due_at)}


def step_in_view(loaded: Loaded, now: datetime) -> dict[str, Any]:
    row = loaded.row
    return {
        "case": loaded.ref,
        "contract": row.contract_key,
        "state": row.state,
        "step_in": row.culpable,
        "culpable": row.culpable,
        "reason": row.reason,
        "escalations": json.loads(row.escalations),
        "counted_escalations": json.loads(row.counted),
        "override_reason": row.override_reason,
        "requested_by": row.requested_by,
        "requested_at": iso(row.requested_at),
        "meeting_due": _day(row.meeting_due_at),
        "meeting_missed": row.meeting_missed_at is not None,
        "check_due": _day(row.check_due_at),
        "assessment": row.assessment,
        "assessment_reason": row.assessment_reason,
        "assessed_by": row.assessed_by,
        "assessment_missing": row.assessment_missing_at is not None,
        "second_meeting_due": _day(row.second_meeting_due_at),
        "second_meeting_missed": row.second_meeting_missed_at is not None,
        "next": _next(row),
        "meetings": [
            {
                "number": m.number,
                "held_on": m.held_on.isoformat(),
                "minutes": m.minutes,
                "attendees": m.attendees,
                "measures": m.measures,
                "late": m.late,
                "recorded_by": m.recorded_by,
            }
            for m in loaded.meetings
        ],
        "advice": [
            {
                "number": a.number,
                "measures": a.measures,
                "due": a.due_on.isoformat() if a.due_on else None,
                "due_passed": a.due_passed_at is not None,
                "advised_by": a.advised_by,
            }
            for a in loaded.advice
        ],
        "results": row.results,
        "closed_by": row.closed_by,
        "closed_at": iso(row.closed_at),
    }


def show_step_in(ctx: Ctx, ref: str) -> dict[str, Any]:
    from escalation_engine.procedures.step_in.case import load

    with ctx.db.read() as session:
        view = step_in_view(load(session, ref, lock=False), ctx.clock.now())
        require_visible(session, view, ref)
        return view


def list_step_ins(
    ctx: Ctx,
    *,
    contract_key: str | None = None,
    state: str = "open",
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[dict[str, Any]]:
    """The step-ins in `state`, oldest (or newest) first, in a fixed number of statements; paged in SQL."""
    from escalation_engine.core.paging import page, require_page
    from escalation_engine.procedures.step_in.case import load_many

    if state not in STATE_FILTERS:
        raise BadInput(f"unknown state filter {state!r}: expected one of {', '.join(STATE_FILTERS)}")
    require_page(limit, offset)
    now = ctx.clock.now()
    with ctx.db.read() as session:
        query = select(StepIn).order_by(col(StepIn.id).desc() if newest_first else col(StepIn.id))
        if contract_key:
            get_contract(session, contract_key)
            query = query.where(StepIn.contract_key == contract_key)
        open_values = [s.value for s in OPEN_STATES]
        if state == "open":
            query = query.where(col(StepIn.state).in_(open_values))
        elif state == "closed":
            query = query.where(col(StepIn.state).not_in(open_values))
        query = page(restrict(session, query, col(StepIn.contract_key)), limit, offset)
        return [step_in_view(loaded, now) for loaded in load_many(session, list(session.exec(query)))]

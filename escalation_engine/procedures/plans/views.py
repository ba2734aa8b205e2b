"""Read model of an improvement plan: what `plan show`, `plan list` and every plan action print."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from escalation_engine.core.display import iso, last_day
from escalation_engine.core.refs import case_ref
from escalation_engine.procedures.plans.machine import STEP_OF, NormState, StepState
from escalation_engine.procedures.plans.rules import TRIGGER_LABELS
from escalation_engine.procedures.plans.tables import ImprovementPlan, PlanSubmission
from escalation_engine.profile.model import Profile

STEP_NAMES = {
    1: "Stap 1 — operational/tactical meeting of participant and supplier",
    2: "Stap 2 — category, participant(s) and supplier consult",
    3: "Stap 3 — presentation in the Strategic Customer Council",
}
NORM_NAME = "plan after a norm failure (within 14 days, or with the next management report)"
WAITING_ON_SUPPLIER = (NormState.AWAITING_PLAN.value, NormState.OVERDUE.value)


def submission_view(sub: PlanSubmission) -> dict[str, Any]:
    return {
        "attempt": sub.attempt,
        "due": last_day(sub.due_at),
        "due_at": iso(sub.due_at),
        "rule": sub.rule,
        "source": sub.source,
        "overdue_at": iso(sub.overdue_at),
        "submitted_at": iso(sub.submitted_at),
        "submitted_by": sub.submitted_by,
        "late": bool(sub.submitted_at and sub.submitted_at > sub.due_at),
        "text": sub.text,
        "decision": sub.decision,
        "decision_reason": sub.decision_reason,
        "decided_by": sub.decided_by,
        "decided_at": iso(sub.decided_at),
    }


def plan_view(
    row: ImprovementPlan, submissions: list[PlanSubmission], profile: Profile, now: datetime
) -> dict[str, Any]:
    subs = sorted(submissions, key=lambda s: s.attempt)
    current = subs[-1] if subs else None
    three_step = row.kind == "three_step"
    data: dict[str, Any] = {
        "case": case_ref("plan", row.id),
        "contract": row.contract_key,
        "kind": row.kind,
        "trigger": row.trigger,
        "trigger_text": TRIGGER_LABELS.get(row.trigger, row.trigger),
        "subject": row.subject,
        "kpi": row.kpi,
        "participants": json.loads(row.participants or "[]"),
        "escalation": row.escalation_ref,
        "state": row.state,
        "step": row.step,
        "level": row.step,
        "level_name": STEP_NAMES.get(row.step or 0, "") if three_step else NORM_NAME,
        "opened_by": row.opened_by,
        "opened_at": iso(row.opened_at),
        "origin": row.origin,
        "closed_at": iso(row.closed_at),
        "results": row.results,
        "resolved_by": row.resolved_by,
    }
    if three_step:
        data.update(_three_step_part(row, profile))
    else:
        data.update(_norm_part(row, current, subs, now))
    return data


def _three_step_part(row: ImprovementPlan, profile: Profile) -> dict[str, Any]:
    spec = profile.spec.improvement_plan
    window_open = row.state == StepState.STEP_2.value
    return {
        "step1_skipped": row.skip_reason is not None,
        "skip_reason": row.skip_reason,
        "step2_at": iso(row.step2_at),
        "window_ends": last_day(row.window_ends_at) if row.window_ends_at else None,
        "window_open": window_open,
        "window_rule": (
            f"step 2 + {spec.step2_window.amount} {spec.step2_window.unit} ({spec.step2_window.source})"
            if spec
            else None
        ),
        "window_passed_at": iso(row.window_passed_at),
        "step3_requested_at": iso(row.step3_requested_at),
        "step3_requested_by": row.step3_requested_by,
        "presenter_role": spec.presenter_role if spec else None,
        "presented_on": row.presented_on.isoformat() if row.presented_on else None,
        "presentation_steps": row.presentation_steps,
        "presentation_recorded_by": row.presentation_recorded_by,
    }


def _norm_part(
    row: ImprovementPlan, current: PlanSubmission | None, subs: list[PlanSubmission], now: datetime
) -> dict[str, Any]:
    waiting = row.state in WAITING_ON_SUPPLIER and current is not None
    return {
        "detected": row.detected.isoformat() if row.detected else None,
        "plan_due": last_day(current.due_at) if waiting and current else None,
        "plan_due_rule": f"{current.rule} ({current.source})" if waiting and current else None,
        "overdue": row.state == NormState.OVERDUE.value,
        "rejections": sum(1 for s in subs if s.decision == "rejected"),
        "submissions": [submission_view(s) for s in subs],
    }


def step_of(state: str) -> int | None:
    return {s.value: n for s, n in STEP_OF.items()}.get(state)

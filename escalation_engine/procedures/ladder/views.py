"""Read models of an escalation: what `escalation show`, `list` and every ladder action print."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from escalation_engine.core.display import iso, last_day
from escalation_engine.core.refs import case_ref
from escalation_engine.procedures.ladder.tables import Escalation, EscalationLevel
from escalation_engine.profile.model import Profile


def level_view(record: EscalationLevel) -> dict[str, Any]:
    return {
        "level": record.level,
        "attempt": record.attempt,
        "raised_by": record.raised_by,
        "raise_reason": record.raise_reason,
        "addressed_at": iso(record.addressed_at),
        "counterpart": record.counterpart_key,
        "response_due": last_day(record.response_due_at),
        "response_due_at": iso(record.response_due_at),
        "responded_at": iso(record.responded_at),
        "responded_by": record.responded_by,
        "response": record.response_text,
        "window_passed_at": iso(record.window_passed_at),
        "assessment": record.assessment,
        "assessment_reason": record.assessment_reason,
        "assessed_by": record.assessed_by,
        "refused_at": iso(record.refused_at),
        "refused_by": record.refused_by,
        "refusal_reason": record.refusal_reason,
    }


def escalation_view(
    row: Escalation, levels: list[EscalationLevel], profile: Profile, now: datetime
) -> dict[str, Any]:
    spec = profile.ladder.level(row.level)
    current = max((lv for lv in levels if lv.level == row.level), key=lambda lv: lv.attempt, default=None)
    return {
        "case": case_ref("escalation", row.id),
        "contract": row.contract_key,
        "subject": row.subject,
        "norm": row.norm,
        "participant": row.participant,
        "threatened": row.threatened,
        "level": row.level,
        "level_name": spec.name,
        "counterpart_role": spec.counterpart,
        "counterpart": current.counterpart_key if current else None,
        "state": row.state,
        "opened_by": row.opened_by,
        "opened_at": iso(row.opened_at),
        "closed_at": iso(row.closed_at),
        "response_due": last_day(current.response_due_at) if current and row.state == "addressed" else None,
        "closure": (
            {"measures": row.measures, "results": row.results, "lessons": row.lessons}
            if row.measures
            else None
        ),
        "levels": [level_view(lv) for lv in sorted(levels, key=lambda lv: lv.id or 0)],
    }

"""Read models: what `show`, `list` and every action print (table or --json)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..adapters.tables import Escalation, EscalationLevel
from ..domain.dates import local_date
from ..profiles import Profile
from .common import case_ref


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def last_day(due_at: datetime) -> str:
    """A deadline instant is the end of a local day; show that day."""
    return local_date(due_at - timedelta(microseconds=1)).isoformat()


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

"""Pure rules of the improvement plans (B2 §5.2 three-step plan; TP §2.1.2 plan within 14 days).

No database, no clock: every function takes the dates and instants it needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from escalation_engine.core.dates import add_period, at_local_time, local_date

TRIGGERS = ("requirements", "kpi", "audit", "collaboration")
TRIGGER_LABELS = {
    "requirements": "the service does not meet the requirements",
    "kpi": "a KPI lags its target",
    "audit": "audit results give reason",
    "collaboration": "the collaboration is not as desired",
    "norm_failure": "a quality norm was not met",
}


@dataclass
class PlanCase:
    """What the plan machines' guards read: a plain copy of the plan's row."""

    ref: str
    state: str
    kpi: str | None = None
    participants: list[str] = field(default_factory=list)
    window_over: bool = False
    early_step3_allowed: bool = False

    def skip_allowed(self) -> bool:
        return may_skip_step1(self.kpi, self.participants)

    def step3_may_be_requested(self) -> bool:
        return self.window_over or self.early_step3_allowed


def may_skip_step1(kpi: str | None, participants: Sequence[str]) -> bool:
    """B2 §5.2: step 1 may be skipped when the situation concerns a KPI or more than one participant."""
    return bool(kpi and kpi.strip()) or len({p.strip().casefold() for p in participants if p.strip()}) > 1


def clean_participants(participants: Sequence[str]) -> list[str]:
    """Participants as given, without blanks or case-insensitive duplicates, in their first spelling."""
    seen: dict[str, str] = {}
    for name in participants:
        if name.strip():
            seen.setdefault(name.strip().casefold(), name.strip())
    return list(seen.values())


def execution_window_end(start: date, months: int) -> date:
    """The first day after the first `months` months of execution (TP §2.1.2: the first 12 months)."""
    return add_period(start, months, "months")


def within_first_months(start: date, detected: date, months: int) -> bool:
    return start <= detected < execution_window_end(start, months)


def reminder_days_before(last_day: date, days_before: Sequence[int]) -> list[tuple[int, date]]:
    """(days before, date) of each reminder ahead of a deadline's last day, earliest first, no duplicates."""
    return sorted({(d, last_day - timedelta(days=d)) for d in days_before}, key=lambda item: item[1])


def next_recurring(after: datetime, first_day: date, every_days: int, hour: int, minute: int) -> datetime:
    """The first reminder strictly after `after` in the series first_day, first_day + every, … at hh:mm local.

    After downtime the series resumes at its next slot instead of sending every missed one.
    """
    if every_days <= 0:
        raise ValueError("a reminder series needs a positive interval")
    day = first_day
    instant = at_local_time(day, hour, minute)
    if instant <= after:
        missed = (local_date(after) - day).days // every_days
        day = day + timedelta(days=max(missed, 0) * every_days)
        instant = at_local_time(day, hour, minute)
    while instant <= after:
        day += timedelta(days=every_days)
        instant = at_local_time(day, hour, minute)
    return instant

"""Dates, instants and deadline arithmetic.

Instants are stored in UTC; dates are computed in Europe/Amsterdam, so a daylight-saving change never moves
a deadline's date. A deadline "within N days after X" ends at the end of the N-th local calendar day after
X's local date. Contract deadlines do not roll onto a working day unless a profile opts in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from escalation_engine.core.errors import BadInput

if TYPE_CHECKING:
    from escalation_engine.core.workdays import WorkdayCalendar

__all__ = [
    "AMSTERDAM",
    "UNITS",
    "UTC",
    "Term",
    "add_period",
    "at_local_time",
    "deadline_date",
    "deadline_instant",
    "end_of_day",
    "local_date",
    "parse_date",
    "require_aware",
    "start_of_day",
]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

UNITS: frozenset[str] = frozenset({"days", "weeks", "months"})
_SINGULAR = {"days": "day", "weeks": "week", "months": "month"}
_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> date:
    """A date written strictly as YYYY-MM-DD; BadInput for anything else, including impossible dates."""
    problem = BadInput(f"malformed date {text!r}: expected YYYY-MM-DD")
    if not _DATE_PATTERN.fullmatch(text):
        raise problem
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise problem from None


def require_aware(instant: datetime) -> datetime:
    """`instant` converted to UTC; ValueError if it is naive (has no UTC offset)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant.isoformat()}: an instant needs a time zone")
    return instant.astimezone(UTC)


def local_date(instant: datetime) -> date:
    """The calendar date in Europe/Amsterdam at which the aware `instant` falls."""
    return require_aware(instant).astimezone(AMSTERDAM).date()


def at_local_time(d: date, hour: int, minute: int = 0) -> datetime:
    """The UTC instant at which Amsterdam wall clocks show `hour:minute` on local date `d`.

    An ambiguous wall time (the repeated autumn hour) means its first occurrence (fold=0). A wall time that
    does not exist (the spring gap) means the first valid instant after it: the moment the clocks jump.
    """
    wall = datetime.combine(d, time(hour, minute), tzinfo=AMSTERDAM)
    instant = wall.astimezone(UTC)
    if _wall_time(instant) == wall.replace(tzinfo=None):
        return instant
    # In the gap zoneinfo reads fold=1 with the offset after the jump: an instant before the jump.
    return _first_instant_after_wall_time(wall.replace(fold=1).astimezone(UTC), instant)


def _wall_time(instant: datetime) -> datetime:
    return instant.astimezone(AMSTERDAM).replace(tzinfo=None)


def _first_instant_after_wall_time(before: datetime, after: datetime) -> datetime:
    """The first instant in (before, after] whose UTC offset differs from `before`'s (whole seconds)."""
    offset_before = before.astimezone(AMSTERDAM).utcoffset()
    low, high = 0, int((after - before).total_seconds())
    while high - low > 1:
        middle = (low + high) // 2
        if (before + timedelta(seconds=middle)).astimezone(AMSTERDAM).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return before + timedelta(seconds=high)


def start_of_day(d: date) -> datetime:
    """The UTC instant of local midnight at the start of `d` in Amsterdam."""
    return at_local_time(d, 0)


def end_of_day(d: date) -> datetime:
    """The UTC instant at which local day `d` ends, which is the start of the next local day."""
    return start_of_day(d + timedelta(days=1))


def add_period(d: date, amount: int, unit: str) -> date:
    """`d` plus `amount` days, weeks (7 days) or calendar months (clamped to the month's end)."""
    if unit == "days":
        return d + timedelta(days=amount)
    if unit == "weeks":
        return d + timedelta(weeks=amount)
    if unit == "months":
        result: date = d + relativedelta(months=amount)
        return result
    raise ValueError(f"unknown period unit {unit!r}: expected one of {', '.join(sorted(UNITS))}")


@dataclass(frozen=True)
class Term:
    """A contractual term such as "request + 2 weeks", with the rule's label and source (e.g. "B2 §6")."""

    amount: int
    unit: str
    label: str
    source: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown period unit {self.unit!r}: expected one of {', '.join(sorted(UNITS))}")

    def describe(self) -> str:
        """E.g. "2 weeks (B2 §6)"."""
        unit = _SINGULAR[self.unit] if abs(self.amount) == 1 else self.unit
        return f"{self.amount} {unit} ({self.source})"


def deadline_date(
    start: date,
    term: Term,
    *,
    roll_to_working_day: bool = False,
    calendar: WorkdayCalendar | None = None,
) -> date:
    """The last local date of `term` counted from `start`.

    Contract deadlines do not roll; with `roll_to_working_day` a date that is not a working day in
    `calendar` moves to the next working day. Rolling needs an explicit calendar: it is a profile choice.
    """
    last_day = add_period(start, term.amount, term.unit)
    if not roll_to_working_day:
        return last_day
    if calendar is None:
        raise ValueError(f"rolling {term.describe()} to a working day needs a working-day calendar")
    return calendar.next_working_day(last_day)


def deadline_instant(
    start_instant: datetime,
    term: Term,
    *,
    roll_to_working_day: bool = False,
    calendar: WorkdayCalendar | None = None,
) -> datetime:
    """The UTC instant at which `term`, counted from the local date of `start_instant`, runs out."""
    last_day = deadline_date(
        local_date(start_instant), term, roll_to_working_day=roll_to_working_day, calendar=calendar
    )
    return end_of_day(last_day)

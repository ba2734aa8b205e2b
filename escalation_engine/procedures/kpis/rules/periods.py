"""Reporting periods: a month, quarter, half year or calendar year, written as text.

Accepted forms (surrounding spaces ignored, ``q``/``h`` in either case):

- ``"2026-03"``  a calendar month
- ``"2026-Q1"``  a quarter (Q1 = January-March, ..., Q4 = October-December)
- ``"2026-H1"``  a half year (H1 = January-June, H2 = July-December)
- ``"2026"``     a calendar year

KPI frequencies in the seeds are stated in these units (B2 §2.2: per month decentrally, per quarter
centrally; B2 §2.1.3: half-yearly; TP §2.1.3: quarterly reports). Anything else raises ``BadInput``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from escalation_engine.core.errors import BadInput

_PATTERN = re.compile(
    r"(?P<year>[0-9]{4})(?:-(?:(?P<month>[0-9]{2})|[Qq](?P<quarter>[0-9])|[Hh](?P<half>[0-9])))?"
)
_FORMS = "expected YYYY-MM (month), YYYY-Qn (quarter 1-4), YYYY-Hn (half year 1-2) or YYYY (year)"


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half-year"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class Period:
    """A closed range of calendar days: ``start`` is the first day, ``end`` the last day (inclusive)."""

    kind: PeriodKind
    label: str
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def month_starts(self) -> tuple[date, ...]:
        """The first day of every calendar month in the period, in order."""
        first = self.start.year * 12 + self.start.month - 1
        last = self.end.year * 12 + self.end.month - 1
        return tuple(date(index // 12, index % 12 + 1, 1) for index in range(first, last + 1))


def last_day_of_month(year: int, month: int) -> date:
    """The last calendar day of a month (28, 29, 30 or 31)."""
    return date(year, month, calendar.monthrange(year, month)[1])


def month_period(year: int, month: int) -> Period:
    _check_year(year)
    if not 1 <= month <= 12:
        raise BadInput(f"month {month} is outside 1-12")
    return Period(
        PeriodKind.MONTH, f"{year:04d}-{month:02d}", date(year, month, 1), last_day_of_month(year, month)
    )


def quarter_period(year: int, quarter: int) -> Period:
    _check_year(year)
    if not 1 <= quarter <= 4:
        raise BadInput(f"quarter Q{quarter} is outside Q1-Q4")
    first_month = 3 * (quarter - 1) + 1
    return Period(
        PeriodKind.QUARTER,
        f"{year:04d}-Q{quarter}",
        date(year, first_month, 1),
        last_day_of_month(year, first_month + 2),
    )


def half_year_period(year: int, half: int) -> Period:
    _check_year(year)
    if not 1 <= half <= 2:
        raise BadInput(f"half year H{half} is outside H1-H2")
    first_month = 6 * (half - 1) + 1
    return Period(
        PeriodKind.HALF_YEAR,
        f"{year:04d}-H{half}",
        date(year, first_month, 1),
        last_day_of_month(year, first_month + 5),
    )


def year_period(year: int) -> Period:
    _check_year(year)
    return Period(PeriodKind.YEAR, f"{year:04d}", date(year, 1, 1), date(year, 12, 31))


def parse_period(text: str) -> Period:
    """Parse ``"2026-03"``, ``"2026-Q1"``, ``"2026-H1"`` or ``"2026"``; BadInput naming the accepted forms."""
    if not isinstance(text, str):
        raise BadInput(f"period must be text, got {type(text).__name__}: {_FORMS}")
    match = _PATTERN.fullmatch(text.strip())
    if match is None:
        raise BadInput(f"malformed period {text!r}: {_FORMS}")
    year = int(match["year"])
    try:
        if match["month"] is not None:
            return month_period(year, int(match["month"]))
        if match["quarter"] is not None:
            return quarter_period(year, int(match["quarter"]))
        if match["half"] is not None:
            return half_year_period(year, int(match["half"]))
        return year_period(year)
    except BadInput as problem:
        raise BadInput(f"malformed period {text!r}: {problem.message}; {_FORMS}") from None


def _check_year(year: int) -> None:
    if not 1 <= year <= 9999:
        raise BadInput(f"year {year} is outside 0001-9999")


def period_containing(kind: str, day: date) -> Period:
    """The month, quarter, half year or year (``kind`` as a PeriodKind value) that contains ``day``."""
    if kind == PeriodKind.MONTH:
        return month_period(day.year, day.month)
    if kind == PeriodKind.QUARTER:
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    if kind == PeriodKind.HALF_YEAR:
        return half_year_period(day.year, 1 if day.month <= 6 else 2)
    if kind == PeriodKind.YEAR:
        return year_period(day.year)
    raise BadInput(f"unknown period kind {kind!r}: expected month, quarter, half-year or year")

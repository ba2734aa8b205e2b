"""Working days (werkdagen) for KPIs that count them, e.g. TP KPI 7 and 8.

A working day is any day that is not a Saturday, a Sunday or, in the "termijnenwet" calendar, one of the
recognised holidays of the Algemene termijnenwet art. 3. Which calendar applies is a profile choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter

TERMIJNENWET = "termijnenwet"
WEEKENDS_ONLY = "weekends-only"
CALENDAR_NAMES: frozenset[str] = frozenset({TERMIJNENWET, WEEKENDS_ONLY})

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


@lru_cache(maxsize=64)
def termijnenwet_holidays(year: int) -> frozenset[date]:
    """The holidays of Algemene termijnenwet art. 3 (with Good Friday, equated by art. 3(2)) in `year`.

    Easter Sunday and Whit Sunday are not listed: they are Sundays anyway.
    """
    easter_sunday = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday, King's Day is kept on Saturday 26 April
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),  # Nieuwjaarsdag
            easter_sunday - timedelta(days=2),  # Goede Vrijdag (art. 3(2))
            easter_sunday + timedelta(days=1),  # tweede Paasdag
            kings_day,  # Koningsdag
            date(year, 5, 5),  # Bevrijdingsdag: every year under the termijnenwet
            easter_sunday + timedelta(days=39),  # Hemelvaartsdag
            easter_sunday + timedelta(days=50),  # tweede Pinksterdag
            date(year, 12, 25),  # eerste Kerstdag
            date(year, 12, 26),  # tweede Kerstdag
        }
    )


@dataclass(frozen=True)
class WorkdayCalendar:
    """A named working-day calendar: "termijnenwet" (weekends and art. 3 holidays) or "weekends-only"."""

    name: str

    def __post_init__(self) -> None:
        if self.name not in CALENDAR_NAMES:
            known = ", ".join(sorted(CALENDAR_NAMES))
            raise ValueError(f"unknown working-day calendar {self.name!r}: expected one of {known}")

    @classmethod
    def named(cls, name: str) -> WorkdayCalendar:
        """The calendar called `name`; ValueError for an unknown name."""
        return cls(name)

    def is_working_day(self, d: date) -> bool:
        if d.weekday() >= _SATURDAY:
            return False
        return not (self.name == TERMIJNENWET and d in termijnenwet_holidays(d.year))

    def next_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day strictly after `d` (`d` itself for n == 0)."""
        if n < 0:
            raise ValueError(f"cannot add a negative number of working days ({n})")
        while n > 0:
            d += _ONE_DAY
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days in (a, b]; negative (minus those in (b, a]) when b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a
        while d < b:
            d += _ONE_DAY
            if self.is_working_day(d):
                count += 1
        return count

"""Due dates of contract obligations: one-off and recurring, each naming its rule.

Pure functions over dates. An obligation is anchored on a date (contract start, award, signing, the
fulfilment of another obligation, or the end of each calendar quarter) and falls due a period after it:
calendar days, weeks (7 days), calendar months (clamped at the month's end: 31 Jan + 1 month = 28/29 Feb)
or working days on a working-day calendar. A recurring obligation's n-th occurrence is counted from the
anchor in one step (anchor + first + (n-1) × every), so month-end clamping never drifts (31 Jan monthly →
28 Feb, 31 Mar, 30 Apr, …). Contract deadlines roll to a working day only where the profile says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from escalation_engine.core.dates import add_period
from escalation_engine.core.workdays import WorkdayCalendar

UNITS = ("days", "weeks", "months", "working_days")
_SINGULAR = {"days": "day", "weeks": "week", "months": "month", "working_days": "working day"}
MAX_OCCURRENCES = 500


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown period unit {self.unit!r}: expected one of {', '.join(UNITS)}")
        if self.amount < 0:
            raise ValueError(f"a period cannot be negative ({self.amount} {self.unit})")

    def times(self, n: int) -> Period:
        return Period(self.amount * n, self.unit)

    def describe(self) -> str:
        unit = _SINGULAR[self.unit] if self.amount == 1 else self.unit.replace("_", " ")
        return f"{self.amount} {unit}"


@dataclass(frozen=True)
class Occurrence:
    """One due date of an obligation: its number, the last day, the rule that gave it, the period."""

    seq: int
    due: date
    rule: str
    period: str | None = None


def add(d: date, period: Period, calendar: WorkdayCalendar) -> date:
    """`d` plus `period`; working days are counted on `calendar` (the n-th working day after `d`)."""
    if period.unit == "working_days":
        return calendar.add_working_days(d, period.amount)
    return add_period(d, period.amount, period.unit)


def quarter_of(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    """The last day of calendar quarter `quarter` (1–4) of `year`: 31 Mar, 30 Jun, 30 Sep, 31 Dec."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1–4, not {quarter}")
    first_of_next = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first_of_next - timedelta(days=1)


def quarters_from(start: date) -> Iterator[tuple[int, int]]:
    """The calendar quarters from the one that contains `start` onwards."""
    year, quarter = quarter_of(start)
    while True:
        yield year, quarter
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


@dataclass(frozen=True)
class Schedule:
    """How an obligation falls due. `every` None = one-off; `quarterly` = once per calendar quarter."""

    anchor_label: str
    first: Period
    every: Period | None = None
    count: int | None = None
    quarterly: bool = False
    roll_to_working_day: bool = False

    @property
    def recurring(self) -> bool:
        return self.quarterly or self.every is not None

    def occurrences(
        self, anchor: date, horizon_end: date, calendar: WorkdayCalendar, *, after_seq: int = 0
    ) -> list[Occurrence]:
        """Every occurrence up to `horizon_end` (a one-off is always derived; `count` caps a series).

        `after_seq` continues a series already derived up to that number (a rolling horizon): the n-th
        occurrence is still counted from the anchor, so a continued series has exactly the dates a longer
        first derivation would have had. At most MAX_OCCURRENCES are returned per call."""
        if self.quarterly:
            raw = self._quarterly(anchor, horizon_end, calendar, after_seq)
        else:
            raw = self._series(anchor, horizon_end, calendar, after_seq)
        return [self._rolled(o, calendar) for o in raw if o.seq > after_seq]

    def _limit(self, after_seq: int) -> int:
        """The last number to derive: `count` when the series has one, else a per-call safety cap."""
        cap = after_seq + MAX_OCCURRENCES
        return cap if self.count is None else min(self.count, cap)

    def _series(
        self, anchor: date, horizon_end: date, calendar: WorkdayCalendar, after_seq: int
    ) -> list[Occurrence]:
        first_due = add(anchor, self.first, calendar)
        if self.every is None:
            return [Occurrence(1, first_due, f"{self.anchor_label} + {self.first.describe()}")]
        out = [Occurrence(1, first_due, f"{self.anchor_label} + {self.first.describe()}", "#1")]
        for seq in range(max(2, after_seq + 1), self._limit(after_seq) + 1):
            due, rule = self._nth(anchor, first_due, seq, calendar)
            if due > horizon_end:
                break
            out.append(Occurrence(seq, due, rule, f"#{seq}"))
        return out

    def _nth(self, anchor: date, first_due: date, seq: int, calendar: WorkdayCalendar) -> tuple[date, str]:
        """Counted from the anchor in one step when the units agree (no month-end drift), else chained."""
        assert self.every is not None
        every = self.every.describe()
        if self.every.unit == self.first.unit:
            total = Period(self.first.amount + (seq - 1) * self.every.amount, self.every.unit)
            return add(anchor, total, calendar), f"{self.anchor_label} + {total.describe()} (every {every})"
        step = self.every.times(seq - 1)
        return add(first_due, step, calendar), f"first due date + {step.describe()} (every {every})"

    def _quarterly(
        self, anchor: date, horizon_end: date, calendar: WorkdayCalendar, after_seq: int
    ) -> list[Occurrence]:
        out: list[Occurrence] = []
        for seq, (year, quarter) in enumerate(quarters_from(anchor), start=1):
            end = quarter_end(year, quarter)
            if end > horizon_end or seq > self._limit(after_seq):
                break
            if seq <= after_seq:
                continue
            label = f"Q{quarter} {year}"
            offset = f" + {self.first.describe()}" if self.first.amount else ""
            out.append(Occurrence(seq, add(end, self.first, calendar), f"end of {label}{offset}", label))
        return out

    def _rolled(self, occurrence: Occurrence, calendar: WorkdayCalendar) -> Occurrence:
        if not self.roll_to_working_day:
            return occurrence
        rolled = calendar.next_working_day(occurrence.due)
        if rolled == occurrence.due:
            return occurrence
        rule = f"{occurrence.rule}, rolled to the next working day ({calendar.name})"
        return Occurrence(occurrence.seq, rolled, rule, occurrence.period)

"""The rolling obligation horizon (rules/horizon.py): always at least `horizon_months` past today, a
look-ahead on each monthly anniversary of the contract start, nothing after the contract's term; and a
continued series has exactly the dates a longer first derivation would have had."""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from escalation_engine.core.workdays import WorkdayCalendar
from escalation_engine.procedures.obligations.rules.due_dates import (
    MAX_OCCURRENCES,
    Period,
    Schedule,
)
from escalation_engine.procedures.obligations.rules.horizon import (
    contract_end,
    months_elapsed,
    rolling_horizon,
)

TW = WorkdayCalendar.named("termijnenwet")


def test_before_the_start_the_horizon_is_the_start_plus_horizon_months_and_the_first_look_is_the_start() -> (
    None
):
    h = rolling_horizon(date(2028, 1, 31), 36, date(2027, 12, 1))
    assert (h.end, h.next_look) == (date(2031, 1, 31), date(2028, 1, 31))


@pytest.mark.parametrize(
    ("today", "elapsed"),
    [
        (date(2028, 1, 31), 0),
        (date(2028, 2, 28), 0),  # 31 Jan + 1 month = 29 Feb 2028 (leap year): not yet
        (date(2028, 2, 29), 1),
        (date(2028, 3, 30), 1),
        (date(2028, 3, 31), 2),
        (date(2029, 2, 28), 13),  # 31 Jan 2028 + 13 months = 28 Feb 2029 (clamped)
    ],
)
def test_monthly_anniversaries_are_counted_from_the_start_clamped_at_month_end(
    today: date, elapsed: int
) -> None:
    assert months_elapsed(date(2028, 1, 31), today) == elapsed


def test_the_horizon_never_falls_short_of_today_plus_horizon_months() -> None:
    start = date(2028, 1, 31)
    today = date(2027, 6, 1)
    while today < date(2034, 1, 1):
        h = rolling_horizon(start, 36, today)
        assert h.end >= today + relativedelta(months=36), today
        assert h.next_look is not None and h.next_look > today
        # until the next look-ahead the horizon still holds
        assert h.end >= h.next_look - relativedelta(days=1) + relativedelta(months=36)
        today += relativedelta(days=1)


def test_a_look_ahead_derives_one_month_beyond_the_last_anniversary_plus_the_horizon() -> None:
    h = rolling_horizon(date(2026, 1, 1), 36, date(2026, 3, 2))
    assert (h.end, h.next_look, h.months_from_start) == (date(2029, 4, 1), date(2026, 4, 1), 39)


def test_a_contract_with_a_term_derives_nothing_after_its_end_and_stops_looking() -> None:
    end = contract_end(date(2026, 1, 1), 48)
    assert end == date(2030, 1, 1)
    assert rolling_horizon(date(2026, 1, 1), 36, date(2026, 11, 15), end).next_look == date(2026, 12, 1)
    last = rolling_horizon(date(2026, 1, 1), 36, date(2026, 12, 1), end)
    assert (last.end, last.next_look) == (date(2030, 1, 1), None)
    assert contract_end(date(2026, 1, 1), None) is None


@pytest.mark.parametrize(
    "schedule",
    [
        Schedule("start", Period(1, "months"), Period(1, "months")),  # monthly, from 31 Jan
        Schedule("start", Period(6, "months"), Period(3, "months")),  # quarterly meetings
        Schedule("start", Period(12, "months"), Period(12, "months")),  # yearly, across 29 Feb
        Schedule("quarter end", Period(30, "days"), quarterly=True),  # 30 days after each quarter
        Schedule("start", Period(10, "working_days"), Period(2, "weeks")),  # chained from the first due date
    ],
)
def test_a_continued_series_has_exactly_the_dates_of_a_longer_first_derivation(schedule: Schedule) -> None:
    anchor, first_end, later_end = date(2028, 1, 31), date(2031, 1, 31), date(2034, 7, 31)
    first = schedule.occurrences(anchor, first_end, TW)
    more = schedule.occurrences(anchor, later_end, TW, after_seq=first[-1].seq)
    whole = schedule.occurrences(anchor, later_end, TW)
    assert first + more == whole
    assert [o.seq for o in whole] == list(range(1, len(whole) + 1))
    assert schedule.occurrences(anchor, later_end, TW, after_seq=whole[-1].seq) == []


def test_monthly_reports_past_month_36_land_on_month_ends_and_29_february() -> None:
    monthly = Schedule("start", Period(1, "months"), Period(1, "months"))
    got = {o.seq: o.due for o in monthly.occurrences(date(2028, 1, 31), date(2033, 1, 31), TW, after_seq=36)}
    assert min(got) == 37
    assert (got[37], got[38], got[49], got[50], got[51]) == (
        date(2031, 2, 28),
        date(2031, 3, 31),
        date(2032, 2, 29),
        date(2032, 3, 31),
        date(2032, 4, 30),
    )


def test_a_count_still_ends_a_series_and_an_open_series_is_not_capped_at_a_fixed_number() -> None:
    capped = Schedule("start", Period(1, "months"), Period(1, "months"), count=12)
    assert capped.occurrences(date(2026, 1, 1), date(2040, 1, 1), TW, after_seq=12) == []
    weekly = Schedule("start", Period(1, "weeks"), Period(1, "weeks"))
    later = weekly.occurrences(date(2026, 1, 1), date(2040, 1, 1), TW, after_seq=MAX_OCCURRENCES)
    weeks = (date(2040, 1, 1) - date(2026, 1, 1)).days // 7  # 730 weeks in 14 years
    assert later[0].seq == MAX_OCCURRENCES + 1 and len(later) == weeks - MAX_OCCURRENCES

"""Due-date arithmetic of contract obligations (SPEC §6): months clamp at month end, quarter ends,
leap years, working days on the Algemene termijnenwet calendar, series counted from the anchor."""

from __future__ import annotations

from datetime import date

import pytest

from escalation_engine.core.workdays import WorkdayCalendar
from escalation_engine.procedures.obligations.rules.due_dates import (
    Period,
    Schedule,
    quarter_end,
    quarters_from,
)

TW = WorkdayCalendar.named("termijnenwet")
FAR = date(2040, 1, 1)


def dues(schedule: Schedule, anchor: date, horizon: date = FAR) -> list[date]:
    return [o.due for o in schedule.occurrences(anchor, horizon, TW)]


@pytest.mark.parametrize(
    ("year", "quarter", "end"),
    [
        (2026, 1, date(2026, 3, 31)),
        (2026, 2, date(2026, 6, 30)),
        (2026, 3, date(2026, 9, 30)),
        (2026, 4, date(2026, 12, 31)),
    ],
)
def test_a_quarter_ends_on_its_last_calendar_day(year: int, quarter: int, end: date) -> None:
    assert quarter_end(year, quarter) == end


def test_quarters_start_with_the_one_the_contract_starts_in_and_roll_over_the_year() -> None:
    quarters = quarters_from(date(2026, 11, 15))
    assert [next(quarters) for _ in range(3)] == [(2026, 4), (2027, 1), (2027, 2)]


def test_a_report_within_30_days_after_the_quarter_is_due_30_calendar_days_after_its_last_day() -> None:
    schedule = Schedule("quarter end", Period(30, "days"), quarterly=True)
    occurrences = schedule.occurrences(date(2026, 1, 1), date(2027, 1, 1), TW)
    assert [(o.period, o.due) for o in occurrences] == [
        ("Q1 2026", date(2026, 4, 30)),
        ("Q2 2026", date(2026, 7, 30)),
        ("Q3 2026", date(2026, 10, 30)),
        ("Q4 2026", date(2027, 1, 30)),
    ]
    assert occurrences[3].rule == "end of Q4 2026 + 30 days"


def test_only_quarters_ending_within_the_horizon_are_derived() -> None:
    schedule = Schedule("quarter end", Period(0, "days"), quarterly=True)
    assert dues(schedule, date(2026, 2, 10), date(2026, 9, 29)) == [date(2026, 3, 31), date(2026, 6, 30)]


def test_monthly_due_dates_clamp_at_month_end_without_drifting() -> None:
    schedule = Schedule("start", Period(1, "months"), every=Period(1, "months"), count=4)
    assert dues(schedule, date(2026, 1, 31)) == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]


def test_a_month_after_31_january_of_a_leap_year_is_29_february() -> None:
    schedule = Schedule("start", Period(1, "months"), every=Period(1, "months"), count=2)
    assert dues(schedule, date(2028, 1, 31)) == [date(2028, 2, 29), date(2028, 3, 31)]


def test_a_yearly_obligation_anchored_on_29_february_falls_on_28_february_in_common_years() -> None:
    schedule = Schedule("start", Period(12, "months"), every=Period(12, "months"))
    assert dues(schedule, date(2028, 2, 29), date(2033, 1, 1)) == [
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]


def test_within_a_year_then_half_yearly_counts_every_step_from_the_anchor() -> None:
    schedule = Schedule("signing", Period(12, "months"), every=Period(6, "months"))
    occurrences = schedule.occurrences(date(2025, 8, 31), date(2027, 12, 31), TW)
    assert [o.due for o in occurrences] == [date(2026, 8, 31), date(2027, 2, 28), date(2027, 8, 31)]
    assert occurrences[1].rule == "signing + 18 months (every 6 months)"


def test_a_one_off_obligation_is_derived_even_beyond_the_horizon() -> None:
    schedule = Schedule("award", Period(3, "months"))
    occurrences = schedule.occurrences(date(2025, 11, 30), date(2025, 12, 1), TW)
    assert [(o.seq, o.due, o.rule, o.period) for o in occurrences] == [
        (1, date(2026, 2, 28), "award + 3 months", None)
    ]


def test_weeks_are_seven_calendar_days() -> None:
    assert dues(Schedule("start", Period(2, "weeks")), date(2026, 12, 24)) == [date(2027, 1, 7)]


def test_working_days_skip_weekends_and_termijnenwet_holidays_including_5_may_every_year() -> None:
    # Fri 1 May 2026 + 3 working days: Mon 4 May, (Tue 5 May Bevrijdingsdag), Wed 6 May, Thu 7 May
    assert dues(Schedule("start", Period(3, "working_days")), date(2026, 5, 1)) == [date(2026, 5, 7)]


def test_working_days_skip_good_friday_and_easter_monday() -> None:
    # Thu 2 Apr 2026 + 1 working day: Good Friday 3 Apr and Easter Monday 6 Apr are not working days
    assert dues(Schedule("start", Period(1, "working_days")), date(2026, 4, 2)) == [date(2026, 4, 7)]


def test_a_due_date_rolls_to_the_next_working_day_only_where_the_profile_says_so() -> None:
    keep = Schedule("quarter end", Period(0, "days"), quarterly=True)
    roll = Schedule("quarter end", Period(0, "days"), quarterly=True, roll_to_working_day=True)
    anchor, horizon = date(2027, 1, 1), date(2027, 4, 1)  # Q1 2027 ends on Wednesday 31 March
    assert dues(keep, date(2026, 10, 1), date(2027, 1, 1)) == [date(2026, 12, 31)]
    assert dues(roll, anchor, horizon) == [date(2027, 3, 31)]
    saturday = Schedule("start", Period(0, "days"), roll_to_working_day=True)
    occurrence = saturday.occurrences(date(2026, 10, 31), FAR, TW)[0]
    assert occurrence.due == date(2026, 11, 2)
    assert occurrence.rule.endswith("rolled to the next working day (termijnenwet)")


def test_a_count_caps_a_series() -> None:
    schedule = Schedule("start", Period(1, "months"), every=Period(1, "months"), count=12)
    occurrences = schedule.occurrences(date(2026, 1, 1), FAR, TW)
    assert len(occurrences) == 12
    assert occurrences[-1].due == date(2027, 1, 1)


def test_a_negative_period_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        Period(-1, "days")

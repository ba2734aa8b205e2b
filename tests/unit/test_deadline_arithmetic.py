"""Deadline arithmetic in Europe/Amsterdam (SPEC §6): local dates, DST, calendar months, rolling."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from escalation_engine.core.dates import (
    AMSTERDAM,
    UTC,
    Term,
    add_period,
    at_local_time,
    deadline_date,
    deadline_instant,
    end_of_day,
    local_date,
    parse_date,
    require_aware,
    start_of_day,
)
from escalation_engine.core.errors import BadInput
from escalation_engine.core.workdays import WorkdayCalendar

WINTER = timedelta(hours=1)
SUMMER = timedelta(hours=2)
SPRING_SWITCH = date(2026, 3, 29)
AUTUMN_SWITCH = date(2026, 10, 25)

TWO_WEEKS = Term(2, "weeks", "request + 2 weeks", "B2 §6")
THIRTY_DAYS = Term(30, "days", "notice + 30 days", "B3 §2")


def amsterdam(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- parsing and instants -----------------------------------------------------------------------------


def test_a_date_written_as_yyyy_mm_dd_is_read_as_that_date() -> None:
    assert parse_date("2026-03-29") == date(2026, 3, 29)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-01",
        "26-01-01",
        "",
        "2026-02-30",
        "20260101",
        "2026-1-01",
        " 2026-01-01",
        "2026-01-01\n",
        "2026-01-01T00:00",
        "2026/01/01",
        "２０２６-01-01",
    ],
)
def test_a_date_not_written_as_a_real_yyyy_mm_dd_date_is_bad_input(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_date(text)
    assert caught.value.message == f"malformed date {text!r}: expected YYYY-MM-DD"
    assert caught.value.exit_code == 2


def test_an_instant_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        require_aware(datetime(2026, 3, 29, 12, 0))  # noqa: DTZ001 - the naive instant is the point


def test_an_aware_instant_is_stored_in_utc() -> None:
    stored = require_aware(amsterdam(2026, 7, 1, 14, 0))
    assert stored.utcoffset() == timedelta(0)
    assert stored == utc(2026, 7, 1, 12, 0)


def test_the_local_date_of_a_late_evening_utc_instant_is_the_next_day_in_amsterdam() -> None:
    assert local_date(utc(2026, 3, 28, 23, 30)) == date(2026, 3, 29)
    assert local_date(utc(2026, 7, 31, 22, 0)) == date(2026, 8, 1)
    assert local_date(utc(2026, 7, 31, 21, 59)) == date(2026, 7, 31)


def test_the_local_date_of_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError):
        local_date(datetime(2026, 3, 29, 12, 0))  # noqa: DTZ001


# --- days and DST -------------------------------------------------------------------------------------


def test_a_local_day_starts_at_local_midnight_in_winter_and_in_summer() -> None:
    assert start_of_day(date(2026, 1, 15)) == utc(2026, 1, 14, 23, 0)
    assert start_of_day(date(2026, 7, 15)) == utc(2026, 7, 14, 22, 0)


def test_the_spring_clock_change_day_starts_in_winter_time_and_ends_in_summer_time() -> None:
    start, end = start_of_day(SPRING_SWITCH), end_of_day(SPRING_SWITCH)
    assert start.astimezone(AMSTERDAM).utcoffset() == WINTER
    assert end.astimezone(AMSTERDAM).utcoffset() == SUMMER
    assert end == utc(2026, 3, 29, 22, 0)
    assert end - start == timedelta(hours=23)
    assert local_date(end - timedelta(microseconds=1)) == SPRING_SWITCH
    assert local_date(end) == date(2026, 3, 30)


def test_the_autumn_clock_change_day_starts_in_summer_time_and_ends_in_winter_time() -> None:
    start, end = start_of_day(AUTUMN_SWITCH), end_of_day(AUTUMN_SWITCH)
    assert start.astimezone(AMSTERDAM).utcoffset() == SUMMER
    assert end.astimezone(AMSTERDAM).utcoffset() == WINTER
    assert end == utc(2026, 10, 25, 23, 0)
    assert end - start == timedelta(hours=25)
    assert local_date(end - timedelta(microseconds=1)) == AUTUMN_SWITCH


def test_a_day_ends_where_the_next_day_starts() -> None:
    for d in (date(2026, 1, 1), SPRING_SWITCH, AUTUMN_SWITCH, date(2026, 12, 31)):
        assert end_of_day(d) == start_of_day(d + timedelta(days=1))


def test_a_wall_clock_time_on_the_spring_clock_change_day_gets_the_offset_in_force_then() -> None:
    before = at_local_time(SPRING_SWITCH, 1, 30)
    after = at_local_time(SPRING_SWITCH, 9, 0)
    assert before == utc(2026, 3, 29, 0, 30)
    assert before.astimezone(AMSTERDAM).utcoffset() == WINTER
    assert after == utc(2026, 3, 29, 7, 0)
    assert after.astimezone(AMSTERDAM).utcoffset() == SUMMER
    assert local_date(after) == SPRING_SWITCH


@pytest.mark.parametrize("minute", [0, 30, 59])
def test_a_wall_clock_time_skipped_by_the_spring_change_means_the_moment_the_clocks_jump(minute: int) -> None:
    instant = at_local_time(SPRING_SWITCH, 2, minute)
    assert instant == utc(2026, 3, 29, 1, 0)
    assert instant.astimezone(AMSTERDAM).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 0)  # noqa: DTZ001


def test_a_wall_clock_time_repeated_by_the_autumn_change_means_its_first_occurrence() -> None:
    instant = at_local_time(AUTUMN_SWITCH, 2, 30)
    assert instant == utc(2026, 10, 25, 0, 30)
    assert instant.astimezone(AMSTERDAM).utcoffset() == SUMMER


def test_a_wall_clock_time_after_the_autumn_change_is_in_winter_time() -> None:
    instant = at_local_time(AUTUMN_SWITCH, 9, 0)
    assert instant == utc(2026, 10, 25, 8, 0)
    assert instant.astimezone(AMSTERDAM).utcoffset() == WINTER
    assert local_date(instant) == AUTUMN_SWITCH


# --- periods ------------------------------------------------------------------------------------------


def test_one_month_after_31_january_is_the_last_day_of_february() -> None:
    assert add_period(date(2027, 1, 31), 1, "months") == date(2027, 2, 28)


def test_one_month_after_31_january_of_a_leap_year_is_29_february() -> None:
    assert add_period(date(2028, 1, 31), 1, "months") == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
    ],
)
def test_a_term_in_months_counts_calendar_months_clamped_to_the_month_end(
    start: date, amount: int, expected: date
) -> None:
    assert add_period(start, amount, "months") == expected


def test_a_week_is_seven_days() -> None:
    assert add_period(date(2026, 3, 20), 2, "weeks") == date(2026, 4, 3)
    assert add_period(date(2026, 3, 20), 2, "weeks") == add_period(date(2026, 3, 20), 14, "days")


def test_a_term_runs_across_the_year_boundary() -> None:
    assert add_period(date(2026, 12, 20), 2, "weeks") == date(2027, 1, 3)
    assert add_period(date(2026, 12, 31), 1, "days") == date(2027, 1, 1)
    assert add_period(date(2026, 12, 15), 1, "months") == date(2027, 1, 15)


def test_a_term_in_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="years"):
        add_period(date(2026, 1, 1), 1, "years")
    with pytest.raises(ValueError, match="fortnights"):
        Term(1, "fortnights", "request + 1 fortnight", "B2 §6")


def test_a_term_names_its_length_and_its_source() -> None:
    assert TWO_WEEKS.describe() == "2 weeks (B2 §6)"
    assert Term(1, "months", "plan + 1 month", "B4 §1").describe() == "1 month (B4 §1)"


# --- deadlines ----------------------------------------------------------------------------------------


def test_a_deadline_two_weeks_after_a_request_ends_at_local_midnight_after_the_fourteenth_day() -> None:
    requested = amsterdam(2026, 3, 20, 10, 0)
    deadline = deadline_instant(requested, TWO_WEEKS)
    assert deadline == amsterdam(2026, 4, 4, 0, 0)
    assert deadline == utc(2026, 4, 3, 22, 0)
    assert deadline.utcoffset() == timedelta(0)
    assert local_date(deadline - timedelta(microseconds=1)) == date(2026, 4, 3)


def test_a_deadline_counts_from_the_local_date_of_the_request_not_the_utc_date() -> None:
    requested = utc(2026, 3, 31, 22, 30)  # 1 April 00:30 in Amsterdam
    assert deadline_instant(requested, Term(1, "days", "request + 1 day", "B2 §6")) == amsterdam(2026, 4, 3)


def test_a_30_day_term_across_the_autumn_clock_change_keeps_its_local_date() -> None:
    noticed = amsterdam(2026, 10, 10, 14, 0)
    deadline = deadline_instant(noticed, THIRTY_DAYS)
    assert deadline == utc(2026, 11, 9, 23, 0)
    assert deadline.astimezone(AMSTERDAM) == amsterdam(2026, 11, 10)
    assert deadline.astimezone(AMSTERDAM).utcoffset() == WINTER


def test_a_30_day_term_across_the_spring_clock_change_keeps_its_local_date() -> None:
    noticed = amsterdam(2026, 3, 10, 23, 30)
    deadline = deadline_instant(noticed, THIRTY_DAYS)
    assert deadline == utc(2026, 4, 9, 22, 0)
    assert deadline.astimezone(AMSTERDAM) == amsterdam(2026, 4, 10)
    assert deadline.astimezone(AMSTERDAM).utcoffset() == SUMMER


def test_a_deadline_ending_on_the_spring_clock_change_day_ends_at_the_following_local_midnight() -> None:
    deadline = deadline_instant(amsterdam(2026, 3, 15, 9, 0), TWO_WEEKS)
    assert deadline == utc(2026, 3, 29, 22, 0)
    assert deadline.astimezone(AMSTERDAM) == amsterdam(2026, 3, 30)


def test_a_deadline_ending_on_the_autumn_clock_change_day_ends_at_the_following_local_midnight() -> None:
    deadline = deadline_instant(amsterdam(2026, 10, 11, 9, 0), TWO_WEEKS)
    assert deadline == utc(2026, 10, 25, 23, 0)
    assert deadline.astimezone(AMSTERDAM) == amsterdam(2026, 10, 26)


def test_a_contract_deadline_on_a_weekend_does_not_roll_by_default() -> None:
    assert deadline_date(date(2026, 3, 21), TWO_WEEKS) == date(2026, 4, 4)  # a Saturday
    calendar = WorkdayCalendar.named("termijnenwet")
    assert deadline_date(date(2026, 3, 21), TWO_WEEKS, calendar=calendar) == date(2026, 4, 4)


def test_a_deadline_rolls_past_the_weekend_and_easter_monday_when_the_profile_asks() -> None:
    calendar = WorkdayCalendar.named("termijnenwet")
    rolled = deadline_date(date(2026, 3, 21), TWO_WEEKS, roll_to_working_day=True, calendar=calendar)
    assert rolled == date(2026, 4, 7)


def test_a_deadline_rolls_only_past_the_weekend_under_a_weekends_only_calendar() -> None:
    calendar = WorkdayCalendar.named("weekends-only")
    rolled = deadline_date(date(2026, 3, 21), TWO_WEEKS, roll_to_working_day=True, calendar=calendar)
    assert rolled == date(2026, 4, 6)


def test_a_deadline_on_a_working_day_does_not_move_when_rolling_is_on() -> None:
    calendar = WorkdayCalendar.named("termijnenwet")
    assert deadline_date(date(2026, 3, 18), TWO_WEEKS, roll_to_working_day=True, calendar=calendar) == date(
        2026, 4, 1
    )


def test_a_rolled_deadline_instant_ends_at_the_end_of_the_working_day() -> None:
    calendar = WorkdayCalendar.named("termijnenwet")
    deadline = deadline_instant(
        amsterdam(2026, 3, 20, 10, 0), TWO_WEEKS, roll_to_working_day=True, calendar=calendar
    )
    assert deadline == amsterdam(2026, 4, 8)  # Good Friday 3 April, weekend, Easter Monday: ends 7 April


def test_rolling_without_a_working_day_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="calendar"):
        deadline_date(date(2026, 3, 21), TWO_WEEKS, roll_to_working_day=True)


def test_a_deadline_from_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        deadline_instant(datetime(2026, 3, 20, 10, 0), TWO_WEEKS)  # noqa: DTZ001

"""Working days under the Algemene termijnenwet art. 3 and the weekends-only calendar (SPEC §6)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from escalation_engine.core.workdays import WorkdayCalendar, termijnenwet_holidays

TERMIJNENWET = WorkdayCalendar.named("termijnenwet")
WEEKENDS_ONLY = WorkdayCalendar.named("weekends-only")


def test_the_termijnenwet_recognises_exactly_these_holidays_in_2026() -> None:
    assert termijnenwet_holidays(2026) == {
        date(2026, 1, 1),  # New Year's Day
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 4, 27),  # King's Day
        date(2026, 5, 5),  # Liberation Day
        date(2026, 5, 14),  # Ascension Day
        date(2026, 5, 25),  # Whit Monday
        date(2026, 12, 25),  # Christmas Day
        date(2026, 12, 26),  # Boxing Day
    }


@pytest.mark.parametrize(
    "holiday",
    [date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)],
    ids=["good-friday", "easter-monday", "ascension-day", "whit-monday"],
)
def test_the_easter_based_holidays_of_2026_are_not_working_days(holiday: date) -> None:
    assert holiday.weekday() < 5
    assert not TERMIJNENWET.is_working_day(holiday)
    assert WEEKENDS_ONLY.is_working_day(holiday)


def test_the_easter_based_holidays_follow_easter_each_year() -> None:
    holidays_2027 = termijnenwet_holidays(2027)  # Easter Sunday 28 March 2027
    assert {date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17)} <= holidays_2027
    assert date(2026, 4, 3) not in holidays_2027


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028, 2029, 2030])
def test_5_may_is_a_holiday_every_year_under_the_termijnenwet(year: int) -> None:
    assert date(year, 5, 5) in termijnenwet_holidays(year)


def test_5_may_2026_is_not_a_working_day_although_it_is_a_tuesday_outside_a_lustrum_year() -> None:
    assert date(2026, 5, 5).weekday() == 1
    assert not TERMIJNENWET.is_working_day(date(2026, 5, 5))
    assert WEEKENDS_ONLY.is_working_day(date(2026, 5, 5))


def test_kings_day_moves_to_26_april_when_27_april_is_a_sunday() -> None:
    assert date(2025, 4, 27).weekday() == 6
    assert date(2025, 4, 26) in termijnenwet_holidays(2025)
    assert date(2025, 4, 27) not in termijnenwet_holidays(2025)


def test_kings_day_is_27_april_when_that_is_not_a_sunday() -> None:
    assert date(2026, 4, 27) in termijnenwet_holidays(2026)
    assert date(2026, 4, 26) not in termijnenwet_holidays(2026)
    assert not TERMIJNENWET.is_working_day(date(2026, 4, 27))


def test_saturdays_and_sundays_are_never_working_days() -> None:
    for calendar in (TERMIJNENWET, WEEKENDS_ONLY):
        assert not calendar.is_working_day(date(2026, 1, 10))
        assert not calendar.is_working_day(date(2026, 1, 11))
        assert calendar.is_working_day(date(2026, 1, 12))


def test_one_working_day_after_a_friday_is_the_next_monday() -> None:
    assert TERMIJNENWET.add_working_days(date(2026, 1, 9), 1) == date(2026, 1, 12)


def test_working_days_are_counted_strictly_after_the_start_day() -> None:
    assert TERMIJNENWET.add_working_days(date(2026, 1, 5), 1) == date(2026, 1, 6)
    assert TERMIJNENWET.add_working_days(date(2026, 1, 5), 5) == date(2026, 1, 12)
    assert TERMIJNENWET.add_working_days(date(2026, 1, 10), 0) == date(2026, 1, 10)


def test_working_days_skip_christmas_and_the_weekend_after_it() -> None:
    assert TERMIJNENWET.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert TERMIJNENWET.add_working_days(date(2025, 12, 24), 2) == date(2025, 12, 30)
    assert WEEKENDS_ONLY.add_working_days(date(2025, 12, 24), 2) == date(2025, 12, 26)


def test_working_days_skip_new_years_day_across_the_year_boundary() -> None:
    assert TERMIJNENWET.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_a_negative_number_of_working_days_is_refused() -> None:
    with pytest.raises(ValueError):
        TERMIJNENWET.add_working_days(date(2026, 1, 5), -1)


def test_the_next_working_day_of_a_working_day_is_that_day() -> None:
    assert TERMIJNENWET.next_working_day(date(2026, 4, 2)) == date(2026, 4, 2)


def test_the_next_working_day_after_good_friday_is_the_tuesday_after_easter() -> None:
    assert TERMIJNENWET.next_working_day(date(2026, 4, 3)) == date(2026, 4, 7)
    assert WEEKENDS_ONLY.next_working_day(date(2026, 4, 4)) == date(2026, 4, 6)


def test_working_days_between_two_dates_exclude_the_first_and_include_the_last() -> None:
    assert TERMIJNENWET.working_days_between(date(2026, 1, 5), date(2026, 1, 9)) == 4
    assert TERMIJNENWET.working_days_between(date(2026, 1, 9), date(2026, 1, 12)) == 1
    assert TERMIJNENWET.working_days_between(date(2026, 1, 9), date(2026, 1, 9)) == 0


def test_working_days_between_two_dates_around_easter_leave_out_good_friday_and_easter_monday() -> None:
    assert TERMIJNENWET.working_days_between(date(2026, 3, 30), date(2026, 4, 10)) == 7
    assert WEEKENDS_ONLY.working_days_between(date(2026, 3, 30), date(2026, 4, 10)) == 9


def test_working_days_between_a_later_and_an_earlier_date_count_negative() -> None:
    assert TERMIJNENWET.working_days_between(date(2026, 1, 9), date(2026, 1, 5)) == -4


@pytest.mark.parametrize(
    "start", [date(2025, 12, 19), date(2026, 3, 27), date(2026, 4, 24), date(2026, 5, 1)]
)
def test_counting_working_days_undoes_adding_them(start: date) -> None:
    for n in range(0, 25):
        assert TERMIJNENWET.working_days_between(start, TERMIJNENWET.add_working_days(start, n)) == n


def test_adding_working_days_always_lands_on_a_working_day() -> None:
    start = date(2026, 4, 1)
    for offset in range(0, 60):
        landed = TERMIJNENWET.add_working_days(start + timedelta(days=offset), 1)
        assert TERMIJNENWET.is_working_day(landed)


def test_an_unknown_working_day_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="holidays-nl"):
        WorkdayCalendar.named("holidays-nl")
    with pytest.raises(ValueError):
        WorkdayCalendar("")

"""Reporting periods written as text: month, quarter, half year, year."""

from __future__ import annotations

from datetime import date

import pytest

from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.kpis.rules.periods import (
    PeriodKind,
    parse_period,
    period_containing,
)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026-03", PeriodKind.MONTH, date(2026, 3, 1), date(2026, 3, 31)),
        ("2026-02", PeriodKind.MONTH, date(2026, 2, 1), date(2026, 2, 28)),
        ("2028-02", PeriodKind.MONTH, date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-Q1", PeriodKind.QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q3", PeriodKind.QUARTER, date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", PeriodKind.QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-H1", PeriodKind.HALF_YEAR, date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-H2", PeriodKind.HALF_YEAR, date(2026, 7, 1), date(2026, 12, 31)),
        ("2026", PeriodKind.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_period_has_a_kind_a_first_day_and_a_last_day(
    text: str, kind: PeriodKind, start: date, end: date
) -> None:
    period = parse_period(text)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, text)


def test_a_lower_case_quarter_and_surrounding_spaces_are_accepted_and_normalised() -> None:
    assert parse_period(" 2026-q2 ").label == "2026-Q2"


def test_a_quarter_lists_its_three_month_starts() -> None:
    assert parse_period("2026-Q4").month_starts() == (date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1))


def test_a_period_contains_its_first_and_last_day_only() -> None:
    period = parse_period("2026-Q1")
    assert date(2026, 1, 1) in period and date(2026, 3, 31) in period
    assert date(2025, 12, 31) not in period and date(2026, 4, 1) not in period


@pytest.mark.parametrize(
    "text",
    ["", "2026-13", "2026-00", "2026-Q0", "2026-Q5", "2026-H3", "26-03", "2026-3", "2026/03", "Q1-2026"],
)
def test_a_malformed_period_is_bad_input_naming_the_accepted_forms(text: str) -> None:
    with pytest.raises(BadInput, match="YYYY-Qn"):
        parse_period(text)


def test_a_period_that_is_not_text_is_bad_input() -> None:
    with pytest.raises(BadInput):
        parse_period(2026)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "day", "label"),
    [
        ("month", date(2026, 7, 1), "2026-07"),
        ("quarter", date(2026, 6, 30), "2026-Q2"),
        ("quarter", date(2026, 10, 1), "2026-Q4"),
        ("half-year", date(2027, 1, 1), "2027-H1"),
        ("half-year", date(2027, 7, 1), "2027-H2"),
        ("year", date(2028, 2, 29), "2028"),
    ],
)
def test_the_period_of_a_kind_containing_a_due_date(kind: str, day: date, label: str) -> None:
    period = period_containing(kind, day)
    assert period.label == label and day in period


def test_an_unknown_period_kind_is_bad_input() -> None:
    with pytest.raises(BadInput, match="unknown period kind 'week'"):
        period_containing("week", date(2026, 1, 1))

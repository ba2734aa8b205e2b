"""Reading recorded KPI values and judging them: Decimal, the stated rounding rule, due dates (B2 §2, TP table 1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.kpis.rules.norms import (
    due_date,
    judge,
    month_of_execution,
    parse_percentage,
    parse_yes_no,
    stored_value,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("95", "95"),
        ("95.5", "95.5"),
        ("95,5", "95.5"),
        ("95 %", "95"),
        ("95%", "95"),
        (" 0 ", "0"),
        ("100", "100"),
    ],
)
def test_a_percentage_is_read_exactly_with_a_decimal_point_or_a_dutch_decimal_comma(
    raw: str, expected: str
) -> None:
    assert parse_percentage(raw) == Decimal(expected)


def test_an_excel_number_keeps_its_shortest_decimal_form_not_its_binary_expansion() -> None:
    assert parse_percentage(94.99) == Decimal("94.99")
    assert str(parse_percentage(0.1)) == "0.1"


def test_an_excel_cell_formatted_as_percentage_is_read_on_the_0_to_100_scale() -> None:
    assert parse_percentage(0.95, percent_format=True) == Decimal("95")
    assert parse_percentage(0.9499, percent_format=True) == Decimal("94.99")


@pytest.mark.parametrize("raw", ["abc", "", "-0.01", "100.01", "NaN", "Infinity", None, True])
def test_anything_but_a_percentage_from_0_to_100_is_bad_input(raw: object) -> None:
    with pytest.raises(BadInput):
        parse_percentage(raw)


@pytest.mark.parametrize(
    ("raw", "expected"), [("yes", True), ("Ja", True), ("1", True), ("nee", False), ("0", False), (1.0, True)]
)
def test_a_delivery_is_recorded_as_yes_or_no_in_english_or_dutch(raw: object, expected: bool) -> None:
    assert parse_yes_no(raw) is expected


def test_a_yes_no_value_that_is_neither_is_bad_input() -> None:
    with pytest.raises(BadInput, match="not yes/no"):
        parse_yes_no("maybe")


def test_the_norm_is_compared_unrounded_so_94_999_misses_95_and_is_shown_exactly() -> None:
    verdict = judge(
        "percentage", "94.999", Decimal("95"), name="Availability", period="2026-03", source="B2 §2.2"
    )
    assert verdict.met is False
    assert "94.999 %" in verdict.explanation  # not rounded onto the boundary as "95.00"


def test_exactly_the_norm_meets_it() -> None:
    assert judge("percentage", "95", Decimal("95"), name="A", period="2026-03", source="B2 §2.2").met is True
    assert judge("percentage", "98.00", Decimal("98"), name="K7", period="2026-03", source="TP").met is True


def test_display_rounds_half_up_to_two_decimals() -> None:
    verdict = judge("percentage", "96.125", Decimal("95"), name="A", period="2026-03", source="B2 §2.2")
    assert "96.13 %" in verdict.explanation


def test_a_stored_value_is_the_exact_decimal_text() -> None:
    assert stored_value("percentage", "97,125") == "97.125"
    assert stored_value("yes-no", "ja") == "1"


def test_a_one_off_delivery_is_due_calendar_months_after_start_or_award_clamped_to_the_month_end() -> None:
    assert due_date("start", 6, date(2026, 1, 1), None) == date(2026, 7, 1)
    assert due_date("award", 3, date(2026, 1, 1), date(2025, 11, 30)) == date(2026, 2, 28)
    assert due_date("award", 3, date(2026, 1, 1), None) is None


def test_months_of_execution_count_from_the_start_date() -> None:
    start = date(2026, 1, 1)
    assert month_of_execution(start, date(2026, 1, 31)) == 1
    assert month_of_execution(start, date(2026, 12, 31)) == 12
    assert month_of_execution(start, date(2027, 1, 1)) == 13


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False))
def test_a_verdict_never_contradicts_its_own_text_whatever_the_value(value: Decimal) -> None:
    verdict = judge("percentage", str(value), Decimal("95"), name="A", period="2026-03", source="B2 §2.2")
    assert verdict.met is (value >= 95)
    if not verdict.met:
        assert "95.00 % is below" not in verdict.explanation  # never rounded onto the norm it misses

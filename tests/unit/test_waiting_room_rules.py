"""Waiting-room clause (Wachtkamerclausule) rules, TP §2.1.2 (seed 004, 'Voorbeeld 1/2')."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.kpis.rules.waiting_room import (
    MOMENTS,
    evaluate_clause,
    evaluate_moment,
    in_moment_window,
    moment_date,
    scorecard_phase,
)

D = Decimal


def test_the_measurement_moments_are_after_months_6_9_and_12() -> None:
    assert MOMENTS == (6, 9, 12)


def test_a_miss_at_6_then_a_pass_at_9_does_not_invoke_the_clause_as_in_seed_example_1() -> None:
    verdict = evaluate_clause({6: False, 9: True})
    assert verdict.invoked is False
    assert verdict.first_miss_moment == 6
    assert verdict.improvement_plan_days == 14
    assert verdict.evidence == ((6, False), (9, True))


def test_a_pass_at_6_and_misses_at_9_and_12_invoke_the_clause_as_in_seed_example_2() -> None:
    verdict = evaluate_clause({6: True, 9: False, 12: False})
    assert verdict.invoked is True
    assert verdict.consecutive_misses == (9, 12)
    assert verdict.first_miss_moment == 9
    assert "TP §2.1.2" in verdict.explanation and "runner-up" in verdict.explanation


def test_misses_at_6_and_12_with_a_pass_at_9_are_not_consecutive_and_do_not_invoke_the_clause() -> None:
    verdict = evaluate_clause({6: False, 9: True, 12: False})
    assert verdict.invoked is False
    assert verdict.consecutive_misses is None
    assert verdict.first_miss_moment == 6


def test_misses_at_6_and_9_invoke_the_clause_already_at_month_9() -> None:
    verdict = evaluate_clause({6: False, 9: False})
    assert verdict.invoked is True
    assert verdict.consecutive_misses == (6, 9)


def test_misses_at_6_and_12_with_month_9_not_yet_known_do_not_invoke_the_clause() -> None:
    assert evaluate_clause({6: False, 12: False}).invoked is False


def test_passing_every_moment_needs_no_improvement_plan() -> None:
    verdict = evaluate_clause({6: True, 9: True, 12: True})
    assert (verdict.invoked, verdict.first_miss_moment, verdict.improvement_plan_days) == (False, None, None)


def test_the_norm_is_met_at_exactly_75_percent_on_all_three_points() -> None:
    verdict = evaluate_moment(6, D("75"), D("75.00"), D("75"))
    assert verdict.met is True
    assert verdict.failed == ()


@pytest.mark.parametrize(
    ("finished", "satisfied", "quality", "failed"),
    [
        (D("74.99"), D("80"), D("80"), ("finished",)),
        (D("80"), D("74.99"), D("80"), ("satisfied",)),
        (D("80"), D("80"), D("74.99"), ("quality",)),
        (D("10"), D("80"), D("0"), ("finished", "quality")),
    ],
)
def test_the_norm_is_missed_when_any_point_is_below_75_percent(
    finished: Decimal, satisfied: Decimal, quality: Decimal, failed: tuple[str, ...]
) -> None:
    verdict = evaluate_moment(9, finished, satisfied, quality)
    assert verdict.met is False
    assert verdict.failed == failed
    assert "74.99" in verdict.explanation or "10.00" in verdict.explanation


@pytest.mark.parametrize("moment", [0, 3, 7, 13, True])
def test_a_moment_other_than_6_9_or_12_is_bad_input(moment: int) -> None:
    with pytest.raises(BadInput, match="6, 9 or 12"):
        evaluate_moment(moment, D("80"), D("80"), D("80"))


@pytest.mark.parametrize("pct", [D("-1"), D("100.5"), 75.0, "75"])
def test_a_percentage_outside_0_to_100_or_not_a_decimal_is_bad_input(pct: object) -> None:
    with pytest.raises(BadInput):
        evaluate_moment(6, pct, D("80"), D("80"))  # type: ignore[arg-type]


def test_the_clause_accepts_moment_verdicts_and_keeps_them_as_evidence() -> None:
    at_9 = evaluate_moment(9, D("70"), D("80"), D("80"))
    at_12 = evaluate_moment(12, D("80"), D("60"), D("80"))
    verdict = evaluate_clause({12: at_12, 9: at_9, 6: True})
    assert verdict.invoked is True
    assert verdict.evidence == ((6, True), (9, False), (12, False))
    assert verdict.details == (at_9, at_12)


def test_a_moment_verdict_filed_under_another_month_is_bad_input() -> None:
    with pytest.raises(BadInput):
        evaluate_clause({9: evaluate_moment(6, D("80"), D("80"), D("80"))})


def test_a_result_for_an_unknown_moment_or_no_results_is_bad_input() -> None:
    with pytest.raises(BadInput):
        evaluate_clause({7: False})
    with pytest.raises(BadInput):
        evaluate_clause({})


@pytest.mark.parametrize(
    ("month", "phase"), [(1, "waiting-room"), (12, "waiting-room"), (13, "full-scorecard")]
)
def test_the_waiting_room_norm_applies_in_months_1_to_12_and_the_full_scorecard_from_month_13(
    month: int, phase: str
) -> None:
    assert scorecard_phase(month) == phase


def test_a_month_of_execution_below_1_is_bad_input() -> None:
    with pytest.raises(BadInput):
        scorecard_phase(0)


def test_a_percentage_just_below_75_is_shown_exactly_in_the_explanation() -> None:
    verdict = evaluate_moment(12, D("74.995"), D("80"), D("80"))
    assert verdict.failed == ("finished",)
    assert "74.995 %" in verdict.explanation


def test_a_moment_is_the_start_plus_whole_months_clamped_to_the_month_end() -> None:
    assert moment_date(date(2026, 1, 1), 6) == date(2026, 7, 1)
    assert moment_date(date(2026, 8, 31), 6) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("period_end", "previous", "counts"),
    [
        (date(2026, 5, 31), None, True),  # before the first moment (1 July)
        (date(2026, 6, 30), None, True),
        (date(2026, 7, 31), None, False),  # ends after the moment: the next moment's window
        (date(2026, 3, 31), date(2026, 4, 1), False),  # before the previous moment: that moment's window
        (date(2026, 4, 1), date(2026, 4, 1), True),
    ],
)
def test_a_scorecard_period_counts_for_the_moment_whose_window_it_ends_in(
    period_end: date, previous: date | None, counts: bool
) -> None:
    assert in_moment_window(period_end, date(2026, 7, 1), previous) is counts

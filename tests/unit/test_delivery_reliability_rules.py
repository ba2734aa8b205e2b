"""Delivery reliability (Leverbetrouwbaarheid) rules, B2 §2.2."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.kpis.rules.delivery import evaluate_central, evaluate_decentral
from escalation_engine.procedures.kpis.rules.sanctions import Sanction

D = Decimal


def test_availability_of_exactly_95_percent_meets_the_decentral_norm() -> None:
    verdict = evaluate_decentral("Belastingdienst", date(2026, 3, 1), D("95"))
    assert verdict.met is True
    assert verdict.classification == "Goed"
    assert verdict.improve_in_month is None and verdict.improve_by is None
    assert verdict.allowed_sanctions == ()


def test_availability_of_94_99_percent_misses_the_decentral_norm() -> None:
    verdict = evaluate_decentral("Belastingdienst", date(2026, 3, 1), D("94.99"))
    assert verdict.met is False
    assert verdict.classification == "Slecht"


def test_after_a_failed_month_the_supplier_improves_in_the_following_calendar_month() -> None:
    verdict = evaluate_decentral("DJI", date(2026, 1, 1), D("90"))
    assert verdict.improve_in_month == date(2026, 2, 1)
    assert verdict.improve_by == date(2026, 2, 28)
    assert "B2 §2.2" in verdict.explanation and "2026-02" in verdict.explanation


def test_the_improvement_month_after_december_is_january_of_the_next_year() -> None:
    verdict = evaluate_decentral("DJI", date(2026, 12, 1), D("80"))
    assert (verdict.improve_in_month, verdict.improve_by) == (date(2027, 1, 1), date(2027, 1, 31))


def test_the_improvement_month_after_january_of_a_leap_year_ends_on_29_february() -> None:
    assert evaluate_decentral("DJI", date(2028, 1, 1), D("80")).improve_by == date(2028, 2, 29)


def test_a_missed_norm_allows_sanctions_s1_s2_s3_and_s5_only() -> None:
    verdict = evaluate_decentral("MinIenW", date(2026, 5, 1), D("50"))
    assert verdict.allowed_sanctions == (Sanction.S1, Sanction.S2, Sanction.S3, Sanction.S5)
    assert Sanction.S4 not in verdict.allowed_sanctions


def test_the_decentral_month_must_be_given_as_its_first_day() -> None:
    with pytest.raises(BadInput, match="first day"):
        evaluate_decentral("DJI", date(2026, 3, 15), D("99"))
    with pytest.raises(BadInput, match="first day"):
        evaluate_decentral("DJI", datetime(2026, 3, 1), D("99"))  # noqa: DTZ001 — a datetime is refused


@pytest.mark.parametrize("pct", [D("-0.01"), D("100.01"), D("NaN"), 95.0, "95", True])
def test_an_availability_outside_0_to_100_or_not_a_decimal_is_bad_input(pct: object) -> None:
    with pytest.raises(BadInput):
        evaluate_decentral("DJI", date(2026, 3, 1), pct)  # type: ignore[arg-type]


def test_availability_of_0_and_100_percent_are_accepted() -> None:
    assert evaluate_decentral("DJI", date(2026, 3, 1), D("100")).met is True
    assert evaluate_decentral("DJI", date(2026, 3, 1), D("0")).met is False


def test_the_central_norm_is_met_when_exactly_95_percent_of_participants_reached_95_percent() -> None:
    figures = {f"P{n:02d}": D("96") for n in range(19)} | {"P19": D("94")}
    verdict = evaluate_central("2026-Q3", figures)
    assert (verdict.passed_count, verdict.participant_count) == (19, 20)
    assert verdict.share_pct == D("95")
    assert verdict.met is True
    assert verdict.allowed_sanctions == () and verdict.improvement_term is None


def test_the_central_norm_is_missed_when_18_of_19_participants_reached_95_percent() -> None:
    figures = {f"P{n:02d}": D("99") for n in range(18)} | {"Rechtspraak": D("94.99")}
    verdict = evaluate_central("2026-Q3", figures)
    assert verdict.met is False  # 94.74 % of participants
    assert verdict.share_display == "94.74 %"
    assert verdict.failing_participants == ("Rechtspraak",)
    assert verdict.allowed_sanctions == (Sanction.S1, Sanction.S2, Sanction.S3, Sanction.S5)
    assert verdict.improvement_term is not None and "category" in verdict.improvement_term


def test_with_monthly_figures_a_participant_passes_the_quarter_only_if_every_month_reached_95_percent() -> (
    None
):
    verdict = evaluate_central(
        "2026-Q1",
        {"MinBZK": [D("99"), D("99"), D("94.9")], "MinIenW": [D("95"), D("95"), D("95")]},
    )
    passed = {result.participant: result.passed for result in verdict.participants}
    assert passed == {"MinBZK": False, "MinIenW": True}
    assert verdict.met is False
    assert "policy default" in verdict.explanation


def test_the_central_verdict_names_its_quarter_with_start_and_end_dates() -> None:
    verdict = evaluate_central("2026-Q3", {"DJI": D("97")})
    assert (verdict.quarter.start, verdict.quarter.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert verdict.met is True
    assert "B2 §2.2" in verdict.explanation and "2026-Q3" in verdict.explanation


@pytest.mark.parametrize("quarter", ["2026-03", "2026-H1", "2026", "2026-Q5", "Q3 2026"])
def test_the_central_check_needs_a_quarter(quarter: str) -> None:
    with pytest.raises(BadInput):
        evaluate_central(quarter, {"DJI": D("97")})


def test_the_central_check_needs_figures_for_at_least_one_participant() -> None:
    with pytest.raises(BadInput, match="no availability"):
        evaluate_central("2026-Q3", {})


@pytest.mark.parametrize("values", [[], [D("99")] * 4, "99", [D("101")]])
def test_monthly_figures_must_be_one_to_three_valid_percentages(values: object) -> None:
    with pytest.raises(BadInput):
        evaluate_central("2026-Q3", {"DJI": values})  # type: ignore[dict-item]


def test_the_central_verdict_keeps_its_inputs_so_it_can_be_reproduced() -> None:
    verdict = evaluate_central("2026-Q2", {"B": [D("96"), D("97")], "A": D("94")})
    figures = {
        r.participant: list(r.availability_pct) if r.monthly else r.availability_pct[0]
        for r in verdict.participants
    }
    assert evaluate_central(verdict.quarter.label, figures) == verdict


def test_an_availability_just_below_95_percent_is_shown_exactly_not_rounded_up_to_95() -> None:
    verdict = evaluate_decentral("DJI", date(2026, 1, 1), D("94.995"))
    assert verdict.met is False
    assert "94.995 %" in verdict.explanation and "95.00 % availability" not in verdict.explanation
    assert "99.50 %" in evaluate_decentral("DJI", date(2026, 1, 1), D("99.495")).explanation  # half-up

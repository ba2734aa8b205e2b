"""Pure rules of the improvement plans (B2 §5.2, TP §2.1.2) and their machines."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from support import at

from escalation_engine.core.dates import Term, deadline_date, end_of_day
from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.machine import fire
from escalation_engine.procedures.plans.machine import (
    NormState,
    NormTrigger,
    PlanModel,
    StepState,
    StepTrigger,
    norm_machine,
    step_machine,
)
from escalation_engine.procedures.plans.rules import (
    clean_participants,
    may_skip_step1,
    next_recurring,
    reminder_days_before,
    within_first_months,
)

WINDOW = Term(3, "months", "improvement window after step 2", "B2 §5.2")


@pytest.mark.parametrize(
    ("step2", "last_day"),
    [
        (date(2026, 11, 30), date(2027, 2, 28)),  # clamped to the end of February
        (date(2027, 11, 30), date(2028, 2, 29)),  # leap year
        (date(2026, 11, 28), date(2027, 2, 28)),
        (date(2026, 12, 31), date(2027, 3, 31)),
        (date(2026, 5, 31), date(2026, 8, 31)),
        (date(2026, 3, 31), date(2026, 6, 30)),  # June has 30 days
    ],
)
def test_the_step_2_window_is_three_calendar_months_clamped_at_the_month_end(
    step2: date, last_day: date
) -> None:
    assert deadline_date(step2, WINDOW) == last_day


def test_a_window_ending_after_the_spring_switch_ends_at_local_midnight_summer_time() -> None:
    last = deadline_date(date(2026, 1, 5), WINDOW)
    assert last == date(2026, 4, 5)
    assert end_of_day(last) == datetime(2026, 4, 5, 22, 0, tzinfo=UTC)  # CEST: UTC+2


def test_a_window_ending_after_the_autumn_switch_ends_at_local_midnight_winter_time() -> None:
    last = deadline_date(date(2026, 7, 31), WINDOW)
    assert last == date(2026, 10, 31)
    assert end_of_day(last) == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # CET: UTC+1


def test_step_1_may_be_skipped_only_for_a_kpi_or_more_than_one_participant() -> None:
    assert may_skip_step1("Leverbetrouwbaarheid", [])
    assert may_skip_step1(None, ["Belastingdienst", "Defensie"])
    assert not may_skip_step1(None, ["Belastingdienst"])
    assert not may_skip_step1("  ", ["Belastingdienst", "belastingdienst "])  # the same participant twice


def test_participants_are_kept_once_in_their_first_spelling() -> None:
    assert clean_participants(["Belastingdienst", " belastingdienst", "", "Defensie"]) == [
        "Belastingdienst",
        "Defensie",
    ]


def test_the_14_day_plan_applies_to_findings_in_the_first_12_months_of_execution() -> None:
    start = date(2026, 1, 31)
    assert within_first_months(start, date(2026, 1, 31), 12)
    assert within_first_months(start, date(2027, 1, 30), 12)
    assert not within_first_months(start, date(2027, 1, 31), 12)
    assert not within_first_months(start, date(2026, 1, 30), 12)


def test_reminders_ahead_of_a_deadline_are_dated_back_from_its_last_day() -> None:
    assert reminder_days_before(date(2027, 2, 28), [2, 14, 2]) == [
        (14, date(2027, 2, 14)),
        (2, date(2027, 2, 26)),
    ]


def test_a_recurring_reminder_resumes_at_its_next_slot_after_downtime() -> None:
    first = date(2026, 3, 9)
    assert next_recurring(at("2026-03-02", 10), first, 7, 9, 0) == at("2026-03-09", 9)
    # down from 9 March to 1 April: one next slot after now, not the missed ones
    assert next_recurring(at("2026-04-01", 10), first, 7, 9, 0) == at("2026-04-06", 9)
    assert next_recurring(at("2026-03-30", 9), first, 7, 9, 0) == at("2026-04-06", 9)


def test_a_recurring_reminder_keeps_its_local_hour_across_the_spring_switch() -> None:
    slot = next_recurring(at("2026-03-27", 10), date(2026, 3, 23), 7, 9, 0)
    assert slot == at("2026-03-30", 9)
    assert slot.astimezone(UTC).hour == 7  # 09:00 CEST


def _model(state: str, **kw: object) -> PlanModel:
    return PlanModel(ref="PLAN-9", state=state, **kw)  # type: ignore[arg-type]


def test_the_machine_refuses_skipping_step_1_for_one_participant_without_kpi() -> None:
    with pytest.raises(RuleRefused, match="skipping step 1 is not met"):
        fire(
            step_machine(),
            _model("step_1", participants=["A"]),
            StepTrigger.SKIP_STEP1,
            rule="skipping step 1",
            source="B2 §5.2",
        )


def test_the_machine_lets_step_2_move_to_step_3_only_after_the_window_or_when_the_profile_allows() -> None:
    with pytest.raises(RuleRefused):
        fire(step_machine(), _model("step_2"), StepTrigger.ADVANCE, rule="window", source="B2 §5.2")
    assert (
        fire(step_machine(), _model("step_2", window_over=True), StepTrigger.ADVANCE, rule="w", source="s")
        == StepState.STEP_3_REQUESTED
    )
    assert (
        fire(
            step_machine(),
            _model("step_2", early_step3_allowed=True),
            StepTrigger.ADVANCE,
            rule="w",
            source="s",
        )
        == StepState.STEP_3_REQUESTED
    )


def test_a_presentation_needs_the_category_request_first() -> None:
    with pytest.raises(RuleRefused, match="not possible in that state"):
        fire(step_machine(), _model("step_2"), StepTrigger.PRESENT, rule="present", source="B2 §5.2")


def test_a_rejected_14_day_plan_goes_back_to_the_supplier_and_an_accepted_one_cannot_be_rejected() -> None:
    assert (
        fire(norm_machine(), _model("submitted"), NormTrigger.REJECT, rule="r", source="s")
        == NormState.AWAITING_PLAN
    )
    with pytest.raises(RuleRefused):
        fire(norm_machine(), _model("accepted"), NormTrigger.REJECT, rule="r", source="s")
    assert (
        fire(norm_machine(), _model("overdue"), NormTrigger.SUBMIT, rule="s", source="s")
        == NormState.SUBMITTED
    )

"""Step-in rules without a database (SPEC §3, B2 §6): threshold, meeting dates, machine, profile section."""

from __future__ import annotations

from datetime import date

import pytest

from escalation_engine.contracts.terms import due_date, term_of
from escalation_engine.core.errors import InvalidProfile, RuleRefused
from escalation_engine.core.machine import fire
from escalation_engine.procedures.step_in.machine import (
    StepInModel,
    StepInState,
    StepInTrigger,
    step_in_machine,
)
from escalation_engine.procedures.step_in.rules import (
    NamedEscalation,
    Threshold,
    check_held_date,
    check_threshold,
)
from escalation_engine.profile.model import find_profile, parse_profile

POLICY = Threshold(min_escalations=1, at_top_level=True, unresolved=True, source="policy default")
TOP = 3


def esc(ref: str, level: int, state: str = "addressed") -> NamedEscalation:
    return NamedEscalation(ref=ref, level=level, state=state)


def test_one_unresolved_top_level_escalation_meets_the_policy_default() -> None:
    assert check_threshold([esc("ESC-1", 3), esc("ESC-2", 1)], POLICY, TOP, None) == ["ESC-1"]


@pytest.mark.parametrize(
    ("named", "why"),
    [
        ([esc("ESC-1", 2, "insufficient")], "ESC-1 is at level 2, not the top level 3"),
        ([esc("ESC-1", 3, "closed")], "ESC-1 is closed"),
        ([esc("ESC-1", 3, "refused")], "ESC-1 is refused"),
        ([], "no escalations were named"),
    ],
)
def test_below_the_threshold_the_request_is_refused_with_the_reason(
    named: list[NamedEscalation], why: str
) -> None:
    with pytest.raises(RuleRefused) as refused:
        check_threshold(named, POLICY, TOP, None)
    assert why in refused.value.message
    assert "at least 1 escalation(s) of the contract that reached the top level (3)" in refused.value.message


def test_an_override_reason_lets_a_request_below_the_threshold_through() -> None:
    assert check_threshold([esc("ESC-1", 1)], POLICY, TOP, "three participants affected") == []


def test_a_blank_override_is_no_override() -> None:
    with pytest.raises(RuleRefused):
        check_threshold([esc("ESC-1", 1)], POLICY, TOP, "   ")


def test_a_profile_may_ask_for_two_escalations_at_any_level() -> None:
    two = Threshold(min_escalations=2, at_top_level=False, unresolved=True, source="x")
    assert check_threshold([esc("ESC-1", 1), esc("ESC-2", 2)], two, TOP, None) == ["ESC-1", "ESC-2"]
    with pytest.raises(RuleRefused, match="1 of the named escalations count"):
        check_threshold([esc("ESC-1", 1)], two, TOP, None)


def test_a_meeting_is_not_dated_before_the_request_nor_after_today() -> None:
    kw = {"earliest": date(2026, 3, 2), "earliest_what": "the step-in request", "today": date(2026, 3, 10)}
    check_held_date(date(2026, 3, 2), source="B2 §6", **kw)
    check_held_date(date(2026, 3, 10), source="B2 §6", **kw)
    with pytest.raises(RuleRefused, match="cannot be before the step-in request"):
        check_held_date(date(2026, 3, 1), source="B2 §6", **kw)
    with pytest.raises(RuleRefused, match="after today"):
        check_held_date(date(2026, 3, 11), source="B2 §6", **kw)


def run(state: StepInState, trigger: StepInTrigger, **kw: object) -> str:
    model = StepInModel(ref="STEP-1", state=state.value, culpable_causes=bool(kw.pop("culpable", True)))
    model.assessed = bool(kw.pop("assessed", False))
    return fire(step_in_machine(), model, trigger, rule="r", source="B2 §6", **kw)


def test_culpability_decides_between_step_in_and_the_dialogue_path() -> None:
    assert run(StepInState.NEW, StepInTrigger.REQUEST) == "awaiting_meeting"
    assert run(StepInState.NEW, StepInTrigger.OUTSIDE_SPHERE, culpable=False) == "dialogue"
    with pytest.raises(RuleRefused):
        run(StepInState.NEW, StepInTrigger.REQUEST, culpable=False)
    with pytest.raises(RuleRefused):
        run(StepInState.NEW, StepInTrigger.OUTSIDE_SPHERE)


def test_the_dialogue_path_is_final() -> None:
    for trigger in StepInTrigger:
        with pytest.raises(RuleRefused):
            run(StepInState.DIALOGUE, trigger, results="x")


def test_binding_advice_only_after_the_second_meeting() -> None:
    assert run(StepInState.SECOND_MEETING_HELD, StepInTrigger.ADVISE) == "advised"
    assert run(StepInState.ADVISED, StepInTrigger.ADVISE) == "advised"
    for state in (StepInState.MONITORING, StepInState.AWAITING_SECOND_MEETING, StepInState.SOLVED):
        with pytest.raises(RuleRefused):
            run(state, StepInTrigger.ADVISE)


def test_a_second_assessment_is_refused() -> None:
    assert run(StepInState.AWAITING_SECOND_MEETING, StepInTrigger.ASSESS_SOLVED) == "solved"
    with pytest.raises(RuleRefused):
        run(StepInState.AWAITING_SECOND_MEETING, StepInTrigger.ASSESS_SOLVED, assessed=True)


def test_closing_needs_a_written_result() -> None:
    assert run(StepInState.SOLVED, StepInTrigger.CLOSE, results="done") == "closed"
    with pytest.raises(RuleRefused, match="r is not met"):
        run(StepInState.SOLVED, StepInTrigger.CLOSE, results=" ")


def test_the_lease_bicycle_profile_cites_b2_6_for_the_contractual_terms() -> None:
    rules = find_profile("leasefietsen-rijk").spec.step_in
    assert rules is not None
    assert (rules.meeting_deadline.amount, rules.meeting_deadline.unit, rules.meeting_deadline.source) == (
        2,
        "weeks",
        "B2 §6",
    )
    assert (rules.progress_check.amount, rules.progress_check.unit, rules.progress_check.source) == (
        30,
        "days",
        "B2 §6",
    )
    assert rules.second_meeting_deadline.source.startswith("policy default")
    assert rules.threshold.source.startswith("policy default")
    assert rules.reminders.notify_roles == ["account_manager", "executive"]


def test_the_defence_profile_has_no_step_in_section() -> None:
    assert find_profile("reintegratie-defensie").spec.step_in is None


@pytest.mark.parametrize(
    ("start", "term", "expected"),
    [
        (date(2026, 3, 20), "meeting_deadline", date(2026, 4, 3)),
        (date(2026, 10, 20), "meeting_deadline", date(2026, 11, 3)),
        (date(2026, 1, 31), "progress_check", date(2026, 3, 2)),
        (date(2028, 1, 31), "progress_check", date(2028, 3, 1)),  # leap year
        (date(2026, 10, 10), "progress_check", date(2026, 11, 9)),
        (date(2026, 3, 14), "meeting_deadline", date(2026, 3, 28)),  # a Saturday: contract terms do not roll
    ],
)
def test_step_in_terms_count_calendar_days(start: date, term: str, expected: date) -> None:
    profile = find_profile("leasefietsen-rijk")
    assert profile.spec.step_in is not None
    assert due_date(profile, start, term_of(getattr(profile.spec.step_in, term))) == expected


def test_a_step_in_section_naming_a_client_role_for_meetings_is_invalid() -> None:
    text = find_profile("leasefietsen-rijk").text.replace(
        "meetings_recorded_by: [account_manager, service_manager, executive]",
        "meetings_recorded_by: [category]",
    )
    with pytest.raises(InvalidProfile, match="step_in.meetings_recorded_by: 'category' is a client role"):
        parse_profile(text, "bad.yaml")


def test_a_step_in_section_with_an_unknown_role_is_invalid() -> None:
    text = find_profile("leasefietsen-rijk").text.replace(
        "requested_by: [category, category_manager]", "requested_by: [category, nobody]"
    )
    with pytest.raises(InvalidProfile, match="step_in.requested_by: unknown role 'nobody'"):
        parse_profile(text, "bad.yaml")

"""The plan sections of the profiles: present where the seed has the procedure, optional, cross-checked."""

from __future__ import annotations

import re

import pytest

from escalation_engine.core.errors import InvalidProfile
from escalation_engine.profile.model import find_profile, parse_profile


def test_the_lease_bicycle_profile_has_the_three_step_plan_and_the_defence_profile_the_14_day_plan() -> None:
    b2, tp = find_profile("leasefietsen-rijk").spec, find_profile("reintegratie-defensie").spec
    assert b2.improvement_plan is not None and b2.norm_failure_plan is None
    assert tp.norm_failure_plan is not None and tp.improvement_plan is None
    window = b2.improvement_plan.step2_window
    assert (window.amount, window.unit) == (3, "months") and window.source.startswith("B2 §5.2")
    assert b2.improvement_plan.skip_step1_roles == ["category", "category_manager"]
    term = tp.norm_failure_plan.term
    assert (term.amount, term.unit, tp.norm_failure_plan.first_months) == (14, "days", 12)


def test_every_plan_setting_in_the_profiles_cites_a_clause_or_says_policy_default() -> None:
    for name, section in (
        ("leasefietsen-rijk", "improvement_plan:"),
        ("reintegratie-defensie", "norm_failure_plan:"),
    ):
        text = find_profile(name).text
        block = text[text.index(section) :].splitlines()[1:]
        end = next((i for i, line in enumerate(block) if re.match(r"^\w", line)), len(block))
        settings = [
            line
            for line in block[:end]
            if re.match(r"^\s+\w+: \S", line) and not re.match(r"^\s+(source|label|amount|unit):", line)
        ]
        assert len(settings) >= 9
        for line in settings:
            assert re.search(r"# (B2|TP) §|policy default", line), line


def test_a_profile_without_plan_sections_still_validates() -> None:
    text = find_profile("leasefietsen-rijk").text
    stripped = text[: text.index("# Three-step improvement plan")]
    assert parse_profile(stripped, "stripped").spec.improvement_plan is None


def test_an_unknown_role_in_a_plan_section_is_named() -> None:
    text = find_profile("leasefietsen-rijk").text.replace("presenter_role: executive", "presenter_role: ceo")
    with pytest.raises(InvalidProfile, match="improvement_plan: unknown role 'ceo'"):
        parse_profile(text, "bad")

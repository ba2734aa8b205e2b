"""KPIs are profile data: the B2 KPIs and the TP table-1 scorecard, each citing its clause."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from escalation_engine.core.errors import InvalidProfile
from escalation_engine.profile.model import find_profile, parse_profile

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def test_b2_defines_the_mvoi_delivery_reliability_and_satisfaction_kpis_with_their_sanctions() -> None:
    kpis = find_profile("leasefietsen-rijk").spec.kpis
    assert kpis is not None
    refs = {k.ref: k for k in kpis.definitions}
    assert {
        "isv-plan",
        "isv-report",
        "sr-plan",
        "sr-report",
        "circ-pi1",
        "delivery",
        "delivery-central",
        "kto",
    } <= set(refs)
    assert refs["delivery"].scope == "decentral" and refs["delivery"].periods == ["month"]
    assert refs["delivery-central"].scope == "central" and refs["delivery-central"].periods == ["quarter"]
    assert refs["delivery"].sanctions == ["S1", "S2", "S3", "S5"]
    assert refs["kto"].sanctions == ["S4"]
    assert all(k.source.startswith("B2 §") for k in kpis.definitions)
    assert kpis.sanctions_decided_by == ["category", "category_manager"]


def test_b2_survey_topics_are_the_factor_table_of_the_seed() -> None:
    kpis = find_profile("leasefietsen-rijk").spec.kpis
    assert kpis is not None and kpis.survey is not None
    assert [t.key for t in kpis.survey.topics] == [
        "1a",
        "1b",
        "2a",
        "2b",
        "2c",
        "3",
        "4a",
        "4b",
        "5",
        "6a",
        "6b",
        "7",
    ]
    assert kpis.survey.minimum_response == Decimal("0.70")


def test_tp_scorecard_has_quality_kpis_1_to_12_and_two_reporting_kpis_with_their_norms() -> None:
    kpis = find_profile("reintegratie-defensie").spec.kpis
    assert kpis is not None
    groups = {k.group for k in kpis.definitions}
    assert {f"Kwaliteit-{n}" for n in range(1, 13)} <= groups
    assert sum(1 for k in kpis.definitions if k.group == "Rapportage") == 2
    norms = {str(k.norm_pct) for k in kpis.definitions if k.norm_pct is not None}
    assert norms == {"98", "80", "90", "70", "100"}  # SPEC §5: 98 %, 80 %, 90 %, 70 %, 100 %
    assert kpis.waiting_room is not None
    assert "k12" not in kpis.waiting_room.counted_kpis  # TP §2.1.2: KPI 12 excluded
    assert kpis.sanctions_decided_by == ["category_manager"]


def _b2_text() -> str:
    return (WORKFLOWS / "leasefietsen-rijk.yaml").read_text(encoding="utf-8")


def test_an_unknown_sanction_code_in_a_profile_is_refused_naming_the_key() -> None:
    text = _b2_text().replace("sanctions: [S4]", "sanctions: [S9]")
    with pytest.raises(InvalidProfile, match=r"kpis\.definitions\.9.*unknown code 'S9'"):
        parse_profile(text, "test")


def test_a_supplier_role_cannot_be_made_the_sanctioner() -> None:
    text = _b2_text().replace(
        "sanctions_decided_by: [category, category_manager]", "sanctions_decided_by: [account_manager]"
    )
    with pytest.raises(InvalidProfile, match="not a client-side role"):
        parse_profile(text, "test")


def test_a_profile_without_kpis_is_still_valid() -> None:
    text = _b2_text().split("\nkpis:")[0]
    assert parse_profile(text, "test").spec.kpis is None


def test_the_mvoi_kpis_name_the_obligations_they_are_judged_against() -> None:
    profile = find_profile("leasefietsen-rijk").spec
    assert profile.kpis is not None and profile.obligations is not None
    links = {k.ref: k.obligation for k in profile.kpis.definitions if k.obligation is not None}
    assert {ref: (link.keys, link.judged_by) for ref, link in links.items()} == {
        "isv-plan": (["isv-plan"], "delivery"),
        "isv-report": (["isv-report"], "recorded-value"),
        "sr-plan": (["sr-plan", "sr-execution"], "delivery"),
        "sr-report": (["sr-report"], "recorded-value"),
        "circ-pi1": (["circularity-report"], "recorded-value"),
        "circ-pi2": (["circularity-report"], "recorded-value"),
        "circ-pi3": (["circularity-report"], "recorded-value"),
    }
    assert all(link.source.startswith("B2 §2.1") for link in links.values())
    assert all(profile.kpis.kpi(ref).due is None for ref in links)  # type: ignore[union-attr]
    assert [k.ref for k in profile.kpis.linked_to("circularity-report")] == [
        "circ-pi1",
        "circ-pi2",
        "circ-pi3",
    ]


def _tp_text() -> str:
    return (WORKFLOWS / "reintegratie-defensie.yaml").read_text(encoding="utf-8")


def test_the_tp_scorecard_plan_covers_quality_kpis_1_to_12_and_the_reporting_kpis() -> None:
    spec = find_profile("reintegratie-defensie").spec
    assert spec.kpis is not None and spec.norm_failure_plan is not None
    scorecard = spec.norm_failure_plan.scorecard
    assert scorecard is not None and scorecard.due_with == "management-report"
    covered = {ref for rule in scorecard.rules for ref in rule.kpis}
    assert covered == {k.ref for k in spec.kpis.definitions}
    assert scorecard.rule_for("k12") is not None and scorecard.rule_for("k12").term_in_first_months  # type: ignore[union-attr]
    assert scorecard.rule_for("r-invoicing").term_in_first_months is False  # type: ignore[union-attr]
    assert scorecard.due_source.startswith("policy default")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "        keys: [isv-plan]\n",
            "        keys: [isv-nothing]\n",
            r"kpis\.definitions\.0\.obligation\.keys: unknown obligation 'isv-nothing'",
        ),
        (
            "      obligation:\n        keys: [isv-plan]\n",
            "      due: {after: start, months: 6, source: x}\n      obligation:\n        keys: [isv-plan]\n",
            "give the due date once, in obligations.items",
        ),
        (
            '      periods: [half-year]\n      scope: central\n      measured_by: "Categorie, conform halfjaarlijkse rapportages"',
            '      periods: [half-year, year]\n      scope: central\n      measured_by: "Categorie, conform halfjaarlijkse rapportages"',
            "a KPI judged by a recorded value is recorded in one kind of period",
        ),
    ],
)
def test_a_kpi_naming_an_obligation_is_checked_against_the_profile(old: str, new: str, problem: str) -> None:
    text = _b2_text()
    assert old in text
    with pytest.raises(InvalidProfile, match=problem):
        parse_profile(text.replace(old, new, 1), "test")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "    due_with: management-report  #",
            "    due_with: monthly-reports  #",
            "'monthly-reports' is not an obligation",
        ),
        (
            "      - kpis: [r-invoicing, r-reporting]\n",
            "      - kpis: [r-invoicing, k99]\n",
            "unknown KPI 'k99'",
        ),
        (
            "      - kpis: [r-invoicing, r-reporting]\n",
            "      - kpis: [r-invoicing, k7]\n",
            "KPI 'k7' is in two rules",
        ),
    ],
)
def test_the_scorecard_plan_section_is_checked_against_the_profile(old: str, new: str, problem: str) -> None:
    text = _tp_text()
    assert old in text
    with pytest.raises(InvalidProfile, match=problem):
        parse_profile(text.replace(old, new, 1), "test")

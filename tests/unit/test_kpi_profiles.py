"""KPIs are profile data: the B2 KPIs and the TP table-1 scorecard, each citing its clause."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from escalation_engine.domain.errors import InvalidProfile
from escalation_engine.profiles import find_profile, parse_profile

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

"""`recorded_by` (KPIs, the survey) and `fulfilled_by` (obligations) are checked when a profile is loaded:
known roles only, no supplier role grading itself in the survey or confirming its own delivery."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalation_engine.core.errors import InvalidProfile
from escalation_engine.profile.model import find_profile, parse_profile

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
B2 = (WORKFLOWS / "leasefietsen-rijk.yaml").read_text(encoding="utf-8")
TP = (WORKFLOWS / "reintegratie-defensie.yaml").read_text(encoding="utf-8")


def refused(text: str, *words: str) -> str:
    with pytest.raises(InvalidProfile) as refusal:
        parse_profile(text, "edited.yaml")
    assert refusal.value.exit_code == 2
    for word in words:
        assert word in refusal.value.message, refusal.value.message
    return refusal.value.message


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_an_unknown_role_in_a_kpi_recorded_by_is_refused_naming_the_key_and_the_known_roles() -> None:
    text = edited(
        B2, "roles: [participant_contract_manager, category, category_manager]\n        # A DCM-er",
        "roles: [participant_contract_manager, deelnemer]\n        # A DCM-er",
    )  # fmt: skip
    refused(
        text,
        "edited.yaml: ",
        "kpis.definitions.7.recorded_by.roles: unknown role 'deelnemer'",
        "known: category",
    )


def test_an_unknown_role_in_the_sections_defaults_is_refused() -> None:
    text = edited(
        B2,
        "  recorded_by:\n    roles: [category, category_manager]",
        "  recorded_by:\n    roles: [categorie]",
    )
    refused(text, "kpis.recorded_by.roles: unknown role 'categorie'")
    text = edited(
        TP,
        "  fulfilled_by:\n    roles: [contract_manager, category_manager]",
        "  fulfilled_by:\n    roles: [cm_defensie]",
    )
    refused(text, "obligations.fulfilled_by.roles: unknown role 'cm_defensie'")


def test_the_supplier_cannot_be_made_the_importer_of_the_survey_that_grades_it() -> None:
    text = edited(
        B2, "      recorded_by:  # also who imports a survey round (`survey import`): the round is this KPI's result\n"
        "        roles: [category, category_manager]",
        "      recorded_by:\n        roles: [category, account_manager]",
    )  # fmt: skip
    refused(text, "kpis.definitions.9.recorded_by.roles: 'account_manager' is a supplier role", "B2 §2.3")


def test_the_supplier_cannot_be_made_to_confirm_its_own_delivery() -> None:
    text = edited(
        B2, "      fulfilled_by:\n        roles: [category, category_manager]",
        "      fulfilled_by:\n        roles: [category, account_manager]",
    )  # fmt: skip
    refused(text, "obligations.items.2.fulfilled_by.roles: 'account_manager' is a supplier role", "'sr-plan'")
    # through the section default too: every supplier-owed item without its own grant is named
    text = edited(
        B2,
        "  fulfilled_by:\n    roles: [category, category_manager]",
        "  fulfilled_by:\n    roles: [service_manager]",
    )
    message = refused(text, "obligations.fulfilled_by.roles: 'service_manager' is a supplier role")
    assert "'isv-plan'" in message and "'user-group'" not in message  # the category owes the user group


def test_a_derived_kpi_names_no_recorder() -> None:
    text = edited(
        B2,
        "      derived_from: delivery\n",
        "      derived_from: delivery\n      recorded_by: {roles: [category], source: x}\n",
    )
    refused(text, "recorded_by: a 'share' KPI is derived from another KPI")


def test_a_profile_without_the_keys_gets_the_defaults_client_and_participant_record_owed_to_confirms() -> (
    None
):
    old = (Path(__file__).resolve().parents[1] / "data" / "leasefietsen-rijk-v2.yaml").read_text(
        encoding="utf-8"
    )
    spec = parse_profile(old, "v2").spec
    assert spec.kpis is not None and spec.obligations is not None
    sides = {key: role.side for key, role in spec.roles.items()}
    grant = spec.kpis.recorders(spec.kpis.definitions[0], sides)
    assert set(grant.roles) == {"participant_contract_manager", "category", "category_manager"}
    assert "policy default" in grant.source
    items = {item.key: item for item in spec.obligations.items}
    assert spec.obligations.fulfillers(items["sr-plan"]).roles == ["category"]
    assert spec.obligations.fulfillers(items["user-group"]).roles == [
        "participant_contract_manager",
        "account_manager",
    ]


def test_every_shipped_grant_cites_its_clause_or_says_policy_default() -> None:
    for name in ("leasefietsen-rijk", "reintegratie-defensie"):
        spec = find_profile(name).spec
        assert spec.kpis is not None and spec.obligations is not None
        grants = [spec.kpis.recorded_by, spec.obligations.fulfilled_by]
        grants += [kpi.recorded_by for kpi in spec.kpis.definitions]
        grants += [item.fulfilled_by for item in spec.obligations.items]
        for grant in filter(None, grants):
            assert grant.source.startswith(("B2 §", "TP ", "policy default")), grant.source

"""Profiles are validated on load, and a contract stays pinned to the profile it was created with."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core.errors import InvalidProfile
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.profile.model import (
    available_profiles,
    find_profile,
    load_profile_file,
    parse_profile,
)

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def test_both_shipped_profiles_validate_with_the_role_keys_of_spec_rule_6() -> None:
    b2 = find_profile("leasefietsen-rijk")
    assert [(lv.raised_by, lv.counterpart) for lv in b2.ladder.levels] == [
        (("participant_contract_manager", "category", "category_manager"), "account_manager"),
        (("category", "category_manager"), "service_manager"),
        (("category_manager",), "executive"),
    ]
    tp = find_profile("reintegratie-defensie")
    assert [lv.name for lv in tp.ladder.levels] == [
        "Dossier",
        "Regionaal",
        "Operationeel",
        "Tactisch",
        "Strategisch",
    ]
    assert {
        "case_manager",
        "regional_head",
        "operational_lead",
        "contract_manager",
        "directorate",
        "category_manager",
        "jobcoach",
        "senior_jobcoach",
        "account_manager",
        "board",
    } == set(tp.spec.roles)


def test_every_profile_value_cites_its_clause_or_says_policy_default() -> None:
    for path in available_profiles().values():
        profile = load_profile_file(path)
        window = profile.spec.ladder.response_window
        assert "policy default" in window.source  # the seeds set no response window
        for level in profile.spec.ladder.levels:
            assert level.source.startswith(("B2 §", "TP §"))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("counterpart: account_manager", "counterpart: nobody"),
            "ladder.levels.0.counterpart: unknown role 'nobody'",
        ),
        (("counterpart: account_manager", "counterpart: category"), "must be a supplier-side role"),
        (
            ("raised_by: [category_manager]", "raised_by: [executive]"),
            "is a supplier role; only client/participant raise",
        ),
        (("amount: 5", "amount: -5"), "ladder.response_window.amount"),
        (("unit: days", "unit: fortnights"), "ladder.response_window.unit"),
        (('at: "09:00"', 'at: "25:00"'), "reminders.at"),
        (("seed: ", "surprise: true\nseed: "), "surprise: Extra inputs are not permitted"),
        (("level: 2", "level: 7"), "ladder.levels.1.level: expected 2"),
    ],
)
def test_a_broken_profile_is_refused_naming_the_file_the_key_and_the_problem(
    edit: tuple[str, str], message: str
) -> None:
    text = (WORKFLOWS / "leasefietsen-rijk.yaml").read_text(encoding="utf-8")
    assert edit[0] in text
    with pytest.raises(InvalidProfile) as refused:
        parse_profile(text.replace(edit[0], edit[1], 1), "broken.yaml")
    assert refused.value.message.startswith("broken.yaml: ")
    assert message in refused.value.message
    assert refused.value.exit_code == 2


def test_a_contract_keeps_the_profile_it_was_created_with(
    ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "workflows"
    own.mkdir()
    original = (WORKFLOWS / "leasefietsen-rijk.yaml").read_text(encoding="utf-8")
    (own / "leasefietsen-rijk.yaml").write_text(original, encoding="utf-8")
    monkeypatch.setenv("ESCALATION_ENGINE_PROFILES", str(own))
    register(ctx)
    # later the profile file changes: a 10-day window, a higher version
    version = find_profile("leasefietsen-rijk").version
    changed = original.replace("amount: 5", "amount: 10").replace(
        f"version: {version} ", f"version: {version + 1} "
    )
    (own / "leasefietsen-rijk.yaml").write_text(changed, encoding="utf-8")
    assert find_profile("leasefietsen-rijk").version == version + 1
    data = esc.open_escalation(
        ctx, actor_key="dcm", contract_key="LF", subject="s", norm=None, participant=None, threatened=False
    )
    assert data["response_due"] == "2026-03-07"  # still the 5 days of the version it was registered with
    register(ctx, key="LF2")
    data = esc.open_escalation(
        ctx, actor_key="dcm", contract_key="LF2", subject="s", norm=None, participant=None, threatened=False
    )
    assert data["response_due"] == "2026-03-12"  # a new contract takes the higher version

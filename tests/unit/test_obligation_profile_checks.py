"""The `obligations:` section of a profile is checked: known roles, `after` names an earlier obligation."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalation_engine.core.errors import InvalidProfile
from escalation_engine.profile.model import parse_profile

B2 = (Path(__file__).resolve().parents[2] / "workflows" / "leasefietsen-rijk.yaml").read_text(
    encoding="utf-8"
)


def test_both_shipped_profiles_cite_a_clause_or_policy_default_for_every_obligation() -> None:
    for name in ("leasefietsen-rijk", "reintegratie-defensie"):
        text = (Path(__file__).resolve().parents[2] / "workflows" / f"{name}.yaml").read_text(
            encoding="utf-8"
        )
        spec = parse_profile(text, name).spec.obligations
        assert spec is not None
        for item in spec.items:
            assert item.source.startswith(("B2 §", "TP §")), item.key


def test_an_obligation_owed_by_an_unknown_role_is_refused() -> None:
    text = B2.replace("      owed_by: category\n", "      owed_by: nobody\n")
    with pytest.raises(InvalidProfile, match="obligations.items.6: unknown role 'nobody'"):
        parse_profile(text, "b2-broken")


def test_an_obligation_anchored_on_an_unknown_fulfilment_is_refused() -> None:
    text = B2.replace("      after: sr-plan\n", "      after: sr-nothing\n")
    with pytest.raises(InvalidProfile, match="'sr-nothing' is not an obligation listed before it"):
        parse_profile(text, "b2-broken")

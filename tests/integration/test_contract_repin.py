"""A contract registered on an older profile version keeps it until it is moved, on the record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import B2_PEOPLE, register

from escalation_engine.app.context import Ctx
from escalation_engine.app.registration import show_contract
from escalation_engine.app.repin import repin
from escalation_engine.core import audit
from escalation_engine.core.errors import RuleRefused
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.procedures.plans.three_step import open_plan

DATA = Path(__file__).resolve().parents[1] / "data"
WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    own = tmp_path / "workflows"
    own.mkdir()
    shutil.copy(DATA / "leasefietsen-rijk-v1.yaml", own / "leasefietsen-rijk.yaml")
    monkeypatch.setenv("ESCALATION_ENGINE_PROFILES", str(own))
    return own


def open_a_plan(ctx: Ctx) -> dict[str, object]:
    return open_plan(
        ctx,
        actor_key="dcm",
        contract_key="LF",
        trigger="collaboration",
        subject="Replies take weeks",
        participants=["Belastingdienst"],
    )


def test_a_contract_on_version_1_gains_the_new_procedures_only_when_repinned(
    ctx: Ctx, profiles: Path
) -> None:
    register(ctx)
    assert show_contract(ctx, "LF")["profile_version"] == 1
    shutil.copy(DATA / "leasefietsen-rijk-v2.yaml", profiles / "leasefietsen-rijk.yaml")
    with pytest.raises(RuleRefused, match="has no three-step improvement plan"):
        open_a_plan(ctx)
    assert list_obligations(ctx, contract_key="LF", state="all") == []
    moved = repin(ctx, key="LF", actor="cat")
    assert (moved["from_version"], moved["profile_version"]) == (1, 2)
    assert moved["derived_obligations"] > 0
    assert len(list_obligations(ctx, contract_key="LF", state="all")) == moved["derived_obligations"]
    assert open_a_plan(ctx)["state"] == "step_1"
    event = [e for e in audit.listing(ctx.db, contract_key="LF") if e["action"] == "contract.repin"][0]
    assert event["reason"] == "leasefietsen-rijk v1 → v2" and event["actor"] == "cat"
    assert audit.verify(ctx.db).ok


def test_repinning_to_the_same_text_or_to_an_edited_file_with_the_same_version_is_refused(
    ctx: Ctx, profiles: Path
) -> None:
    register(ctx)
    with pytest.raises(RuleRefused, match="already pinned to the current text"):
        repin(ctx, key="LF", actor="cat")
    edited = (
        (DATA / "leasefietsen-rijk-v1.yaml").read_text(encoding="utf-8").replace("amount: 5", "amount: 7")
    )
    (profiles / "leasefietsen-rijk.yaml").write_text(edited, encoding="utf-8")
    with pytest.raises(
        RuleRefused, match="its version is still 1: give the changed profile a higher `version`"
    ):
        repin(ctx, key="LF", actor="cat")
    assert show_contract(ctx, "LF")["profile_version"] == 1


def test_repinning_is_refused_when_a_registered_person_would_lose_their_role(
    ctx: Ctx, profiles: Path
) -> None:
    v1 = (DATA / "leasefietsen-rijk-v1.yaml").read_text(encoding="utf-8")
    role = "  category_manager:\n    side: client"
    extra = "  chief:\n    side: client\n    label: x\n    source: x\n"
    (profiles / "leasefietsen-rijk.yaml").write_text(v1.replace(role, extra + role), encoding="utf-8")
    register(ctx, people=[*B2_PEOPLE, ("boss", "Bo Ss", "client", "chief")])
    shutil.copy(WORKFLOWS / "leasefietsen-rijk.yaml", profiles / "leasefietsen-rijk.yaml")
    with pytest.raises(
        RuleRefused, match="person 'boss' has role 'chief', which the new version does not have"
    ):
        repin(ctx, key="LF", actor="cat")
    assert show_contract(ctx, "LF")["profile_version"] == 1

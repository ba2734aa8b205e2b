"""A contract pinned to a version 2 profile (which names no recorded_by or fulfilled_by) keeps working under
the engine's defaults — the client and participant side record KPI results and survey rounds, the roles an
obligation is owed to record its fulfilment — and `contract repin` moves it to version 3's own lists."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.app.repin import repin
from escalation_engine.core.errors import RuleRefused
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.obligations.fulfil import fulfil
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.profile.model import find_profile

DATA = Path(__file__).resolve().parents[1] / "data"
WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    own = tmp_path / "workflows"
    own.mkdir()
    for name in ("leasefietsen-rijk", "reintegratie-defensie"):
        shutil.copy(DATA / f"{name}-v2.yaml", own / f"{name}.yaml")
    monkeypatch.setenv("ESCALATION_ENGINE_PROFILES", str(own))
    return own


def may_record(ctx: Ctx, who: str, contract: str, kpi: str, period: str, value: str) -> bool:
    try:
        kpis.record(
            ctx, actor_key=who, contract_key=contract, kpi=kpi, period=period, value=value, participant=None
        )
    except RuleRefused:
        return False
    return True


def may_fulfil(ctx: Ctx, who: str, contract: str, obligation: str) -> bool:
    rows = list_obligations(ctx, contract_key=contract, state="open")
    ref = next(str(o["id"]) for o in rows if o["obligation"] == obligation)
    try:
        fulfil(ctx, ref=ref, on=date(2026, 3, 1), reference=None, actor_key=who)
    except RuleRefused:
        return False
    return True


def test_the_version_2_files_kept_for_this_test_name_no_recording_roles() -> None:
    for name in ("leasefietsen-rijk", "reintegratie-defensie"):
        text = (DATA / f"{name}-v2.yaml").read_text(encoding="utf-8")
        assert "\nversion: 2 " in text
        assert not re.search(r"^\s+(recorded_by|fulfilled_by):", text, flags=re.MULTILINE)
        assert find_profile(name).version > 2  # the shipped profile is newer


def test_a_b2_contract_on_version_2_uses_the_defaults_until_it_is_repinned(ctx: Ctx, profiles: Path) -> None:
    register(ctx)
    assert not may_record(ctx, "am", "LF", "isv-plan", "2026-06", "yes")  # never the supplier
    assert may_record(ctx, "dcm", "LF", "isv-plan", "2026-07", "yes")  # v2: every client/participant role
    assert not may_fulfil(ctx, "am", "LF", "sr-plan")  # owed to the category: the supplier does not confirm
    assert not may_fulfil(ctx, "catman", "LF", "sr-plan")  # v2: owed_to is [category] only
    assert may_fulfil(ctx, "cat", "LF", "sr-plan")
    shutil.copy(WORKFLOWS / "leasefietsen-rijk.yaml", profiles / "leasefietsen-rijk.yaml")
    moved = repin(ctx, key="LF", actor="cat")
    assert (moved["from_version"], moved["profile_version"]) == (2, 4)
    assert not may_record(ctx, "dcm", "LF", "isv-report", "2027", "yes")  # v3+: the Categorie (B2 §2.1)
    assert may_record(ctx, "catman", "LF", "isv-report", "2027", "yes")
    assert may_fulfil(ctx, "catman", "LF", "isv-plan")  # v3: the category manager too


def test_a_tp_contract_on_version_2_lets_the_supplier_report_scores_only_after_the_repin(
    ctx: Ctx, profiles: Path
) -> None:
    register(ctx, key="TP", profile="reintegratie-defensie")
    assert not may_record(ctx, "am", "TP", "k1-received", "2026-01", "97")
    assert may_record(ctx, "casem", "TP", "k1-received", "2026-01", "97")  # v2: any client/participant role
    assert may_fulfil(ctx, "cmdef", "TP", "monthly-report")
    shutil.copy(WORKFLOWS / "reintegratie-defensie.yaml", profiles / "reintegratie-defensie.yaml")
    assert repin(ctx, key="TP", actor="cmcat")["profile_version"] == 4
    assert may_record(
        ctx, "am", "TP", "k1-received", "2026-02", "97"
    )  # TP table 1: 'Uitvoer door Opdrachtnemer'
    assert not may_record(ctx, "casem", "TP", "k1-received", "2026-03", "97")
    assert not may_fulfil(ctx, "cmcat", "TP", "monthly-report")  # TP §2.1.2: delivered to the Deelnemer
    assert may_fulfil(ctx, "cmcat", "TP", "management-report")  # TP §2.1.3: and to CM CAT

"""`contract repin` and the rolling obligation horizon: a repinned contract gets its monthly look-ahead, and
a new profile version's horizon continues the series already derived (each occurrence once)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import col, select
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.app.repin import repin
from escalation_engine.core import audit
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.tables import Timer
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.obligations.tables import Obligation

DATA = Path(__file__).resolve().parents[1] / "data"
WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    own = tmp_path / "workflows"
    own.mkdir()
    monkeypatch.setenv("ESCALATION_ENGINE_PROFILES", str(own))
    return own


def isv_reports(ctx: Ctx) -> list[str]:
    with ctx.db.read() as session:
        query = select(Obligation).where(Obligation.contract_key == "LF", Obligation.code == "isv-report")
        return [r.due_date.isoformat() for r in session.exec(query.order_by(col(Obligation.seq)))]


def look_aheads(ctx: Ctx) -> list[Timer]:
    with ctx.db.read() as session:
        query = select(Timer).where(Timer.subject_kind == "obligation_horizon", Timer.status == "pending")
        return list(session.exec(query))


def test_a_contract_repinned_to_a_version_with_obligations_keeps_them_coming(
    ctx: Ctx, clock: FixedClock, profiles: Path
) -> None:
    shutil.copy(DATA / "leasefietsen-rijk-v1.yaml", profiles / "leasefietsen-rijk.yaml")
    register(ctx)
    assert look_aheads(ctx) == []
    shutil.copy(WORKFLOWS / "leasefietsen-rijk.yaml", profiles / "leasefietsen-rijk.yaml")
    repin(ctx, key="LF", actor="cat")
    assert len(look_aheads(ctx)) == 1
    clock.set(at("2029-12-20", 9))
    process_due(ctx)
    assert isv_reports(ctx)[-1] == "2033-01-01"  # up to start + 84 months: 36 past 20 Dec 2029, and more


def test_a_new_version_with_a_longer_horizon_continues_each_series_once(
    ctx: Ctx, clock: FixedClock, profiles: Path
) -> None:
    text = (WORKFLOWS / "leasefietsen-rijk.yaml").read_text(encoding="utf-8")
    (profiles / "leasefietsen-rijk.yaml").write_text(text, encoding="utf-8")
    register(ctx, start=date(2026, 1, 1))
    assert isv_reports(ctx) == ["2027-01-01", "2028-01-01", "2029-01-01"]
    version = int(re.search(r"\nversion: (\d+) ", text)[1])  # type: ignore[index]
    assert text.count(f"\nversion: {version} ") == 1 and text.count("\n  horizon_months: 36") == 1
    newer = text.replace(f"\nversion: {version} ", f"\nversion: {version + 1} ").replace(
        "\n  horizon_months: 36", "\n  horizon_months: 60"
    )
    (profiles / "leasefietsen-rijk.yaml").write_text(newer, encoding="utf-8")
    moved = repin(ctx, key="LF", actor="cat")
    assert moved["profile_version"] == version + 1 and moved["derived_obligations"] > 0
    assert isv_reports(ctx) == ["2027-01-01", "2028-01-01", "2029-01-01", "2030-01-01", "2031-01-01"]
    assert len(look_aheads(ctx)) == 1
    clock.set(at("2026-04-02", 9))
    process_due(ctx)
    assert isv_reports(ctx)[-1] == "2031-01-01"
    actions = [e["action"] for e in audit.listing(ctx.db, contract_key="LF")]
    assert actions.count("obligations.extend") == 2 and "contract.repin" in actions
    assert audit.verify(ctx.db).ok

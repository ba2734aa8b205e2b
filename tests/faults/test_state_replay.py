"""`audit verify` replays every case's audit rows against its stored state (issue 15): a state changed with
SQL behind the engine's back — in any procedure — is named with the case, the stored and the replayed state,
and verify exits 3; the untampered world of the demo verifies clean. Rows dated before the row before them
are named as a warning (the chain holds, the clock ran backwards)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text
from support import at, cli, register

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.db import Database
from escalation_engine.core.replay import REPLAY_HOOK, StateSource, disagreements
from escalation_engine.demo.narrator import Narrator
from escalation_engine.demo.run import _story
from escalation_engine.procedures.ladder import actions as esc

# (what, the tampering UPDATE, the UPDATE that puts it back, what verify must say); the demo's cases
TAMPERING = [
    (
        "a closed escalation made addressed again",
        "UPDATE escalation SET state = 'addressed' WHERE id = 1",
        "UPDATE escalation SET state = 'closed' WHERE id = 1",
        "ESC-1: stored state addressed, the audit rows replay to closed",
    ),
    (
        "an escalation put back a level",
        "UPDATE escalation SET level = 1 WHERE id = 1",
        "UPDATE escalation SET level = 2 WHERE id = 1",
        "ESC-1: stored level 1, the audit rows replay to level 2",
    ),
    (
        "a presented three-step plan made accepted",
        "UPDATE improvement_plan SET state = 'accepted' WHERE id = 1",
        "UPDATE improvement_plan SET state = 'step_3_presented' WHERE id = 1",
        "PLAN-1: stored state accepted, the audit rows replay to step_3_presented",
    ),
    (
        "a three-step plan put back to step 2",
        "UPDATE improvement_plan SET step = 2 WHERE id = 1",
        "UPDATE improvement_plan SET step = 3 WHERE id = 1",
        "PLAN-1: stored level 2, the audit rows replay to level 3",
    ),
    (
        "a closed step-in reopened",
        "UPDATE step_in SET state = 'monitoring' WHERE id = 1",
        "UPDATE step_in SET state = 'closed' WHERE id = 1",
        "STEP-1: stored state monitoring, the audit rows replay to closed",
    ),
    (
        "a missed KPI verdict made met",
        "UPDATE kpi_verdict SET met = TRUE WHERE id = 1",
        "UPDATE kpi_verdict SET met = FALSE WHERE id = 1",
        "VER-1: stored state met, the audit rows replay to missed",
    ),
    (
        "an applied sanction waived",
        "UPDATE sanction_case SET state = 'waived' WHERE id = 1",
        "UPDATE sanction_case SET state = 'applied' WHERE id = 1",
        "SAN-1: stored state waived, the audit rows replay to applied",
    ),
    (
        "an overdue obligation made open",
        "UPDATE obligation SET state = 'open' WHERE id = 14",
        "UPDATE obligation SET state = 'overdue' WHERE id = 14",
        "OBL-14: stored state open, the audit rows replay to overdue",
    ),
    (
        "an open obligation marked fulfilled without its fulfilment",
        "UPDATE obligation SET state = 'fulfilled' WHERE id = 2",
        "UPDATE obligation SET state = 'open' WHERE id = 2",
        "OBL-2: stored state fulfilled, but no audit row moved this obligation to any state",
    ),
]


@pytest.fixture
def world(db: Database) -> Ctx:
    """The demo's every chapter (ladder, step-in, obligations, plans, KPIs and sanctions) on this backend."""
    clock = FixedClock(at("2026-03-24", 9))
    ctx = Ctx(db=db, clock=clock)
    _story(Narrator(ctx, clock, None))
    return ctx


def test_every_procedures_state_changed_with_sql_is_named_by_audit_verify(world: Ctx) -> None:
    assert disagreements(world) == []  # the untampered world replays clean
    clean = cli("--json", "audit", "verify", db=world.db.url)
    assert clean.exit_code == 0, clean.output
    sources = [s for s in world.registry.hooks(REPLAY_HOOK) if isinstance(s, StateSource)]
    assert {s.prefix for s in sources} == {said.split("-")[0] for *_, said in TAMPERING}  # each one tried
    for what, tamper, put_back, said in TAMPERING:
        with world.db.engine.begin() as conn:
            conn.execute(text(tamper))
        try:
            found = disagreements(world)
            assert [p for p in found if p.startswith(said.split(":")[0] + ":")] == [
                p for p in found if said in p
            ], what
            assert any(said in p for p in found), (what, found)
            refused = cli("--json", "audit", "verify", db=world.db.url)
            assert refused.exit_code == 3, what
            assert said in json.loads(refused.stdout)["error"]["message"], what
        finally:
            with world.db.engine.begin() as conn:
                conn.execute(text(put_back))
    assert disagreements(world) == []


def test_a_case_row_deleted_behind_the_engines_back_is_named(world: Ctx) -> None:
    with world.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM step_in_advice WHERE step_in_id = 1"))
        conn.execute(text("DELETE FROM step_in_meeting WHERE step_in_id = 1"))
        conn.execute(text("DELETE FROM step_in WHERE id = 1"))
    assert any(
        p.startswith("STEP-1: the audit rows replay this step-in to closed") and "deleted?" in p
        for p in disagreements(world)
    )


def test_audit_rows_dated_before_the_row_before_them_are_named_by_verify(ctx: Ctx) -> None:
    register(ctx)

    def open_case() -> None:
        esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject="s",
            norm=None,
            participant=None,
            threatened=False,
        )

    open_case()
    ctx.clock.advance(-audit.BACKWARDS_TOLERANCE)  # type: ignore[attr-defined]
    open_case()  # two clocks a little apart: not a finding
    assert audit.verify(ctx.db).backwards == []
    ctx.clock.advance(-timedelta(days=1))  # type: ignore[attr-defined]
    open_case()
    result = audit.verify(ctx.db)
    last = result.rows
    assert result.backwards == [
        f"audit row {last} is dated 2026-03-01 07:55:00 UTC, before row {last - 1} (2026-03-02 07:55:00 UTC): "
        "the clock ran backwards"
    ]
    assert result.ok  # the chain itself holds: a warning, on stderr and in the JSON
    shown = cli("--json", "audit", "verify", db=ctx.db.url)
    assert shown.exit_code == 0 and json.loads(shown.stdout)["backwards"] == result.backwards
    human = cli("audit", "verify", db=ctx.db.url)
    assert f"warning: audit row {last} is dated 2026-03-01" in human.stderr

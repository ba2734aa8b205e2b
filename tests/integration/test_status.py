"""`status` tells the operator whether the engine is healthy: a dead timer or a notice the mail server
refused for good is a finding (exit 3, like `audit verify`), shown with how to retry it; otherwise exit 0
with the next deadline."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select
from support import at, cli, register

from escalation_engine.app.context import Ctx
from escalation_engine.app.status import engine_status
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.db import SCHEMA_REVISION
from escalation_engine.core.tables import Outbox, Timer
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.ladder import actions as esc

AFTER_WINDOW = at("2026-03-08", 9)


def _open(ctx: Ctx) -> str:
    register(ctx)
    opened = esc.open_escalation(
        ctx,
        actor_key="dcm",
        contract_key="LF",
        subject="Availability",
        norm=None,
        participant=None,
        threatened=False,
    )
    return str(opened["case"])


def _response_timer(ctx: Ctx, case: str) -> Timer:
    with ctx.db.read() as session:
        query = select(Timer).where(
            Timer.subject_kind == "escalation",
            Timer.subject_id == int(case.split("-")[1]),
            Timer.kind == "response_due",
        )
        return session.exec(query).one()


def test_a_healthy_engine_exits_0_and_names_its_schema_and_next_deadline(ctx: Ctx) -> None:
    case = _open(ctx)
    data = engine_status(ctx)
    assert data["healthy"] and data["findings"] == []
    assert data["schema_revision"] == SCHEMA_REVISION and data["timers_failed"] == 0
    assert data["next_deadline"]["what"] == "response due" and data["next_deadline"]["due"] == "2026-03-07"
    assert data["timers_due_now"] == 0
    assert data["next_deadline"]["timer"] == _response_timer(ctx, case).id
    result = cli("status", db=str(ctx.db.url))
    assert result.exit_code == 0, result.output
    assert "healthy" in result.output and "last tick" in result.output


def test_a_dead_timer_makes_status_exit_3_and_says_how_to_retry_it(ctx: Ctx, clock: FixedClock) -> None:
    case = _open(ctx)
    timer = _response_timer(ctx, case)
    with ctx.db.write() as session:
        broken = session.get(Timer, timer.id)
        assert broken is not None
        broken.payload = "{}"  # the handler cannot read its level: given up at once
        session.add(broken)
    clock.set(AFTER_WINDOW)
    assert [e["status"] for e in process_due(ctx).failed] == ["failed"]
    data = engine_status(ctx)
    assert not data["healthy"] and data["timers_failed"] == 1
    assert [(t["timer"], t["case"]) for t in data["failed_timers"]] == [(timer.id, case)]
    assert "timers retry" in data["findings"][0] and "timers failed" in data["findings"][0]
    assert data["last_fired_at"] is not None  # the tick fired the other timers due
    result = cli("--json", "status", db=str(ctx.db.url))
    assert result.exit_code == 3, result.output
    shown = json.loads(result.output)  # still one JSON document
    assert shown["timers_failed"] == 1 and shown["failed_timers"][0]["case"] == case
    human = cli("status", db=str(ctx.db.url))
    assert human.exit_code == 3 and "NOT HEALTHY" in human.output and case in human.output


def test_status_counts_timers_waiting_to_retry_and_notices_failed_for_good(
    ctx: Ctx, clock: FixedClock
) -> None:
    case = _open(ctx)
    timer = _response_timer(ctx, case)
    clock.set(AFTER_WINDOW)
    with ctx.db.write() as session:  # what a transient failure leaves: pending, waiting for its next attempt
        waiting = session.get(Timer, timer.id)
        assert waiting is not None
        waiting.attempts, waiting.next_attempt_at = 1, AFTER_WINDOW + timedelta(minutes=2)
        session.add(waiting)
    data = engine_status(ctx)
    assert data["timers_retrying"] == 1 and data["healthy"]
    assert data["timers_due_now"] >= 1  # the reminders that came due meanwhile, not the waiting one
    due_before = data["timers_due_now"]
    clock.set(AFTER_WINDOW + timedelta(minutes=3))
    assert (
        engine_status(ctx)["timers_retrying"] == 0 and engine_status(ctx)["timers_due_now"] == due_before + 1
    )
    with ctx.db.write() as session:
        notice = session.exec(select(Outbox)).first()
        assert notice is not None
        notice.status, notice.last_error = "failed", "SMTPRecipientsRefused: 550"
        session.add(notice)
    data = engine_status(ctx)
    assert not data["healthy"] and data["outbox_failed"] == 1 and "refused for good" in data["findings"][0]


def test_an_administrators_digest_names_every_dead_timer_and_others_do_not(
    ctx: Ctx, clock: FixedClock
) -> None:
    from escalation_engine.accounts.admin import make_shared
    from escalation_engine.procedures.obligations.digest_actions import send_digests

    case = _open(ctx)
    make_shared(ctx, admin_email="cat@example.org", name="Carla")  # Carla (category) administers the engine
    timer = _response_timer(ctx, case)
    with ctx.db.write() as session:
        broken = session.get(Timer, timer.id)
        assert broken is not None
        broken.payload = "{}"
        session.add(broken)
    clock.set(AFTER_WINDOW)
    process_due(ctx)
    [admin] = send_digests(ctx, person_key="cat", contract_key="LF", dry_run=True)
    assert "Voor de beheerder: 1 termijn(en) niet afgegaan" in admin["body"]
    assert (
        f"timer {timer.id}: {case} (LF) reactietermijn"
        in admin["body"]  # the kind in the mail's Dutch and "timers retry ID" in admin["body"]
    )
    [supplier] = send_digests(ctx, person_key="am", contract_key="LF", dry_run=True)
    assert "Voor de beheerder" not in supplier["body"]
    assert f"timers retry {timer.id}" in supplier["body"]  # her own deadline, flagged NOT FIRED

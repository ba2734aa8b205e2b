"""Taking back a fulfilment recorded by mistake: the obligation is open (or overdue) again with its deadline
and the reminders still ahead; refused once something was decided on it; audited; a refusal changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import select
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.tables import AuditEvent, Timer
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.obligations.fulfil import fulfil
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.procedures.obligations.reopen import reopen


def obligation(ctx: Ctx, code: str) -> dict[str, Any]:
    return next(r for r in list_obligations(ctx, contract_key="LF", state="all") if r["obligation"] == code)


def timers(ctx: Ctx, ref: str) -> dict[str, str]:
    ident = int(ref.split("-")[1])
    with ctx.db.read() as session:
        rows = session.exec(
            select(Timer).where(Timer.subject_kind == "obligation", Timer.subject_id == ident)
        ).all()
        return {row.idempotency_key.split(":", 2)[2]: row.status for row in rows}


def audit_actions(ctx: Ctx) -> list[str]:
    with ctx.db.read() as session:
        return [row.action for row in session.exec(select(AuditEvent).order_by(AuditEvent.id))]  # type: ignore[arg-type]


def test_a_mistaken_fulfilment_is_taken_back_with_its_deadline_and_reminders_ahead(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)  # clock: 2026-03-02; the ISV plan is due 2026-07-01
    isv = obligation(ctx, "isv-plan")
    fulfil(ctx, ref=isv["id"], on=date(2026, 3, 2), reference="wrong letter", actor_key="cat")
    assert set(timers(ctx, isv["id"]).values()) == {"cancelled"}
    clock.set(at("2026-03-05", 10))
    view = reopen(ctx, ref=isv["id"], reason="that letter was the SR plan", actor_key="catman")
    assert (view["status"], view["fulfilled_on"], view["reference"]) == ("open", None, None)
    assert timers(ctx, isv["id"]) == {
        "due": "pending",
        "reminder:-7": "pending",
        "reminder:+0": "pending",
        "reminder:+3": "pending",
    }
    assert audit_actions(ctx)[-1] == "obligation.reopen"
    clock.set(at("2026-07-02", 9))
    process_due(ctx)
    assert obligation(ctx, "isv-plan")["status"] == "overdue"  # the deadline works again


def test_reopened_after_its_due_date_the_obligation_goes_overdue_at_the_next_tick_and_only_the_reminders_still_ahead(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    isv = obligation(ctx, "isv-plan")
    fulfil(ctx, ref=isv["id"], on=date(2026, 3, 2), reference="plan", actor_key="cat")
    clock.set(at("2026-07-03", 9))  # after the due date (end of 2026-07-01)
    reopen(ctx, ref=isv["id"], reason="recorded on the wrong contract", actor_key="cat")
    states = timers(ctx, isv["id"])
    assert states["due"] == "pending"
    assert {k: v for k, v in states.items() if k.startswith("reminder")} == {
        "reminder:-7": "cancelled",  # "due in 7 days" after the due date would mislead
        "reminder:+0": "cancelled",
        "reminder:+3": "pending",  # 2026-07-04 09:00, still ahead: "3 days overdue"
    }
    process_due(ctx)
    assert obligation(ctx, "isv-plan")["status"] == "overdue"


def test_taking_back_is_for_those_who_record_the_fulfilment(ctx: Ctx) -> None:
    register(ctx)
    isv = obligation(ctx, "isv-plan")
    fulfil(ctx, ref=isv["id"], on=date(2026, 3, 2), reference="plan", actor_key="cat")
    before = audit_actions(ctx)
    with pytest.raises(RuleRefused, match="category or category_manager"):
        reopen(ctx, ref=isv["id"], reason="I am the supplier", actor_key="am")
    assert obligation(ctx, "isv-plan")["status"] == "fulfilled"
    assert audit_actions(ctx) == before


def test_an_open_obligation_has_nothing_to_take_back(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(RuleRefused, match="is not fulfilled"):
        reopen(ctx, ref=obligation(ctx, "isv-plan")["id"], reason="x", actor_key="cat")


def test_a_fulfilment_a_kpi_verdict_was_based_on_is_not_taken_back(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx)
    isv = obligation(ctx, "isv-plan")
    fulfil(ctx, ref=isv["id"], on=date(2026, 3, 2), reference="plan", actor_key="cat")
    clock.set(at("2026-08-03", 9))
    evaluate_period(ctx, actor_key="cat", contract_key="LF", period="2026-07")
    with pytest.raises(
        RuleRefused, match=r"was judged in verdict VER-\d+ \(isv-plan 2026-07\).*the verdict stands"
    ):
        reopen(ctx, ref=isv["id"], reason="mistake", actor_key="cat")
    assert obligation(ctx, "isv-plan")["status"] == "fulfilled"


def test_a_fulfilment_that_started_another_obligation_is_not_taken_back(ctx: Ctx) -> None:
    register(ctx)
    plan = obligation(ctx, "sr-plan")  # approval starts sr-execution (B2 §2.1.2 PI1)
    fulfil(ctx, ref=plan["id"], on=date(2026, 3, 1), reference="akkoord", actor_key="cat")
    execution = obligation(ctx, "sr-execution")
    with pytest.raises(
        RuleRefused, match=rf"{execution['id']} \(sr-execution\) was derived from the fulfilment"
    ):
        reopen(ctx, ref=plan["id"], reason="mistake", actor_key="cat")
    assert obligation(ctx, "sr-plan")["status"] == "fulfilled"

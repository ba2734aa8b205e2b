"""The supplier's improvement plan within 14 days of a norm failure (TP §2.1.2, SPEC §4)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select
from support import at, fired, register

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.tables import Outbox
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.plans import actions as plan_actions
from escalation_engine.procedures.plans import three_step as plan_steps
from escalation_engine.procedures.plans.norm_plan import require_plan, require_plan_in
from escalation_engine.procedures.plans.queries import show_plan
from escalation_engine.procedures.plans.tables import ImprovementPlan

KPI = "KPI Kwaliteit 3"


def tp(ctx: Ctx) -> None:
    register(ctx, key="TP", profile="reintegratie-defensie", start=date(2026, 1, 1))


def messages(ctx: Ctx, case: str) -> list[tuple[str, str]]:
    with ctx.db.read() as session:
        rows = session.exec(select(Outbox).where(Outbox.case_ref == case).order_by(Outbox.id))  # type: ignore[arg-type]
        return [(r.recipient_key, r.subject) for r in rows]


def require(
    ctx: Ctx, detected: date = date(2026, 3, 2), actor: str = "cmdef", kpi: str = KPI
) -> dict[str, object]:
    return require_plan(
        ctx,
        actor_key=actor,
        contract_key="TP",
        kpi=kpi,
        detected=detected,
        reason="first finding: 61 % within term",
    )


def test_a_norm_failure_obliges_the_supplier_to_deliver_a_plan_within_14_days(ctx: Ctx) -> None:
    tp(ctx)
    data = require(ctx)
    assert (data["state"], data["plan_due"], data["created"]) == ("awaiting_plan", "2026-03-16", True)
    assert data["plan_due_rule"].endswith(
        "(TP §2.1.2 (stelt Opdrachtnemer binnen 14 dagen een verbeterplan op))"
    )
    assert ("am", "[TP] PLAN-1: verbeterplan uiterlijk 2026-03-16") in messages(ctx, "PLAN-1")
    [row] = [r for r in list_deadlines(ctx) if r["case"] == "PLAN-1"]
    assert row["due_at"] == datetime(2026, 3, 16, 23, 0, tzinfo=UTC).isoformat()
    assert row["responsible"] == ["am", "board"] and row["what"] == "plan due"


def test_the_14_days_cross_the_spring_switch_and_month_end_without_moving_the_date(
    ctx: Ctx, clock: FixedClock
) -> None:
    tp(ctx)
    clock.set(at("2026-03-25", 9))
    data = require(ctx, detected=date(2026, 3, 20))
    assert data["plan_due"] == "2026-04-03"
    assert data["submissions"][0]["due_at"] == datetime(2026, 4, 3, 22, 0, tzinfo=UTC).isoformat()  # CEST


def test_require_plan_in_writes_inside_the_callers_transaction_and_never_commits_itself(ctx: Ctx) -> None:
    tp(ctx)
    now = at("2026-03-02", 9)
    with pytest.raises(RuntimeError), ctx.db.write() as session:
        require_plan_in(
            ctx,
            session,
            contract_key="TP",
            kpi=KPI,
            detected=date(2026, 3, 1),
            reason="r",
            actor="kpi-evaluation",
            now=now,
            source="kpi-evaluation",
        )
        raise RuntimeError("the KPI evaluation fails after creating the obligation")
    with ctx.db.read() as session:
        assert list(session.exec(select(ImprovementPlan))) == []
    with ctx.db.write() as session:
        made = require_plan_in(
            ctx,
            session,
            contract_key="TP",
            kpi=KPI,
            detected=date(2026, 3, 1),
            reason="r",
            actor="kpi-evaluation",
            now=now,
            source="kpi-evaluation",
        )
    assert (made["created"], made["origin"], made["opened_by"]) == (True, "kpi-evaluation", "kpi-evaluation")
    assert audit.listing(ctx.db, case_ref=made["case"])[0]["actor"] == "kpi-evaluation"


def test_recording_the_same_finding_twice_returns_the_existing_plan(ctx: Ctx) -> None:
    tp(ctx)
    first = require(ctx)
    again = require(ctx)
    assert (again["case"], again["created"]) == (first["case"], False)


def test_a_norm_failure_is_refused_outside_the_first_12_months_in_the_future_or_while_a_plan_is_open(
    ctx: Ctx, clock: FixedClock
) -> None:
    tp(ctx)
    clock.set(at("2027-02-01", 9))
    with pytest.raises(RuleRefused, match="outside the first 12 months") as late:
        require(ctx, detected=date(2027, 1, 1))
    assert late.value.exit_code == 3 and late.value.source == "TP §2.1.2"
    with pytest.raises(BadInput, match="lies in the future"):
        require(ctx, detected=date(2027, 2, 2))
    require(ctx, detected=date(2026, 12, 31))
    with pytest.raises(RuleRefused, match="already has an open improvement plan PLAN-1"):
        require(ctx, detected=date(2026, 12, 30))
    assert require(ctx, detected=date(2026, 12, 30), kpi="KPI Kwaliteit 4")["created"] is True


def test_only_the_client_records_a_norm_failure_and_only_on_a_contract_with_the_14_day_plan(ctx: Ctx) -> None:
    tp(ctx)
    register(ctx)
    with pytest.raises(
        RuleRefused, match="recording a norm failure is for contract_manager or category_manager"
    ):
        require(ctx, actor="am")
    with pytest.raises(RuleRefused, match="has no improvement plan within 14 days"):
        require_plan(ctx, actor_key="cat", contract_key="LF", kpi="x", detected=date(2026, 3, 1), reason="r")


def test_a_plan_not_submitted_in_time_becomes_overdue_the_client_is_told_and_reminders_continue(
    ctx: Ctx,
) -> None:
    tp(ctx)
    require(ctx)  # due by the end of Mon 16 March
    process_due(ctx, at("2026-03-14", 9))  # 2 days before
    process_due(ctx, at("2026-03-16", 9))  # on the day
    assert show_plan(ctx, "PLAN-1")["state"] == "awaiting_plan"
    report = process_due(ctx, at("2026-03-17", 0, 0))
    assert [f["outcome"] for f in fired(report, "plan")] == ["overdue"]
    data = show_plan(ctx, "PLAN-1")
    assert (data["state"], data["overdue"]) == ("overdue", True)
    told = [r for r, s in messages(ctx, "PLAN-1") if "verbeterplan te laat (uiterlijk 2026-03-16)" in s]
    assert sorted(told) == ["am", "cmcat", "cmdef"]
    process_due(ctx, at("2026-03-23", 9))  # weekly overdue reminder
    process_due(ctx, at("2026-04-20", 9))  # after downtime: one reminder, not four
    supplier = [
        s for r, s in messages(ctx, "PLAN-1") if r == "am" and s.startswith("[TP] PLAN-1: herinnering")
    ]
    assert len(supplier) == 4  # 2 before/on the day + 2 overdue
    assert sum("verbeterplan is te laat" in s for s in supplier) == 2


def test_catch_up_after_downtime_marks_the_plan_overdue_once_without_stale_due_soon_notes(ctx: Ctx) -> None:
    tp(ctx)
    require(ctx)
    report = process_due(ctx, at("2026-04-30", 9))
    assert sorted(f["outcome"] for f in fired(report, "plan")) == ["obsolete", "obsolete", "overdue"]
    assert not [
        s for _, s in messages(ctx, "PLAN-1") if "moet" in s
    ]  # "moet over … / moet vandaag zijn ingediend"
    overdue = next(e for e in audit.listing(ctx.db, case_ref="PLAN-1") if e["action"] == "plan.overdue")
    assert overdue["actor"] == "system" and overdue["payload"]["late_by_s"] > 0


def test_a_late_plan_is_submitted_then_rejected_with_a_new_deadline_then_accepted(
    ctx: Ctx, clock: FixedClock
) -> None:
    tp(ctx)
    require(ctx)
    process_due(ctx, at("2026-03-18", 9))
    clock.set(at("2026-03-19", 10))
    data = plan_actions.submit(ctx, actor_key="am", ref="PLAN-1", text="Extra jobcoaches from April")
    assert (data["state"], data["submissions"][0]["late"]) == ("submitted", True)
    assert any(r == "cmdef" and "te laat ingediend" in s for r, s in messages(ctx, "PLAN-1"))
    clock.set(at("2026-03-20", 10))
    data = plan_actions.decide(
        ctx, actor_key="cmdef", ref="PLAN-1", accept=False, reason="no measurable targets"
    )
    assert (data["state"], data["plan_due"], data["rejections"]) == ("awaiting_plan", "2026-04-03", 1)
    assert data["plan_due_rule"].startswith("rejection + 14 days")
    assert (
        "am",
        "[TP] PLAN-1: verbeterplan afgewezen — herzien verbeterplan uiterlijk 2026-04-03",
    ) in messages(ctx, "PLAN-1")
    with ctx.db.read() as session:
        bodies = [o.body for o in session.exec(select(Outbox).where(Outbox.case_ref == "PLAN-1"))]  # type: ignore[arg-type]
    assert any(
        "Chris CM Defensie heeft het verbeterplan afgewezen: no measurable targets" in b for b in bodies
    )
    assert (
        fired(process_due(ctx, at("2026-03-30", 9)), "plan") == []
    )  # the first round's overdue reminders are gone
    clock.set(at("2026-04-01", 10))
    plan_actions.submit(ctx, actor_key="board", ref="PLAN-1", text="Targets: 75 % within term by June")
    data = plan_actions.decide(ctx, actor_key="cmcat", ref="PLAN-1", accept=True, reason="measurable")
    assert data["state"] == "accepted" and [s["decision"] for s in data["submissions"]] == [
        "rejected",
        "accepted",
    ]
    assert [r["case"] for r in list_deadlines(ctx) if r["case"].startswith("PLAN-")] == []
    data = plan_actions.resolve(ctx, actor_key="cmdef", ref="PLAN-1", results="Norm met again in month 9")
    assert data["state"] == "resolved"
    actions = [h["action"] for h in show_plan(ctx, "PLAN-1")["history"]]
    assert actions == [
        "plan.require",
        "plan.overdue",
        "plan.submit",
        "plan.reject",
        "plan.submit",
        "plan.accept",
        "plan.resolve",
    ]


def test_submitting_and_deciding_are_refused_to_the_wrong_side_in_the_wrong_state_or_on_the_wrong_plan(
    ctx: Ctx,
) -> None:
    tp(ctx)
    require(ctx)
    with pytest.raises(RuleRefused, match="submitting the improvement plan is for account_manager or board"):
        plan_actions.submit(ctx, actor_key="cmdef", ref="PLAN-1", text="x")
    with pytest.raises(RuleRefused, match="not possible in that state"):
        plan_actions.decide(ctx, actor_key="cmdef", ref="PLAN-1", accept=True, reason="fine")
    plan_actions.submit(ctx, actor_key="am", ref="PLAN-1", text="plan")
    with pytest.raises(RuleRefused, match="deciding to reject the plan is for"):
        plan_actions.decide(ctx, actor_key="am", ref="PLAN-1", accept=False, reason="self-rejection")
    with pytest.raises(BadInput):
        plan_actions.decide(ctx, actor_key="cmdef", ref="PLAN-1", accept=False, reason="")
    register(ctx)
    plan = plan_steps.open_plan(
        ctx, actor_key="dcm", contract_key="LF", trigger="audit", subject="audit findings"
    )["case"]
    with pytest.raises(RuleRefused, match="belongs to the improvement plan after a norm failure"):
        plan_actions.submit(ctx, actor_key="exec", ref=plan, text="x")
    with pytest.raises(RuleRefused, match="belongs to the three-step improvement plan"):
        plan_steps.advance(ctx, actor_key="cmdef", ref="PLAN-1", reason="x")
    assert show_plan(ctx, "PLAN-1")["state"] == "submitted"

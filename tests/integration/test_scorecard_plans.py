"""A missed TP scorecard norm requires an improvement plan (TP §2.1.1), created with the failed verdict in
its transaction: within 14 days for a finding in the first 12 months (TP §2.1.2), otherwise with the next
management report (policy default). One plan per failed KPI and period; when the plan rules refuse, the
verdict stands and the audit says why."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.clock import FixedClock
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.queries import list_verdicts
from escalation_engine.procedures.obligations.fulfil import fulfil
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.procedures.plans import actions as plan_actions
from escalation_engine.procedures.plans.queries import list_plans, show_plan


@pytest.fixture
def tp(ctx: Ctx) -> Ctx:
    register(ctx, key="TP", profile="reintegratie-defensie", start=date(2026, 1, 1))
    return ctx


def result(ctx: Ctx, kpi: str, period: str, value: str) -> None:
    kpis.record(
        ctx, actor_key="cmdef", contract_key="TP", kpi=kpi, period=period, value=value, participant=None
    )


def evaluated(ctx: Ctx, clock: FixedClock, period: str, on: str) -> dict[str, dict[str, Any]]:
    """Evaluate `period` on `on` as CM Defensie; the new verdicts by KPI."""
    clock.set(at(on, 9))
    data = evaluate_period(ctx, actor_key="cmdef", contract_key="TP", period=period)
    return {v["kpi"]: v for v in data["verdicts"]}


def plan_finding(verdict: dict[str, Any]) -> dict[str, Any]:
    [finding] = [f for f in verdict["findings"] if f["kind"] == "plan_required"]
    return dict(finding)


def required_rows(ctx: Ctx) -> list[dict[str, Any]]:
    return [
        row for row in audit.listing(ctx.db, contract_key="TP") if row["action"] == "verdict.plan_required"
    ]


def test_a_scorecard_miss_in_the_first_12_months_requires_a_plan_within_14_days_with_its_verdict(
    tp: Ctx, clock: FixedClock
) -> None:
    result(tp, "k7", "2026-02", "96")  # norm 98 %
    verdict = evaluated(tp, clock, "2026-02", "2026-03-02")["k7"]
    finding = plan_finding(verdict)
    assert (finding["plan"], finding["created"], finding["plan_due"]) == ("PLAN-1", True, "2026-03-16")
    assert finding["source"].startswith("TP §2.1.1") and finding["term"] == "14 days"
    plan = show_plan(tp, "PLAN-1")
    assert (plan["kind"], plan["kpi"], plan["state"], plan["detected"]) == (
        "norm_failure",
        "k7",
        "awaiting_plan",
        "2026-03-02",
    )
    assert "k7 2026-02 missed" in plan["subject"] and verdict["verdict"] in plan["subject"]
    assert list_verdicts(tp, contract_key="TP")[0]["findings"] == verdict["findings"]  # stored with the plan
    [row] = required_rows(tp)
    assert row["case_ref"] == verdict["verdict"] and row["payload"]["plan"] == "PLAN-1"


def test_after_the_first_12_months_the_plan_is_due_with_the_next_management_report(
    tp: Ctx, clock: FixedClock
) -> None:
    result(tp, "k7", "2027-02", "96")
    finding = plan_finding(evaluated(tp, clock, "2027-02", "2027-03-02")["k7"])
    assert finding["due_with"] == "management-report" and finding["plan_due"] == "2027-04-30"
    plan = show_plan(tp, str(finding["plan"]))
    report = next(
        r
        for r in list_obligations(tp, contract_key="TP")
        if r["obligation"] == "management-report" and r["due"] == "2027-04-30"
    )
    assert f"{report['id']} due 2027-04-30" in plan["plan_due_rule"]
    assert "policy default — TP §2.1.1" in plan["plan_due_rule"]


def test_a_management_report_already_delivered_is_not_the_one_the_plan_goes_with(
    tp: Ctx, clock: FixedClock
) -> None:
    clock.set(at("2027-04-10", 9))
    report = next(
        r
        for r in list_obligations(tp, contract_key="TP")
        if r["obligation"] == "management-report" and r["due"] == "2027-04-30"
    )
    fulfil(tp, ref=str(report["id"]), on=date(2027, 4, 10), reference="Q1 2027", actor_key="cmdef")
    result(tp, "k8", "2027-03", "90")
    assert plan_finding(evaluated(tp, clock, "2027-03", "2027-04-12")["k8"])["plan_due"] == "2027-07-30"


def test_a_missed_reporting_kpi_goes_with_the_next_management_report_even_in_the_first_months(
    tp: Ctx, clock: FixedClock
) -> None:
    result(tp, "r-reporting", "2026-02", "99.5")  # norm 100 %
    finding = plan_finding(evaluated(tp, clock, "2026-02", "2026-03-02")["r-reporting"])
    assert finding["plan_due"] == "2026-04-30" and finding["source"].startswith("policy default")


def test_a_met_scorecard_kpi_and_a_missed_b2_kpi_require_no_tp_plan(tp: Ctx, clock: FixedClock) -> None:
    result(tp, "k7", "2026-02", "98")
    assert evaluated(tp, clock, "2026-02", "2026-03-02")["k7"]["findings"] == []
    register(tp)  # the lease-bicycle contract has no plan for a norm failure (B2 §5.2 is opened by hand)
    kpis.record(
        tp,
        actor_key="dcm",
        contract_key="LF",
        kpi="delivery",
        period="2026-02",
        value="90",
        participant="DJI",
    )
    evaluate_period(tp, actor_key="dcm", contract_key="LF", period="2026-02")
    assert list_plans(tp, state="all") == []


def test_a_second_miss_while_the_kpis_plan_is_open_stands_and_the_audit_says_why(
    tp: Ctx, clock: FixedClock
) -> None:
    result(tp, "k7", "2026-02", "96")
    evaluated(tp, clock, "2026-02", "2026-03-02")
    result(tp, "k7", "2026-03", "97")
    again = evaluated(tp, clock, "2026-03", "2026-04-02")["k7"]
    assert again["met"] is False
    finding = plan_finding(again)
    assert finding["plan"] is None and finding["created"] is False
    assert "already has an open improvement plan PLAN-1" in finding["not_created_because"]
    assert (
        "already has an open improvement plan PLAN-1"
        in required_rows(tp)[-1]["payload"]["not_created_because"]
    )
    plan_actions.resolve(tp, actor_key="cmdef", ref="PLAN-1", results="k7 back at 99 %")
    result(tp, "k7", "2026-04", "95")
    assert plan_finding(evaluated(tp, clock, "2026-04", "2026-05-04")["k7"])["plan"] == "PLAN-2"


def test_each_failed_kpi_and_period_asks_for_one_plan_and_re_evaluation_adds_none(
    tp: Ctx, clock: FixedClock
) -> None:
    result(tp, "k7", "2026-03", "96")
    result(tp, "k8", "2026-03", "96")
    result(tp, "k7", "2026-Q1", "96")
    month = evaluated(tp, clock, "2026-03", "2026-04-02")
    quarter = evaluated(tp, clock, "2026-Q1", "2026-04-02")
    assert sorted(p["kpi"] for p in list_plans(tp, contract_key="TP", state="all")) == ["k7", "k8"]
    same_day = plan_finding(quarter["k7"])  # the same KPI's quarter, found the same day: the same plan
    assert (same_day["plan"], same_day["created"]) == (plan_finding(month["k7"])["plan"], False)
    again = evaluate_period(tp, actor_key="cmdef", contract_key="TP", period="2026-03")
    assert again["verdicts"] == [] and len(list_plans(tp, contract_key="TP", state="all")) == 2


def test_the_plan_is_written_in_the_verdicts_transaction(
    tp: Ctx, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> dict[str, Any]:
        raise RuntimeError("the plan could not be written")

    monkeypatch.setattr("escalation_engine.procedures.kpis.verdict_plans.require_plan_in", broken)
    result(tp, "k7", "2026-02", "96")
    clock.set(at("2026-03-02", 9))
    with pytest.raises(RuntimeError):
        evaluate_period(tp, actor_key="cmdef", contract_key="TP", period="2026-02")
    assert list_verdicts(tp, contract_key="TP") == [] and list_plans(tp, state="all") == []

"""Evaluations: delivery reliability decentral and central (B2 §2.2), the TP scorecard (table 1); every
verdict lists its inputs; follow-up deadlines are tracked. The MVOI deliveries (B2 §2.1) are judged against
the obligations calendar: test_mvoi_obligation_kpis.py."""

from __future__ import annotations

from typing import Any

import pytest
from kpi_support import audit_actions, messages, pending_timers
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.follow_up import record_improvement, set_term
from escalation_engine.procedures.kpis.queries import list_verdicts, show_verdict
from escalation_engine.procedures.kpis.sanction_views import list_sanctions


def of(data: dict[str, Any], kpi: str) -> list[dict[str, Any]]:
    """The verdicts of one KPI (register() awards on 2025-11-15, so the social-return plan is due in 2026-02)."""
    return [v for v in data["verdicts"] if v["kpi"] == kpi]


def availability(ctx: Ctx, period: str, participant: str, value: str) -> None:
    kpis.record(
        ctx,
        actor_key="dcm",
        contract_key="LF",
        kpi="delivery",
        period=period,
        value=value,
        participant=participant,
    )


def test_a_participant_below_95_percent_in_a_month_fails_with_improvements_due_in_the_following_month(
    ctx: Ctx,
) -> None:
    register(ctx)
    availability(ctx, "2026-02", "Belastingdienst", "94.99")
    availability(ctx, "2026-02", "DJI", "95")
    data = evaluate_period(ctx, actor_key="dcm", contract_key="LF", period="2026-02")
    by_who = {v["participant"]: v for v in of(data, "delivery")}
    failed, passed = by_who["Belastingdienst"], by_who["DJI"]
    assert failed["met"] is False and passed["met"] is True
    assert failed["follow_up_due"] == "2026-03-31"
    assert failed["inputs"]["measurements"][0]["value"] == "94.99"
    assert show_verdict(ctx, failed["verdict"]) == failed  # reproducible from what was stored
    assert [v["verdict"] for v in list_verdicts(ctx, contract_key="LF", kpi="delivery")] == [
        v["verdict"] for v in of(data, "delivery")
    ]
    assert failed["inputs"]["norm_pct"] == "95"
    assert "94.99 %" in failed["explanation"]
    deadline = [d for d in list_deadlines(ctx, contract_key="LF") if d["case"] == failed["verdict"]]
    assert deadline and deadline[0]["due"] == "2026-03-31" and deadline[0]["responsible"] == ["am"]
    sanctioned = [s["verdict"] for s in list_sanctions(ctx, contract_key="LF") if s["kpi"] == "delivery"]
    assert sanctioned == [failed["verdict"]]
    assert any(m.recipient_key == "am" and failed["verdict"] in m.subject for m in messages(ctx))


def test_the_improvement_deadline_fires_once_when_the_supplier_records_nothing(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    availability(ctx, "2026-02", "DJI", "90")
    evaluate_period(ctx, actor_key="dcm", contract_key="LF", period="2026-02")
    clock.set(at("2026-04-01", 9))
    process_due(ctx)
    process_due(ctx)
    assert audit_actions(ctx).count("verdict.improvement_overdue") == 1
    assert pending_timers(ctx, "kpi_verdict") == []


def test_recorded_improvements_end_the_deadline_and_its_reminders(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx)
    availability(ctx, "2026-02", "DJI", "90")
    verdict = of(evaluate_period(ctx, actor_key="dcm", contract_key="LF", period="2026-02"), "delivery")[0][
        "verdict"
    ]
    with pytest.raises(RuleRefused, match="not on the supplier side"):
        record_improvement(ctx, actor_key="dcm", ref=verdict, text="x")
    record_improvement(ctx, actor_key="am", ref=verdict, text="extra stock of frame sizes S and XL")
    assert pending_timers(ctx, "kpi_verdict") == []
    clock.set(at("2026-04-01", 9))
    process_due(ctx)
    assert "verdict.improvement_overdue" not in audit_actions(ctx)


def test_the_central_norm_is_met_when_exactly_95_percent_of_participants_had_95_percent(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx, participants=[f"P{n:02d}" for n in range(20)])
    for n in range(20):
        for month in ("2026-01", "2026-02"):
            availability(ctx, month, f"P{n:02d}", "90" if n == 0 and month == "2026-02" else "99")
    clock.set(at("2026-04-02", 9))
    data = evaluate_period(ctx, actor_key="cat", contract_key="LF", period="2026-Q1")
    central = of(data, "delivery-central")[0]
    assert central["kind"] == "delivery-central" and central["met"] is True
    assert central["inputs"]["passed"] == 19 and central["inputs"]["participants"] == 20
    assert central["inputs"]["failing"] == ["P00"]


def test_a_missed_central_norm_gets_a_term_from_the_category_which_is_tracked(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    availability(ctx, "2026-01", "DJI", "90")
    availability(ctx, "2026-01", "MinBZK", "99")
    clock.set(at("2026-04-02", 9))
    central = of(
        evaluate_period(ctx, actor_key="cat", contract_key="LF", period="2026-Q1"), "delivery-central"
    )[0]
    assert central["met"] is False
    assert central["findings"][0]["kind"] == "follow_up"
    with pytest.raises(RuleRefused, match="the category agrees it"):
        set_term(ctx, actor_key="dcm", ref=central["verdict"], until=at("2026-05-31").date(), reason="agreed")
    data = set_term(
        ctx,
        actor_key="cat",
        ref=central["verdict"],
        until=at("2026-05-31").date(),
        reason="agreed in the user group",
    )
    assert data["follow_up_due"] == "2026-05-31"
    assert [d["due"] for d in list_deadlines(ctx, contract_key="LF") if d["case"] == central["verdict"]] == [
        "2026-05-31"
    ]
    assert "verdict.term_set" in audit_actions(ctx)


def test_a_period_is_evaluated_only_after_it_ended_and_not_by_the_supplier(ctx: Ctx) -> None:
    register(ctx)
    availability(ctx, "2026-03", "DJI", "99")
    with pytest.raises(RuleRefused, match="can be evaluated from the next day"):
        evaluate_period(ctx, actor_key="dcm", contract_key="LF", period="2026-03")
    with pytest.raises(RuleRefused, match="supplier side"):
        evaluate_period(ctx, actor_key="am", contract_key="LF", period="2026-02")


def test_a_period_already_evaluated_is_skipped_and_a_period_without_results_is_refused(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(RuleRefused, match="nothing to evaluate for 2026-01"):
        evaluate_period(
            ctx, actor_key="dcm", contract_key="LF", period="2026-01"
        )  # sr-plan is due in February
    availability(ctx, "2026-01", "DJI", "99")
    evaluate_period(ctx, actor_key="dcm", contract_key="LF", period="2026-01")
    again = evaluate_period(ctx, actor_key="dcm", contract_key="LF", period="2026-01")
    assert again["verdicts"] == [] and again["skipped"] == ["delivery 2026-01 DJI: already evaluated"]


def test_a_missed_tp_scorecard_norm_is_a_failed_verdict_without_sanction_codes(ctx: Ctx) -> None:
    register(ctx, key="TP", profile="reintegratie-defensie")
    kpis.record(
        ctx, actor_key="cmdef", contract_key="TP", kpi="k7", period="2026-02", value="97.5", participant=None
    )
    kpis.record(
        ctx,
        actor_key="cmdef",
        contract_key="TP",
        kpi="k5-retained",
        period="2026-02",
        value="70",
        participant=None,
    )
    data = evaluate_period(ctx, actor_key="cmdef", contract_key="TP", period="2026-02")
    by_kpi = {v["kpi"]: v for v in data["verdicts"]}
    assert by_kpi["k7"]["met"] is False and by_kpi["k5-retained"]["met"] is True
    assert by_kpi["k7"]["inputs"]["phase"] == "waiting-room"
    assert by_kpi["k7"]["inputs"]["month_of_execution"] == 2
    assert list_sanctions(ctx, contract_key="TP") == []  # TP table 1 names no sanction codes

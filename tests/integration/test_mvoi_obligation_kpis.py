"""The MVOI KPIs judged against the obligations calendar (B2 §2.1): the ISV and social-return plans by
their delivery, the yearly reports and the circularity PIs by a recorded value in the period their report is
due; a report or plan not delivered by its due date is a failed PI — recorded by the overdue timer itself,
once, in that timer's transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from kpi_support import audit_actions, pending_timers
from sqlmodel import select
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.tables import Timer
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.kpis import obligation_kpis as kpi_obligations
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.queries import list_verdicts
from escalation_engine.procedures.kpis.sanction_views import list_sanctions
from escalation_engine.procedures.kpis.sanctions import decide
from escalation_engine.procedures.obligations.fulfil import fulfil
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.procedures.obligations.tables import Obligation


def occurrence(ctx: Ctx, code: str, number: int = 1) -> dict[str, Any]:
    rows = [r for r in list_obligations(ctx, contract_key="LF", state="all") if r["obligation"] == code]
    return rows[number - 1]


def deliver(ctx: Ctx, code: str, on: str, number: int = 1) -> str:
    ref = str(occurrence(ctx, code, number)["id"])
    fulfil(ctx, ref=ref, on=date.fromisoformat(on), reference=f"{code} document", actor_key="cat")
    return ref


def evaluate(ctx: Ctx, clock: FixedClock, period: str, day: str) -> dict[str, Any]:
    clock.set(at(day, 9))
    return evaluate_period(ctx, actor_key="cat", contract_key="LF", period=period)


def of(data: dict[str, Any], kpi: str) -> list[dict[str, Any]]:
    return [v for v in data["verdicts"] if v["kpi"] == kpi]


def record(ctx: Ctx, kpi: str, period: str, value: str) -> None:
    kpis.record(
        ctx, actor_key="cat", contract_key="LF", kpi=kpi, period=period, value=value, participant=None
    )


def test_an_isv_plan_delivered_by_its_due_date_meets_pi1_and_the_verdict_lists_the_delivery(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)  # start 2026-01-01: the ISV plan is due by 2026-07-01 (B2 §2.1.1 PI1)
    clock.set(at("2026-06-20", 14))
    ref = deliver(ctx, "isv-plan", "2026-06-20")
    [verdict] = of(evaluate(ctx, clock, "2026-07", "2026-08-01"), "isv-plan")
    assert verdict["met"] is True
    [used] = verdict["inputs"]["obligations"]
    assert (used["id"], used["obligation"], used["due"]) == (ref, "isv-plan", "2026-07-01")
    assert (used["fulfilled_on"], used["fulfilled_by"], used["status"]) == ("2026-06-20", "cat", "on time")
    assert f"isv-plan {ref} due 2026-07-01: fulfilled on 2026-06-20" in verdict["explanation"]
    assert list_sanctions(ctx, contract_key="LF") == []


def test_an_isv_plan_delivered_late_fails_pi1_and_proposes_the_allowed_sanctions(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    clock.set(at("2026-07-05", 14))
    ref = deliver(ctx, "isv-plan", "2026-07-05")  # before any tick: the overdue timer never fired
    [verdict] = of(evaluate(ctx, clock, "2026", "2027-01-02"), "isv-plan")
    assert verdict["met"] is False and verdict["period"] == "2026"
    assert verdict["inputs"]["obligations"][0]["status"] == "late"
    [finding] = verdict["findings"]
    assert finding["kind"] == "not_delivered" and finding["obligation"] == ref
    assert "fulfilled on 2026-07-05, 4 day(s) late" in finding["reason"]
    [case] = [s for s in list_sanctions(ctx, contract_key="LF") if s["verdict"] == verdict["verdict"]]
    assert (case["state"], case["allowed"]) == ("awaiting_finding", "S1, S2, S3, S5")


def test_the_overdue_timer_records_the_failed_pi_once_and_kpi_evaluate_does_not_judge_it_again(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    clock.set(at("2026-07-02", 9))
    plan = str(occurrence(ctx, "isv-plan")["id"]).split("-")[1]
    report = process_due(ctx)
    [overdue] = [
        e for e in report.fired if e["subject"] == f"obligation:{plan}" and e["kind"] == "obligation_due"
    ]
    assert overdue["outcome"] == "overdue, VER-1 isv-plan missed"
    process_due(ctx)
    [verdict] = list_verdicts(ctx, contract_key="LF", kpi="isv-plan")
    assert (verdict["period"], verdict["met"], verdict["evaluated_by"]) == ("2026-07", False, "system")
    assert verdict["inputs"]["obligations"][0]["status"] == "not delivered"
    assert "when its day ended (overdue)" in verdict["explanation"]
    actions = audit_actions(ctx)
    assert actions.count("verdict.kpi") == 1 and actions.count("sanction.open") == 1
    assert actions.index("obligation.overdue") < actions.index("verdict.kpi") < actions.index("sanction.open")
    clock.set(at("2026-07-10", 9))
    deliver(ctx, "isv-plan", "2026-07-10")  # late: the failed verdict stands
    again = evaluate(ctx, clock, "2026-07", "2026-08-01")
    assert of(again, "isv-plan") == [] and "isv-plan 2026-07: already evaluated (VER-1)" in again["skipped"]
    assert of(evaluate(ctx, clock, "2026", "2027-01-02"), "isv-plan") == []
    assert len(list_verdicts(ctx, contract_key="LF", kpi="isv-plan")) == 1


def test_the_failed_pi_is_written_in_the_overdue_timers_transaction(
    ctx: Ctx, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(ctx)

    def broken(*args: object, **kwargs: object) -> list[dict[str, Any]]:
        raise RuntimeError("verdict could not be written")

    monkeypatch.setattr("escalation_engine.procedures.kpis.obligation_kpis.on_overdue", broken)
    clock.set(at("2026-07-02", 9))
    report = process_due(ctx)
    failed = {e["subject"] for e in report.failed if e["kind"] == "obligation_due"}
    assert f"obligation:{str(occurrence(ctx, 'isv-plan')['id']).split('-')[1]}" in failed
    assert occurrence(ctx, "isv-plan")["status"] == "overdue"  # by date; its state was not changed
    with ctx.db.read() as session:
        row = session.exec(select(Obligation).where(Obligation.code == "isv-plan")).one()
        assert row.state == "open" and row.overdue_at is None
    assert "obligation.overdue" not in audit_actions(ctx)
    monkeypatch.undo()
    assert list_verdicts(ctx, contract_key="LF", kpi="isv-plan") == []


def test_a_sanction_after_an_overdue_pi_still_needs_the_culpability_finding(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    clock.set(at("2026-07-02", 9))
    process_due(ctx)
    [case] = list_sanctions(ctx, contract_key="LF")
    with pytest.raises(RuleRefused, match="culpability"):
        decide(ctx, actor_key="cat", ref=case["sanction"], apply=True, reason="late plan")


def test_the_kpi_has_no_reminders_of_its_own_only_the_obligations(ctx: Ctx) -> None:
    register(ctx)
    ident = int(str(occurrence(ctx, "isv-plan")["id"]).split("-")[1])
    with ctx.db.read() as session:
        kinds = sorted(
            t.kind
            for t in session.exec(select(Timer).where(Timer.subject_kind == "obligation"))
            if t.subject_id == ident
        )
    assert kinds == ["obligation_due", "reminder", "reminder", "reminder"]
    assert pending_timers(ctx, "kpi_verdict") == []
    row = {r["kpi"]: r for r in kpis.list_kpis(ctx, contract_key="LF")}["isv-plan"]
    assert (row["obligation"], row["due"], row["judged_by"]) == ("isv-plan", "2026-07-01", "delivery")


def test_a_plan_judged_by_its_delivery_is_not_recorded_by_value(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(BadInput, match="judged from the fulfilment of obligation isv-plan"):
        record(ctx, "isv-plan", "2026-06", "yes")


def test_a_social_return_plan_not_approved_by_its_due_date_fails_pi1(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx)  # award 2025-11-15: approved by 2026-02-15; registered on 2026-03-02, so no timer fired
    [verdict] = of(evaluate_period(ctx, actor_key="cat", contract_key="LF", period="2026-02"), "sr-plan")
    assert verdict["met"] is False
    assert [(o["obligation"], o["due"], o["status"]) for o in verdict["inputs"]["obligations"]] == [
        ("sr-plan", "2026-02-15", "not delivered")
    ]
    again = evaluate(ctx, clock, "2026-Q1", "2026-04-01")
    assert (
        of(again, "sr-plan") == []
        and f"sr-plan 2026-Q1: already evaluated ({verdict['verdict']})" in again["skipped"]
    )


def test_execution_started_late_after_approval_fails_social_return_pi1(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx, award=date(2025, 12, 1))  # approval due 2026-03-01
    deliver(ctx, "sr-plan", "2026-03-01")  # approved on time: execution starts by 2026-06-01
    assert occurrence(ctx, "sr-execution")["due"] == "2026-06-01"
    clock.set(at("2026-06-02", 9))
    process_due(ctx)
    [verdict] = list_verdicts(ctx, contract_key="LF", kpi="sr-plan")
    assert (verdict["period"], verdict["met"]) == ("2026-06", False)
    assert verdict["inputs"]["obligations"][0]["obligation"] == "sr-execution"
    [march] = of(evaluate(ctx, clock, "2026-03", "2026-06-02"), "sr-plan")
    assert march["met"] is True and march["inputs"]["obligations"][0]["obligation"] == "sr-plan"


def test_a_circularity_report_not_delivered_fails_every_pi_it_reports(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx)  # start 2026-01-01 stands in for signing: first report due 2027-01-01 (B2 §2.1.3)
    clock.set(at("2027-01-02", 9))
    process_due(ctx)
    failed = [v for v in list_verdicts(ctx, contract_key="LF") if v["kpi"].startswith("circ-pi")]
    assert [(v["kpi"], v["period"], v["met"]) for v in failed] == [
        ("circ-pi1", "2027-H1", False),
        ("circ-pi2", "2027-H1", False),
        ("circ-pi3", "2027-H1", False),
    ]
    assert {v["inputs"]["obligations"][0]["obligation"] for v in failed} == {"circularity-report"}
    assert len([s for s in list_sanctions(ctx, contract_key="LF") if s["kpi"].startswith("circ-pi")]) == 3


def test_a_circularity_report_delivered_on_time_is_judged_by_each_recorded_pi(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    clock.set(at("2026-12-20", 9))
    deliver(ctx, "circularity-report", "2026-12-20")
    record(ctx, "circ-pi1", "2027-H1", "yes")
    record(ctx, "circ-pi2", "2027-H1", "no")
    record(ctx, "circ-pi3", "2026-H2", "yes")  # no report is due in 2026-H2
    early = evaluate(ctx, clock, "2026-H2", "2027-01-02")
    assert [v for v in early["verdicts"] if v["kpi"].startswith("circ-pi")] == []
    assert any(
        s.startswith("circ-pi3 2026-H2: no circularity-report is due in 2026-H2") for s in early["skipped"]
    )
    data = evaluate(ctx, clock, "2027-H1", "2027-07-01")
    [one], [two] = of(data, "circ-pi1"), of(data, "circ-pi2")
    assert (one["met"], two["met"]) == (True, False)
    assert two["findings"] == [] and "recorded as NOT met" in two["explanation"]
    assert [m["value"] for m in two["inputs"]["measurements"]] == ["0"]
    assert of(data, "circ-pi3") == []
    assert any(s.startswith("circ-pi3 2027-H1:") and "record the PI's value" in s for s in data["skipped"])


def test_a_yearly_report_delivered_on_time_needs_the_milestone_recorded(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx)
    clock.set(at("2026-12-28", 9))
    deliver(ctx, "isv-report", "2026-12-28")  # due 2027-01-01 (start + 12 months)
    first = evaluate(ctx, clock, "2027", "2028-01-02")
    assert of(first, "isv-report") == []
    assert any(s.startswith("isv-report 2027:") and "record the PI's value" in s for s in first["skipped"])
    record(ctx, "isv-report", "2027", "yes")
    [verdict] = of(evaluate(ctx, clock, "2027", "2028-01-02"), "isv-report")
    assert verdict["met"] is True and verdict["inputs"]["judged_by"] == "recorded-value"
    assert verdict["inputs"]["obligations"][0]["due"] == "2027-01-01"


def test_the_link_needs_no_obligation_timers_when_the_contract_was_registered_late(ctx: Ctx) -> None:
    """An occurrence past at registration has no timer; `kpi evaluate` judges it all the same."""
    register(ctx, start=date(2025, 1, 1), award=date(2024, 10, 1))
    data = evaluate_period(ctx, actor_key="cat", contract_key="LF", period="2025-07")
    [verdict] = of(data, "isv-plan")
    assert verdict["met"] is False and verdict["inputs"]["obligations"][0]["due"] == "2025-07-01"
    with ctx.db.read() as session:
        judged = kpi_obligations.judged(session, "LF", "isv-plan")
    assert judged == {verdict["inputs"]["obligations"][0]["id"]: verdict["verdict"]}

"""The waiting-room clause (TP §2.1.2): moments 6, 9 and 12, the 14-day plan finding, the termination
right after two consecutive misses — recorded, the client told, the evidence shown. Seed examples 1 and 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kpi_support import audit_actions, messages
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.queries import waiting_room_status
from escalation_engine.procedures.kpis.report import report
from escalation_engine.procedures.kpis.waiting_room import evaluate

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
MOMENT_DAY = {6: "2026-07-01", 9: "2026-10-01", 12: "2027-01-01"}  # start 2026-01-01 + 6/9/12 months
PASS = ("80", "75", "90")
FAIL = ("70", "80", "90")


def moment(
    ctx: Ctx, clock: FixedClock, month: int, figures: tuple[str, str, str], actor: str = "cmcat"
) -> dict[str, Any]:
    clock.set(at(MOMENT_DAY[month], 10))
    finished, satisfied, quality = figures
    return evaluate(
        ctx,
        actor_key=actor,
        contract_key="TP",
        moment=month,
        finished=finished,
        satisfied=satisfied,
        quality=quality,
    )


def kinds(data: dict[str, Any]) -> list[str]:
    return [f["kind"] for f in data["findings"]]


@pytest.fixture
def tp(ctx: Ctx) -> Ctx:
    register(ctx, key="TP", profile="reintegratie-defensie")
    return ctx


def test_a_miss_at_6_then_a_pass_at_9_does_not_invoke_the_clause_as_in_seed_example_1(
    tp: Ctx, clock: FixedClock
) -> None:
    first = moment(tp, clock, 6, FAIL)
    assert first["met"] is False and kinds(first) == ["plan_required"]
    assert first["findings"][0]["source"] == "TP §2.1.2" and first["findings"][0]["days"] == 14
    second = moment(tp, clock, 9, PASS)
    assert second["met"] is True and second["clause_invoked"] is False and kinds(second) == []
    assert "waiting_room.termination_right" not in audit_actions(tp, "TP")
    assert report(tp, contract_key="TP")["termination_right"] is None
    assert waiting_room_status(tp, contract_key="TP")["pending_moments"] == [
        {"moment": 12, "date": "2027-01-01"}
    ]


def test_a_pass_at_6_and_misses_at_9_and_12_invoke_the_clause_as_in_seed_example_2(
    tp: Ctx, clock: FixedClock
) -> None:
    assert moment(tp, clock, 6, PASS)["clause_invoked"] is False
    nine = moment(tp, clock, 9, FAIL)
    assert kinds(nine) == ["plan_required"] and nine["clause_invoked"] is False
    twelve = moment(tp, clock, 12, ("74.99", "80", "90"))
    assert twelve["clause_invoked"] is True
    assert kinds(twelve) == ["termination_right"]  # the 14-day plan follows the first miss only
    assert twelve["findings"][0]["moments"] == [9, 12]
    assert [(e["moment"], e["norm_met"]) for e in twelve["evidence"]] == [(6, True), (9, False), (12, False)]
    assert twelve["inputs"]["finished_pct"] == "74.99"
    assert audit_actions(tp, "TP").count("waiting_room.termination_right") == 1
    told = {m.recipient_key: m for m in messages(tp) if "wachtkamerclausule" in m.subject}
    assert set(told) == {"cmcat", "cmdef", "dir"}
    assert "meetmoment maand 9 (2026-10-01): afgerond 70 %" in told["cmcat"].body
    assert "meetmoment maand 12 (2027-01-01): afgerond 74.99 %" in told["cmcat"].body
    assert report(tp, contract_key="TP")["termination_right"]["moments"] == [9, 12]
    status = waiting_room_status(tp, contract_key="TP")
    assert [e["moment"] for e in status["evidence"]] == [6, 9, 12] and status["pending_moments"] == []
    assert status["termination_right"]["moments"] == [9, 12]


def test_misses_at_6_and_9_invoke_the_clause_at_9_and_a_miss_at_12_does_not_record_the_right_again(
    tp: Ctx, clock: FixedClock
) -> None:
    moment(tp, clock, 6, FAIL)
    assert moment(tp, clock, 9, FAIL)["clause_invoked"] is True
    twelve = moment(tp, clock, 12, FAIL)
    assert twelve["clause_invoked"] is True and kinds(twelve) == []
    assert audit_actions(tp, "TP").count("waiting_room.termination_right") == 1


def test_exactly_75_percent_on_all_three_meets_the_norm(tp: Ctx, clock: FixedClock) -> None:
    assert moment(tp, clock, 6, ("75", "75.00", "75"))["met"] is True


def k7_missed(ctx: Ctx, clock: FixedClock, period: str, on: str) -> dict[str, Any]:
    """KPI 7 at 96 % (norm 98 %) in `period`, evaluated on `on`: its verdict."""
    kpis.record(
        ctx, actor_key="cmdef", contract_key="TP", kpi="k7", period=period, value="96", participant=None
    )
    clock.set(at(on, 9))
    [verdict] = evaluate_period(ctx, actor_key="cmdef", contract_key="TP", period=period)["verdicts"]
    return dict(verdict)


def k7_plans(ctx: Ctx) -> list[dict[str, Any]]:
    from escalation_engine.procedures.plans.queries import list_plans

    return [p for p in list_plans(ctx, contract_key="TP", state="all") if p["kpi"] == "k7"]


def test_a_met_norm_after_a_missed_scorecard_norm_lists_the_miss_with_its_one_plan(
    tp: Ctx, clock: FixedClock
) -> None:
    verdict = k7_missed(tp, clock, "2026-05", "2026-06-02")
    [plan] = k7_plans(tp)  # the scorecard verdict required it (TP §2.1.1; in the first 12 months: 14 days)
    assert plan["plan_due"] == "2026-06-16"
    six = moment(tp, clock, 6, PASS)
    assert six["met"] is True and kinds(six) == ["scorecard_missed"]
    [finding] = six["findings"]
    assert finding["source"] == "TP §2.1.2 (NB, table 1)"
    assert finding["missed"] == [
        {"kpi": "k7", "period": "2026-05", "verdict": verdict["verdict"], "plans": plan["case"]}
    ]
    assert f"k7 2026-05 ({verdict['verdict']}: {plan['case']})" in finding["reason"]
    assert len(k7_plans(tp)) == 1 and audit_actions(tp, "TP").count("verdict.plan_required") == 1


def test_a_scorecard_miss_evaluated_after_a_met_norm_gets_its_one_plan_too(
    tp: Ctx, clock: FixedClock
) -> None:
    six = moment(tp, clock, 6, PASS)
    assert kinds(six) == []
    verdict = k7_missed(tp, clock, "2026-05", "2026-07-03")  # a period inside the moment's window
    [plan] = k7_plans(tp)
    [finding] = verdict["findings"]
    assert (finding["kind"], finding["plan"], finding["created"]) == ("plan_required", plan["case"], True)
    assert finding["waiting_room_moment"] == six["verdict"]
    assert "TP §2.1.2 NB" in finding["reason"] and plan["plan_due"] == "2026-07-17"
    assert audit_actions(tp, "TP").count("verdict.plan_required") == 1


def test_a_scorecard_miss_after_the_moment_in_a_later_window_does_not_cite_the_met_moment(
    tp: Ctx, clock: FixedClock
) -> None:
    moment(tp, clock, 6, PASS)
    verdict = k7_missed(tp, clock, "2026-07", "2026-08-03")  # ends after moment 6: moment 9's window
    assert "waiting_room_moment" not in verdict["findings"][0] and len(k7_plans(tp)) == 1


def test_a_moment_is_evaluated_once_and_not_before_its_date(tp: Ctx, clock: FixedClock) -> None:
    clock.set(at("2026-06-30", 10))
    with pytest.raises(RuleRefused, match="is on 2026-07-01"):
        evaluate(
            tp, actor_key="cmcat", contract_key="TP", moment=6, finished="80", satisfied="80", quality="80"
        )
    moment(tp, clock, 6, PASS)
    with pytest.raises(RuleRefused, match="already evaluated"):
        moment(tp, clock, 6, PASS)


def test_a_moment_cannot_be_established_after_a_later_one(tp: Ctx, clock: FixedClock) -> None:
    moment(tp, clock, 9, FAIL)  # month 6 skipped (e.g. no figures): allowed, the evidence shows it
    with pytest.raises(RuleRefused, match="comes before the established month 9"):
        evaluate(
            tp, actor_key="cmcat", contract_key="TP", moment=6, finished="80", satisfied="80", quality="80"
        )


def test_only_the_client_side_establishes_the_norm(tp: Ctx, clock: FixedClock) -> None:
    with pytest.raises(RuleRefused, match="supplier side"):
        moment(tp, clock, 6, PASS, actor="am")


@pytest.mark.parametrize(("month", "figures"), [(7, PASS), (6, ("80", "101", "80")), (6, ("x", "80", "80"))])
def test_bad_moments_and_percentages_are_bad_input(
    tp: Ctx, month: int, figures: tuple[str, str, str]
) -> None:
    with pytest.raises(BadInput):
        evaluate(
            tp,
            actor_key="cmcat",
            contract_key="TP",
            moment=month,
            finished=figures[0],
            satisfied=figures[1],
            quality=figures[2],
        )


def test_a_contract_without_the_clause_refuses_it(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx)
    clock.set(at("2026-07-02", 10))
    with pytest.raises(RuleRefused, match="no waiting-room clause"):
        evaluate(
            ctx, actor_key="cat", contract_key="LF", moment=6, finished="80", satisfied="80", quality="80"
        )


def test_the_first_waiting_room_miss_obliges_the_supplier_to_a_plan_within_14_days(
    tp: Ctx, clock: FixedClock
) -> None:
    from escalation_engine.procedures.plans.queries import list_plans

    moment(tp, clock, 6, FAIL)  # measured on 1 July 2026
    plans = list_plans(tp, contract_key="TP", state="open")
    assert len(plans) == 1
    plan = plans[0]
    assert (plan["kind"], plan["state"], plan["kpi"]) == ("norm_failure", "awaiting_plan", "waiting-room")
    assert plan["plan_due"] == "2026-07-15"  # the finding + 14 days (TP §2.1.2)
    assert plan["opened_by"] == "kpi-evaluation (cmcat)"
    required = [e for e in audit_actions_rows(tp) if e["action"] == "verdict.plan_required"]
    assert required[0]["payload"]["plan"] == plan["case"] and required[0]["payload"]["created"] is True


def audit_actions_rows(ctx: Ctx) -> list[dict[str, Any]]:
    from escalation_engine.core import audit

    return audit.listing(ctx.db, contract_key="TP")


@pytest.fixture
def tp_without_scorecard_plans(ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ctx:
    """A TP contract pinned to a profile without `norm_failure_plan.scorecard` (as registered before it)."""
    text = (WORKFLOWS / "reintegratie-defensie.yaml").read_text(encoding="utf-8")
    start = text.index("  # A missed scorecard norm (table 1) requires")
    end = text.index("# Contract obligations (issue 6)")
    (tmp_path / "reintegratie-defensie.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    monkeypatch.setenv("ESCALATION_ENGINE_PROFILES", str(tmp_path))
    register(ctx, key="TP", profile="reintegratie-defensie")
    return ctx


def test_without_scorecard_plans_a_met_moment_requires_the_plan_for_a_miss_evaluated_before_it(
    tp_without_scorecard_plans: Ctx, clock: FixedClock
) -> None:
    tp = tp_without_scorecard_plans
    verdict = k7_missed(tp, clock, "2026-05", "2026-06-02")
    assert verdict["findings"] == [] and k7_plans(tp) == []  # before the moment: nothing asks for a plan
    six = moment(tp, clock, 6, PASS)
    assert kinds(six) == ["scorecard_missed", "plan_required"]
    [plan] = k7_plans(tp)
    assert six["findings"][1]["plan"] == plan["case"] and plan["plan_due"] == "2026-07-15"
    assert six["findings"][1]["source"] == "TP §2.1.2 (NB, table 1)"


def test_without_scorecard_plans_a_miss_evaluated_after_a_met_moment_requires_its_plan(
    tp_without_scorecard_plans: Ctx, clock: FixedClock
) -> None:
    tp = tp_without_scorecard_plans
    six = moment(tp, clock, 6, PASS)
    verdict = k7_missed(tp, clock, "2026-05", "2026-07-03")
    [plan] = k7_plans(tp)
    assert (
        plan_of(verdict) == plan["case"] and verdict["findings"][0]["waiting_room_moment"] == six["verdict"]
    )
    assert kinds(six) == [] and audit_actions(tp, "TP").count("verdict.plan_required") == 1


def plan_of(verdict: dict[str, Any]) -> str:
    [finding] = [f for f in verdict["findings"] if f["kind"] == "plan_required"]
    return str(finding["plan"])

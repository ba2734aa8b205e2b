"""Sanctions (B2 §1, §5): only on a recorded culpability finding; the category applies or waives with a
reason; the supplier may respond before the decision; several sanctions -> the heaviest prevails."""

from __future__ import annotations

import pytest
from kpi_support import audit_actions, messages
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis import sanctions
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.report import as_csv, report


def missed_months(ctx: Ctx, *participants: str) -> list[str]:
    """Missed delivery reliability in February for each participant; returns their sanction refs."""
    for who in participants:
        kpis.record(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            kpi="delivery",
            period="2026-02",
            value="90",
            participant=who,
        )
    evaluate_period(ctx, actor_key="dcm", contract_key="LF", period="2026-02")
    return [s["sanction"] for s in sanctions.list_sanctions(ctx, contract_key="LF") if s["kpi"] == "delivery"]


def test_a_failed_verdict_opens_a_case_awaiting_the_culpability_finding(ctx: Ctx) -> None:
    register(ctx)
    (case,) = missed_months(ctx, "DJI")
    row = sanctions.list_sanctions(ctx, contract_key="LF", state="awaiting_finding")[-1]
    assert row["sanction"] == case and row["allowed"] == "S1, S2, S3, S5" and row["codes"] is None
    assert any(m.recipient_key == "cat" and case in m.subject for m in messages(ctx))


def test_no_sanction_is_applied_without_a_culpability_finding(ctx: Ctx) -> None:
    register(ctx)
    (case,) = missed_months(ctx, "DJI")
    before = audit_actions(ctx)
    with pytest.raises(RuleRefused, match="no culpability finding yet"):
        sanctions.decide(ctx, actor_key="cat", ref=case, apply=True, reason="norm missed")
    assert audit_actions(ctx) == before  # a refused command changes nothing
    assert sanctions.list_sanctions(ctx, contract_key="LF", state="awaiting_finding")[-1]["sanction"] == case


def test_only_the_category_finds_culpability_and_decides(ctx: Ctx) -> None:
    register(ctx)
    (case,) = missed_months(ctx, "DJI")
    for actor in ("dcm", "am"):
        with pytest.raises(RuleRefused, match="only the category decides on sanctions"):
            sanctions.propose(ctx, actor_key=actor, ref=case, culpable=True, finding="x", codes=["S1"])
    sanctions.propose(
        ctx, actor_key="cat", ref=case, culpable=True, finding="stock planning failed", codes=["S1"]
    )
    with pytest.raises(RuleRefused, match="only the category decides on sanctions"):
        sanctions.decide(ctx, actor_key="dcm", ref=case, apply=True, reason="x")


def test_only_codes_the_kpi_allows_can_be_proposed(ctx: Ctx) -> None:
    register(ctx)
    (case,) = missed_months(ctx, "DJI")
    with pytest.raises(RuleRefused, match="S4 is not allowed for this KPI"):
        sanctions.propose(ctx, actor_key="cat", ref=case, culpable=True, finding="x", codes=["S4"])
    with pytest.raises(BadInput, match="unknown sanction code"):
        sanctions.propose(ctx, actor_key="cat", ref=case, culpable=True, finding="x", codes=["S7"])


def test_without_chosen_codes_the_proposal_is_every_sanction_the_kpi_allows(ctx: Ctx) -> None:
    register(ctx)
    (case,) = missed_months(ctx, "DJI")
    data = sanctions.propose(ctx, actor_key="cat", ref=case, culpable=True, finding="x", codes=[])
    assert (data["codes"], data["heaviest"]) == ("S1, S2, S3, S5", "S5")


def test_the_category_may_record_the_finding_and_apply_in_one_step(ctx: Ctx) -> None:
    register(ctx)
    (case,) = missed_months(ctx, "DJI")
    data = sanctions.decide(
        ctx,
        actor_key="cat",
        ref=case,
        apply=True,
        reason="clear case",
        finding="orders placed late",
        codes=["S2"],
    )
    assert (data["state"], data["codes"], data["culpability"]) == ("applied", "S2", "orders placed late")
    assert audit_actions(ctx)[-2:] == ["sanction.propose", "sanction.apply"]


def test_the_supplier_responds_before_the_decision_and_not_after(ctx: Ctx) -> None:
    register(ctx)
    (case,) = missed_months(ctx, "DJI")
    sanctions.propose(
        ctx, actor_key="cat", ref=case, culpable=True, finding="late orders", codes=["S1", "S2"]
    )
    assert any(m.recipient_key == "am" and "proposed" in m.subject for m in messages(ctx))
    with pytest.raises(RuleRefused, match="only the supplier responds"):
        sanctions.respond(ctx, actor_key="dcm", ref=case, text="x")
    data = sanctions.respond(ctx, actor_key="am", ref=case, text="a supplier of frames went bankrupt")
    assert data["response"] == "a supplier of frames went bankrupt"
    applied = sanctions.decide(
        ctx, actor_key="catman", ref=case, apply=True, reason="heard both sides; still culpable"
    )
    assert (applied["state"], applied["codes"], applied["heaviest"]) == ("applied", "S1, S2", "S2")
    with pytest.raises(RuleRefused, match="response is too late"):
        sanctions.respond(ctx, actor_key="sm", ref=case, text="more")
    actions = audit_actions(ctx)
    assert actions[-3:] == ["sanction.propose", "sanction.respond", "sanction.apply"]
    assert audit.verify(ctx.db).ok  # the hash chain holds over every KPI and sanction row


def test_not_culpable_ends_the_case_and_a_waiver_needs_a_reason(ctx: Ctx) -> None:
    register(ctx)
    first, second = missed_months(ctx, "DJI", "MinBZK")
    data = sanctions.propose(
        ctx, actor_key="cat", ref=first, culpable=False, finding="strike at the port", codes=[]
    )
    assert data["state"] == "not_culpable"
    with pytest.raises(RuleRefused, match="not culpable"):
        sanctions.decide(ctx, actor_key="cat", ref=first, apply=False, reason="x")
    with pytest.raises(BadInput, match="reason must not be empty"):
        sanctions.decide(ctx, actor_key="cat", ref=second, apply=False, reason=" ")
    assert (
        sanctions.decide(ctx, actor_key="cat", ref=second, apply=False, reason="first miss in a year")[
            "state"
        ]
        == "waived"
    )


def test_several_sanctions_become_one_at_the_heaviest_level_in_the_report(ctx: Ctx) -> None:
    register(ctx)
    first, second, third = missed_months(ctx, "DJI", "MinBZK", "Rechtspraak")
    sanctions.propose(ctx, actor_key="cat", ref=first, culpable=True, finding="a", codes=["S1"])
    sanctions.propose(ctx, actor_key="cat", ref=second, culpable=True, finding="b", codes=["S3"])
    sanctions.propose(ctx, actor_key="cat", ref=third, culpable=True, finding="c", codes=["S5"])
    sanctions.decide(ctx, actor_key="cat", ref=first, apply=True, reason="a")
    sanctions.decide(ctx, actor_key="cat", ref=second, apply=True, reason="b")
    data = report(ctx, contract_key="LF")
    summary = data["sanction_summary"]
    assert (
        summary["applied"],
        summary["proposed"],
        summary["heaviest_applied"],
        summary["heaviest_proposed"],
    ) == (2, 1, "S3", "S5")
    assert data["missed"] >= 3
    text = as_csv(data)
    assert text.splitlines()[0].startswith("verdict,kind,kpi,period")
    assert f"{first},applied,S1" in text


def test_an_unknown_sanction_is_not_found(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(NotFound):
        sanctions.decide(ctx, actor_key="cat", ref="SAN-99", apply=True, reason="x")

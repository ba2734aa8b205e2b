"""Sanctions (B2 §1, §5): only on a recorded culpability finding; the category applies or waives with a
reason; the supplier may respond before the decision; several sanctions -> the heaviest prevails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kpi_support import audit_actions, messages, pending_timers
from support import at, fired, register

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis import sanctions
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.report import as_csv, report

DATA = Path(__file__).resolve().parents[1] / "data"


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
        sanctions.decide(ctx, actor_key="dcm", ref=case, apply=True, reason="x", cannot_wait="urgent")


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


def test_the_category_may_record_the_finding_and_apply_in_one_step_only_saying_why_it_cannot_wait(
    ctx: Ctx,
) -> None:
    register(ctx)
    (case,) = missed_months(ctx, "DJI")
    one_step = {"finding": "orders placed late", "codes": ["S2"], "reason": "clear case"}
    before = audit_actions(ctx)
    with pytest.raises(RuleRefused, match="the supplier has not been heard yet") as refused:
        sanctions.decide(ctx, actor_key="cat", ref=case, apply=True, **one_step)  # type: ignore[arg-type]
    assert "--cannot-wait" in refused.value.message and refused.value.source == "B2 §5"
    assert audit_actions(ctx) == before  # the finding given with it is not recorded either
    data = sanctions.decide(
        ctx,
        actor_key="cat",
        ref=case,
        apply=True,
        cannot_wait="the indexation is decided tomorrow",
        **one_step,  # type: ignore[arg-type]
    )
    assert (data["state"], data["codes"], data["culpability"]) == ("applied", "S2", "orders placed late")
    assert data["cannot_wait"] == "the indexation is decided tomorrow"
    assert audit_actions(ctx)[-2:] == ["sanction.propose", "sanction.apply"]
    assert audit.listing(ctx.db, case_ref=case)[-1]["payload"]["cannot_wait"] == data["cannot_wait"]


def test_a_sanction_is_refused_before_the_supplier_was_heard_and_allowed_after_its_term(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    (case,) = missed_months(ctx, "DJI")
    proposed = sanctions.propose(ctx, actor_key="cat", ref=case, culpable=True, finding="late", codes=["S1"])
    assert proposed["response_due"] == "2026-03-16"  # 2 weeks (kpis.sanction_response, policy default)
    timers = pending_timers(
        ctx, "sanction"
    )  # the profile's reminders: 2 days before, on the day, the day after
    assert [t.kind for t in timers] == ["reminder", "reminder", "response_due", "reminder"]
    clock.set(at("2026-03-14", 10))
    process_due(ctx)
    reminded = [m for m in messages(ctx) if "herinnering: reageer op sanctie" in m.subject]
    assert {m.recipient_key for m in reminded} == {"am"}  # the supplier is reminded before the term ends
    clock.set(at("2026-03-16", 23))
    with pytest.raises(RuleRefused, match="may respond until 2026-03-16 .kpis.sanction_response"):
        sanctions.decide(ctx, actor_key="cat", ref=case, apply=True, reason="norm missed")
    clock.set(at("2026-03-17", 0, 1))
    report = process_due(ctx)
    assert "response term ended" in [f["outcome"] for f in fired(report, "sanction")]
    applied = sanctions.decide(ctx, actor_key="cat", ref=case, apply=True, reason="no response in the term")
    assert (applied["state"], applied["cannot_wait"]) == ("applied", None)


def test_the_supplier_s_response_ends_its_term_and_waiving_needs_no_hearing(ctx: Ctx) -> None:
    register(ctx)
    first, second = missed_months(ctx, "DJI", "MinBZK")
    for ref in (first, second):
        sanctions.propose(ctx, actor_key="cat", ref=ref, culpable=True, finding="late", codes=["S1"])
    sanctions.respond(ctx, actor_key="am", ref=first, text="our view")
    assert {t.subject_id for t in pending_timers(ctx, "sanction")} == {int(second.split("-")[1])}
    assert sanctions.decide(ctx, actor_key="cat", ref=first, apply=True, reason="heard")["state"] == "applied"
    # waiving is in the supplier's favour: the category need not wait for its response
    assert (
        sanctions.decide(ctx, actor_key="cat", ref=second, apply=False, reason="first miss")["state"]
        == "waived"
    )
    assert pending_timers(ctx, "sanction") == []


def test_a_contract_pinned_to_a_profile_without_a_response_term_gets_two_weeks(
    ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "workflows"
    own.mkdir()
    shutil.copy(DATA / "leasefietsen-rijk-v2.yaml", own / "leasefietsen-rijk.yaml")
    monkeypatch.setenv("ESCALATION_ENGINE_PROFILES", str(own))
    register(ctx)  # pinned to version 2, before kpis.sanction_response existed
    (case,) = missed_months(ctx, "DJI")
    proposed = sanctions.propose(ctx, actor_key="cat", ref=case, culpable=True, finding="late", codes=["S1"])
    assert proposed["response_due"] == "2026-03-16"
    with pytest.raises(RuleRefused, match="2 weeks, policy default"):
        sanctions.decide(ctx, actor_key="cat", ref=case, apply=True, reason="norm missed")


def test_several_sanctions_become_one_at_the_heaviest_level_in_the_report(ctx: Ctx) -> None:
    register(ctx)
    first, second, third = missed_months(ctx, "DJI", "MinBZK", "Rechtspraak")
    sanctions.propose(ctx, actor_key="cat", ref=first, culpable=True, finding="a", codes=["S1"])
    sanctions.propose(ctx, actor_key="cat", ref=second, culpable=True, finding="b", codes=["S3"])
    sanctions.propose(ctx, actor_key="cat", ref=third, culpable=True, finding="c", codes=["S5"])
    for ref in (first, second):
        sanctions.respond(ctx, actor_key="am", ref=ref, text="we disagree")
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


def test_a_verdicts_sanctions_are_those_of_that_verdict_only(ctx: Ctx) -> None:
    register(ctx)
    cases = missed_months(ctx, "DJI", "MinBZK")
    every = sanctions.list_sanctions(ctx, contract_key="LF")
    for case in cases:
        (row,) = [s for s in every if s["sanction"] == case]
        mine = sanctions.list_sanctions(ctx, contract_key="LF", verdict=str(row["verdict"]))
        assert [s["sanction"] for s in mine] == [case]

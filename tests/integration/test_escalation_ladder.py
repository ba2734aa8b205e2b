"""The escalation ladder end to end through the service layer (SPEC §1; B2 §5.1, TP §3 table 2)."""

from __future__ import annotations

import pytest
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.ladder.queries import show_escalation


def open_l1(ctx: Ctx, actor: str = "dcm", **kw: object) -> str:
    data = esc.open_escalation(
        ctx,
        actor_key=actor,
        contract_key=str(kw.get("contract", "LF")),
        subject="Availability 91 % in February",
        norm="Leverbetrouwbaarheid",
        participant="Belastingdienst" if kw.get("contract", "LF") == "LF" else "Defensie",
        threatened=bool(kw.get("threatened", False)),
    )
    return str(data["case"])


def through_level(ctx: Ctx, case: str, responder: str, assessor: str) -> None:
    esc.respond(ctx, actor_key=responder, ref=case, text="we are on it")
    esc.assess(ctx, actor_key=assessor, ref=case, sufficient=False, reason="still below norm")


def test_opening_addresses_the_level_1_counterpart_with_a_response_deadline(ctx: Ctx) -> None:
    register(ctx)
    data = esc.open_escalation(
        ctx,
        actor_key="dcm",
        contract_key="LF",
        subject="Availability 91 %",
        norm="Leverbetrouwbaarheid",
        participant="Belastingdienst",
        threatened=True,
    )
    assert data["state"] == "addressed"
    assert data["level"] == 1
    assert data["counterpart"] == "am"
    assert data["counterpart_role"] == "account_manager"
    assert data["norm"] == "Leverbetrouwbaarheid"
    assert data["participant"] == "Belastingdienst"
    assert data["threatened"] is True
    # opened Mon 2 March 2026; policy default window of 5 days ends with Sat 7 March (no rolling)
    assert data["response_due"] == "2026-03-07"


def test_level_2_is_refused_when_level_1_has_no_response_and_no_assessment(ctx: Ctx) -> None:
    register(ctx)
    case = open_l1(ctx)
    with pytest.raises(RuleRefused) as refused:
        esc.raise_level(ctx, actor_key="cat", ref=case, reason="impatient")
    message = refused.value.message
    assert "level 1 (1e escalatieniveau) not gone through" in message
    assert "has not responded and the response window has not passed" in message
    assert "has not recorded an assessment" in message
    assert refused.value.exit_code == 3


def test_level_2_is_refused_when_level_1_was_assessed_sufficient(ctx: Ctx) -> None:
    register(ctx)
    case = open_l1(ctx)
    esc.respond(ctx, actor_key="am", ref=case, text="fixed")
    esc.assess(ctx, actor_key="dcm", ref=case, sufficient=True, reason="back at 97 %")
    with pytest.raises(RuleRefused, match="wrong state|assessed as sufficient"):
        esc.raise_level(ctx, actor_key="cat", ref=case, reason="want more")


def test_opening_straight_at_level_3_is_refused_naming_both_skipped_levels(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(RuleRefused) as refused:
        esc.open_escalation(
            ctx,
            actor_key="catman",
            contract_key="LF",
            subject="skip",
            norm=None,
            participant=None,
            threatened=False,
            level=3,
        )
    assert "level 1 (1e escalatieniveau) not gone through: it was never addressed" in refused.value.message
    assert "level 2 (2e escalatieniveau) not gone through: it was never addressed" in refused.value.message


def test_a_participant_may_not_raise_into_level_2_the_category_is_needed(ctx: Ctx) -> None:
    register(ctx)
    case = open_l1(ctx)
    through_level(ctx, case, "am", "dcm")
    with pytest.raises(RuleRefused, match="needed role: category or category_manager"):
        esc.raise_level(ctx, actor_key="dcm", ref=case, reason="still bad")


def test_only_the_category_manager_raises_into_level_3(ctx: Ctx) -> None:
    register(ctx)
    case = open_l1(ctx)
    through_level(ctx, case, "am", "dcm")
    esc.raise_level(ctx, actor_key="cat", ref=case, reason="level 1 insufficient")
    through_level(ctx, case, "sm", "cat")
    with pytest.raises(RuleRefused, match="needed role: category_manager"):
        esc.raise_level(ctx, actor_key="cat", ref=case, reason="level 2 insufficient")
    data = esc.raise_level(ctx, actor_key="catman", ref=case, reason="level 2 insufficient")
    assert (data["level"], data["counterpart"], data["state"]) == (3, "exec", "addressed")


def test_a_raise_is_refused_when_no_counterpart_is_registered_for_the_level(ctx: Ctx) -> None:
    people = [p for p in __import__("support").B2_PEOPLE if p[3] != "service_manager"]
    register(ctx, people=people)
    case = open_l1(ctx)
    through_level(ctx, case, "am", "dcm")
    with pytest.raises(RuleRefused, match="no counterpart registered for level 2.*role 'service_manager'"):
        esc.raise_level(ctx, actor_key="cat", ref=case, reason="level 1 insufficient")
    assert show_escalation(ctx, case)["level"] == 1


def test_a_level_counts_as_gone_through_when_the_window_passed_without_response(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    case = open_l1(ctx)
    clock.set(at("2026-03-08", 9))
    process_due(ctx)
    assert show_escalation(ctx, case)["state"] == "no_response"
    esc.assess(ctx, actor_key="dcm", ref=case, sufficient=False, reason="no response at all")
    data = esc.raise_level(ctx, actor_key="cat", ref=case, reason="no response at level 1")
    assert data["level"] == 2


def test_only_the_counterpart_at_the_current_level_responds(ctx: Ctx) -> None:
    register(ctx)
    case = open_l1(ctx)
    with pytest.raises(RuleRefused, match="needed role: account_manager"):
        esc.respond(ctx, actor_key="sm", ref=case, text="not mine to answer")


def test_the_supplier_cannot_assess_its_own_result(ctx: Ctx) -> None:
    register(ctx)
    case = open_l1(ctx)
    esc.respond(ctx, actor_key="am", ref=case, text="done")
    with pytest.raises(RuleRefused, match="judged by the raising side"):
        esc.assess(ctx, actor_key="am", ref=case, sufficient=True, reason="we think it is fine")


def test_the_recipient_refuses_a_level_2_escalation_and_it_returns_to_level_1(ctx: Ctx) -> None:
    register(ctx)
    case = open_l1(ctx)
    through_level(ctx, case, "am", "dcm")
    esc.raise_level(ctx, actor_key="cat", ref=case, reason="level 1 insufficient")
    with pytest.raises(RuleRefused, match="only the recipient"):
        esc.refuse(ctx, actor_key="am", ref=case, reason="not me")
    data = esc.refuse(ctx, actor_key="sm", ref=case, reason="level 1 was not given a fair chance")
    assert (data["level"], data["state"]) == (1, "addressed")
    # level 1 is addressed again, so level 2 cannot be raised into without going through it anew
    with pytest.raises(RuleRefused, match="level 1 .* not gone through"):
        esc.raise_level(ctx, actor_key="cat", ref=case, reason="again")


def test_a_refusal_at_level_1_ends_the_escalation(ctx: Ctx) -> None:
    register(ctx)
    case = open_l1(ctx)
    data = esc.refuse(ctx, actor_key="am", ref=case, reason="not a contract matter")
    assert data["state"] == "refused"
    with pytest.raises(RuleRefused, match="refused; nothing more"):
        esc.raise_level(ctx, actor_key="cat", ref=case, reason="x")


@pytest.mark.parametrize("missing", ["measures", "results", "lessons"])
def test_closing_needs_measures_results_and_lessons(ctx: Ctx, missing: str) -> None:
    register(ctx)
    case = open_l1(ctx)
    esc.respond(ctx, actor_key="am", ref=case, text="fixed")
    esc.assess(ctx, actor_key="dcm", ref=case, sufficient=True, reason="ok")
    texts = {"measures": "extra bikes", "results": "97 %", "lessons": "forecast monthly", missing: "  "}
    with pytest.raises(RuleRefused, match=f"missing: {missing}"):
        esc.close(ctx, actor_key="dcm", ref=case, **texts)
    assert show_escalation(ctx, case)["state"] == "sufficient"
    texts[missing] = "now given"
    assert esc.close(ctx, actor_key="dcm", ref=case, **texts)["state"] == "closed"


def test_closing_before_any_assessment_is_refused_saying_what_comes_first(ctx: Ctx) -> None:
    register(ctx)
    case = open_l1(ctx)
    with pytest.raises(RuleRefused, match="level 1 has not been assessed"):
        esc.close(ctx, actor_key="dcm", ref=case, measures="m", results="r", lessons="l")


def test_the_tp_ladder_runs_five_rows_on_the_same_machine(ctx: Ctx) -> None:
    register(ctx, key="TP", profile="reintegratie-defensie")
    case = open_l1(ctx, actor="casem", contract="TP")
    chain = [
        ("jc", "casem", "rhead", "sjc"),
        ("sjc", "rhead", "oplead", "am"),
        ("am", "oplead", "cmdef", "am"),
        ("am", "cmdef", "dir", "board"),
    ]
    for level, (responder, assessor, raiser, next_counterpart) in enumerate(chain, start=1):
        through_level(ctx, case, responder, assessor)
        data = esc.raise_level(ctx, actor_key=raiser, ref=case, reason=f"row {level} insufficient")
        assert (data["level"], data["counterpart"]) == (level + 1, next_counterpart)
    assert data["level_name"] == "Strategisch"


def test_unknown_cases_people_and_contracts_are_not_found(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(NotFound):
        show_escalation(ctx, "ESC-99")
    with pytest.raises(NotFound, match="person 'ghost'"):
        open_l1(ctx, actor="ghost")
    with pytest.raises(NotFound, match="contract 'NOPE'"):
        open_l1(ctx, contract="NOPE")
    with pytest.raises(BadInput, match="malformed escalation reference"):
        show_escalation(ctx, "PLAN-1")

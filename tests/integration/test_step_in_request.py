"""Requesting step-in (SPEC §3, B2 §6): threshold, override, culpability, authority, profiles without it."""

from __future__ import annotations

import pytest
from stepin_support import actions, counts, escalate_to_top, outbox, request
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.step_in.views import list_step_ins


def test_request_after_an_unresolved_top_level_escalation_starts_the_2_week_meeting_deadline(
    ctx: Ctx,
) -> None:
    register(ctx)
    case = escalate_to_top(ctx)
    data = request(ctx, [case])
    assert data["state"] == "awaiting_meeting"
    assert data["escalations"] == [case]
    assert data["counted_escalations"] == [case]
    # requested Mon 2 March 2026: request + 14 calendar days = Mon 16 March (end of that day)
    assert data["meeting_due"] == "2026-03-16"
    assert data["next"] == {"what": "management-team meeting 1 (supplier)", "due": "2026-03-16"}
    told = outbox(ctx, data["case"])
    assert {who for who, _ in told} == {"am", "exec"}
    assert all("beleg uw managementteam uiterlijk 2026-03-16" in subject for _, subject in told)
    assert actions(ctx, data["case"]) == ["stepin.request"]


def test_request_is_refused_below_the_threshold_naming_the_rule_and_changes_nothing(ctx: Ctx) -> None:
    register(ctx)
    level_1 = str(
        esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject="late",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
    )
    before = counts(ctx)
    with pytest.raises(RuleRefused) as refused:
        request(ctx, [level_1])
    assert refused.value.exit_code == 3
    assert "repeated escalations" in refused.value.message
    assert f"{level_1} is at level 1, not the top level 3" in refused.value.message
    assert "--override-threshold" in refused.value.message
    assert "B2 §6" in str(refused.value.source)
    assert counts(ctx) == before


def test_request_naming_no_escalations_is_refused_without_an_override(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(RuleRefused, match="no escalations were named"):
        request(ctx, [])


def test_a_closed_top_level_escalation_does_not_count_as_unresolved(ctx: Ctx) -> None:
    register(ctx)
    case = escalate_to_top(ctx)
    esc.respond(ctx, actor_key="exec", ref=case, text="board intervened")
    esc.assess(ctx, actor_key="catman", ref=case, sufficient=True, reason="solved")
    esc.close(ctx, actor_key="catman", ref=case, measures="m", results="r", lessons="l")
    with pytest.raises(RuleRefused, match=f"{case} is closed"):
        request(ctx, [case])


def test_the_category_may_override_the_threshold_with_a_recorded_reason(ctx: Ctx) -> None:
    register(ctx)
    data = request(ctx, [], override="Three participants report the same failures; the ladder is too slow")
    assert data["state"] == "awaiting_meeting"
    assert data["override_reason"] == "Three participants report the same failures; the ladder is too slow"
    assert data["counted_escalations"] == []


def test_causes_outside_the_suppliers_sphere_refuse_step_in_and_record_the_dialogue_path(ctx: Ctx) -> None:
    register(ctx)
    case = escalate_to_top(ctx)
    data = request(ctx, [case], culpable=False, reason="Bicycle parts embargo at the manufacturer")
    assert data["state"] == "dialogue"
    assert data["step_in"] is False
    assert data["meeting_due"] is None
    assert data["closed_at"] is not None
    assert actions(ctx, data["case"]) == ["stepin.dialogue"]
    assert [d for d in list_deadlines(ctx) if d["case"] == data["case"]] == []
    assert list_step_ins(ctx, state="closed")[0]["case"] == data["case"]
    from escalation_engine.core import audit

    row = audit.listing(ctx.db, case_ref=data["case"])[0]
    assert "outside the supplier's sphere of influence" in row["reason"]
    assert "dialogue" in row["reason"]


@pytest.mark.parametrize("actor", ["dcm", "am", "exec"])
def test_only_the_category_may_request_step_in(ctx: Ctx, actor: str) -> None:
    register(ctx)
    case = escalate_to_top(ctx)
    with pytest.raises(RuleRefused) as refused:
        request(ctx, [case], actor=actor)
    assert "needed role: category or category_manager" in refused.value.message
    assert refused.value.exit_code == 3


def test_the_category_manager_may_request_step_in(ctx: Ctx) -> None:
    register(ctx)
    assert request(ctx, [escalate_to_top(ctx)], actor="catman")["requested_by"] == "catman"


def test_a_contract_whose_profile_has_no_step_in_rights_is_refused_with_a_clear_message(ctx: Ctx) -> None:
    register(ctx, key="TP", profile="reintegratie-defensie")
    with pytest.raises(RuleRefused) as refused:
        request(ctx, [], contract="TP", actor="cmcat", override="x")
    assert "has no step-in rights" in refused.value.message
    assert "reintegratie-defensie" in refused.value.message


def test_a_second_step_in_while_one_is_running_is_refused(ctx: Ctx) -> None:
    register(ctx)
    case = escalate_to_top(ctx)
    first = request(ctx, [case])
    with pytest.raises(RuleRefused, match=f"{first['case']} is already running"):
        request(ctx, [case])


def test_escalations_of_another_contract_or_unknown_ones_are_rejected(ctx: Ctx) -> None:
    register(ctx)
    register(ctx, key="LF2")
    other = escalate_to_top(ctx, contract="LF2")
    with pytest.raises(BadInput, match="belongs to contract 'LF2'"):
        request(ctx, [other])
    with pytest.raises(NotFound, match="ESC-99"):
        request(ctx, ["ESC-99"])
    with pytest.raises(BadInput, match="malformed"):
        request(ctx, ["STEP-x"])


def test_an_empty_reason_is_bad_input(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(BadInput, match="reason must not be empty"):
        request(ctx, [escalate_to_top(ctx)], reason="  ")

"""The three-step improvement plan end to end through the service layer (B2 §5.2, SPEC §2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select
from support import at, fired, register

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.tables import Outbox, Timer
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.plans import actions as plan_actions
from escalation_engine.procedures.plans import three_step as plan_steps
from escalation_engine.procedures.plans.queries import list_plans, show_plan


def messages(ctx: Ctx, case: str) -> list[tuple[str, str]]:
    with ctx.db.read() as session:
        rows = session.exec(select(Outbox).where(Outbox.case_ref == case).order_by(Outbox.id))  # type: ignore[arg-type]
        return [(r.recipient_key, r.subject) for r in rows]


def pending(ctx: Ctx, case_id: int) -> list[Timer]:
    with ctx.db.read() as session:
        query = select(Timer).where(
            Timer.subject_kind == "plan", Timer.subject_id == case_id, Timer.status == "pending"
        )
        return list(session.exec(query))


def open_plan(ctx: Ctx, actor: str = "dcm", **kw: object) -> str:
    data = plan_steps.open_plan(
        ctx,
        actor_key=actor,
        contract_key="LF",
        trigger=str(kw.get("trigger", "collaboration")),
        subject="Replies to participants take weeks",
        kpi=kw.get("kpi"),  # type: ignore[arg-type]
        participants=kw.get("participants", ["Belastingdienst"]),  # type: ignore[arg-type]
    )
    return str(data["case"])


def to_step2(ctx: Ctx, clock: FixedClock, day: str) -> str:
    clock.set(at(day, 10))
    plan = open_plan(ctx)
    plan_steps.advance(ctx, actor_key="dcm", ref=plan, reason="no improvement after the tactical meeting")
    return plan


def test_opening_puts_the_plan_at_step_1_tied_to_contract_participants_kpi_and_escalation(ctx: Ctx) -> None:
    register(ctx)
    case = esc.open_escalation(
        ctx, actor_key="dcm", contract_key="LF", subject="x", norm=None, participant=None, threatened=False
    )["case"]
    data = plan_steps.open_plan(
        ctx,
        actor_key="dcm",
        contract_key="LF",
        trigger="kpi",
        subject="Availability lags",
        kpi="Leverbetrouwbaarheid",
        participants=["Belastingdienst", "DJI"],
        escalation=case,
    )
    assert (data["state"], data["step"], data["kpi"], data["escalation"]) == (
        "step_1",
        1,
        "Leverbetrouwbaarheid",
        "ESC-1",
    )
    assert data["participants"] == ["Belastingdienst", "DJI"]
    events = audit.listing(ctx.db, case_ref=data["case"])
    assert [e["action"] for e in events] == ["plan.open"]
    assert events[0]["actor"] == "dcm" and events[0]["to_state"] == "step_1"


def test_opening_is_refused_for_bad_input_wrong_contract_unknown_escalation_and_missing_authority(
    ctx: Ctx,
) -> None:
    register(ctx)
    register(ctx, key="TP", profile="reintegratie-defensie")
    with pytest.raises(BadInput, match="needs --kpi"):
        open_plan(ctx, trigger="kpi")
    with pytest.raises(BadInput, match="unknown trigger"):
        open_plan(ctx, trigger="weather")
    with pytest.raises(RuleRefused, match="opening an improvement plan is for") as refused:
        open_plan(ctx, actor="am")
    assert refused.value.exit_code == 3
    with pytest.raises(NotFound) as missing:
        plan_steps.open_plan(
            ctx, actor_key="dcm", contract_key="LF", trigger="audit", subject="s", escalation="ESC-7"
        )
    assert missing.value.exit_code == 4
    with pytest.raises(RuleRefused, match="has no three-step improvement plan"):
        plan_steps.open_plan(ctx, actor_key="cmdef", contract_key="TP", trigger="audit", subject="s")
    assert list_plans(ctx, state="all") == []


def test_skipping_step_1_is_refused_for_one_participant_without_a_kpi(ctx: Ctx) -> None:
    register(ctx)
    plan = open_plan(ctx)
    with pytest.raises(RuleRefused) as refused:
        plan_steps.skip_step1(ctx, actor_key="cat", ref=plan, reason="urgent")
    assert "concerns no KPI and only 1 participant(s)" in refused.value.message
    assert refused.value.source == "B2 §5.2 (last paragraph)"
    assert refused.value.exit_code == 3
    assert show_plan(ctx, plan)["state"] == "step_1"


def test_only_the_category_may_skip_step_1(ctx: Ctx) -> None:
    register(ctx)
    plan = open_plan(ctx, participants=["Belastingdienst", "DJI"])
    with pytest.raises(
        RuleRefused, match="skipping step 1 .a decision of the category. is for category or category_manager"
    ):
        plan_steps.skip_step1(ctx, actor_key="dcm", ref=plan, reason="urgent")


@pytest.mark.parametrize(
    "kw",
    [{"participants": ["Belastingdienst", "DJI"]}, {"trigger": "kpi", "kpi": "Leverbetrouwbaarheid"}],
)
def test_the_category_skips_step_1_for_a_kpi_or_several_participants(ctx: Ctx, kw: dict[str, object]) -> None:
    register(ctx)
    plan = open_plan(ctx, **kw)
    data = plan_steps.skip_step1(ctx, actor_key="cat", ref=plan, reason="affects the whole contract")
    assert (data["state"], data["step"], data["step1_skipped"]) == ("step_2", 2, True)
    assert data["window_ends"] == "2026-06-02"  # Mon 2 March + 3 months


def test_step_2_entered_on_30_november_ends_its_window_on_28_february(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx)
    plan = to_step2(ctx, clock, "2026-11-30")
    data = show_plan(ctx, plan)
    assert data["window_ends"] == "2027-02-28"
    rows = [r for r in list_deadlines(ctx) if r["case"] == plan]
    assert len(rows) == 1
    assert rows[0]["due_at"] == datetime(2027, 2, 28, 23, 0, tzinfo=UTC).isoformat()
    assert rows[0]["responsible"] == ["cat", "exec"]
    assert rows[0]["source"].startswith("B2 §5.2 Stap 3") and rows[0]["level"] == 2


def test_in_a_leap_year_the_window_ends_on_29_february(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx)
    plan = to_step2(ctx, clock, "2027-11-30")
    assert show_plan(ctx, plan)["window_ends"] == "2028-02-29"


def test_only_the_participant_or_category_moves_a_plan_to_step_2(ctx: Ctx) -> None:
    register(ctx)
    plan = open_plan(ctx)
    with pytest.raises(RuleRefused, match="moving to step 2"):
        plan_steps.advance(ctx, actor_key="am", ref=plan, reason="we give up")


def test_the_final_responsible_manager_and_category_are_reminded_ahead_of_the_window_end(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    plan = to_step2(ctx, clock, "2026-01-05")  # window ends Sun 5 April 2026, after the spring switch
    assert show_plan(ctx, plan)["window_ends"] == "2026-04-05"
    process_due(ctx, at("2026-03-22", 9))  # 14 days before
    process_due(ctx, at("2026-04-03", 9))  # 2 days before
    reminders = [m for m in messages(ctx, plan) if "herinnering" in m[1]]  # Dutch by default
    assert sorted(r[0] for r in reminders) == ["cat", "cat", "exec", "exec"]
    assert all("de termijn van stap 2 eindigt op 2026-04-05" in subject for _, subject in reminders)
    assert show_plan(ctx, plan)["state"] == "step_2"


def test_step_3_is_refused_before_the_window_ends_and_to_anyone_but_the_category(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    plan = to_step2(ctx, clock, "2026-03-02")
    with pytest.raises(RuleRefused, match="requesting step 3"):
        plan_steps.advance(ctx, actor_key="dcm", ref=plan, reason="now")
    with pytest.raises(RuleRefused) as early:
        plan_steps.advance(ctx, actor_key="cat", ref=plan, reason="now")
    assert "in step 2 until the end of 2026-06-02" in early.value.message
    assert early.value.exit_code == 3


def test_the_window_passing_without_resolution_makes_the_plan_due_for_step_3_once(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    plan = to_step2(ctx, clock, "2026-03-02")
    early = fired(process_due(ctx, at("2026-06-02", 23, 59)), "plan")  # the window's last day is not over yet
    assert [f["kind"] for f in early] == ["reminder", "reminder"]
    report = process_due(ctx, at("2026-06-03", 0, 0))
    assert [f["outcome"] for f in fired(report, "plan")] == ["due for step 3"]
    assert fired(process_due(ctx, at("2026-06-10", 9)), "plan") == []
    data = show_plan(ctx, plan)
    assert (data["state"], data["step"]) == ("step_3_due", 3)
    assert ("cat", f"[LF] {plan}: niet opgelost uiterlijk 2026-06-02 — toe aan stap 3") in messages(ctx, plan)
    assert [h["action"] for h in data["history"]][-1] == "plan.window_passed"


def test_catch_up_after_downtime_fires_the_window_once_and_drops_stale_reminders(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    plan = to_step2(ctx, clock, "2026-03-02")
    report = process_due(ctx, at("2026-08-01", 9))  # the engine was down for months
    outcomes = sorted(f["outcome"] for f in fired(report, "plan"))
    assert outcomes == ["due for step 3", "obsolete", "obsolete"]
    assert not [m for m in messages(ctx, plan) if "herinnering" in m[1]]
    window = next(e for e in audit.listing(ctx.db, case_ref=plan) if e["action"] == "plan.window_passed")
    assert window["payload"]["late_by_s"] > 0


def test_step_3_request_reminds_the_presenter_until_the_presentation_is_recorded(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    plan = to_step2(ctx, clock, "2026-03-02")
    process_due(ctx, at("2026-06-03", 9))
    clock.set(at("2026-06-04", 10))
    data = plan_steps.advance(ctx, actor_key="cat", ref=plan, reason="no improvement in three months")
    assert (data["state"], data["step3_requested_by"]) == ("step_3_requested", "cat")
    assert any(
        r == "exec" and "verzoekt u uw verbeterplan te presenteren" in s for r, s in messages(ctx, plan)
    )
    process_due(ctx, at("2026-06-11", 9))  # first weekly reminder
    process_due(ctx, at("2026-07-10", 9))  # down for weeks: one catch-up reminder, not four
    presentation = [m for m in messages(ctx, plan) if "moet nog in de Strategische Klantenraad" in m[1]]
    assert sorted(r for r, _ in presentation) == ["cat", "cat", "exec", "exec"]
    nxt = [t for t in pending(ctx, int(plan.split("-")[1])) if t.kind == "reminder"]
    assert [t.due_at for t in nxt] == [at("2026-07-16", 9).astimezone(UTC)]
    clock.set(at("2026-07-10", 11))
    data = plan_steps.present(
        ctx, actor_key="exec", ref=plan, presented_on=date(2026, 7, 9), steps="1. extra planner by 1 Aug"
    )
    assert (data["state"], data["presented_on"]) == ("step_3_presented", "2026-07-09")
    assert pending(ctx, int(plan.split("-")[1])) == []


def test_recording_the_presentation_is_refused_before_the_request_in_the_future_or_by_the_participant(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    plan = to_step2(ctx, clock, "2026-03-02")
    with pytest.raises(RuleRefused, match="not possible in that state"):
        plan_steps.present(ctx, actor_key="exec", ref=plan, presented_on=date(2026, 3, 2), steps="x")
    process_due(ctx, at("2026-06-03", 9))
    clock.set(at("2026-06-04", 10))
    plan_steps.advance(ctx, actor_key="cat", ref=plan, reason="no improvement")
    with pytest.raises(RuleRefused, match="recording the presentation is for"):
        plan_steps.present(ctx, actor_key="dcm", ref=plan, presented_on=date(2026, 6, 4), steps="x")
    with pytest.raises(RuleRefused, match="lies in the future"):
        plan_steps.present(ctx, actor_key="exec", ref=plan, presented_on=date(2026, 6, 5), steps="x")
    with pytest.raises(RuleRefused, match="before the category's request"):
        plan_steps.present(ctx, actor_key="exec", ref=plan, presented_on=date(2026, 6, 3), steps="x")
    with pytest.raises(BadInput):
        plan_steps.present(ctx, actor_key="exec", ref=plan, presented_on=date(2026, 6, 4), steps="  ")
    assert show_plan(ctx, plan)["state"] == "step_3_requested"


def test_a_plan_is_resolved_at_any_step_with_a_written_result_and_keeps_its_history(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    plan = to_step2(ctx, clock, "2026-03-02")
    with pytest.raises(BadInput, match="results must not be empty"):
        plan_actions.resolve(ctx, actor_key="cat", ref=plan, results=" ")
    with pytest.raises(RuleRefused, match="resolving the plan is for"):
        plan_actions.resolve(ctx, actor_key="am", ref=plan, results="we think it is fine")
    data = plan_actions.resolve(ctx, actor_key="cat", ref=plan, results="Replies within 2 days since April")
    assert (data["state"], data["step"], data["results"]) == (
        "resolved",
        2,
        "Replies within 2 days since April",
    )
    assert pending(ctx, int(plan.split("-")[1])) == []
    with pytest.raises(RuleRefused, match="resolved"):
        plan_steps.advance(ctx, actor_key="cat", ref=plan, reason="again")
    history = [h["action"] for h in show_plan(ctx, plan)["history"]]
    assert history == ["plan.open", "plan.advance.step2", "plan.resolve"]
    assert [p["case"] for p in list_plans(ctx, contract_key="LF", state="closed")] == [plan]
    assert list_plans(ctx, contract_key="LF") == []
    assert audit.verify(ctx.db).ok


def test_an_unknown_plan_is_not_found_and_a_malformed_reference_is_bad_input(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(NotFound):
        show_plan(ctx, "PLAN-42")
    with pytest.raises(BadInput, match="expected PLAN-<number>"):
        plan_steps.advance(ctx, actor_key="cat", ref="ESC-1", reason="x")


def test_window_reminders_are_delivered_to_the_final_responsible_manager_and_the_category(
    ctx: Ctx, clock: FixedClock
) -> None:
    import io

    from escalation_engine.core.channels import ConsoleChannel
    from escalation_engine.core.outbox import deliver

    register(ctx)
    to_step2(ctx, clock, "2026-03-02")
    deliver(ctx, ConsoleChannel(io.StringIO()))  # the step-2 notices
    process_due(ctx, at("2026-05-19", 9))  # 14 days before the end of 2 June
    buffer = io.StringIO()
    sent = deliver(ctx, ConsoleChannel(buffer), at("2026-05-19", 9))
    assert len([m for m in sent.sent if "PLAN-1" in m["subject"]]) == 2
    text = buffer.getvalue()
    assert "exec@example.org" in text and "cat@example.org" in text
    assert "herinnering: de termijn van stap 2 eindigt op 2026-06-02" in text
    assert "de termijn (" in text and "B2 §5.2" in text and "Handelen: escalation-engine, zaak PLAN-1" in text

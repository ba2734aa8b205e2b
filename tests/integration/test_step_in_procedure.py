"""The step-in procedure after the request (SPEC §3, B2 §6): meetings, the 30-day check, the second
meeting, binding advice, closing — with their deadlines, reminders and refusals."""

from __future__ import annotations

from datetime import date
from unittest.mock import ANY

import pytest
from stepin_support import Recorder, actions, counts, escalate_to_top, outbox, request
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.outbox import deliver
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.step_in import decisions as sd
from escalation_engine.procedures.step_in import meetings as sm
from escalation_engine.procedures.step_in.views import show_step_in


def started(ctx: Ctx) -> str:
    register(ctx)
    return str(request(ctx, [escalate_to_top(ctx)])["case"])


def meeting(ctx: Ctx, case: str, held: str, actor: str = "exec") -> dict[str, object]:
    return sm.record_meeting(
        ctx,
        actor_key=actor,
        ref=case,
        held=date.fromisoformat(held),
        minutes="Root cause: too few mechanics; plan agreed",
        attendees="Carla Jansen (category), Dirk de Vries (Belastingdienst), FietsLease MT",
        measures="Hire 4 mechanics; weekly availability report",
    )


def test_the_supplier_is_reminded_before_and_on_the_day_and_the_reminders_are_delivered(
    ctx: Ctx, clock: FixedClock
) -> None:
    case = started(ctx)  # Mon 2 March: meeting due end of Mon 16 March; reminders Fri 13 and Mon 16 at 09:00
    channel = Recorder()
    deliver(ctx, channel)
    channel.sent.clear()
    clock.set(at("2026-03-13", 9))
    assert [e["outcome"] for e in process_due(ctx).fired if e["subject"] == "stepin:1"] == ["reminded (-3 d)"]
    clock.set(at("2026-03-16", 9))
    assert [e["outcome"] for e in process_due(ctx).fired if e["subject"] == "stepin:1"] == ["reminded (+0 d)"]
    deliver(ctx, channel)
    mine = [m for m in channel.sent if case in m.subject]
    assert sorted((m.recipient_name, m.subject.split(": ", 1)[1]) for m in mine) == [
        ("Anna Smit", "herinnering: MT-overleg 1 over 3 dag(en), uiterlijk 2026-03-16"),
        ("Anna Smit", "herinnering: MT-overleg 1 vandaag, uiterlijk 2026-03-16"),
        ("Eva Visser", "herinnering: MT-overleg 1 over 3 dag(en), uiterlijk 2026-03-16"),
        ("Eva Visser", "herinnering: MT-overleg 1 vandaag, uiterlijk 2026-03-16"),
    ]


def test_a_passed_meeting_deadline_is_marked_missed_and_the_category_told_once(
    ctx: Ctx, clock: FixedClock
) -> None:
    case = started(ctx)
    clock.set(at("2026-03-16", 23, 59))
    assert show_step_in(ctx, case)["state"] == "awaiting_meeting"
    process_due(ctx)
    assert show_step_in(ctx, case)["state"] == "awaiting_meeting"
    clock.set(at("2026-03-17", 0, 0))
    process_due(ctx)
    data = show_step_in(ctx, case)
    assert data["state"] == "meeting_overdue"
    assert data["meeting_missed"] is True
    told = [
        who
        for who, subject in outbox(ctx, case)
        if "managementteamoverleg 1 (2026-03-16) verstreken" in subject
    ]
    assert sorted(told) == ["am", "cat", "catman", "exec"]
    assert process_due(ctx).fired == []
    assert actions(ctx, case).count("stepin.meeting_missed") == 1


def test_recording_the_meeting_starts_the_30_day_check_and_ends_the_meeting_reminders(
    ctx: Ctx, clock: FixedClock
) -> None:
    case = started(ctx)
    clock.set(at("2026-03-10", 14))
    data = meeting(ctx, case, "2026-03-10")
    assert data["state"] == "monitoring"
    assert data["meetings"][0]["late"] is False
    assert data["meetings"][0]["attendees"].startswith("Carla Jansen")
    assert data["check_due"] == "2026-04-09"  # 10 March + 30 calendar days
    clock.set(at("2026-03-16", 12))
    assert [e for e in process_due(ctx).fired if e["subject"] == "stepin:1"] == []
    assert [(d["what"], d["due"]) for d in list_deadlines(ctx) if d["case"] == case] == [
        ("progress check", "2026-04-09")
    ]


def test_a_meeting_held_after_its_deadline_is_recorded_as_late(ctx: Ctx, clock: FixedClock) -> None:
    case = started(ctx)
    clock.set(at("2026-03-20", 9))
    process_due(ctx)
    data = meeting(ctx, case, "2026-03-19")
    assert data["state"] == "monitoring"
    assert data["meetings"][0]["late"] is True
    assert data["meeting_missed"] is True


def test_a_meeting_cannot_be_dated_before_the_request_or_in_the_future(ctx: Ctx, clock: FixedClock) -> None:
    case = started(ctx)
    before = counts(ctx)
    with pytest.raises(RuleRefused, match="cannot be before the step-in request"):
        meeting(ctx, case, "2026-03-01")
    with pytest.raises(RuleRefused, match="after today"):
        meeting(ctx, case, "2026-03-03")
    assert counts(ctx) == before


@pytest.mark.parametrize("actor", ["cat", "catman", "dcm"])
def test_only_the_supplier_side_records_its_meetings(ctx: Ctx, actor: str) -> None:
    case = started(ctx)
    with pytest.raises(RuleRefused) as refused:
        meeting(ctx, case, "2026-03-02", actor=actor)
    assert "needed role: account_manager or service_manager or executive" in refused.value.message
    assert refused.value.exit_code == 3


@pytest.mark.parametrize("actor", ["am", "sm", "exec", "dcm"])
def test_only_the_category_assesses_advises_and_closes(ctx: Ctx, actor: str) -> None:
    case = started(ctx)
    meeting(ctx, case, "2026-03-02")
    for action in (
        lambda: sd.assess(ctx, actor_key=actor, ref=case, solved=True, reason="r"),
        lambda: sd.advise(ctx, actor_key=actor, ref=case, measures="m", due=None),
        lambda: sd.close(ctx, actor_key=actor, ref=case, results="r"),
    ):
        with pytest.raises(RuleRefused, match="needed role: category or category_manager") as refused:
            action()
        assert refused.value.exit_code == 3


def test_assessment_before_the_meeting_is_refused(ctx: Ctx) -> None:
    case = started(ctx)
    with pytest.raises(RuleRefused, match="awaiting meeting"):
        sd.assess(ctx, actor_key="cat", ref=case, solved=True, reason="r")


def test_no_assessment_by_the_30_day_check_is_flagged_and_requires_a_second_meeting(
    ctx: Ctx, clock: FixedClock
) -> None:
    case = started(ctx)
    clock.set(at("2026-03-10", 14))
    meeting(ctx, case, "2026-03-10")
    clock.set(at("2026-04-10", 8))
    process_due(ctx)
    data = show_step_in(ctx, case)
    assert data["state"] == "awaiting_second_meeting"
    assert data["assessment_missing"] is True
    assert data["second_meeting_due"] == "2026-04-23"  # check day 9 April + 14 days (policy default)
    subjects = outbox(ctx, case)
    assert (
        "cat",
        f"[LF] {case}: geen beoordeling van de voortgang uiterlijk 2026-04-09 — gemarkeerd",
    ) in subjects
    assert ("exec", f"[LF] {case}: 2de managementteamoverleg nodig uiterlijk 2026-04-23") in subjects
    # the category may still record its (late) assessment; solved ends the second-meeting deadline
    data = sd.assess(ctx, actor_key="cat", ref=case, solved=True, reason="availability back at 97 %")
    assert data["state"] == "solved"
    assert [d for d in list_deadlines(ctx) if d["case"] == case] == []


def test_the_category_is_reminded_of_the_progress_check(ctx: Ctx, clock: FixedClock) -> None:
    case = started(ctx)
    meeting(ctx, case, "2026-03-02")
    clock.set(at("2026-04-01", 9))  # check due 1 April: reminders 29 March and 1 April at 09:00
    process_due(ctx)
    reminded = [(who, s) for who, s in outbox(ctx, case) if "herinnering: beoordeling van de voortgang" in s]
    assert sorted(who for who, _ in reminded) == ["cat", "cat", "catman", "catman"]


def test_insufficient_progress_leads_to_a_second_meeting_then_binding_advice_and_closure(
    ctx: Ctx, clock: FixedClock
) -> None:
    case = started(ctx)
    meeting(ctx, case, "2026-03-02")
    clock.set(at("2026-04-01", 10))
    with pytest.raises(RuleRefused, match="binding advice follows the second"):
        sd.advise(ctx, actor_key="cat", ref=case, measures="m", due=None)
    data = sd.assess(ctx, actor_key="cat", ref=case, solved=False, reason="availability still 92 %")
    assert (data["state"], data["assessment"]) == ("awaiting_second_meeting", "insufficient_progress")
    assert data["second_meeting_due"] == "2026-04-15"  # assessment 1 April + 14 days (policy default)
    with pytest.raises(RuleRefused, match="one assessment after the meeting"):
        sd.assess(ctx, actor_key="cat", ref=case, solved=False, reason="again")
    with pytest.raises(RuleRefused, match="before the first management-team meeting"):
        meeting(ctx, case, "2026-03-01", actor="am")
    clock.set(at("2026-04-14", 16))
    data = meeting(ctx, case, "2026-04-14", actor="am")
    assert data["state"] == "second_meeting_held"
    assert [m["number"] for m in data["meetings"]] == [1, 2]
    data = sd.advise(
        ctx,
        actor_key="catman",
        ref=case,
        measures="Deploy 2 extra mechanics per region",
        due=date(2026, 5, 1),
    )
    assert data["state"] == "advised"
    assert data["advice"][0]["due"] == "2026-05-01"
    assert [(d["what"], d["due"], d["level"]) for d in list_deadlines(ctx) if d["case"] == case] == [
        ("advice due", "2026-05-01", "binding advice 1")
    ]
    sd.advise(ctx, actor_key="cat", ref=case, measures="Weekly report to the category", due=None)
    clock.set(at("2026-05-02", 9))
    process_due(ctx)
    data = show_step_in(ctx, case)
    assert [a["due_passed"] for a in data["advice"]] == [True, False]
    assert any(
        "dwingend advies 1: termijn 2026-05-01 verstreken" in s
        for who, s in outbox(ctx, case)
        if who == "cat"
    )
    with pytest.raises(RuleRefused, match="a written result"):
        sd.close(ctx, actor_key="cat", ref=case, results="  ")
    data = sd.close(ctx, actor_key="cat", ref=case, results="Availability 97 % since May; advice carried out")
    assert data["state"] == "closed"
    assert data["results"] == "Availability 97 % since May; advice carried out"
    with pytest.raises(RuleRefused, match="closed"):
        sd.assess(ctx, actor_key="cat", ref=case, solved=True, reason="r")
    assert actions(ctx, case) == [
        "stepin.request",
        "stepin.meeting1",
        "stepin.assess.insufficient_progress",
        "stepin.meeting2",
        "stepin.advise",
        "stepin.advise",
        "stepin.advice_due_passed",
        "stepin.close",
    ]
    assert audit.verify(ctx.db).ok


def test_an_advice_due_date_in_the_past_is_bad_input(ctx: Ctx, clock: FixedClock) -> None:
    case = started(ctx)
    meeting(ctx, case, "2026-03-02")
    sd.assess(ctx, actor_key="cat", ref=case, solved=False, reason="r")
    meeting(ctx, case, "2026-03-02", actor="am")
    with pytest.raises(BadInput, match="lies in the past"):
        sd.advise(ctx, actor_key="cat", ref=case, measures="m", due=date(2026, 3, 1))


def test_closing_ends_every_pending_step_in_deadline(ctx: Ctx, clock: FixedClock) -> None:
    case = started(ctx)
    sd.close(ctx, actor_key="cat", ref=case, results="Supplier replaced the account team; withdrawn")
    assert [d for d in list_deadlines(ctx) if d["case"] == case] == []
    clock.set(at("2026-04-01", 9))
    assert [e for e in process_due(ctx).fired if e["subject"] == "stepin:1"] == []
    with pytest.raises(RuleRefused, match="is closed"):
        sd.close(ctx, actor_key="cat", ref=case, results="again")


def test_a_missed_second_meeting_is_marked_and_the_category_told(ctx: Ctx, clock: FixedClock) -> None:
    case = started(ctx)
    meeting(ctx, case, "2026-03-02")
    sd.assess(ctx, actor_key="cat", ref=case, solved=False, reason="r")  # second meeting due 16 March
    clock.set(at("2026-03-17", 9))
    process_due(ctx)
    data = show_step_in(ctx, case)
    assert (data["state"], data["second_meeting_missed"]) == ("second_meeting_overdue", True)
    assert ("cat", f"[LF] {case}: termijn voor managementteamoverleg 2 (2026-03-16) verstreken") in outbox(
        ctx, case
    )
    assert meeting(ctx, case, "2026-03-17", actor="sm")["meetings"][1]["late"] is True


def test_deadlines_list_names_the_rule_source_and_the_supplier_people_responsible(ctx: Ctx) -> None:
    case = started(ctx)
    rows = [d for d in list_deadlines(ctx) if d["case"] == case]
    assert rows == [
        {
            "case": case,
            "contract": "LF",
            "what": "meeting due",
            "subject": "step-in: Availability below 95 % for three months",
            "level": "MT meeting 1",
            "due": "2026-03-16",
            "due_at": "2026-03-16T23:00:00+00:00",
            "overdue": False,
            "rule": "management-team meeting: request + 2 weeks",
            "source": "B2 §6",
            "responsible": ["am", "exec"],
            "state": "open",
            "timer": ANY,
            "attempts": 0,
            "error": None,
        }
    ]

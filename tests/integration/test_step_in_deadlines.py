"""Step-in deadline arithmetic through the service (request + 14 days; meeting + 30 calendar days) across
month ends and both daylight-saving switches, and catching up after downtime (SPEC §3, §6; B2 §6)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from stepin_support import actions, escalate_to_top, outbox, request
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.step_in import decisions as sd
from escalation_engine.procedures.step_in import meetings as sm
from escalation_engine.procedures.step_in.views import show_step_in


def _start_on(ctx: Ctx, clock: FixedClock, day: str, contract: str = "LF") -> str:
    clock.set(at(day, 9))
    register(ctx, key=contract)
    return str(request(ctx, [escalate_to_top(ctx, contract=contract)], contract=contract)["case"])


def _due_at(ctx: Ctx, case: str, kind: str) -> datetime:
    from sqlmodel import select

    from escalation_engine.core.tables import Timer

    with ctx.db.read() as session:
        timer = session.exec(
            select(Timer).where(Timer.kind == kind, Timer.subject_kind == "stepin", Timer.status == "pending")
        ).one()
        return timer.due_at


@pytest.mark.parametrize(
    ("requested", "meeting_due", "due_utc"),
    [
        (
            "2026-03-20",
            "2026-04-03",
            datetime(2026, 4, 3, 22, 0, tzinfo=UTC),
        ),  # over the spring switch (29 March)
        (
            "2026-10-20",
            "2026-11-03",
            datetime(2026, 11, 3, 23, 0, tzinfo=UTC),
        ),  # over the autumn switch (25 Oct)
        ("2026-02-20", "2026-03-06", datetime(2026, 3, 6, 23, 0, tzinfo=UTC)),  # over the end of February
        ("2026-12-25", "2027-01-08", datetime(2027, 1, 8, 23, 0, tzinfo=UTC)),  # over the year end
    ],
)
def test_the_meeting_deadline_is_the_end_of_request_date_plus_14_calendar_days(
    ctx: Ctx, clock: FixedClock, requested: str, meeting_due: str, due_utc: datetime
) -> None:
    case = _start_on(ctx, clock, requested)
    assert show_step_in(ctx, case)["meeting_due"] == meeting_due
    assert _due_at(ctx, case, "meeting_due") == due_utc


@pytest.mark.parametrize(
    ("held", "check_due", "due_utc"),
    [
        ("2026-03-10", "2026-04-09", datetime(2026, 4, 9, 22, 0, tzinfo=UTC)),  # spring switch and month end
        ("2026-10-10", "2026-11-09", datetime(2026, 11, 9, 23, 0, tzinfo=UTC)),  # autumn switch and month end
        ("2026-01-31", "2026-03-02", datetime(2026, 3, 2, 23, 0, tzinfo=UTC)),  # 30 days, not "a month"
        (
            "2026-03-29",
            "2026-04-28",
            datetime(2026, 4, 28, 22, 0, tzinfo=UTC),
        ),  # held on the switch day itself
    ],
)
def test_the_progress_check_is_the_end_of_meeting_date_plus_30_calendar_days(
    ctx: Ctx, clock: FixedClock, held: str, check_due: str, due_utc: datetime
) -> None:
    case = _start_on(ctx, clock, held)
    clock.set(at(held, 17))
    data = sm.record_meeting(ctx, actor_key="am", ref=case, held=date.fromisoformat(held), minutes="held")
    assert data["check_due"] == check_due
    assert _due_at(ctx, case, "progress_check") == due_utc


def test_the_deadline_fires_at_the_end_of_the_local_day_on_the_autumn_switch(
    ctx: Ctx, clock: FixedClock
) -> None:
    case = _start_on(ctx, clock, "2026-10-11")  # meeting due Sun 25 October, the 25-hour day
    clock.set(datetime(2026, 10, 25, 22, 59, tzinfo=UTC))  # 23:59 CET, still the 25th
    process_due(ctx)
    assert show_step_in(ctx, case)["state"] == "awaiting_meeting"
    clock.set(datetime(2026, 10, 25, 23, 0, tzinfo=UTC))
    process_due(ctx)
    assert show_step_in(ctx, case)["state"] == "meeting_overdue"


def test_after_downtime_every_passed_deadline_fires_once_and_stale_reminders_are_skipped(
    ctx: Ctx, clock: FixedClock
) -> None:
    first = _start_on(ctx, clock, "2026-03-02", contract="LF")
    sm.record_meeting(
        ctx, actor_key="exec", ref=first, held=date(2026, 3, 2), minutes="held"
    )  # check 1 April
    second = _start_on(ctx, clock, "2026-03-02", contract="LF2")  # meeting due 16 March
    clock.set(at("2026-03-05", 9))
    process_due(ctx)
    clock.set(at("2026-06-01", 9))  # the engine was down for almost three months
    report = process_due(ctx)
    mine = [
        (e["subject"], e["kind"], e["outcome"]) for e in report.fired if e["subject"].startswith("stepin")
    ]
    assert (("stepin:2", "meeting_due", "meeting missed")) in mine
    assert (("stepin:1", "progress_check", "assessment missing: flagged")) in mine
    # the second-meeting deadline set by the flag (1 April + 14 days) has passed too, and fires in the same run
    assert (("stepin:1", "second_meeting_due", "second meeting missed")) in mine
    reminders = [outcome for _, kind, outcome in mine if kind == "reminder"]
    assert reminders and set(reminders) == {"obsolete"}
    assert len(mine) == len(set(e["timer"] for e in report.fired if e["subject"].startswith("stepin")))
    assert show_step_in(ctx, first)["state"] == "second_meeting_overdue"
    assert show_step_in(ctx, second)["state"] == "meeting_overdue"
    assert process_due(ctx).fired == []
    assert actions(ctx, first).count("stepin.assessment_missing") == 1
    assert actions(ctx, first).count("stepin.second_meeting_missed") == 1
    assert actions(ctx, second).count("stepin.meeting_missed") == 1
    assert not [s for _, s in outbox(ctx, second) if "herinnering" in s]  # Dutch by default


def test_a_late_assessment_after_the_flag_keeps_the_second_meeting_deadline(
    ctx: Ctx, clock: FixedClock
) -> None:
    case = _start_on(ctx, clock, "2026-03-02")
    sm.record_meeting(ctx, actor_key="exec", ref=case, held=date(2026, 3, 2), minutes="held")
    clock.set(at("2026-04-02", 9))
    process_due(ctx)
    assert show_step_in(ctx, case)["second_meeting_due"] == "2026-04-15"
    clock.set(at("2026-04-05", 9))
    data = sd.assess(ctx, actor_key="cat", ref=case, solved=False, reason="late, still insufficient")
    assert (data["state"], data["second_meeting_due"], data["assessment_missing"]) == (
        "awaiting_second_meeting",
        "2026-04-15",
        True,
    )

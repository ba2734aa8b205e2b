"""Deadlines fire by themselves, once each, and are caught up after downtime (SPEC §6, DESIGN §5)."""

from __future__ import annotations

import pytest
from sqlmodel import select
from support import at, fired, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.tables import Outbox, Timer
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.ladder.queries import show_escalation


def open_case(ctx: Ctx) -> str:
    data = esc.open_escalation(
        ctx,
        actor_key="dcm",
        contract_key="LF",
        subject="Availability",
        norm=None,
        participant=None,
        threatened=False,
    )
    return str(data["case"])


def test_after_downtime_every_due_timer_fires_once_oldest_first(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx)
    cases = [open_case(ctx) for _ in range(3)]
    clock.set(at("2026-04-20", 9))  # the engine was down for weeks
    report = process_due(ctx)
    entries = fired(report, "escalation")
    # per case: reminder -2 d, reminder on the day, the deadline, reminder +1 d
    assert len(entries) == 12
    dues = [entry["due_at"] for entry in entries]
    assert dues == sorted(dues)
    outcomes = [e["outcome"] for e in entries if e["kind"] == "response_due"]
    assert outcomes == ["window passed"] * 3
    assert fired(process_due(ctx), "escalation") == []
    for case in cases:
        assert show_escalation(ctx, case)["state"] == "no_response"


def test_reminders_that_came_due_before_the_deadline_are_not_sent_late_after_downtime(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    open_case(ctx)
    clock.set(at("2026-04-20", 9))
    report = process_due(ctx)
    reminders = {e["outcome"] for e in fired(report, "escalation") if e["kind"] == "reminder"}
    assert reminders == {"obsolete", "reminded (+1 d)"}
    with ctx.db.read() as session:
        subjects = [o.subject for o in session.exec(select(Outbox).where(Outbox.case_ref == "ESC-1"))]
    assert not any("moet over" in s or "moet vandaag" in s for s in subjects)  # not "due in / due today"
    assert any("had uiterlijk 2026-03-07 binnen moeten zijn" in s for s in subjects)  # "was due on"


def test_a_response_cancels_the_pending_deadline_and_its_reminders(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx)
    case = open_case(ctx)
    esc.respond(ctx, actor_key="am", ref=case, text="on it")
    assert [d for d in list_deadlines(ctx) if d["case"] == case] == []
    clock.set(at("2026-04-20", 9))
    assert fired(process_due(ctx), "escalation") == []
    with ctx.db.read() as session:
        statuses = {t.status for t in session.exec(select(Timer).where(Timer.subject_kind == "escalation"))}
    assert statuses == {"cancelled"}


@pytest.mark.parametrize(
    ("opened", "last_day", "deadline_utc"),
    [
        # spring switch (Sun 29 Mar 2026): the last day ends at local midnight, 22:00 UTC (summer time)
        (("2026-03-26", 9), "2026-03-31", "2026-03-31T22:00:00+00:00"),
        (("2026-03-24", 9), "2026-03-29", "2026-03-29T22:00:00+00:00"),
        # autumn switch (Sun 25 Oct 2026): midnight is 23:00 UTC again (winter time)
        (("2026-10-22", 9), "2026-10-27", "2026-10-27T23:00:00+00:00"),
        (("2026-10-20", 9), "2026-10-25", "2026-10-25T23:00:00+00:00"),
        # opened late in the evening local time, which is already the next day... in UTC it is not
        (("2026-06-30", 23), "2026-07-05", "2026-07-05T22:00:00+00:00"),
        # month and year ends
        (("2026-02-26", 9), "2026-03-03", "2026-03-03T23:00:00+00:00"),
        (("2026-12-29", 9), "2027-01-03", "2027-01-03T23:00:00+00:00"),
        (("2028-02-26", 9), "2028-03-02", "2028-03-02T23:00:00+00:00"),
    ],
)
def test_response_deadline_is_the_end_of_the_fifth_local_calendar_day(
    ctx: Ctx, clock: FixedClock, opened: tuple[str, int], last_day: str, deadline_utc: str
) -> None:
    clock.set(at(*opened))
    register(ctx)
    case = open_case(ctx)
    view = show_escalation(ctx, case)
    assert view["response_due"] == last_day
    assert view["levels"][0]["response_due_at"] == deadline_utc


def test_a_deadline_fires_at_the_end_of_its_last_day_not_before(ctx: Ctx, clock: FixedClock) -> None:
    clock.set(at("2026-10-20", 9))
    register(ctx)
    case = open_case(ctx)  # last day Sun 25 Oct 2026, the autumn switch
    clock.set(at("2026-10-25", 23, 59))
    process_due(ctx)
    assert show_escalation(ctx, case)["state"] == "addressed"
    clock.set(at("2026-10-26", 0, 0))
    process_due(ctx)
    assert show_escalation(ctx, case)["state"] == "no_response"


def test_reminders_keep_their_local_time_across_the_spring_switch(ctx: Ctx, clock: FixedClock) -> None:
    clock.set(at("2026-03-24", 9))
    register(ctx)
    open_case(ctx)  # last day Sun 29 Mar 2026: the clocks go forward that night
    with ctx.db.read() as session:
        query = select(Timer).where(Timer.kind == "reminder", Timer.subject_kind == "escalation")
        reminders = sorted(t.due_at.isoformat() for t in session.exec(query))
    # 09:00 local: winter time (UTC+1) on the 27th, summer time (UTC+2) on the 29th and 30th
    assert reminders == [
        "2026-03-27T08:00:00+00:00",
        "2026-03-29T07:00:00+00:00",
        "2026-03-30T07:00:00+00:00",
    ]


def test_a_failing_timer_handler_does_not_stop_the_others_and_is_recorded(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx)
    open_case(ctx)
    open_case(ctx)
    with ctx.db.write() as session:
        broken = session.exec(select(Timer).where(Timer.kind == "response_due")).first()
        assert broken is not None
        broken.payload = "{}"  # the handler cannot read its level: it raises
        session.add(broken)
    clock.set(at("2026-04-20", 9))
    report = process_due(ctx)
    assert len(report.failed) == 1
    assert "window passed" in [e["outcome"] for e in fired(report, "escalation")]
    with ctx.db.read() as session:
        statuses = sorted(t.status for t in session.exec(select(Timer).where(Timer.kind == "response_due")))
    assert statuses == ["failed", "fired"]
    assert process_due(ctx).failed == []  # a failed timer is not retried into a loop

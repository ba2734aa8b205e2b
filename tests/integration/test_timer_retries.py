"""A firing that fails is rolled back whole: a transient failure is retried with back-off and fires once;
a timer given up is listed and fired again by `timers retry` (SPEC §6: every deadline fires exactly once)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select
from support import at, cli, register

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.tables import AuditEvent, Outbox, Timer
from escalation_engine.core.timer_failures import list_failed
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.ladder.queries import show_escalation

AFTER_WINDOW = at("2026-03-08", 9)  # the response window (last day 7 Mar) has passed; digests not yet due


class Fault:
    """Raise a lock timeout at the n-th SQL statement from now (or at the next commit), once."""

    def __init__(self, ctx: Ctx) -> None:
        self.at: int | None = None
        self.at_commit = False
        self.count = 0
        self.hit = False
        event.listen(ctx.db.engine, "before_cursor_execute", self._statement)
        event.listen(ctx.db.engine, "commit", self._commit)

    def arm(self, n: int | None = None, *, commit: bool = False) -> None:
        self.at, self.at_commit, self.count, self.hit = n, commit, 0, False

    def _raise(self) -> None:
        self.at, self.at_commit, self.hit = None, False, True
        raise OperationalError("injected", {}, Exception("lock timeout (injected)"))

    def _statement(self, *args: Any) -> None:
        if self.at is not None:
            self.count += 1
            if self.count == self.at:
                self._raise()

    def _commit(self, *args: Any) -> None:
        if self.at_commit:
            self._raise()


def open_cases(ctx: Ctx, n: int) -> list[str]:
    cases = [
        str(
            esc.open_escalation(
                ctx,
                actor_key="dcm",
                contract_key="LF",
                subject=f"Availability {i}",
                norm=None,
                participant=None,
                threatened=False,
            )["case"]
        )
        for i in range(n)
    ]
    with ctx.db.write() as session:  # only the deadlines: one firing per claim
        for timer in session.exec(
            select(Timer).where(Timer.subject_kind == "escalation", Timer.kind == "reminder")
        ):
            timer.status = "cancelled"
            session.add(timer)
    return cases


def response_timer(ctx: Ctx, case: str) -> Timer:
    with ctx.db.read() as session:
        query = select(Timer).where(
            Timer.subject_kind == "escalation",
            Timer.subject_id == int(case.split("-")[1]),
            Timer.kind == "response_due",
        )
        timer = session.exec(query).one()
        return timer


def effects(ctx: Ctx, case: str) -> tuple[int, int]:
    with ctx.db.read() as session:
        audits = session.exec(
            select(func.count()).where(
                AuditEvent.case_ref == case, AuditEvent.action == "escalation.window_passed"
            )
        ).one()
        notices = session.exec(select(func.count()).where(Outbox.case_ref == case)).one()
        return int(audits), int(notices)


@pytest.fixture
def fault(ctx: Ctx) -> Iterator[Fault]:
    register(ctx)
    yield Fault(ctx)


def test_a_deadline_whose_firing_fails_at_any_step_fires_once_when_retried(ctx: Ctx, fault: Fault) -> None:
    cases = open_cases(ctx, 28)
    notices_before = effects(ctx, cases[0])[1]
    failed_steps = 0
    for step in range(1, 14):
        fault.arm(step)
        try:
            report = process_due(ctx, AFTER_WINDOW, limit=1)
        except OperationalError:  # the claim itself failed: the tick fails and nothing changed
            assert not fault.at and step <= 2
            continue
        if not fault.hit:  # past the last statement of a firing: every step has failed once
            assert [e["outcome"] for e in report.fired] == ["window passed"]
            break
        [entry] = report.retrying
        failed_steps += 1
        case = "ESC-" + str(entry["subject"]).split(":")[1]
        assert effects(ctx, case) == (0, notices_before)  # rolled back whole
        assert response_timer(ctx, case).attempts == 1
        other = process_due(ctx, AFTER_WINDOW, limit=1)  # the others fire meanwhile
        assert [e["timer"] for e in other.fired] != [entry["timer"]]
        retried = process_due(ctx, AFTER_WINDOW + timedelta(minutes=1), limit=1)
        assert [e["timer"] for e in retried.fired] == [entry["timer"]]
    else:
        pytest.fail("a firing took more statements than expected")
    assert failed_steps >= 7  # escalation, level, people, outbox, audit chain, audit row, timer mark
    fault.arm(commit=True)  # and the commit itself
    assert process_due(ctx, AFTER_WINDOW, limit=1).retrying
    assert process_due(ctx, AFTER_WINDOW + timedelta(minutes=1), limit=1).fired
    fired_cases = [c for c in cases if response_timer(ctx, c).status == "fired"]
    assert len(fired_cases) >= 2 * failed_steps + 2
    for case in fired_cases:
        assert show_escalation(ctx, case)["state"] == "no_response"
        assert effects(ctx, case) == (1, effects(ctx, fired_cases[0])[1])  # one audit row, one set of notices
    assert effects(ctx, fired_cases[0])[1] > notices_before
    result = audit.verify(ctx.db)
    assert result.ok, result.problems


def test_a_transient_failure_is_retried_with_back_off_then_given_up_and_shown(
    ctx: Ctx, clock: FixedClock, fault: Fault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESCALATION_ENGINE_TIMER_ATTEMPTS", "3")
    [case] = open_cases(ctx, 1)
    now = AFTER_WINDOW
    clock.set(now)
    for attempt, wait in ((1, 1), (2, 2)):
        fault.arm(3)
        report = process_due(ctx, now, limit=1)
        assert report.retrying[0]["attempts"] == attempt
        assert (
            process_due(ctx, now + timedelta(minutes=wait) - timedelta(seconds=1)).fired == []
        )  # backing off
        [row] = [d for d in list_deadlines(ctx) if d["case"] == case]
        assert row["state"] == "retrying" and "lock timeout" in row["error"]
        now += timedelta(minutes=wait)
    fault.arm(3)
    report = process_due(ctx, now, limit=1)
    assert report.failed[0]["attempts"] == 3 and report.failed[0]["status"] == "failed"
    assert process_due(ctx, now + timedelta(days=1)).failed == []  # given up: no loop
    [row] = [d for d in list_deadlines(ctx) if d["case"] == case]
    assert row["state"] == "failed" and row["overdue"]
    assert [f["case"] for f in list_failed(ctx)] == [case]
    assert show_escalation(ctx, case)["state"] == "addressed"


def test_a_permanent_failure_is_given_up_at_once_and_retried_by_command(
    ctx: Ctx, clock: FixedClock, fault: Fault
) -> None:
    [case] = open_cases(ctx, 1)
    timer = response_timer(ctx, case)
    with ctx.db.write() as session:
        broken = session.get(Timer, timer.id)
        assert broken is not None
        payload = broken.payload
        broken.payload = "{}"  # the handler cannot read its level: a bug, not a transient cause
        session.add(broken)
    clock.set(AFTER_WINDOW)
    report = process_due(ctx)
    assert [e["attempts"] for e in report.failed] == [1]
    db = str(ctx.db.url)
    listed = cli("--json", "timers", "failed", db=db)
    assert listed.exit_code == 0, listed.output
    assert [(r["timer"], r["case"]) for r in json.loads(listed.output)] == [(timer.id, case)]
    assert cli("timers", "retry", db=db).exit_code == 2  # neither an ID nor --all
    assert cli("timers", "retry", "999", db=db).exit_code == 4
    with ctx.db.write() as session:  # the fix: the timer's data is repaired
        repaired = session.get(Timer, timer.id)
        assert repaired is not None
        repaired.payload = payload
        session.add(repaired)
    result = cli("--json", "timers", "retry", str(timer.id), db=db, as_person="admin:ops")
    assert result.exit_code == 0, result.output
    assert cli("timers", "retry", str(timer.id), db=db).exit_code == 3  # pending now, not failed
    assert [e["outcome"] for e in process_due(ctx).fired] == ["window passed"]
    assert process_due(ctx).fired == []
    assert effects(ctx, case)[0] == 1
    with ctx.db.read() as session:
        actions = list(session.exec(select(AuditEvent.action, AuditEvent.actor).order_by(col(AuditEvent.id))))
    assert ("timer.failed", "system") in actions and ("timer.retried", "admin:ops") in actions
    assert cli("timers", "retry", "--all", db=db).output.startswith("0 timer(s)")

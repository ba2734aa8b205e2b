"""Reminders reach the account manager and the counterpart through a real SMTP server on loopback:
delivered after commit, a failed send retried later, never lost and never sent twice."""

from __future__ import annotations

from mail_support import Inbox, free_port
from sqlmodel import select
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.channels import ConsoleChannel, SmtpChannel
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.outbox import deliver
from escalation_engine.core.tables import Outbox
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.obligations.digest_actions import set_preference


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


def test_reminders_reach_the_account_manager_over_smtp_once(
    ctx: Ctx, clock: FixedClock, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    channel = SmtpChannel(host="127.0.0.1", port=port)
    register(ctx)
    # Anna reads English (her digest setting is the language of every notice to her)
    set_preference(ctx, contract_key="LF", person_key="am", frequency=None, language="en", at=None)
    open_case(ctx)
    deliver(ctx, channel)
    assert [m["To"] for m in inbox.messages] == ["Anna Smit <am@example.org>"]
    assert "escalated to you" in str(inbox.messages[0]["Subject"])
    clock.set(at("2026-03-05", 9, 30))  # two days before the last day (7 March)
    process_due(ctx)
    deliver(ctx, channel)
    deliver(ctx, channel)  # a second delivery round sends nothing again
    reminders = [m for m in inbox.messages if "reminder" in str(m["Subject"])]
    assert len(reminders) == 1
    assert "is due in 2 day(s), on 2026-03-07" in str(reminders[0]["Subject"])
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == len(set(ids))


def test_a_failed_send_is_retried_later_and_not_lost(
    ctx: Ctx, clock: FixedClock, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    register(ctx)
    open_case(ctx)
    down = SmtpChannel(host="127.0.0.1", port=free_port(), timeout=2)  # nobody listens there
    report = deliver(ctx, down)
    assert [f["status"] for f in report.failed] == ["pending"]
    assert inbox.messages == []
    up = SmtpChannel(host="127.0.0.1", port=port)
    assert deliver(ctx, up).sent == []  # not before its back-off has passed
    clock.set(at("2026-03-02", 9, 5))
    assert len(deliver(ctx, up).sent) == 1
    assert len(inbox.messages) == 1
    with ctx.db.read() as session:
        row = session.exec(select(Outbox)).one()
    assert (row.status, row.attempts, row.channel) == ("sent", 2, "smtp")


def test_a_person_without_an_email_address_is_a_permanent_failure_not_a_retry_loop(
    ctx: Ctx, smtp: tuple[Inbox, int]
) -> None:
    _, port = smtp
    people = [
        ("dcm", "Dirk", "participant", "participant_contract_manager"),
        ("am", "Anna", "supplier", "account_manager"),
    ]
    register(ctx, people=people)
    with ctx.db.write() as session:
        from escalation_engine.core.tables import Person

        anna = session.exec(select(Person).where(Person.key == "am")).one()
        anna.email = None
        session.add(anna)
    open_case(ctx)
    report = deliver(ctx, SmtpChannel(host="127.0.0.1", port=port))
    assert report.failed[0]["status"] == "failed"
    assert "no e-mail address" in report.failed[0]["error"]


def test_the_console_channel_prints_the_message(ctx: Ctx) -> None:
    import io

    register(ctx)
    open_case(ctx)
    buffer = io.StringIO()
    deliver(ctx, ConsoleChannel(buffer))
    assert "✉ to Anna Smit <am@example.org>" in buffer.getvalue()
    # Dutch by default: the last day, its rule and clause, and where to act
    assert "Reageer uiterlijk aan het einde van 2026-03-07 (Europe/Amsterdam)" in buffer.getvalue()
    assert "B2 §5.1" in buffer.getvalue() and "Handelen: escalation-engine, zaak ESC-1" in buffer.getvalue()

"""Reminder digests: one per person and local day (daily or weekly), Dutch or English, scheduled in our
timer table at a fixed Amsterdam wall time that survives both daylight-saving switches; delivered over
real SMTP (aiosmtpd on loopback)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email.message import EmailMessage, Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import col, select
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.channels import SmtpChannel
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.dates import UTC
from escalation_engine.core.errors import BadInput, NotFound
from escalation_engine.core.outbox import deliver
from escalation_engine.core.tables import Outbox, Person, Timer
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.obligations.digest_actions import send_digests, set_preference


def digest_mails(ctx: Ctx, person: str) -> list[Outbox]:
    with ctx.db.read() as session:
        query = select(Outbox).where(
            col(Outbox.idempotency_key).startswith("digest:"), Outbox.recipient_key == person
        )
        return list(session.exec(query.order_by(col(Outbox.id))))


def pending_digest_timer(ctx: Ctx, contract: str, person: str) -> Timer:
    with ctx.db.read() as session:
        row = session.exec(select(Person).where(Person.contract_key == contract, Person.key == person)).one()
        return session.exec(
            select(Timer).where(
                Timer.subject_kind == "digest", Timer.subject_id == row.id, Timer.status == "pending"
            )
        ).one()


def run_clock(ctx: Ctx, clock: FixedClock, start: datetime, end: datetime, step: timedelta) -> None:
    now = start
    while now < end:
        clock.set(now)
        process_due(ctx)
        now += step


def test_a_person_added_gets_the_profiles_weekly_digest_on_monday_morning(ctx: Ctx) -> None:
    register(ctx)  # B2: weekly on Monday at 08:00 (policy default); it is Monday 2 March 09:00
    timer = pending_digest_timer(ctx, "LF", "am")
    assert timer.due_at == at("2026-03-09", 8).astimezone(UTC)
    assert timer.kind == "reminder" and timer.idempotency_key.endswith(":2026-03-09")


def test_the_weekly_digest_lists_overdue_and_soon_due_obligations_in_dutch(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx, start=date(2026, 1, 1), award=date(2025, 11, 15))
    clock.set(at("2026-03-23", 8))
    process_due(ctx)
    [mail] = [
        m
        for m in digest_mails(ctx, "am")
        if m.idempotency_key.startswith("digest:") and "2026-03-23" in m.idempotency_key
    ]
    assert (
        len(digest_mails(ctx, "am")) == 1
    )  # after "downtime" the stale digests of 9 and 16 March are not sent
    assert mail.subject == "[LF] Overzicht verplichtingen en termijnen — 2026-03-23"
    assert "Te laat (1):" in mail.body and "Plan van aanpak 'Social return'" in mail.body
    assert "uiterlijk 2026-02-15, 36 dag(en) te laat — u bent aan zet" in mail.body
    assert "regel: gunning 2025-11-15 + 3 maanden — B2 §2.1.2 PI1" in mail.body  # the rule in Dutch too
    # the user group of Q1 (due 31 March) is within the 14-day horizon; the category owes it
    assert "Binnenkort (binnen 14 dagen, 1):" in mail.body and "verschuldigd door category" in mail.body
    assert pending_digest_timer(ctx, "LF", "am").idempotency_key.endswith(":2026-03-30")


def test_a_person_may_choose_an_english_daily_digest(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx)
    data = set_preference(
        ctx, contract_key="LF", person_key="am", frequency="daily", language="en", at="07:30"
    )
    assert (data["frequency"], data["language"], data["next"]) == (
        "daily",
        "en",
        at("2026-03-03", 7, 30).astimezone(UTC).isoformat(),
    )
    clock.set(at("2026-03-03", 7, 30))
    process_due(ctx)
    [mail] = digest_mails(ctx, "am")
    assert mail.subject == "[LF] Obligations and deadlines digest — 2026-03-03"
    assert "This is your daily digest" in mail.body and "Overdue (1):" in mail.body
    assert "Social-return plan of approach approved by the client" in mail.body


def test_digest_settings_are_checked(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(BadInput, match="expected HH:MM"):
        set_preference(ctx, contract_key="LF", person_key="am", frequency=None, language=None, at="25:00")
    with pytest.raises(BadInput, match="unknown language"):
        set_preference(ctx, contract_key="LF", person_key="am", frequency=None, language="de", at=None)
    with pytest.raises(NotFound, match="person 'zz'"):
        set_preference(ctx, contract_key="LF", person_key="zz", frequency="off", language=None, at=None)
    assert (
        set_preference(ctx, contract_key="LF", person_key="am", frequency="off", language=None, at=None)[
            "next"
        ]
        is None
    )


def _daily_at_0230(ctx: Ctx, clock: FixedClock, now: datetime) -> None:
    register(ctx, key="TP", profile="reintegratie-defensie", start=date(2026, 1, 1), award=None)
    set_preference(ctx, contract_key="TP", person_key="am", frequency="daily", language="nl", at="02:30")
    clock.set(now)
    process_due(ctx)  # catch up on everything before the window


def test_the_autumn_switch_never_sends_a_daily_digest_twice(ctx: Ctx, clock: FixedClock) -> None:
    # 25 Oct 2026: 02:30 local happens twice (CEST, then CET); the digest goes out at the first one only
    start = datetime(2026, 10, 23, 22, 0, tzinfo=UTC)
    _daily_at_0230(ctx, clock, start)
    before = len(digest_mails(ctx, "am"))
    run_clock(ctx, clock, start, datetime(2026, 10, 27, 0, 0, tzinfo=UTC), timedelta(minutes=30))
    window = digest_mails(ctx, "am")[before:]
    assert [m.idempotency_key.split(":")[2] for m in window] == ["2026-10-24", "2026-10-25", "2026-10-26"]
    assert [m.created_at for m in window] == [
        datetime(2026, 10, 24, 0, 30, tzinfo=UTC),  # 02:30 CEST
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the first 02:30, still CEST
        datetime(2026, 10, 26, 1, 30, tzinfo=UTC),  # 02:30 CET
    ]


def test_the_spring_switch_never_skips_a_daily_digest(ctx: Ctx, clock: FixedClock) -> None:
    # 29 Mar 2026: 02:30 local does not exist (02:00 → 03:00); the digest goes out when the clocks jump
    start = datetime(2026, 3, 27, 22, 0, tzinfo=UTC)
    _daily_at_0230(ctx, clock, start)
    before = len(digest_mails(ctx, "am"))
    run_clock(ctx, clock, start, datetime(2026, 3, 31, 0, 0, tzinfo=UTC), timedelta(minutes=30))
    window = digest_mails(ctx, "am")[before:]
    assert [m.idempotency_key.split(":")[2] for m in window] == ["2026-03-28", "2026-03-29", "2026-03-30"]
    assert [m.created_at for m in window] == [
        datetime(2026, 3, 28, 1, 30, tzinfo=UTC),  # 02:30 CET
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 03:00 CEST, the moment of the jump
        datetime(2026, 3, 30, 0, 30, tzinfo=UTC),  # 02:30 CEST
    ]


def test_sending_now_queues_at_most_one_digest_per_person_and_day_and_a_dry_run_none(ctx: Ctx) -> None:
    register(ctx)
    dry = send_digests(ctx, person_key="am", contract_key=None, dry_run=True)
    assert dry[0]["queued"] is False and "Te laat (1):" in dry[0]["body"]
    assert digest_mails(ctx, "am") == []
    send_digests(ctx, person_key="am", contract_key=None, dry_run=False)
    send_digests(ctx, person_key="am", contract_key=None, dry_run=False)
    assert len(digest_mails(ctx, "am")) == 1
    everyone = send_digests(ctx, person_key=None, contract_key="LF", dry_run=True)
    assert {v["person"] for v in everyone} == {"dcm", "cat", "catman", "am", "sm", "exec"}
    assert next(v for v in everyone if v["person"] == "exec")["empty"] is True
    with pytest.raises(NotFound):
        send_digests(ctx, person_key="nobody", contract_key=None, dry_run=True)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def test_the_digest_is_delivered_by_smtp(ctx: Ctx, smtp_server: tuple[int, Inbox]) -> None:
    port, inbox = smtp_server
    register(ctx)
    send_digests(ctx, person_key="am", contract_key="LF", dry_run=False)
    report = deliver(ctx, SmtpChannel(host="127.0.0.1", port=port))
    assert [r["to"] for r in report.sent] == ["am"]
    [mail] = inbox.messages
    assert mail["To"] == "Anna Smit <am@example.org>"
    assert mail["Subject"] == "[LF] Overzicht verplichtingen en termijnen — 2026-03-02"
    assert isinstance(mail, EmailMessage)
    body = mail.get_content()
    assert "Plan van aanpak 'Social return'" in body and "B2 §2.1.2 PI1" in body


def test_a_digest_names_the_soonest_fifty_other_deadlines_and_how_many_there_are_with_the_way_to_all(
    ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The account manager answers every level-1 escalation: with 57 open, the digest lists the soonest 50
    (soonest first) and the number of all, and points to My work for the rest (B2 §5.1 response term)."""
    from escalation_engine.procedures.ladder.actions import open_escalation

    register(ctx)
    made = [
        open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject=f"Levering {n}",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
        for n in range(57)
    ]
    monkeypatch.setenv("ESCALATION_ENGINE_BASE_URL", "https://escalaties.example.org")
    [view] = send_digests(ctx, person_key="am", contract_key="LF", dry_run=True)
    body = view["body"]
    assert "Andere termijnen (57):" in body
    listed = [line.split()[1] for line in body.splitlines() if line.startswith("- ESC-")]
    assert listed == made[:50]  # one response term each, the same day: the oldest case first
    assert (
        "- en nog 7 — de eerste 50 staan hierboven, alle in Mijn werk: https://escalaties.example.org/"
        in body
    )
    assert view["items"] >= 57
    monkeypatch.delenv("ESCALATION_ENGINE_BASE_URL")
    [short] = send_digests(ctx, person_key="am", contract_key="LF", dry_run=True)
    assert "(escalation-engine deadlines --person am)" in short["body"]

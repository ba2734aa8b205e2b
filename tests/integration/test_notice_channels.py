"""No reminder is thrown away: without a configured channel `tick` says so loudly and keeps every notice
queued (console delivery only when asked for); over a real SMTP server (aiosmtpd) the notices are sent with
Message-IDs unique across databases; a failed send makes `tick` exit non-zero and stays queued."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mail_support import Inbox, free_port
from sqlmodel import col, select
from support import cli, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.channels import CONSOLE_ENV
from escalation_engine.core.db import Database
from escalation_engine.core.tables import Outbox
from escalation_engine.procedures.ladder import actions as esc

SMTP = ("ESCALATION_ENGINE_SMTP_HOST", "ESCALATION_ENGINE_SMTP_PORT")


@pytest.fixture(autouse=True)
def no_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*SMTP, CONSOLE_ENV):
        monkeypatch.delenv(name, raising=False)


def opened(ctx: Ctx) -> None:
    register(ctx)
    esc.open_escalation(
        ctx, actor_key="dcm", contract_key="LF", subject="s", norm=None, participant=None, threatened=False
    )


def statuses(db: Database) -> list[str]:
    with db.read() as session:
        return [row.status for row in session.exec(select(Outbox).order_by(col(Outbox.id)))]


def test_tick_without_a_channel_says_so_loudly_and_keeps_every_notice_queued(ctx: Ctx) -> None:
    opened(ctx)
    result = cli("--json", "tick", "--accept-jump", db=ctx.db.url)
    assert result.exit_code == 0
    assert (
        "NO NOTIFICATION CHANNEL CONFIGURED" in result.stderr
        and "ESCALATION_ENGINE_SMTP_HOST" in result.stderr
    )
    delivered = json.loads(result.stdout)["delivered"]
    assert (delivered["sent"], delivered["channel"]) == ([], None)
    assert delivered["queued"] == len(statuses(ctx.db)) >= 1
    assert set(statuses(ctx.db)) == {"pending"}  # queued, never marked sent
    console = cli(
        "--json", "tick", "--console", "--accept-jump", db=ctx.db.url
    )  # the demo's and tests' explicit choice
    assert console.exit_code == 0 and "✉ to Anna Smit" in console.stderr
    assert set(statuses(ctx.db)) == {"sent"}


def test_tick_sends_over_smtp_with_message_ids_unique_across_databases(
    ctx: Ctx, tmp_path: Path, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = smtp
    monkeypatch.setenv("ESCALATION_ENGINE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ESCALATION_ENGINE_SMTP_PORT", str(port))
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    other.upgrade()
    try:
        for db in (ctx.db, other):
            opened(Ctx(db=db, clock=ctx.clock))
            result = cli("--json", "tick", "--accept-jump", db=db.url)
            assert result.exit_code == 0, result.output
            assert "NO NOTIFICATION CHANNEL" not in result.stderr
            assert json.loads(result.stdout)["delivered"]["channel"] == "smtp"
    finally:
        other.dispose()
    ids = [str(m["Message-ID"]) for m in inbox.messages]
    firsts = [i for i in ids if i.startswith("<outbox-1.")]  # each database's first message
    assert len(firsts) == 2 and firsts[0] != firsts[1]
    assert len(ids) == len(set(ids))


def test_an_smtp_failure_makes_tick_exit_non_zero_and_the_notice_stays_queued(
    ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened(ctx)
    monkeypatch.setenv("ESCALATION_ENGINE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ESCALATION_ENGINE_SMTP_PORT", str(free_port()))  # nobody listens there
    result = cli("--json", "tick", "--accept-jump", db=ctx.db.url)
    assert result.exit_code == 1
    assert "could not be sent" in result.stderr
    report = json.loads(result.stdout)  # still exactly one JSON document, with the failures
    assert report["delivered"]["failed"] and report["delivered"]["sent"] == []
    assert set(statuses(ctx.db)) == {"pending"}

"""Control and direction characters in what people type (hypothesis, SQLite and PostgreSQL): a one-line
field (subject, norm, names, titles, organisation, reference) refuses every control character and bidi
override; a multi-line field (response, reasons, measures, minutes) keeps its line breaks and refuses the
rest. Each refusal exits 2 naming the field and leaves the database unchanged. A subject stored before
these checks, with CR/LF in it, still gives a notice the mail server accepts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from faults_support import table_contents
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mail_support import Inbox
from sqlalchemy import update
from support import cli, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.errors import BadInput
from escalation_engine.core.refs import as_one_line, require_line, require_lines
from escalation_engine.core.tables import Outbox
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.ladder.tables import Escalation

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CONTROLS = [chr(c) for c in (*range(32), 127, *range(0x202A, 0x202F), *range(0x2066, 0x206A))]
NOT_IN_LINES = [c for c in CONTROLS if c not in "\r\n"]


def poisoned(bad: list[str]) -> st.SearchStrategy[str]:
    """Some ordinary text with at least one forbidden character inside it (a forbidden character at either
    end is trimmed with the surrounding white space, like a space is)."""
    plain = st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x24FF).filter(lambda c: c not in CONTROLS)
    )
    more = st.text(st.sampled_from(CONTROLS), max_size=3)
    return st.tuples(plain, st.sampled_from(bad), more, plain).map(lambda t: f"x{t[0]}{t[1]}{t[2]}{t[3]}y")


# (the command with {} where the text goes, the field the message names)
ONE_LINE = [
    (["--as", "dcm", "escalation", "open", "--contract", "LF", "--subject", "{}"], "subject"),
    (["--as", "dcm", "escalation", "open", "--contract", "LF", "--subject", "s", "--norm", "{}"], "norm"),
    (["participant", "add", "--contract", "LF", "--name", "{}"], "participant name"),
    (
        ["person", "add", "p1", "--contract", "LF", "--name", "{}", "--side", "client", "--role", "category"],
        "name",
    ),
    (
        ["person", "add", "p1", "--contract", "LF", "--name", "P", "--side", "client", "--role", "category"]
        + ["--organisation", "{}"],
        "organisation",
    ),
    (
        [
            "contract",
            "add",
            "LF2",
            "--profile",
            "leasefietsen-rijk",
            "--title",
            "{}",
            "--start",
            "2026-01-01",
        ],
        "title",
    ),
    (["--as", "cat", "plan", "open", "--contract", "LF", "--trigger", "audit", "--subject", "{}"], "subject"),
]
MULTI_LINE = [
    (["--as", "am", "escalation", "respond", "ESC-1", "--text", "{}"], "response text"),
    (["--as", "dcm", "escalation", "refuse", "ESC-1", "--reason", "{}"], "reason"),
    (["--as", "cat", "stepin", "request", "--contract", "LF", "--culpable", "--reason", "{}"], "reason"),
]


@pytest.fixture
def opened(ctx: Ctx) -> Ctx:
    register(ctx)
    esc.open_escalation(
        ctx, actor_key="dcm", contract_key="LF", subject="late", norm=None, participant=None, threatened=False
    )
    return ctx


def refused(ctx: Ctx, command: list[str], value: str, field: str, rule: str) -> None:
    before = table_contents(ctx.db)
    result = cli("--json", *[value if part == "{}" else part for part in command], db=ctx.db.url)
    error: dict[str, Any] = json.loads(result.stdout).get("error", {"accepted": result.stdout})
    assert result.exit_code == 2, error
    assert error["message"].startswith(f"{field} {rule}"), error
    assert "U+" in error["message"] and "direction overrides" in error["message"]
    assert table_contents(ctx.db) == before


@pytest.mark.parametrize(("command", "field"), ONE_LINE, ids=[f for _, f in ONE_LINE])
def test_a_one_line_field_refuses_control_and_direction_characters(
    opened: Ctx, command: list[str], field: str
) -> None:
    @SETTINGS
    @given(poisoned(CONTROLS))
    def check(value: str) -> None:
        refused(opened, command, value, field, "is one line of text")

    check()


@pytest.mark.parametrize(("command", "field"), MULTI_LINE, ids=[f for _, f in MULTI_LINE])
def test_a_multi_line_field_keeps_line_breaks_and_refuses_other_control_characters(
    opened: Ctx, command: list[str], field: str
) -> None:
    @SETTINGS
    @given(poisoned(NOT_IN_LINES))
    def check(value: str) -> None:
        refused(opened, command, value.replace("\r", "\n"), field, "may hold line breaks but not")

    check()


def test_line_breaks_in_a_response_are_kept_and_windows_ones_made_plain(opened: Ctx) -> None:
    result = cli(
        "--as", "am", "escalation", "respond", "ESC-1", "--text", "one\r\ntwo\rthree\nfour", db=opened.db.url
    )
    assert result.exit_code == 0, result.output
    shown = cli("--json", "escalation", "show", "ESC-1", db=opened.db.url)
    assert "one\\ntwo\\nthree\\nfour" in shown.stdout, shown.stdout


@given(st.text(max_size=40))
def test_the_text_checks_accept_exactly_the_texts_without_forbidden_characters(value: str) -> None:
    stripped = value.strip()
    for check, allowed in ((require_line, set()), (require_lines, {"\n", "\r"})):
        expected_ok = bool(stripped) and not any(c in CONTROLS and c not in allowed for c in stripped)
        try:
            result = check(value, "field")
        except BadInput:
            assert not expected_ok
        else:
            assert expected_ok and "\r" not in result
    one = as_one_line(value)
    assert not any(c in CONTROLS for c in one) and one == one.strip()


def test_a_subject_stored_with_cr_lf_before_the_checks_still_gives_a_delivered_notice(
    opened: Ctx, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = smtp
    monkeypatch.setenv("ESCALATION_ENGINE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ESCALATION_ENGINE_SMTP_PORT", str(port))
    with opened.db.engine.begin() as conn:  # as an older version could have stored it
        conn.execute(update(Escalation).values(subject="Late\r\nBcc: everyone@example.org"))
    esc.open_escalation(  # a second case's notice, and the old one's when it comes due
        opened,
        actor_key="dcm",
        contract_key="LF",
        subject="ok",
        norm=None,
        participant=None,
        threatened=False,
    )
    with opened.db.engine.begin() as conn:
        conn.execute(update(Outbox).values(subject="Herinnering: Late\r\nBcc: everyone@example.org"))
    result = cli(
        "--json", "tick", "--accept-jump", db=opened.db.url
    )  # the test clock is the real one, months after its rows
    assert result.exit_code == 0, result.output
    assert inbox.messages, "the notices were delivered"
    subjects = [" ".join(str(m["Subject"]).split()) for m in inbox.messages]  # long headers are folded
    assert all(m["Bcc"] is None for m in inbox.messages), "no header smuggled in through the subject"
    assert "Herinnering: Late Bcc: everyone@example.org" in subjects

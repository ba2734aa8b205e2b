"""The personal calendar link speaks the account's language: Dutch by default — the phrases from the web's
catalog, a deadline's kind and the roles in the pages' words, the rules and clauses as the pages show them —
and English for an account that chose English. The command line's `calendar export` stays English."""

from __future__ import annotations

import re

from sqlmodel import select
from test_web_http import client, signed_in
from web_support import csrf_of, shared_world

from escalation_engine.app.context import Ctx
from escalation_engine.core.tables import Account


def _feed(ctx: Ctx, email: str) -> str:
    browser = signed_in(ctx, email)
    page = browser.get("/agenda")
    made = browser.post("/agenda/nieuw", data={"csrf": csrf_of(page.text)})
    link = re.search(r"<code>[^<]*(/agenda/[^<]+\.ics)</code>", made.text)
    assert link, made.text
    answer = client(ctx).get(link.group(1))
    assert answer.status_code == 200
    return answer.text.replace("\r\n ", "")  # unfolded: a long line is folded at 75 octets


def _open_escalation(ctx: Ctx) -> None:
    browser = signed_in(ctx, "dcm@example.org")
    page = browser.get("/contracten/LF")
    answer = browser.post(
        "/contracten/LF/escalaties", data={"subject": "Levering", "csrf": csrf_of(page.text)}
    )
    assert answer.status_code == 303, answer.text


def test_a_calendar_link_speaks_dutch_by_default(ctx: Ctx) -> None:
    shared_world(ctx)
    _open_escalation(ctx)
    feed = _feed(ctx, "am@example.org")
    assert "UID:deadline-" in feed and "UID:obligation-" in feed
    assert "reactietermijn" in feed and "Uiterlijk " in feed and "Regel: " in feed
    assert "Verschuldigd door: " in feed and "accountmanager Opdrachtnemer" in feed
    assert "Due by the end of" not in feed and "Owed by" not in feed and "response due" not in feed


def test_a_calendar_link_speaks_english_for_an_account_that_chose_it(ctx: Ctx) -> None:
    shared_world(ctx)
    _open_escalation(ctx)
    with ctx.db.write() as session:
        account = session.exec(select(Account).where(Account.email == "am@example.org")).one()
        account.language = "en"
        session.add(account)
    feed = _feed(ctx, "am@example.org")
    assert "Due by the end of" in feed and "Rule: " in feed and "Owed by: " in feed
    assert "Uiterlijk" not in feed and "Verschuldigd" not in feed and "reactietermijn" not in feed

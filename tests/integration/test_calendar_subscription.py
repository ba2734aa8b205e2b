"""A personal calendar subscription (the .ics behind an account's link) holds the obligations that concern
the account and the soonest of its open deadlines, chosen as My work chooses them — what the account may see,
in SQL — and says in its description how many there are in all when it holds fewer: a calendar polls its
feed, and one account manager's 18,101 deadlines were 9.7 MB and 7.5 s of the server per poll."""

from __future__ import annotations

import pytest
from sight_support import two_organisations

from escalation_engine.app import calendar_feed
from escalation_engine.app.calendar_feed import account_calendar
from escalation_engine.app.context import Ctx
from escalation_engine.core.deadlines import count_deadlines, list_deadlines
from escalation_engine.core.principal import acting
from escalation_engine.core.tables import Timer


def _uid(ctx: Ctx, timer_id: int) -> str:
    with ctx.db.read() as session:
        timer = session.get(Timer, timer_id)
        assert timer is not None
        return f"deadline-{timer.idempotency_key.replace(':', '-')}"


def test_a_subscription_holds_the_soonest_deadlines_and_says_how_many_there_are(
    ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = two_organisations(ctx)
    am = world["people"]["am"]
    mine = {"contract_key": "LF", "person_key": ("am",), "without_kinds": ("obligation",)}
    with acting(am):
        total = count_deadlines(ctx, **mine)[0]  # type: ignore[arg-type]
        soonest = list_deadlines(ctx, limit=1, **mine)  # type: ignore[arg-type]
        whole = account_calendar(ctx, am.account_id, "am").decode()
        monkeypatch.setattr(calendar_feed, "FEED_DEADLINES", 1)
        bounded = account_calendar(ctx, am.account_id, "am").decode()
    assert total >= 2
    assert whole.count("UID:deadline-") == total and "X-WR-CALDESC" not in whole
    assert bounded.count("UID:deadline-") == 1
    assert f"UID:{_uid(ctx, soonest[0]['timer'])}" in bounded.replace("\r\n ", "")
    assert f"The soonest 1 of {total} open deadlines" in bounded.replace("\r\n ", "")
    assert bounded.count("UID:obligation-") == whole.count("UID:obligation-")  # obligations: all of them


def test_a_participants_subscription_holds_nothing_of_another_organisations_cases(ctx: Ctx) -> None:
    world = two_organisations(ctx)
    theirs, mine = world["cases"]["Rechtspraak"], world["cases"]["Belastingdienst"]
    dcm = world["people"]["dcm"]
    with acting(dcm):
        feed = account_calendar(ctx, dcm.account_id, "dcm").decode().replace("\r\n ", "")
        own = list_deadlines(ctx, contract_key="LF", person_key=("dcm",), without_kinds=("obligation",))
    assert f"{theirs} " not in feed and f"{theirs}:" not in feed
    assert {row["case"] for row in own} <= {mine, world["cases"]["plan of all"]}
    assert feed.count("UID:deadline-") == len(own)

"""Audit review in the web application: filters (person, action prefix, Amsterdam days) and paging in SQL,
newest first; `audit verify` on request, naming a damaged chain; the CSV export of every matching row with
formula cells neutralised; only what the person may see."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from web_support import shared_world, signed_in

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.audit_search import search
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.web import audit_pages


@pytest.fixture
def site(ctx: Ctx) -> Iterator[Ctx]:
    shared_world(ctx)
    yield ctx


def opened(ctx: Ctx, subject: str, contract: str = "LF", who: str = "dcm") -> str:
    return str(
        esc.open_escalation(
            ctx,
            actor_key=who,
            contract_key=contract,
            subject=subject,
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
    )


def ids_on(page: str) -> list[int]:
    return [int(n) for n in re.findall(r"<tr><td>(\d+)</td><td><time", page)]


def test_the_review_pages_through_the_visible_trail_newest_first(
    site: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(4):
        opened(site, f"Zaak {n}")
    monkeypatch.setattr(audit_pages, "PAGE", 3)
    cat = signed_in(site, "cat@example.org")
    seen: list[int] = []
    number = 1
    while True:
        page = cat.get(f"/audit?contract=LF&pagina={number}").text
        seen += ids_on(page)
        if 'rel="next"' not in page:
            break
        number += 1
    expected = [r["id"] for r in audit.listing(site.db, contract_key="LF")]
    assert seen == sorted(expected, reverse=True) and number > 1


def test_filters_by_person_action_prefix_and_amsterdam_days(site: Ctx) -> None:
    from datetime import timedelta

    from support import at

    from escalation_engine.core.clock import FixedClock

    assert isinstance(site.clock, FixedClock)
    site.clock.set(at("2026-04-01", 0, 30))  # 22:30 UTC on 31 March: 1 April in Amsterdam
    late_night = opened(site, "Na middernacht")
    site.clock.advance(timedelta(days=1))
    esc.respond(site, actor_key="am", ref=late_night, text="Reactie")
    by_day = search(
        site.db, case_ref=late_night, since=at("2026-04-01").date(), until=at("2026-04-01").date()
    )
    assert [r["action"] for r in by_day] == ["escalation.open"]
    assert [r["actor"] for r in search(site.db, case_ref=late_night, person="am")] == ["am"]
    assert {r["action"] for r in search(site.db, case_ref=late_night, action="escalation.res")} == {
        "escalation.respond"
    }
    assert search(site.db, action="escalation%") == []  # a wildcard is taken literally
    page = signed_in(site, "cat@example.org").get(f"/audit?case={late_night}&person=am").text
    assert "escalation.respond" in page and "escalation.open" not in page


def test_audit_verify_runs_on_request_and_names_a_damaged_chain(site: Ctx) -> None:
    case = opened(site, "Controle")
    cat = signed_in(site, "cat@example.org")
    assert "De audittrail klopt" not in cat.get("/audit").text
    assert "De audittrail klopt:" in cat.get("/audit?controle=1").text
    with site.db.engine.begin() as connection:  # past the append-only guards, as an intruder would
        if site.db.is_sqlite:
            connection.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            connection.execute(text("DROP TRIGGER audit_event_append_only ON audit_event"))
        connection.execute(
            text("UPDATE audit_event SET reason = 'stil gewijzigd' WHERE case_ref = :c"), {"c": case}
        )
    assert "De audittrail klopt niet" in cat.get("/audit?controle=1").text


def test_the_csv_export_holds_every_matching_row_with_formulas_neutralised(site: Ctx) -> None:
    case = opened(site, "Export")
    esc.respond(site, actor_key="am", ref=case, text='=HYPERLINK("http://x")')
    answer = signed_in(site, "cat@example.org").get(f"/audit.csv?case={case}")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["action"] for r in rows] == ["escalation.open", "escalation.respond"]
    assert rows[1]["reason"].startswith("'=")


def test_a_supplier_reviews_only_the_trail_of_its_own_contracts(site: Ctx) -> None:
    hidden = opened(site, "Elders", contract="OTHER", who="odcm")
    page = signed_in(site, "am@example.org").get("/audit").text
    assert hidden not in page
    assert search(site.db, case_ref=hidden)  # it exists (as the operator sees it)


def test_the_check_names_a_state_changed_behind_the_engines_back_only_to_those_who_may_see_it(
    site: Ctx,
) -> None:
    mine = opened(site, "Zichtbaar")
    elsewhere = opened(site, "Elders", contract="OTHER", who="odcm")
    with site.db.engine.begin() as connection:
        connection.execute(text("UPDATE escalation SET state = 'closed' WHERE id IN (1, 2)"))
    admin = signed_in(site, "cat@example.org").get("/audit?controle=1").text  # cat is the administrator
    assert "De audittrail klopt niet" in admin and mine in admin and elsewhere in admin
    supplier = signed_in(site, "am@example.org").get("/audit?controle=1").text
    assert mine in supplier and elsewhere not in supplier
    assert "buiten wat u mag zien" in supplier

"""Step-in, KPI verdicts, sanctions and the month view in the web application: each case has a page with its
deadlines and timeline, only the forms the person's role has, the engine's refusal on the page with nothing
written, and "not found" for a supplier of another contract."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from starlette.testclient import TestClient
from stepin_support import escalate_to_top
from web_support import csrf_of, shared_world, signed_in

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.sanction_views import list_sanctions
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.web import contracts
from escalation_engine.web.app import create_app


@pytest.fixture
def site(ctx: Ctx) -> Iterator[Ctx]:
    shared_world(ctx)
    yield ctx


def post(browser: TestClient, page: str, url: str, **data: str) -> object:
    csrf = csrf_of(browser.get(page).text)
    return browser.post(url, data={**data, "csrf": csrf})


def trail_length(ctx: Ctx) -> int:
    return len(audit.listing(ctx.db))


def test_step_in_is_requested_run_and_refused_on_its_pages_by_role(site: Ctx) -> None:
    top = escalate_to_top(site)
    cat, am, dcm = (signed_in(site, f"{who}@example.org") for who in ("cat", "am", "dcm"))
    assert "Step-in aanvragen" in cat.get("/contracten/LF").text
    assert "Step-in aanvragen" not in am.get("/contracten/LF").text
    answer = post(
        cat,
        "/contracten/LF",
        "/contracten/LF/step-in",
        reason="Beschikbaarheid blijft onder 95 %",
        escalations=top,
        culpability="culpable",
    )
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    ref = re.search(r"/step-in/(STEP-\d+)", answer.headers["location"]).group(1)  # type: ignore[attr-defined,union-attr]
    page = am.get(f"/step-in/{ref}")
    assert (
        page.status_code == 200
        and "Vergadering vastleggen" in page.text
        and "Beoordeling vastleggen" not in page.text
    )
    assert "Vergadering vastleggen" not in dcm.get(f"/step-in/{ref}").text
    assert "uiterlijk" in page.text and top in page.text  # the meeting's last day and the escalation

    before = trail_length(site)
    refused = post(am, f"/step-in/{ref}", f"/step-in/{ref}/close", results="klaar")
    assert refused.status_code == 409 and "B2 §6" in refused.text  # type: ignore[attr-defined]
    assert "Er is niets gewijzigd" in refused.text and trail_length(site) == before  # type: ignore[attr-defined]

    held = site.clock.now().date().isoformat()
    answer = post(am, f"/step-in/{ref}", f"/step-in/{ref}/meeting", held=held, minutes="Plan van aanpak")
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    page = cat.get(f"/step-in/{ref}")
    assert (
        "Plan van aanpak" in page.text
        and "Beoordeling vastleggen" in page.text
        and "vergadering 1 vastgelegd" in page.text  # the timeline in words
    )
    answer = post(cat, f"/step-in/{ref}", f"/step-in/{ref}/assess", verdict="solved", reason="Op norm")
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    assert signed_in(site, "oam@other.example").get(f"/step-in/{ref}").status_code == 404


def test_a_step_in_request_without_the_culpability_choice_is_refused_on_the_contract_page(site: Ctx) -> None:
    top = escalate_to_top(site)
    cat = signed_in(site, "cat@example.org")
    before = trail_length(site)
    answer = post(cat, "/contracten/LF", "/contracten/LF/step-in", reason="x", escalations=top)
    assert answer.status_code == 400 and "B2 §6" in answer.text  # type: ignore[attr-defined]
    assert trail_length(site) == before


def missed_delivery(ctx: Ctx) -> str:
    kpis.record(
        ctx,
        actor_key="dcm",
        contract_key="LF",
        kpi="delivery",
        period="2026-02",
        value="90",
        participant="Belastingdienst",
    )
    evaluate_period(ctx, actor_key="dcm", contract_key="LF", period="2026-02")
    return str(list_sanctions(ctx, contract_key="LF")[-1]["sanction"])


def test_a_sanction_is_found_heard_and_decided_on_its_page_and_refused_without_a_finding(site: Ctx) -> None:
    ref = missed_delivery(site)
    cat, am = signed_in(site, "cat@example.org"), signed_in(site, "am@example.org")
    page = cat.get(f"/sancties/{ref}")
    assert page.status_code == 200 and "Bevinding vastleggen" in page.text and "S1, S2, S3, S5" in page.text
    assert "Bevinding vastleggen" not in am.get(f"/sancties/{ref}").text

    before = trail_length(site)
    refused = post(cat, f"/sancties/{ref}", f"/sancties/{ref}/apply", reason="norm gemist")
    assert refused.status_code == 409 and "B2 §5" in refused.text and trail_length(site) == before  # type: ignore[attr-defined]

    answer = post(
        cat,
        f"/sancties/{ref}",
        f"/sancties/{ref}/propose",
        culpability="culpable",
        finding="Voorraadplanning faalde",
        codes="S1",
    )
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    page = am.get(f"/sancties/{ref}")
    assert "Opdrachtnemer kan reageren tot en met" in page.text and "Reactie vastleggen" in page.text
    answer = post(am, f"/sancties/{ref}", f"/sancties/{ref}/respond", text="Tijdelijke uitval van een depot")
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    answer = post(cat, f"/sancties/{ref}", f"/sancties/{ref}/apply", reason="Gehoord; sanctie blijft")
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    page = cat.get(f"/sancties/{ref}")
    assert (
        "<dd>opgelegd</dd>" in page.text
        and "Tijdelijke uitval van een depot" in page.text
        and "sanctie opgelegd [voorgesteld → opgelegd]" in page.text
    )
    assert signed_in(site, "oam@other.example").get(f"/sancties/{ref}").status_code == 404


def test_a_verdict_page_shows_its_explanation_inputs_and_sanction(site: Ctx) -> None:
    sanction = missed_delivery(site)
    verdict = str(list_sanctions(site, contract_key="LF")[-1]["verdict"])
    page = signed_in(site, "cat@example.org").get(f"/kpi-oordelen/{verdict}")
    assert page.status_code == 200 and "norm niet gehaald" in page.text and sanction in page.text
    assert "B2 §2" in page.text and "90" in page.text
    contract = signed_in(site, "cat@example.org").get("/contracten/LF?kpi=delivery")
    assert verdict in contract.text and sanction in contract.text
    assert signed_in(site, "oam@other.example").get(f"/kpi-oordelen/{verdict}").status_code == 404


def test_the_month_view_shows_what_falls_due_each_day_and_moves_by_month(site: Ctx) -> None:
    case = str(
        esc.open_escalation(
            site,
            actor_key="dcm",
            contract_key="LF",
            subject="Levertijd",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
    )
    due = [d for d in esc_deadlines(site) if d["case"] == case][0]["due"]
    am = signed_in(site, "am@example.org")
    page = am.get(f"/maand?m={due[:7]}")
    assert page.status_code == 200 and f"/escalaties/{case}" in page.text
    assert re.search(r'rel="next"', page.text) and re.search(r'rel="prev"', page.text)
    later = am.get(f"/maand?m={date.fromisoformat(due).year + 1}-01")
    assert f"/escalaties/{case}" not in later.text
    contract = am.get(f"/contracten/LF/maand?m={due[:7]}")
    assert f"/escalaties/{case}" in contract.text
    assert am.get("/maand?m=garbage").status_code == 200  # an unreadable month shows this month
    assert signed_in(site, "oam@other.example").get("/contracten/LF/maand").status_code == 404


def esc_deadlines(ctx: Ctx) -> list[dict[str, str]]:
    from escalation_engine.core.deadlines import list_deadlines

    return list_deadlines(ctx, contract_key="LF")


def test_the_contract_page_shows_escalations_a_page_at_a_time(
    site: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contracts, "PAGE", 2)
    made = [
        str(
            esc.open_escalation(
                site,
                actor_key="dcm",
                contract_key="LF",
                subject=f"Zaak {n}",
                norm=None,
                participant=None,
                threatened=False,
            )["case"]
        )
        for n in range(5)
    ]
    cat = signed_in(site, "cat@example.org")
    seen = []
    for number in (1, 2, 3):
        page = cat.get(f"/contracten/LF?pagina={number}")
        section = page.text.split('id="escalaties"')[1].split('id="plannen"')[0]
        seen += re.findall(r'<td><a href="/escalaties/(ESC-\d+)"', section)
        assert ('rel="next"' in page.text) == (number < 3)
    assert sorted(seen) == sorted(made)


def test_after_the_response_window_passed_the_case_page_still_offers_respond_and_assess(site: Ctx) -> None:
    from datetime import timedelta

    from escalation_engine.core.clock import FixedClock
    from escalation_engine.core.timers import process_due

    case = str(
        esc.open_escalation(
            site,
            actor_key="dcm",
            contract_key="LF",
            subject="Geen reactie",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
    )
    assert isinstance(site.clock, FixedClock)
    site.clock.advance(timedelta(days=8))
    process_due(site)
    assert esc_state(site, case) == "no_response"
    anna, dirk, carla = (signed_in(site, f"{who}@example.org") for who in ("am", "dcm", "cat"))
    assert "Reactie vastleggen" in anna.get(f"/escalaties/{case}").text
    assert "Beoordeling vastleggen" in dirk.get(f"/escalaties/{case}").text
    assert "Opschalen" not in carla.get(f"/escalaties/{case}").text  # raising needs an insufficient verdict
    answer = post(
        dirk, f"/escalaties/{case}", f"/escalaties/{case}/assess", verdict="insufficient", reason="stil"
    )
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    assert "Opschalen" in carla.get(f"/escalaties/{case}").text


def esc_state(ctx: Ctx, case: str) -> str:
    from escalation_engine.procedures.ladder.queries import show_escalation

    return str(show_escalation(ctx, case)["state"])


def test_every_kind_of_case_has_a_page_and_mail_links_point_to_it(
    site: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    from escalation_engine.core.notice_texts import link_to
    from escalation_engine.core.refs import PREFIXES, WEB_PAGES

    assert set(PREFIXES.values()) == set(WEB_PAGES)
    routes = {getattr(r, "path", "") for r in create_app(site.db, clock=site.clock).routes}
    for path in WEB_PAGES.values():
        assert f"{path}{{ref}}" in routes
    monkeypatch.setenv("ESCALATION_ENGINE_BASE_URL", "https://contracten.example.nl/")
    assert link_to("SAN-4", "LF") == "https://contracten.example.nl/sancties/SAN-4"
    assert link_to(None, "LF") == "https://contracten.example.nl/contracten/LF"


def test_an_improvement_plan_is_opened_from_the_contract_page_by_the_profiles_roles(site: Ctx) -> None:
    cat, am = signed_in(site, "cat@example.org"), signed_in(site, "am@example.org")
    assert "Een verbeterplan openen" in cat.get("/contracten/LF").text
    assert "Een verbeterplan openen" not in am.get("/contracten/LF").text  # the supplier does not open plans
    before = trail_length(site)
    refused = post(cat, "/contracten/LF", "/contracten/LF/plannen", trigger="kpi", subject="Levertijden")
    assert refused.status_code == 400 and "--kpi" in refused.text and trail_length(site) == before  # type: ignore[attr-defined]
    answer = post(
        cat, "/contracten/LF", "/contracten/LF/plannen", trigger="requirements", subject="Levertijden"
    )
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    plan = re.search(r"/plannen/(PLAN-\d+)", answer.headers["location"]).group(1)  # type: ignore[attr-defined,union-attr]
    page = cat.get(f"/plannen/{plan}")
    assert page.status_code == 200 and "Levertijden" in page.text and "verbeterplan geopend" in page.text
    answer = post(am, "/contracten/LF", "/contracten/LF/plannen", trigger="requirements", subject="Zelf")
    assert answer.status_code == 409 and "B2 §5.2" in answer.text  # type: ignore[attr-defined]

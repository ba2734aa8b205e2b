"""Step-in, sanctions, KPI verdicts and the month view in a real browser, each page checked with axe-core:
the category requests step-in from the contract page, the supplier records the management-team meeting, the
category finds culpability on a sanction and the supplier responds; the month view in Dutch and English."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import BACKENDS, axe, chromium, database, person, require_browser, serving
from stepin_support import escalate_to_top
from web_support import shared_world

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import SystemClock
from escalation_engine.core.db import Database
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.sanction_views import list_sanctions

api = require_browser()


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str]]]:
    with database(request.param, tmp_path_factory.mktemp("web")) as db:
        yield from _world(db)


def _world(db: Database) -> Iterator[tuple[str, dict[str, str]]]:
    ctx = Ctx(db=db)
    shared_world(ctx)
    refs = {"top": escalate_to_top(ctx)}
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
    last = list_sanctions(ctx, contract_key="LF")[-1]
    refs |= {"sanction": str(last["sanction"]), "verdict": str(last["verdict"])}
    with serving(db) as url:
        yield url, refs


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(api) as running:
        yield running


def test_step_in_from_the_contract_page_to_the_meeting_in_two_browsers(browser: Any, world: Any) -> None:
    server, refs = world
    carla = person(browser, server, "cat@example.org")
    carla.goto(f"{server}/contracten/LF")
    axe(carla)
    carla.get_by_text("Step-in aanvragen", exact=True).first.click()  # opens the folded form
    carla.get_by_label("De problemen die na herhaaldelijke escalaties niet zijn opgelost").fill("Onder 95 %")
    carla.get_by_label("De escalaties (bijvoorbeeld ESC-1, ESC-4)").fill(refs["top"])
    carla.get_by_label("Ja: step-in").check()
    carla.get_by_role("button", name="Step-in aanvragen").click()
    carla.wait_for_url("**/step-in/STEP-**")
    step_url = carla.url.split("?")[0]
    assert "Vastgelegd." in carla.content()
    axe(carla)

    anna = person(browser, server, "am@example.org")
    anna.goto(step_url)
    anna.get_by_label("Datum van de vergadering van het managementteam").fill(
        SystemClock().now().date().isoformat()
    )
    anna.get_by_label("Verslag").fill("Extra fietsen uit het centrale depot")
    anna.get_by_role("button", name="Vergadering vastleggen").click()
    anna.wait_for_url("**done=1**")
    assert "Extra fietsen uit het centrale depot" in anna.inner_text("main")
    axe(anna)


def test_a_sanction_and_its_verdict_in_the_browser(browser: Any, world: Any) -> None:
    server, refs = world
    carla = person(browser, server, "cat@example.org")
    carla.goto(f"{server}/sancties/{refs['sanction']}")
    axe(carla)  # every form of the category on one page
    carla.get_by_label("Verwijtbaar", exact=True).check()
    carla.get_by_label("Onderbouwing", exact=True).fill("De voorraadplanning faalde")
    carla.get_by_role("button", name="Bevinding vastleggen").click()
    carla.wait_for_url("**done=1**")
    axe(carla)
    anna = person(browser, server, "am@example.org")
    anna.goto(f"{server}/sancties/{refs['sanction']}")
    anna.get_by_label("Uw reactie op de voorgestelde sanctie").fill("Een depot viel tijdelijk uit")
    anna.get_by_role("button", name="Reactie vastleggen").click()
    anna.wait_for_url("**done=1**")
    axe(anna)
    carla.goto(f"{server}/kpi-oordelen/{refs['verdict']}")
    assert "norm niet gehaald" in carla.inner_text("main")
    axe(carla)


def test_the_month_view_in_dutch_and_english(browser: Any, world: Any) -> None:
    server, _ = world
    anna = person(browser, server, "am@example.org")
    anna.goto(f"{server}/maand?m=2026-03")
    assert "maart 2026" in anna.inner_text("h1")
    axe(anna)
    anna.get_by_role("link", name="Volgende maand").click()
    assert "april 2026" in anna.inner_text("h1")
    anna.goto(f"{server}/contracten/LF/maand?m=2026-03&lang=en")
    assert anna.get_attribute("html", "lang") == "en" and "March 2026" in anna.inner_text("h1")
    axe(anna)


def test_the_escalation_filter_swaps_the_list_in_place_with_htmx(browser: Any, world: Any) -> None:
    server, refs = world
    carla = person(browser, server, "cat@example.org")
    carla.goto(f"{server}/contracten/LF")
    carla.evaluate("window.notReloaded = true")
    assert refs["top"] in carla.inner_text("#escalaties-blok")
    carla.select_option("#state", "closed")
    carla.get_by_role("button", name="Filteren").first.click()
    carla.wait_for_url("**state=closed**")
    carla.wait_for_function(
        "(ref) => !document.querySelector('#escalaties-blok').innerText.includes(ref)", arg=refs["top"]
    )
    assert carla.evaluate("window.notReloaded") is True  # the list was swapped, the page not reloaded
    assert "Geen escalaties met deze filters." in carla.inner_text("#escalaties-blok")
    axe(carla)
    carla.go_back()
    carla.wait_for_url(f"{server}/contracten/LF")

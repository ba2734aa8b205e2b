"""The web application in a real browser (Debian's Chromium through Playwright): a whole escalation as three
people in three browser contexts, a refusal on the page, the audit page, the keyboard alone, and axe-core on
every page (zero WCAG 2.1 A/AA violations). Skipped, with the reason, where Chromium or axe-core is missing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import BACKENDS, chromium, database, person, require_browser, serving
from browser_support import axe as _axe
from web_support import PASSWORD, shared_world

from escalation_engine.app.context import Ctx

playwright_api = require_browser()


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with database(request.param, tmp_path_factory.mktemp("web")) as db:
        shared_world(Ctx(db=db))
        with serving(db) as url:
            yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(playwright_api) as running:
        yield running


def _person(browser: Any, server: str, email: str) -> Any:
    return person(browser, server, email)


def test_a_whole_escalation_as_three_people_in_three_browsers(browser: Any, server: str) -> None:
    dirk = _person(browser, server, "dcm@example.org")
    dirk.goto(f"{server}/contracten/LF")
    _axe(dirk)
    dirk.get_by_label("Onderwerp", exact=True).fill("Leveringen <b>te laat</b>")
    dirk.get_by_role("button", name="Escalatie openen").click()
    dirk.wait_for_url("**/escalaties/ESC-*")
    case_url = dirk.url.split("?")[0]
    assert "Vastgelegd." in dirk.content()
    _axe(dirk)

    anna = _person(browser, server, "am@example.org")
    assert "Leveringen <b>te laat</b>" in anna.inner_text("main")  # shown as text, on her work list
    anna.goto(case_url)
    anna.get_by_label("Uw reactie").fill("Twee extra planners vanaf maandag")
    anna.get_by_role("button", name="Reactie vastleggen").click()
    anna.wait_for_url("**done=1**")
    _axe(anna)

    dirk.goto(case_url)
    dirk.get_by_label("Voldoende", exact=True).check()
    dirk.get_by_label("Toelichting").fill("Binnen een week op norm")
    dirk.get_by_role("button", name="Beoordeling vastleggen").click()
    dirk.wait_for_url("**done=1**")

    carla = _person(browser, server, "cat@example.org")
    carla.goto(case_url)
    carla.get_by_label("Maatregelen").fill("Extra planners")
    carla.get_by_role("button", name="Escalatie afsluiten").click()  # results and lessons missing: refused
    refusal = carla.get_by_role("alert")
    assert "Niet uitgevoerd" in refusal.inner_text() and "Er is niets gewijzigd." in refusal.inner_text()
    _axe(carla)
    carla.goto(f"{server}/audit?case=" + case_url.rsplit("/", 1)[1])
    text = carla.inner_text("main")
    assert "escalation.open" in text and "escalation.respond" in text and "am@example.org" in text
    _axe(carla)


def test_the_sign_in_page_works_with_the_keyboard_alone(browser: Any, server: str) -> None:
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{server}/aanmelden")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Naar de inhoud"
    page.focus("#email")
    page.keyboard.type("sm@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/")
    assert "Mijn werk" in page.inner_text("h1")


def test_the_accessibility_statement_and_english_pages_pass_axe(browser: Any, server: str) -> None:
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(f"{server}/toegankelijkheid")
    _axe(page)
    page.goto(f"{server}/aanmelden?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    _axe(page)


def test_the_csp_blocks_inline_script_in_the_browser(browser: Any, server: str) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{server}/aanmelden")
    with pytest.raises(playwright_api.Error, match="Content Security Policy"):
        page.add_script_tag(content="window.injected = 1")
    assert page.evaluate("typeof htmx") == "object"  # the package's own script is served and allowed

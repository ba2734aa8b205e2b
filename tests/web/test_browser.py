"""The web application in a real browser (Debian's Chromium through Playwright): a whole escalation as three
people in three browser contexts, a refusal on the page, the audit page, the keyboard alone, and axe-core on
every page (zero WCAG 2.1 A/AA violations). Skipped, with the reason, where Chromium or axe-core is missing."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_support import PASSWORD, shared_world

from escalation_engine.app.context import Ctx
from escalation_engine.core.db import Database
from escalation_engine.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ESCALATION_ENGINE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(
    os.environ.get("ESCALATION_ENGINE_AXE", ROOT / ".ci" / "axe" / "node_modules" / "axe-core" / "axe.min.js")
)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')"
)
if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)
if not AXE.exists():
    pytest.skip(
        f"axe-core not found at {AXE} (npm install --prefix .ci/axe axe-core@4.14)", allow_module_level=True
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    db = Database(f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}")
    db.upgrade()
    shared_world(Ctx(db=db))
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "the web server did not start"
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _axe(page: Any) -> None:
    """axe-core is injected as an inline script: the contexts bypass the CSP for it (the CSP itself is tested
    at the HTTP level and by test_the_csp_blocks_inline_script_in_the_browser)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == [], f"{page.url}: {violations}"


def _person(browser: Any, server: str, email: str) -> Any:
    page = browser.new_context(locale="nl-NL", bypass_csp=True).new_page()
    page.goto(f"{server}/")
    assert "/aanmelden" in page.url
    _axe(page)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(f"{server}/")
    _axe(page)
    return page


def test_a_whole_escalation_as_three_people_in_three_browsers(browser: Any, server: str) -> None:
    dirk = _person(browser, server, "dcm@example.org")
    dirk.goto(f"{server}/contracten/LF")
    _axe(dirk)
    dirk.get_by_label("Onderwerp").fill("Leveringen <b>te laat</b>")
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

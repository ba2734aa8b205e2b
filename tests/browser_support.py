"""Real-browser tests: Debian's Chromium through Playwright, the web app under uvicorn on a free loopback port,
axe-core injected into every page (zero WCAG 2.1 A/AA violations), and a signed-in person per context.
`require_browser()` skips the calling test module, with the reason, where Chromium, Playwright or axe-core is
missing."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from web_support import PASSWORD

from escalation_engine.core.db import Database
from escalation_engine.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ESCALATION_ENGINE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(
    os.environ.get("ESCALATION_ENGINE_AXE", ROOT / ".ci" / "axe" / "node_modules" / "axe-core" / "axe.min.js")
)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require_browser() -> Any:
    """The Playwright sync API; skips the module where the browser or axe-core is missing."""
    api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')"
    )
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)
    if not AXE.exists():
        pytest.skip(
            f"axe-core not found at {AXE} (npm install --prefix .ci/axe axe-core@4.14)",
            allow_module_level=True,
        )
    return api


PG_URL = os.environ.get("ESCALATION_ENGINE_TEST_PG")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not PG_URL, reason="ESCALATION_ENGINE_TEST_PG not set"),
        ],
    ),
]


@contextmanager
def database(backend: str, folder: Path) -> Iterator[Database]:
    """A new engine database for a browser test module: a SQLite file, or a PostgreSQL schema of its own
    (dropped after)."""
    if backend == "sqlite":
        db = Database(f"sqlite:///{folder / 'web.db'}")
        db.upgrade()
        try:
            yield db
        finally:
            db.dispose()
        return
    import uuid

    from sqlalchemy import create_engine, text

    from escalation_engine.core.db import normalise_url

    assert PG_URL is not None
    schema = f"w_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    db = Database(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    try:
        db.upgrade()
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(db: Database) -> Iterator[str]:
    """The web app on `db`, served by uvicorn in a thread; yields its base URL."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "the web server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium(api: Any) -> Iterator[Any]:
    with api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def axe(page: Any) -> None:
    """axe-core is injected as an inline script: the contexts bypass the CSP for it (the CSP itself is tested
    at the HTTP level and by test_the_csp_blocks_inline_script_in_the_browser)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == [], f"{page.url}: {violations}"


def person(browser: Any, server: str, email: str) -> Any:
    """A new browser context signed in as `email`, axe-checked on the sign-in page and on My work."""
    page = browser.new_context(locale="nl-NL", bypass_csp=True).new_page()
    page.goto(f"{server}/")
    assert "/aanmelden" in page.url
    axe(page)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(f"{server}/")
    axe(page)
    return page

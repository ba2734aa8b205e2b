"""The server's own time per page, for the web benchmark: a `Server-Timing` header only when asked for."""

from __future__ import annotations

from starlette.testclient import TestClient

from escalation_engine.app.context import Ctx
from escalation_engine.web.app import create_app
from escalation_engine.web.server_timing import server_ms


def test_a_page_tells_its_server_time_only_when_the_application_is_asked_to(ctx: Ctx) -> None:
    timed = TestClient(create_app(ctx.db, clock=ctx.clock, server_timing=True)).get("/aanmelden")
    ms = server_ms(timed.headers.get("server-timing"))
    assert timed.status_code == 200 and ms is not None and 0 < ms < 60_000
    plain = TestClient(create_app(ctx.db, clock=ctx.clock)).get("/aanmelden")
    assert plain.status_code == 200 and "server-timing" not in plain.headers


def test_the_server_time_is_read_from_its_header() -> None:
    assert server_ms("app;dur=12.50") == 12.5
    assert server_ms("db;dur=3, app;dur=7") == 7.0
    assert server_ms(None) is None and server_ms("db;dur=3") is None

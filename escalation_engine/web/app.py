"""The ASGI application (Starlette): routes, static files (htmx served from the package), security headers.

`create_app(database)` builds it; `escalation-engine serve` runs it under uvicorn on 127.0.0.1 with the
timer daemon in the same process, after `settle()`."""

from __future__ import annotations

import gc
import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from escalation_engine.core.clock import Clock, SystemClock
from escalation_engine.core.db import Database
from escalation_engine.web import (
    agenda,
    audit_pages,
    contracts,
    imports,
    kpis,
    ladder,
    month,
    obligations,
    plans,
    signin,
    sso,
    step_in,
    work,
)
from escalation_engine.web.base import Req, Site, page
from escalation_engine.web.security import SecurityHeaders
from escalation_engine.web.server_timing import ServerTiming

STATIC = Path(__file__).resolve().parent / "static"


def _accessibility(req: Req) -> Response:
    return req.page("accessibility.html", title=req.t("Toegankelijkheid"))


def _server_secret(db: Database) -> str:
    """The key of the CSRF tokens: made once per database, kept in its settings."""
    from escalation_engine.accounts.mode import setting_or_new

    with db.write() as session:
        return setting_or_new(session, "web_secret", lambda: secrets.token_urlsafe(32))


def create_app(
    db: Database, *, clock: Clock | None = None, secure_cookies: bool = False, server_timing: bool = False
) -> Starlette:
    """The web application on `db`; `server_timing` adds each response's server time as a header
    (`web.server_timing`, for the benchmark)."""
    site = Site(db=db, clock=clock or SystemClock(), secret=_server_secret(db), secure_cookies=secure_cookies)

    def get(path: str, handler: object, **kw: bool) -> Route:
        return Route(path, page(site, handler, **kw), methods=["GET"])  # type: ignore[arg-type]

    def post(path: str, handler: object, **kw: bool) -> Route:
        return Route(path, page(site, handler, **kw), methods=["POST"])  # type: ignore[arg-type]

    routes = [
        get("/", work.my_work),
        get("/aanmelden", signin.signin_form, signed_in=False),
        post("/aanmelden", signin.signin_post, signed_in=False),
        post("/afmelden", signin.signout, signed_in=False),
        get("/aanmelden/sso", sso.go, signed_in=False),
        get("/aanmelden/sso/terug", sso.back, signed_in=False),
        Route(
            "/uitnodiging/{secret}", page(site, signin.invitation, signed_in=False), methods=["GET", "POST"]
        ),
        Route(
            "/wachtwoord-herstellen/{secret}",
            page(site, signin.reset, signed_in=False),
            methods=["GET", "POST"],
        ),
        Route("/wachtwoord-vergeten", page(site, signin.forgot, signed_in=False), methods=["GET", "POST"]),
        get("/toegankelijkheid", _accessibility, signed_in=False),
        get("/contracten", contracts.contracts_page),
        get("/contracten/{key}", contracts.contract_page),
        post("/contracten/{key}/escalaties", ladder.open_case),
        get("/contracten/{key}/import", imports.import_page),
        post("/contracten/{key}/import", imports.import_post),
        get("/escalaties/{ref}", ladder.escalation_page),
        post("/escalaties/{ref}/{action}", ladder.act),
        get("/plannen/{ref}", plans.plan_page),
        post("/plannen/{ref}/{action}", plans.plan_act),
        post("/contracten/{key}/step-in", contracts.request_case),
        post("/contracten/{key}/plannen", contracts.open_plan_case),
        get("/contracten/{key}/maand", month.contract_month),
        get("/maand", month.my_month),
        get("/step-in/{ref}", step_in.step_in_page),
        post("/step-in/{ref}/{action}", step_in.step_in_act),
        get("/kpi-oordelen/{ref}", kpis.verdict_page),
        post("/kpi-oordelen/{ref}/{action}", kpis.verdict_act),
        get("/sancties/{ref}", kpis.sanction_page),
        post("/sancties/{ref}/{action}", kpis.sanction_act),
        get("/verplichtingen/{ref}", obligations.obligation_page),
        post("/verplichtingen/{ref}/{action}", obligations.obligation_act),
        get("/agenda", agenda.agenda_page),
        post("/agenda/nieuw", agenda.agenda_new),
        Route("/agenda/{secret}.ics", agenda.feed(site), methods=["GET"]),
        get("/audit", audit_pages.audit_page),
        get("/audit.csv", audit_pages.audit_csv),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    not_found = page(site, _not_found, signed_in=False)

    async def missing(request: Request, exc: Exception) -> Response:
        return await not_found(request)  # type: ignore[no-any-return]

    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), *([Middleware(ServerTiming)] if server_timing else [])],
        exception_handlers={404: missing, 405: missing},
    )


def settle() -> None:
    """Once the server has started: keep what the process holds by then (modules, tables, the app) out of
    the garbage collector's full passes. A full pass over those ~150,000 objects held up the page it fell on
    by 50-280 ms about once in 75 pages; over what is made after start-up it takes a few ms. What was
    frozen is still freed when nothing refers to it; only a reference cycle among it would stay."""
    gc.collect()
    gc.freeze()


def _not_found(req: Req) -> Response:
    return req.page(
        "error.html",
        status=404,
        title=req.t("Niet gevonden"),
        message=req.t("Deze pagina bestaat niet, of u mag haar niet zien."),
    )

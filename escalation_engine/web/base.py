"""The plumbing every page shares: who is signed in, the language, the CSRF token, the engine's refusals shown
on the page (what the CLI prints, in the page's language), "not found" for what the person may not see, and no
trace ever."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from escalation_engine.accounts import sessions
from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import Clock, SystemClock
from escalation_engine.core.db import Database
from escalation_engine.core.errors import EngineError, NotFound
from escalation_engine.core.principal import Principal, acting
from escalation_engine.web.render import LANGUAGES, gettext_for, render
from escalation_engine.web.security import CSRF_COOKIE, browser_secret, csrf_ok, csrf_token

LOG = logging.getLogger("escalation_engine.web")
LANG_COOKIE = "ee_lang"


@dataclass
class Site:
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    secure_cookies: bool = False

    def ctx(self) -> Ctx:
        return Ctx(db=self.db, clock=self.clock)


@dataclass
class Req:
    """One request as a page sees it."""

    request: Request
    site: Site
    ctx: Ctx
    principal: Principal | None
    lang: str
    csrf: str
    new_browser: str | None = None
    data: dict[str, str] = field(default_factory=dict)

    def page(self, template: str, status: int = 200, **values: Any) -> Response:
        from escalation_engine.accounts.oidc import Provider

        provider = Provider.from_environment()
        html = render(
            self.lang,
            template,
            principal=self.principal,
            csrf=self.csrf,
            path=self.request.url.path,
            sso=provider.label if provider else None,
            **values,
        )
        return self.finish(HTMLResponse(html, status_code=status))

    def finish(self, response: Response) -> Response:
        if self.new_browser:
            response.set_cookie(
                CSRF_COOKIE,
                self.new_browser,
                httponly=True,
                samesite="strict",
                secure=self.site.secure_cookies,
                path="/",
            )
        return response

    def redirect(self, url: str) -> Response:
        return self.finish(RedirectResponse(url, status_code=303))

    def t(self, text: str) -> str:
        return gettext_for(self.lang).gettext(text)

    def field(self, name: str) -> str:
        return self.data.get(name, "")


Handler = Callable[[Req], Any]


def refusal_status(exc: EngineError) -> int:
    """The HTTP status of a refusal shown on its page: 400 for bad input (exit 2), else 409."""
    return 400 if exc.exit_code == 2 else 409


def _language(request: Request, principal: Principal | None, ctx: Ctx) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGUAGES:
        return str(asked)
    if principal is not None and principal.language in LANGUAGES:
        return str(principal.language)  # read with the session's account: no second read
    return "nl"


def page(
    site: Site, handler: Callable[[Req], Response], *, signed_in: bool = True
) -> Callable[[Request], Any]:
    """An endpoint: resolves the session, checks CSRF on POST, acts as the principal, maps refusals. The
    handler runs in a worker thread (the engine's actions are synchronous), with the principal set there."""

    async def endpoint(request: Request) -> Response:
        data: dict[str, str] = {}
        if request.method == "POST":
            form = await request.form()
            data = {k: v for k, v in form.items() if isinstance(v, str)}
            uploads = [(k, v) for k, v in form.items() if not isinstance(v, str)]
            if uploads:
                data["filename"] = uploads[0][1].filename or ""
            request.state.files = {k: await v.read() for k, v in uploads}
            await form.close()
        return await run_in_threadpool(_handle, site, handler, request, data, signed_in)

    return endpoint


def _reading(site: Site, request: Request, signed_in: bool) -> AbstractContextManager[None]:
    """A signed-in page (GET) reads in one snapshot; a form (POST) writes, then reads what it wrote; the
    sign-in pages may write on GET (single sign-on's return) and read as they go."""
    return site.db.snapshot() if request.method == "GET" and signed_in else nullcontext()


def _handle(
    site: Site, handler: Callable[[Req], Response], request: Request, data: dict[str, str], signed_in: bool
) -> Response:
    ctx = site.ctx()
    principal = sessions.resume(ctx, request.cookies.get(sessions.SESSION_COOKIE))
    browser, new = browser_secret(request)
    req = Req(
        request,
        site,
        ctx,
        principal,
        _language(request, principal, ctx),
        csrf_token(site.secret, browser),
        browser if new else None,
        data,
    )
    if signed_in and principal is None:
        return req.redirect(f"/aanmelden?next={quote(request.url.path)}")
    if request.method == "POST":
        submitted = request.headers.get("x-csrf-token") or data.get("csrf")
        if new or not csrf_ok(site.secret, request, submitted):
            return req.page(
                "error.html",
                status=403,
                title=req.t("Verzoek geweigerd"),
                message=req.t(
                    "Dit formulier is verlopen of komt niet van deze site. Laad de pagina opnieuw."
                ),
            )
    try:
        with acting(principal), _reading(site, request, signed_in):
            return handler(req)
    except NotFound:
        return req.page(
            "error.html",
            status=404,
            title=req.t("Niet gevonden"),
            message=req.t("Deze pagina bestaat niet, of u mag haar niet zien."),
        )
    except EngineError as exc:  # a refusal outside a form (forms show it themselves)
        return req.page(
            "error.html",
            status=refusal_status(exc),
            title=req.t("Geweigerd"),
            message=exc.message,
        )
    except Exception:
        LOG.exception("internal fault on %s", request.url.path)
        return req.page(
            "error.html",
            status=500,
            title=req.t("Er ging iets mis"),
            message=req.t(
                "Er ging iets mis aan onze kant. Er is niets gewijzigd; probeer het later opnieuw."
            ),
        )

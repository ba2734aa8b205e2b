"""Signing in and out, setting a password from an invitation or reset link, and asking for a reset."""

from __future__ import annotations

import contextlib
import time

from starlette.responses import Response

from escalation_engine.accounts import sessions
from escalation_engine.accounts.invitations import request_reset
from escalation_engine.accounts.passwords import set_password, sign_in
from escalation_engine.core.errors import EngineError
from escalation_engine.web.base import Req
from escalation_engine.web.render import local


def _next(value: str) -> str:
    """Only a path on this site (never `//host` or a full URL): no open redirect."""
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"


def signin_form(req: Req) -> Response:
    if req.principal is not None:
        return req.redirect("/")
    return req.page(
        "signin.html",
        title=req.t("Aanmelden"),
        next=_next(req.request.query_params.get("next", "/")),
        email="",
        problem=None,
    )


def signin_post(req: Req) -> Response:
    email, password = req.field("email"), req.field("password")
    answer = sign_in(req.ctx, email=email, password=password)
    if answer.principal is None:
        time.sleep(answer.delay_s)  # the slow-down after repeated failures
        problem = req.t("Het e-mailadres of het wachtwoord klopt niet.")
        if answer.locked_until is not None:
            problem = (
                req.t("Te veel mislukte pogingen: dit account is tijdelijk geblokkeerd tot")
                + " "
                + local(answer.locked_until.isoformat())
                + "."
            )
        return req.page(
            "signin.html",
            status=401,
            title=req.t("Aanmelden"),
            next=_next(req.field("next")),
            email=email,
            problem=problem,
        )
    secret = sessions.start(req.ctx, answer.principal)
    response = req.redirect(_next(req.field("next")))
    response.set_cookie(
        sessions.SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="lax",
        secure=req.site.secure_cookies,
        path="/",
        max_age=int(sessions.LIFETIME.total_seconds()),
    )
    return response


def signout(req: Req) -> Response:
    sessions.end(req.ctx, req.request.cookies.get(sessions.SESSION_COOKIE))
    response = req.redirect("/aanmelden")
    response.delete_cookie(sessions.SESSION_COOKIE, path="/")
    return response


def _password_page(req: Req, title: str) -> Response:
    if req.request.method == "GET":
        return req.page("set_password.html", title=title, problem=None)
    try:
        set_password(req.ctx, link_secret=req.request.path_params["secret"], password=req.field("password"))
    except EngineError as exc:
        return req.page("set_password.html", status=400, title=title, problem=exc.message)
    return req.redirect("/aanmelden")


def invitation(req: Req) -> Response:
    return _password_page(req, req.t("Welkom: stel uw wachtwoord in"))


def reset(req: Req) -> Response:
    return _password_page(req, req.t("Nieuw wachtwoord instellen"))


def forgot(req: Req) -> Response:
    if req.request.method == "GET":
        return req.page("forgot.html", title=req.t("Wachtwoord vergeten"), sent=False)
    with contextlib.suppress(
        EngineError
    ):  # the same answer for every address: nothing to learn about who has one
        request_reset(req.ctx, email=req.field("email"))
    return req.page("forgot.html", title=req.t("Wachtwoord vergeten"), sent=True)

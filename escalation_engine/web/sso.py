"""Single sign-on (OpenID Connect) pages: away to the provider, and back with a code that becomes a session.

What the round trip needs (state, nonce, PKCE verifier, the page to return to) travels in a short-lived cookie
signed with the site's secret, so nobody can start a sign-in in someone else's browser."""

from __future__ import annotations

import hashlib
import hmac
import json
from base64 import urlsafe_b64decode, urlsafe_b64encode

from starlette.responses import RedirectResponse, Response

from escalation_engine.accounts import oidc, sessions
from escalation_engine.accounts.invitations import base_url
from escalation_engine.core.errors import EngineError, NotFound
from escalation_engine.web.base import Req
from escalation_engine.web.signin import _next

COOKIE = "ee_oidc"
CALLBACK = "/aanmelden/sso/terug"


def _sign(secret: str, data: dict[str, str]) -> str:
    body = urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode()
    mac = hmac.new(secret.encode(), f"oidc:{body}".encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def _unsign(secret: str, value: str | None) -> dict[str, str] | None:
    if not value or "." not in value:
        return None
    body, mac = value.rsplit(".", 1)
    if not hmac.compare_digest(
        hmac.new(secret.encode(), f"oidc:{body}".encode(), hashlib.sha256).hexdigest(), mac
    ):
        return None
    return dict(json.loads(urlsafe_b64decode(body.encode())))


def go(req: Req) -> Response:
    provider = oidc.Provider.from_environment()
    if provider is None:
        raise NotFound("single sign-on is not configured")
    begun = oidc.start(provider, base_url() + CALLBACK)
    carried = {
        "state": begun.state,
        "nonce": begun.nonce,
        "verifier": begun.verifier,
        "next": _next(req.request.query_params.get("next", "/")),
    }
    response = req.finish(RedirectResponse(begun.url, status_code=303))
    response.set_cookie(
        COOKIE,
        _sign(req.site.secret, carried),
        max_age=600,
        httponly=True,
        samesite="lax",
        secure=req.site.secure_cookies,
        path=CALLBACK,
    )
    return response


def back(req: Req) -> Response:
    provider = oidc.Provider.from_environment()
    if provider is None:
        raise NotFound("single sign-on is not configured")
    carried = _unsign(req.site.secret, req.request.cookies.get(COOKIE))
    params = req.request.query_params
    problem = None
    if (
        carried is None
        or not hmac.compare_digest(carried["state"], params.get("state", ""))
        or not params.get("code")
    ):
        problem = req.t("Aanmelden via single sign-on is niet gelukt: begin opnieuw.")
    else:
        try:
            principal = oidc.finish(
                req.ctx,
                provider,
                code=params["code"],
                redirect_uri=base_url() + CALLBACK,
                nonce=carried["nonce"],
                verifier=carried["verifier"],
            )
        except EngineError as exc:
            problem = exc.message
    if problem is not None:
        response = req.page(
            "signin.html", status=401, title=req.t("Aanmelden"), next="/", email="", problem=problem
        )
        response.delete_cookie(COOKIE, path=CALLBACK)
        return response
    response = req.redirect(carried["next"] if carried else "/")
    response.delete_cookie(COOKIE, path=CALLBACK)
    response.set_cookie(
        sessions.SESSION_COOKIE,
        sessions.start(req.ctx, principal),
        httponly=True,
        samesite="lax",
        secure=req.site.secure_cookies,
        path="/",
        max_age=int(sessions.LIFETIME.total_seconds()),
    )
    return response

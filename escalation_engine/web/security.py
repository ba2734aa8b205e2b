"""What every response carries (a strict Content-Security-Policy and friends) and the CSRF check of every form.

CSRF: each browser gets a random `ee_csrf` cookie (HttpOnly, SameSite=Strict); a form carries
HMAC(server secret, cookie) as its `csrf` field (htmx sends it as the `X-CSRF-Token` header). A POST without
the matching value is refused (403) before anything runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "ee_csrf"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cache-control": "no-store",
}


class SecurityHeaders:
    """ASGI middleware: the headers above on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def browser_secret(request: Request) -> tuple[str, bool]:
    """The browser's CSRF cookie value, and whether it is new (to be set on the response)."""
    value = request.cookies.get(CSRF_COOKIE)
    if value and 20 <= len(value) <= 100:
        return value, False
    return secrets.token_urlsafe(32), True


def csrf_token(server_secret: str, browser: str) -> str:
    return hmac.new(server_secret.encode(), f"csrf:{browser}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(server_secret: str, request: Request, submitted: str | None) -> bool:
    browser = request.cookies.get(CSRF_COOKIE)
    if not browser or not submitted:
        return False
    return hmac.compare_digest(csrf_token(server_secret, browser), submitted)

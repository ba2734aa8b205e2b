"""OpenID Connect sign-in against a small local provider the test starts (discovery, authorize, token, JWKS):
a verified e-mail of an invited account signs in; an unknown e-mail, a wrong nonce or audience, a token signed
by another key, and a tampered state are refused, and each attempt is audited."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from web_support import shared_world

from escalation_engine.accounts import oidc
from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.web.app import create_app


@dataclass
class Provider:
    """What the provider will say about the next sign-in (the test changes it to make it go wrong)."""

    url: str = ""
    email: str = "am@example.org"
    verified: bool = True
    audience: str = "escalation-engine"
    nonce: str | None = None  # None: echo the one the client sent
    now: float = 0.0  # the instant the provider issues its tokens at (the engine's clock in these tests)
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    signing_key: RSAKey | None = None
    codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def app(self) -> Starlette:
        async def discovery(request: Request) -> JSONResponse:
            return JSONResponse(
                {
                    "issuer": self.url,
                    "authorization_endpoint": f"{self.url}/authorize",
                    "token_endpoint": f"{self.url}/token",
                    "jwks_uri": f"{self.url}/jwks",
                }
            )

        async def authorize(request: Request) -> RedirectResponse:
            q = request.query_params
            assert q["code_challenge_method"] == "S256" and q["code_challenge"]
            code = secrets.token_urlsafe(8)
            self.codes[code] = {"nonce": q["nonce"], "client": q["client_id"]}
            return RedirectResponse(
                f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}", 303
            )

        async def token(request: Request) -> JSONResponse:
            form = await request.form()
            issued = self.codes.pop(str(form["code"]))
            assert form["code_verifier"] and request.headers["authorization"].startswith("Basic ")
            now = int(self.now or time.time())
            claims = {
                "iss": self.url,
                "sub": "u1",
                "aud": self.audience,
                "exp": now + 300,
                "iat": now,
                "nonce": self.nonce or issued["nonce"],
                "email": self.email,
                "email_verified": self.verified,
            }
            signed = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.signing_key or self.key)
            return JSONResponse({"id_token": signed, "access_token": "x", "token_type": "Bearer"})

        async def jwks(request: Request) -> JSONResponse:
            return JSONResponse({"keys": [self.key.as_dict(private=False)]})

        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", discovery),
                Route("/authorize", authorize),
                Route("/token", token, methods=["POST"]),
                Route("/jwks", jwks),
            ]
        )


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    made = Provider(url=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(
        uvicorn.Config(made.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield made
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def site(ctx: Ctx, provider: Provider, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    shared_world(ctx)
    monkeypatch.setenv("ESCALATION_ENGINE_OIDC_ISSUER", provider.url)
    monkeypatch.setenv("ESCALATION_ENGINE_OIDC_CLIENT_ID", "escalation-engine")
    monkeypatch.setenv("ESCALATION_ENGINE_OIDC_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("ESCALATION_ENGINE_BASE_URL", "http://testserver")
    oidc.discovery.cache_clear()
    provider.now = ctx.clock.now().timestamp()
    provider.email, provider.verified, provider.audience, provider.nonce, provider.signing_key = (
        "am@example.org",
        True,
        "escalation-engine",
        None,
        None,
    )
    yield TestClient(create_app(ctx.db, clock=ctx.clock), follow_redirects=False)


def _round_trip(browser: TestClient, *, tamper_state: bool = False) -> Any:
    away = browser.get("/aanmelden/sso?next=/contracten")
    assert away.status_code == 303
    import httpx2 as httpx

    at_provider = httpx.get(away.headers["location"], follow_redirects=False)
    back = urlparse(at_provider.headers["location"])
    query = parse_qs(back.query)
    state = "forged" if tamper_state else query["state"][0]
    return browser.get(f"{back.path}?{urlencode({'code': query['code'][0], 'state': state})}")


def test_a_verified_email_of_an_invited_account_signs_in_with_single_sign_on(
    site: TestClient, ctx: Ctx
) -> None:
    assert "Aanmelden met Single sign-on" in site.get("/aanmelden").text
    answer = _round_trip(site)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/contracten"
    assert site.get("/").status_code == 200
    signins = [
        r for r in audit.listing(ctx.db) if r["action"] == "account.signin" and r["actor"] == "am@example.org"
    ]
    assert signins and signins[-1]["payload"]["auth"] == "oidc"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"email": "stranger@example.org"}, "heeft hier geen account"),  # a Dutch page: the refusal in Dutch
        ({"verified": False}, "geen geverifieerd e-mailadres"),
        ({"audience": "someone-else"}, "niet geldig"),
        ({"nonce": "replayed"}, "niet geldig"),
        ({"signing_key": "other"}, "niet geldig"),
    ],
    ids=["unknown-account", "unverified-email", "wrong-audience", "wrong-nonce", "foreign-key"],
)
def test_a_sign_in_the_provider_cannot_prove_is_refused(
    site: TestClient, provider: Provider, change: dict[str, Any], words: str
) -> None:
    for name, value in change.items():
        setattr(
            provider, name, RSAKey.generate_key(2048, parameters={"kid": "k1"}) if value == "other" else value
        )
    answer = _round_trip(site)
    assert answer.status_code == 401 and words in answer.text
    assert site.get("/").status_code == 303  # no session


def test_a_tampered_state_is_refused(site: TestClient) -> None:
    answer = _round_trip(site, tamper_state=True)
    assert answer.status_code == 401 and "niet gelukt" in answer.text

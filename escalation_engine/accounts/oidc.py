"""OpenID Connect sign-in (the single sign-on of government organisations), configured from the environment.

The authorization-code flow with PKCE: the browser goes to the provider with a state, a nonce and a code
challenge; coming back, the code is exchanged for an ID token, whose signature (the provider's JWKS), issuer,
audience, expiry and nonce are checked with joserfc. The e-mail it proves (`email_verified`) must belong to an
existing account: single sign-on proves who someone is, an invitation decides that they may come in.

Settings: ESCALATION_ENGINE_OIDC_ISSUER (its `/.well-known/openid-configuration` is read),
ESCALATION_ENGINE_OIDC_CLIENT_ID, ESCALATION_ENGINE_OIDC_CLIENT_SECRET, ESCALATION_ENGINE_OIDC_LABEL (the button).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import select

from escalation_engine.accounts.emails import normalise_email
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.principal import OIDC, Principal
from escalation_engine.core.tables import Account

TIMEOUT_S = 10


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    label: str

    @staticmethod
    def from_environment() -> Provider | None:
        issuer = os.environ.get("ESCALATION_ENGINE_OIDC_ISSUER", "").rstrip("/")
        client = os.environ.get("ESCALATION_ENGINE_OIDC_CLIENT_ID", "")
        if not issuer or not client:
            return None
        return Provider(
            issuer,
            client,
            os.environ.get("ESCALATION_ENGINE_OIDC_CLIENT_SECRET", ""),
            os.environ.get("ESCALATION_ENGINE_OIDC_LABEL", "Single sign-on"),
        )


def _get_json(
    url: str, data: dict[str, str] | None = None, auth: tuple[str, str] | None = None
) -> dict[str, Any]:
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise RuleRefused(
            f"OpenID Connect endpoint {url!r} is not HTTPS", rule="OIDC over HTTPS", source="accounts: OIDC"
        )
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json"})
    if auth is not None:
        token = base64.b64encode(
            f"{urllib.parse.quote(auth[0])}:{urllib.parse.quote(auth[1])}".encode()
        ).decode()
        request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 (checked above)
        return dict(json.loads(response.read().decode()))


@lru_cache(maxsize=8)
def discovery(issuer: str) -> dict[str, Any]:
    return _get_json(f"{issuer}/.well-known/openid-configuration")


@dataclass(frozen=True)
class Start:
    url: str  # where the browser goes
    state: str
    nonce: str
    verifier: str


def start(provider: Provider, redirect_uri: str) -> Start:
    meta = discovery(provider.issuer)
    state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email profile",
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return Start(f"{meta['authorization_endpoint']}?{query}", state, nonce, verifier)


def finish(
    ctx: Ctx, provider: Provider, *, code: str, redirect_uri: str, nonce: str, verifier: str
) -> Principal:
    """Exchange the code, check the ID token, and return the account it proves (audited either way)."""
    meta = discovery(provider.issuer)
    tokens = _get_json(
        meta["token_endpoint"],
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(provider.client_id, provider.client_secret),
    )
    keys = KeySet.import_key_set(_get_json(meta["jwks_uri"]))  # type: ignore[arg-type]
    try:
        token = jwt.decode(str(tokens.get("id_token", "")), keys)
        jwt.JWTClaimsRegistry(
            now=int(ctx.clock.now().timestamp()),
            leeway=60,
            iss={"essential": True, "value": meta.get("issuer", provider.issuer)},
            aud={"essential": True, "value": provider.client_id},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise RuleRefused(
            f"the ID token is not valid ({exc})", rule="a proven account", source="accounts: OIDC"
        ) from None
    claims = token.claims
    if not claims.get("email") or claims.get("email_verified") is not True:
        raise RuleRefused(
            "the provider proved no verified e-mail address", rule="a proven account", source="accounts: OIDC"
        )
    try:
        address = normalise_email(str(claims["email"]))
    except BadInput:
        raise RuleRefused(
            "the provider's e-mail address is not valid", rule="a proven account", source="accounts: OIDC"
        ) from None
    now = ctx.clock.now()
    with ctx.db.write() as session:
        account = session.exec(select(Account).where(Account.email == address)).first()
        known = account is not None and account.disabled_at is None
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=address,
            action="account.signin" if known else "account.signin.unknown",
            payload={"auth": OIDC},
        )
    if account is None or not known:
        raise RuleRefused(
            f"{address} has no account here: ask an administrator for an invitation",
            rule="accounts by invitation",
            source="accounts: OIDC",
        )
    return Principal(auth=OIDC, account_id=account.id, account=address, is_admin=account.is_admin)

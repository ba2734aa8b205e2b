"""Server-side sessions of the web application: the cookie holds a random secret, the database its hash (`account_token`, kind
`session`), so a session can be ended on the server (sign-out, lock, revocation) and expires there."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from escalation_engine.accounts.rules import new_secret, secret_hash
from escalation_engine.accounts.tables import AccountToken
from escalation_engine.accounts.tokens import live_account
from escalation_engine.core.context import Ctx
from escalation_engine.core.principal import Principal

SESSION_COOKIE = "ee_session"
SESSION = "session"
LIFETIME = timedelta(hours=10)  # a working day; a form is never cut off by a short idle time


def start(ctx: Ctx, principal: Principal) -> str:
    now = ctx.clock.now()
    secret = new_secret()
    with ctx.db.write() as session:
        session.add(
            AccountToken(
                account_id=principal.account_id or 0,
                kind=SESSION,
                token_hash=secret_hash(secret),
                label=principal.auth,
                created_at=now,
                expires_at=now + LIFETIME,
            )
        )
    return secret


def resume(ctx: Ctx, secret: str | None) -> Principal | None:
    found = live_account(ctx, secret, SESSION)
    if found is None:
        return None
    row, account = found
    return Principal(
        auth=row.label or "password",
        account_id=account.id,
        account=account.email,
        is_admin=account.is_admin,
        language=account.language,
    )


def end(ctx: Ctx, secret: str | None) -> None:
    if not secret:
        return
    with ctx.db.write() as session:
        row = session.exec(select(AccountToken).where(AccountToken.token_hash == secret_hash(secret))).first()
        if row is not None and row.kind == SESSION and row.revoked_at is None:
            row.revoked_at = ctx.clock.now()
            session.add(row)

"""Administrators and the shared mode: `init --shared --admin EMAIL` makes the first administrator, and on
a shared database only an administrator registers contracts, adds people and invites them."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from escalation_engine.accounts.accounts import account_for
from escalation_engine.accounts.mode import LOCAL, SHARED, mode_of, set_mode
from escalation_engine.accounts.tokens import PERSONAL, issue
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.principal import current as current_principal
from escalation_engine.core.tables import Account


def make_shared(ctx: Ctx, *, admin_email: str, name: str | None) -> dict[str, Any]:
    """Turn this database shared (once; never back), with `admin_email` as an administrator, and give that
    administrator a first personal token (shown once)."""
    now = ctx.clock.now()
    with ctx.db.write() as session:
        before = mode_of(session)
        admins = session.exec(select(Account).where(Account.is_admin)).all()
        if before == SHARED and admins:
            principal = current_principal()
            if principal is None or not principal.is_admin:
                raise RuleRefused(
                    "this database is already shared: an administrator adds administrators",
                    rule="administrators only",
                    source="accounts: shared mode",
                )
        account = account_for(
            ctx, session, email=admin_email, name=name or admin_email.split("@")[0], now=now
        )
        account.is_admin = True
        session.add(account)
        set_mode(session, SHARED)
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=account.email or "system",
            action="engine.shared" if before == LOCAL else "account.admin",
            from_state=before,
            to_state=SHARED,
            payload={"admin": account.email},
        )
        secret = issue(ctx, session, account, kind=PERSONAL, now=now, expires_at=None, label="first token")
        return {"mode": SHARED, "admin": account.email, "token": secret}


def require_admin(ctx: Ctx, what: str) -> None:
    """On a shared database, `what` (registering contracts, adding people, inviting) is for administrators."""
    with ctx.db.read() as session:
        if mode_of(session) != SHARED:
            return
    principal = current_principal()
    if principal is None or not principal.is_admin:
        raise RuleRefused(
            f"on a shared database only an administrator may {what}",
            rule="administrators only",
            source="accounts: shared mode",
        )


def refuse_local_switch() -> None:
    raise BadInput("a shared database stays shared: there is no way back to local mode")


def require_own_or_admin(ctx: Ctx, email: str) -> None:
    """On a shared database an account sees itself; an administrator sees every account."""
    from escalation_engine.accounts.emails import normalise_email

    principal = current_principal()
    with ctx.db.read() as session:
        if mode_of(session) != SHARED or principal is None or principal.is_admin:
            return
    if principal.account != normalise_email(email):
        raise RuleRefused(
            "only an administrator sees another account", rule="own account only", source="accounts"
        )

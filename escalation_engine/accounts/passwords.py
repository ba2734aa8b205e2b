"""Passwords (argon2id via pwdlib) and password sign-in with slow-down and temporary lock-out.

A password is set only through a one-time link (invitation or reset) and never leaves this module; a sign-in
that fails is audited, and after repeated failures the account is locked for a while (audited too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import select

from escalation_engine.accounts.accounts import actor_name
from escalation_engine.accounts.emails import normalise_email
from escalation_engine.accounts.rules import LOCK_OUT, password_problems, secret_hash
from escalation_engine.accounts.tables import AccountToken
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.principal import PASSWORD, Principal
from escalation_engine.core.tables import Account

ONE_TIME = ("invitation", "reset")


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(memory_cost=65536, time_cost=3, parallelism=4),))


def set_password(ctx: Ctx, *, link_secret: str, password: str) -> str:
    """Set the password with a one-time link (invitation 72 h, reset 2 h); the link is used up. Returns the
    account's e-mail."""
    problems = password_problems(password)
    if problems:
        raise BadInput("password: " + "; ".join(problems))
    now = ctx.clock.now()
    with ctx.db.write() as session:
        row = session.exec(
            select(AccountToken).where(AccountToken.token_hash == secret_hash(link_secret))
        ).first()
        if (
            row is None
            or row.kind not in ONE_TIME
            or row.used_at is not None
            or row.revoked_at is not None
            or (row.expires_at is not None and row.expires_at <= now)
        ):
            raise RuleRefused(
                "this link is not valid any more (used, expired or unknown): ask for a new one",
                rule="one-time links",
                source="accounts",
            )
        account = session.get(Account, row.account_id)
        assert account is not None
        account.password_hash = _hasher().hash(password)
        account.failed_signins, account.locked_until = 0, None
        row.used_at = now
        session.add_all([account, row])
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=account.email or actor_name(),
            action="account.password.set",
            payload={"via": row.kind},
        )
        return account.email or ""


@dataclass(frozen=True)
class SignIn:
    principal: Principal | None
    delay_s: float  # what the caller waits before answering (slow-down)
    locked_until: datetime | None = None


def sign_in(ctx: Ctx, *, email: str, password: str) -> SignIn:
    """Check e-mail and password. The same answer for an unknown account and a wrong password."""
    now = ctx.clock.now()
    try:
        address = normalise_email(email)
    except BadInput:
        return SignIn(None, LOCK_OUT.delay_s(0))
    with ctx.db.write() as session:
        account = session.exec(select(Account).where(Account.email == address)).first()
        if account is None or account.disabled_at is not None or account.password_hash is None:
            _hasher().hash(password)  # the same work as a real check: no timing hint that the account exists
            return SignIn(None, 0.0)
        if account.locked_until is not None and account.locked_until > now:
            return SignIn(None, 0.0, account.locked_until)
        ok, better = _hasher().verify_and_update(password, account.password_hash)
        if ok:
            account.failed_signins, account.locked_until = 0, None
            if better:
                account.password_hash = better
            session.add(account)
            audit.append(
                ctx.db, session, now=now, actor=address, action="account.signin", payload={"auth": PASSWORD}
            )
            return SignIn(
                Principal(auth=PASSWORD, account_id=account.id, account=address, is_admin=account.is_admin),
                0.0,
            )
        account.failed_signins += 1
        locked = LOCK_OUT.locks(account.failed_signins)
        if locked:
            account.locked_until = LOCK_OUT.until(now)
        session.add(account)
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=address,
            action="account.locked" if locked else "account.signin.failed",
            payload={"failures": account.failed_signins},
        )
        return SignIn(
            None, LOCK_OUT.delay_s(account.failed_signins), account.locked_until if locked else None
        )


def give_password(ctx: Ctx, *, email: str, password: str) -> None:
    """Set a password without a link: for the demo's throw-away database only (audited like any other)."""
    from escalation_engine.accounts.tokens import issue

    with ctx.db.write() as session:
        account = session.exec(select(Account).where(Account.email == normalise_email(email))).one()
        secret = issue(ctx, session, account, kind="reset", now=ctx.clock.now(), expires_at=None)
    set_password(ctx, link_secret=secret, password=password)

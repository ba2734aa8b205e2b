"""Personal tokens: how an account proves itself to the CLI on a shared database.

A token is shown once, when it is created; the database keeps only its SHA-256. It can expire and be
revoked; a revoked, expired or unknown token is refused (exit 3) and nothing is done.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.accounts.accounts import actor_name, find_account
from escalation_engine.accounts.rules import new_secret, secret_hash
from escalation_engine.accounts.tables import AccountToken
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import AMSTERDAM
from escalation_engine.core.display import iso
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.principal import TOKEN, Principal
from escalation_engine.core.principal import current as current_principal
from escalation_engine.core.tables import Account

PERSONAL = "personal"
MAX_VALID = timedelta(days=366)


def issue(
    ctx: Ctx,
    session: Session,
    account: Account,
    *,
    kind: str,
    now: datetime,
    expires_at: datetime | None,
    label: str | None = None,
) -> str:
    """A new secret for `account` (its hash stored, in the caller's transaction); returns the secret."""
    secret = new_secret()
    row = AccountToken(
        account_id=account.id or 0,
        kind=kind,
        token_hash=secret_hash(secret),
        label=label,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    audit.append(
        ctx.db,
        session,
        now=now,
        actor=actor_name(),
        action=f"account.token.{kind}",
        payload={"account": account.email, "token": row.id, "expires_at": iso(expires_at)},
    )
    return secret


def _own_or_admin(session: Session, email: str | None) -> Account:
    principal = current_principal()
    if email is None:
        if principal is None or principal.account_id is None:
            raise BadInput("name the account: --account EMAIL")
        account = session.get(Account, principal.account_id)
        assert account is not None
        return account
    account = find_account(session, email)
    others = principal is not None and principal.signed_in and principal.account_id != account.id
    if others and principal is not None and not principal.is_admin:
        raise RuleRefused(
            "only an administrator manages another account's tokens",
            rule="own tokens only",
            source="accounts",
        )
    return account


def create_token(
    ctx: Ctx, *, email: str | None, expires: date | None, label: str | None = None
) -> dict[str, Any]:
    now = ctx.clock.now()
    expires_at = None
    if expires is not None:
        expires_at = datetime.combine(expires, time(23, 59, 59), AMSTERDAM)
        if expires_at <= now or expires_at - now > MAX_VALID:
            raise BadInput(f"--expires: a date after today and within {MAX_VALID.days} days")
    with ctx.db.write() as session:
        account = _own_or_admin(session, email)
        secret = issue(ctx, session, account, kind=PERSONAL, now=now, expires_at=expires_at, label=label)
        token = session.exec(select(AccountToken).where(AccountToken.token_hash == secret_hash(secret))).one()
        return {"id": token.id, "account": account.email, "expires_at": iso(expires_at), "token": secret}


def list_tokens(ctx: Ctx, *, email: str | None) -> list[dict[str, Any]]:
    now = ctx.clock.now()
    with ctx.db.read() as session:
        account = _own_or_admin(session, email)
        rows = session.exec(
            select(AccountToken)
            .where(AccountToken.account_id == account.id, AccountToken.kind == PERSONAL)
            .order_by(col(AccountToken.id))
        )
        return [_view(row, account, now) for row in rows]


def revoke_token(ctx: Ctx, *, ident: int) -> dict[str, Any]:
    now = ctx.clock.now()
    with ctx.db.write() as session:
        row = session.get(AccountToken, ident)
        account = session.get(Account, row.account_id) if row is not None else None
        if row is None or row.kind != PERSONAL or account is None:
            raise NotFound(f"token {ident} not found")
        _own_or_admin(session, account.email)
        if row.revoked_at is not None:
            raise RuleRefused(f"token {ident} is already revoked", rule="revoke once", source="accounts")
        row.revoked_at = now
        session.add(row)
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=actor_name(),
            action="account.token.revoke",
            payload={"account": account.email, "token": ident},
        )
        return _view(row, account, now)


def _view(row: AccountToken, account: Account, now: datetime) -> dict[str, Any]:
    state = (
        "revoked" if row.revoked_at else "expired" if row.expires_at and row.expires_at <= now else "valid"
    )
    return {
        "id": row.id,
        "account": account.email,
        "label": row.label,
        "state": state,
        "created_at": iso(row.created_at),
        "expires_at": iso(row.expires_at),
        "revoked_at": iso(row.revoked_at),
    }


def live_account(ctx: Ctx, secret: str | None, kind: str) -> tuple[AccountToken, Account] | None:
    """The token of `kind` this secret is, with its account, if it still works: known, not revoked, not
    expired, its account not disabled. The one check behind personal tokens, sessions and calendar links."""
    if not secret or not secret.strip() or len(secret) > 200:
        return None
    now = ctx.clock.now()
    with ctx.db.read() as session:
        row = session.exec(select(AccountToken).where(AccountToken.token_hash == secret_hash(secret))).first()
        if row is None or row.kind != kind or row.revoked_at is not None:
            return None
        if row.expires_at is not None and row.expires_at <= now:
            return None
        account = session.get(Account, row.account_id)
        if account is None or account.disabled_at is not None:
            return None
        return row, account


def authenticate(ctx: Ctx, secret: str) -> Principal:
    """The principal a personal token proves, or RuleRefused (unknown, revoked, expired, disabled)."""
    found = live_account(ctx, secret, PERSONAL)
    if found is None:
        raise RuleRefused(
            "the personal token is not valid (unknown, revoked or expired): create a new one with "
            "`account token create`, or ask an administrator",
            rule="a proven account on a shared database",
            source="accounts: shared mode",
        )
    _, account = found
    return Principal(auth=TOKEN, account_id=account.id, account=account.email, is_admin=account.is_admin)

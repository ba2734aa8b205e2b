"""A personal calendar subscription link per account: a secret in the URL (stored as its hash), made anew on
request, which revokes the one before; the feed behind it shows what that account may see."""

from __future__ import annotations

from sqlmodel import select

from escalation_engine.accounts.tables import AccountToken
from escalation_engine.accounts.tokens import issue, live_account
from escalation_engine.core.context import Ctx
from escalation_engine.core.principal import Principal
from escalation_engine.core.tables import Account

CALENDAR = "calendar"


def new_link(ctx: Ctx, account_id: int) -> str:
    """A new calendar secret for the account; every earlier one stops working."""
    now = ctx.clock.now()
    with ctx.db.write() as session:
        account = session.get(Account, account_id)
        assert account is not None
        for old in session.exec(
            select(AccountToken).where(AccountToken.account_id == account_id, AccountToken.kind == CALENDAR)
        ):
            if old.revoked_at is None:
                old.revoked_at = now
                session.add(old)
        return issue(ctx, session, account, kind=CALENDAR, now=now, expires_at=None, label="calendar feed")


def has_link(ctx: Ctx, account_id: int) -> bool:
    with ctx.db.read() as session:
        rows = session.exec(
            select(AccountToken).where(AccountToken.account_id == account_id, AccountToken.kind == CALENDAR)
        )
        return any(row.revoked_at is None for row in rows)


def resolve(ctx: Ctx, secret: str) -> Principal | None:
    """The account a calendar link belongs to (it acts as a read-only principal), or None."""
    found = live_account(ctx, secret, CALENDAR)
    if found is None:
        return None
    _, account = found
    return Principal(auth="calendar", account_id=account.id, account=account.email, language=account.language)

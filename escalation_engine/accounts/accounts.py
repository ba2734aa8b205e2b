"""Accounts: one per person (by e-mail), whatever contracts they are on; listing and showing them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.accounts.emails import normalise_email
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.display import iso
from escalation_engine.core.errors import BadInput, NotFound
from escalation_engine.core.principal import current as current_principal
from escalation_engine.core.tables import Account, Person

LANGUAGES = ("nl", "en")


def actor_name() -> str:
    """How the audit trail names whoever acts now: the account, the operator, or the engine."""
    principal = current_principal()
    if principal is None:
        return "system"
    return principal.account or f"operator:{principal.operator or 'unknown'}"


def account_for(
    ctx: Ctx, session: Session, *, email: str | None, name: str, now: datetime, language: str = "nl"
) -> Account:
    """The account with this e-mail (created when new, audited); a person without e-mail gets their own."""
    address = normalise_email(email) if email else None
    if address is not None:
        found = session.exec(select(Account).where(Account.email == address)).first()
        if found is not None:
            return found
    if language not in LANGUAGES:
        raise BadInput(f"language: {language!r} is not one of {', '.join(LANGUAGES)}")
    account = Account(email=address, name=name, language=language, created_at=now)
    session.add(account)
    session.flush()
    audit.append(
        ctx.db,
        session,
        now=now,
        actor=actor_name(),
        action="account.create",
        payload={"account": account.id, "email": address},
    )
    return account


def find_account(session: Session, email: str) -> Account:
    address = normalise_email(email)
    account = session.exec(select(Account).where(Account.email == address)).first()
    if account is None:
        raise NotFound(f"no account with e-mail {address!r}")
    return account


def account_view(session: Session, account: Account, *, memberships: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "email": account.email,
        "name": account.name,
        "language": account.language,
        "admin": account.is_admin,
        "password_set": account.password_hash is not None,
        "locked_until": iso(account.locked_until),
        "created_at": iso(account.created_at),
    }
    if memberships:
        rows = session.exec(select(Person).where(Person.account_id == account.id).order_by(col(Person.id)))
        view["memberships"] = [
            {
                "contract": p.contract_key,
                "key": p.key,
                "side": p.side,
                "role": p.role,
                "organisation": p.organisation,
            }
            for p in rows
        ]
    return view


def list_accounts(ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.db.read() as session:
        accounts = session.exec(select(Account).order_by(col(Account.id))).all()
        counts: dict[int, int] = {}
        for person in session.exec(select(Person)):
            if person.account_id is not None:
                counts[person.account_id] = counts.get(person.account_id, 0) + 1
        return [
            {**account_view(session, a, memberships=False), "memberships": counts.get(a.id or 0, 0)}
            for a in accounts
        ]


def show_account(ctx: Ctx, email: str) -> dict[str, Any]:
    with ctx.db.read() as session:
        return account_view(session, find_account(session, email))


def memberships_of(ctx: Ctx, account_id: int | None) -> list[Person]:
    """The account's memberships (its person rows), oldest first."""
    with ctx.db.read() as session:
        query = select(Person).where(Person.account_id == account_id).order_by(col(Person.id))
        return list(session.exec(query))


def language_of(ctx: Ctx, account_id: int | None) -> str | None:
    with ctx.db.read() as session:
        account = session.get(Account, account_id) if account_id is not None else None
        return account.language if account is not None else None

"""Invitations and password resets: a one-time link by e-mail (through the outbox), to set a password."""

from __future__ import annotations

import os
from datetime import datetime

from sqlmodel import Session, select

from escalation_engine.accounts.emails import normalise_email
from escalation_engine.accounts.rules import INVITATION_VALID, RESET_VALID
from escalation_engine.accounts.tokens import issue
from escalation_engine.core.context import Ctx
from escalation_engine.core.notices import notify
from escalation_engine.core.tables import Account

BASE_URL_ENV = "ESCALATION_ENGINE_BASE_URL"


def base_url() -> str:
    """Where the web application is reached (links in mail); a setting, default the local `serve`."""
    return os.environ.get(BASE_URL_ENV, "http://127.0.0.1:8000").rstrip("/")


def _texts(kind: str, language: str, link: str, hours: int, contract: str | None) -> tuple[str, str]:
    on = f" ({contract})" if contract else ""
    if kind == "invitation":
        if language == "en":
            return (
                f"Invitation to escalation-engine{on}",
                f"You have been given access to escalation-engine{on}.\nSet your password within {hours} hours "
                f"with this link (it works once):\n{link}\n",
            )
        return (
            f"Uitnodiging voor escalation-engine{on}",
            f"U hebt toegang gekregen tot escalation-engine{on}.\nStel binnen {hours} uur uw wachtwoord in "
            f"met deze link (eenmalig te gebruiken):\n{link}\n",
        )
    if language == "en":
        return (
            "Reset your escalation-engine password",
            f"Set a new password within {hours} hours:\n{link}\n",
        )
    return (
        "Nieuw wachtwoord voor escalation-engine",
        f"Stel binnen {hours} uur een nieuw wachtwoord in:\n{link}\n",
    )


def send_link(
    ctx: Ctx, session: Session, account: Account, *, kind: str, now: datetime, contract: str | None = None
) -> datetime:
    """Queue the one-time link for `account` (in the caller's transaction); returns when it expires."""
    valid = INVITATION_VALID if kind == "invitation" else RESET_VALID
    secret = issue(ctx, session, account, kind=kind, now=now, expires_at=now + valid)
    path = "uitnodiging" if kind == "invitation" else "wachtwoord-herstellen"
    subject, body = _texts(
        kind, account.language, f"{base_url()}/{path}/{secret}", int(valid.total_seconds() // 3600), contract
    )
    notify(
        session,
        key=f"{kind}:{account.id}:{now.isoformat()}",
        now=now,
        person=_Recipient(account),
        contract_key=contract or "",
        case=None,
        subject=subject,
        body=body,
    )
    return now + valid


class _Recipient:
    def __init__(self, account: Account) -> None:
        self.key = f"account:{account.id}"
        self.name = account.name
        self.email = account.email


def request_reset(ctx: Ctx, *, email: str) -> None:
    """A reset link for a known account; the same silence for an unknown one (no account probing)."""
    now = ctx.clock.now()
    address = normalise_email(email)
    with ctx.db.write() as session:
        account = session.exec(select(Account).where(Account.email == address)).first()
        if account is not None and account.disabled_at is None:
            send_link(ctx, session, account, kind="reset", now=now)

"""`invite EMAIL --contract KEY --side SIDE --role ROLE`: a membership for the account with this e-mail
(created when new) and a one-time link by e-mail to set the password, valid 72 hours, in one transaction."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, select

from escalation_engine.accounts.admin import require_admin
from escalation_engine.accounts.emails import normalise_email
from escalation_engine.accounts.invitations import send_link
from escalation_engine.app.context import Ctx
from escalation_engine.app.registration import add_membership, admin_actor, person_view
from escalation_engine.core.display import iso
from escalation_engine.core.refs import require_line
from escalation_engine.core.tables import Account, Person


def _free_key(session: Session, contract_key: str, email: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", email.split("@")[0].lower()).strip("-")[:48] or "person"
    taken = set(session.exec(select(Person.key).where(Person.contract_key == contract_key)).all())
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def invite(
    ctx: Ctx,
    *,
    email: str,
    contract_key: str,
    side: str,
    role: str,
    organisation: str | None,
    name: str | None,
) -> dict[str, Any]:
    address = normalise_email(email)
    name = require_line(name, "name") if name is not None else None
    organisation = require_line(organisation, "organisation") if organisation is not None else None
    require_admin(ctx, "invite people")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        account = session.exec(select(Account).where(Account.email == address)).first()
        member = None
        if account is not None:
            member = session.exec(
                select(Person).where(Person.contract_key == contract_key, Person.account_id == account.id)
            ).first()
        if member is None:
            member = add_membership(
                ctx,
                session,
                key=_free_key(session, contract_key, address),
                contract_key=contract_key,
                name=name or (account.name if account else address.split("@")[0]),
                side=side,
                role=role,
                organisation=organisation,
                email=address,
                actor=admin_actor(None),
                now=now,
            )
            account = session.get(Account, member.account_id)
        assert account is not None
        expires = send_link(ctx, session, account, kind="invitation", now=now, contract=contract_key)
        return {"invited": address, "membership": person_view(member), "link_expires_at": iso(expires)}

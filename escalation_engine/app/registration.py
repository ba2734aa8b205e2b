"""Register contracts (pinned to a profile version) and the people on each side."""

from __future__ import annotations

import getpass
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from escalation_engine.accounts.accounts import account_for
from escalation_engine.accounts.admin import require_admin
from escalation_engine.accounts.emails import normalise_email
from escalation_engine.accounts.mode import SHARED, mode_of
from escalation_engine.app.context import Ctx
from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.participants import require_participant
from escalation_engine.core import audit, date_bounds
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.principal import current as current_principal
from escalation_engine.core.refs import require_line
from escalation_engine.core.tables import Account, Contract, Person
from escalation_engine.core.visibility import restrict
from escalation_engine.procedures.obligations.calendar import derive_for_contract
from escalation_engine.procedures.obligations.digests import schedule_next as schedule_next_digest
from escalation_engine.profile.model import Profile, find_profile, profile_json

SIDES = ("client", "participant", "supplier")


def admin_actor(as_person: str | None) -> str:
    principal = current_principal()
    if principal is not None and principal.signed_in:
        return principal.account or f"account:{principal.account_id}"
    return as_person or f"admin:{getpass.getuser()}"


def contract_view(contract: Contract, people: list[Person] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "key": contract.key,
        "title": contract.title,
        "profile": contract.profile_name,
        "profile_version": contract.profile_version,
        "profile_sha256": contract.profile_sha256,
        "start": contract.start_date.isoformat(),
        "award": contract.award_date.isoformat() if contract.award_date else None,
    }
    if people is not None:
        view["people"] = [person_view(p) for p in people]
    return view


def person_view(person: Person) -> dict[str, Any]:
    return {
        "key": person.key,
        "contract": person.contract_key,
        "name": person.name,
        "side": person.side,
        "role": person.role,
        "organisation": person.organisation,
        "email": person.email,
    }


def add_contract(
    ctx: Ctx, *, key: str, profile_name: str, title: str, start: date, award: date | None, actor: str
) -> dict[str, Any]:
    key = require_line(key, "contract key")
    require_admin(ctx, "register contracts")
    profile: Profile = find_profile(profile_name)
    now = ctx.clock.now()
    date_bounds.contract_dates(start, award, local_date(now))
    with ctx.db.write() as session:
        if session.get(Contract, key) is not None:
            raise RuleRefused(f"contract {key!r} already exists", rule="unique contract key")
        contract = Contract(
            key=key,
            title=require_line(title, "title"),
            profile_name=profile.name,
            profile_version=profile.version,
            profile_sha256=profile.sha256,
            profile_text=profile.text,
            profile_json=profile_json(profile.text),
            start_date=start,
            award_date=award,
            created_at=now,
        )
        session.add(contract)
        try:
            session.flush()
        except IntegrityError:  # added by someone else in the meantime (PostgreSQL)
            raise RuleRefused(f"contract {key!r} already exists", rule="unique contract key") from None
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=actor,
            action="contract.add",
            contract_key=key,
            payload={
                "profile": profile.name,
                "version": profile.version,
                "sha256": profile.sha256,
                "start": start.isoformat(),
                "award": award.isoformat() if award else None,
                "title": title,
            },
        )
        derive_for_contract(ctx.db, session, contract, profile, now=now, actor=actor)
        return contract_view(contract)


def add_person(
    ctx: Ctx,
    *,
    key: str,
    contract_key: str,
    name: str,
    side: str,
    role: str,
    organisation: str | None,
    email: str | None,
    actor: str,
) -> dict[str, Any]:
    key = require_line(key, "person key")
    name = require_line(name, "name")
    organisation = require_line(organisation, "organisation") if organisation is not None else None
    if side not in SIDES:
        raise BadInput(f"unknown side {side!r}: expected one of {', '.join(SIDES)}")
    address = normalise_email(email, what="--email") if email is not None else None
    require_admin(ctx, "add people to a contract")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        return person_view(
            add_membership(
                ctx,
                session,
                key=key,
                contract_key=contract_key,
                name=name,
                side=side,
                role=role,
                organisation=organisation,
                email=address,
                actor=actor,
                now=now,
            )
        )


def add_membership(
    ctx: Ctx,
    session: Session,
    *,
    key: str,
    contract_key: str,
    name: str,
    side: str,
    role: str,
    organisation: str | None,
    email: str | None,
    actor: str,
    now: datetime,
) -> Person:
    """Add a person (a membership of their account) in the caller's transaction."""
    address = email
    contract = get_contract(session, contract_key)
    profile = pinned_profile(contract)
    spec = profile.role(role)
    if spec is None:
        known = ", ".join(f"{r} ({s.side})" for r, s in profile.spec.roles.items())
        raise BadInput(f"unknown role {role!r} in profile {profile.name}: expected one of {known}")
    if spec.side != side:
        raise BadInput(f"role {role!r} belongs to side {spec.side!r}, not {side!r} ({spec.source})")
    if side == "participant" and organisation and organisation.strip():
        organisation = require_participant(session, contract_key, organisation)  # whom they represent
    person = Person(
        contract_key=contract_key,
        key=key,
        name=require_line(name, "name"),
        side=side,
        role=role,
        organisation=organisation,
        email=address,
        created_at=now,
    )
    account = account_for(ctx, session, email=address, name=person.name, now=now)
    _refuse_second_membership(session, account, contract_key)
    person.account_id = account.id
    session.add(person)
    try:
        session.flush()
    except IntegrityError:
        raise RuleRefused(f"person {key!r} already exists on contract {contract_key!r}") from None
    schedule_next_digest(session, person, profile, now)
    audit.append(
        ctx.db,
        session,
        now=now,
        actor=actor,
        action="person.add",
        contract_key=contract_key,
        payload=person_view(person),
    )
    return person


def _refuse_second_membership(session: Session, account: Account, contract_key: str) -> None:
    """On a shared database an account acts as its membership: one per contract, or it could not say which."""
    if mode_of(session) != SHARED or account.id is None:
        return
    taken = session.exec(
        select(Person).where(Person.contract_key == contract_key, Person.account_id == account.id)
    ).first()
    if taken is not None:
        raise RuleRefused(
            f"{account.email} is already on contract {contract_key!r} as {taken.key!r} ({taken.role})",
            rule="one membership per account and contract",
            source="accounts: shared mode",
        )


def list_contracts(ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.db.read() as session:
        query = restrict(session, select(Contract), col(Contract.key))
        return [contract_view(c) for c in session.exec(query.order_by(col(Contract.key)))]


def show_contract(ctx: Ctx, key: str) -> dict[str, Any]:
    with ctx.db.read() as session:
        contract = get_contract(session, key)
        people = list(session.exec(select(Person).where(Person.contract_key == key).order_by(col(Person.id))))
        view = contract_view(contract, people)
        view["ladder"] = [
            {
                "level": lv.number,
                "name": lv.name,
                "raised_by": list(lv.raised_by),
                "counterpart": lv.counterpart,
            }
            for lv in pinned_profile(contract).ladder.levels
        ]
        return view

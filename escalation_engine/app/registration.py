"""Register contracts (pinned to a profile version) and the people on each side."""

from __future__ import annotations

import getpass
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from escalation_engine.app.context import Ctx
from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.participants import require_participant
from escalation_engine.core import audit
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.refs import require_text
from escalation_engine.core.tables import Contract, Person
from escalation_engine.procedures.obligations.calendar import derive_for_contract
from escalation_engine.procedures.obligations.digests import schedule_next as schedule_next_digest
from escalation_engine.profile.model import Profile, find_profile, profile_json

SIDES = ("client", "participant", "supplier")


def admin_actor(as_person: str | None) -> str:
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
    key = require_text(key, "contract key")
    profile: Profile = find_profile(profile_name)
    now = ctx.clock.now()
    with ctx.db.write() as session:
        if session.get(Contract, key) is not None:
            raise RuleRefused(f"contract {key!r} already exists", rule="unique contract key")
        contract = Contract(
            key=key,
            title=require_text(title, "title"),
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
    key = require_text(key, "person key")
    if side not in SIDES:
        raise BadInput(f"unknown side {side!r}: expected one of {', '.join(SIDES)}")
    if email is not None and "@" not in email:
        raise BadInput(f"malformed e-mail address {email!r}")
    now = ctx.clock.now()
    with ctx.db.write() as session:
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
            name=require_text(name, "name"),
            side=side,
            role=role,
            organisation=organisation,
            email=email,
            created_at=now,
        )
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
        return person_view(person)


def list_contracts(ctx: Ctx) -> list[dict[str, Any]]:
    with ctx.db.read() as session:
        return [contract_view(c) for c in session.exec(select(Contract).order_by(col(Contract.key)))]


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

"""What a person does with digests: send today's now (or see it: dry run), choose their own settings."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import col, select

from ..adapters.tables import DigestPreference, Person, Timer
from ..domain.dates import local_date
from ..domain.errors import BadInput, NotFound
from .common import get_contract, notify, pinned_profile
from .context import Ctx
from .digests import FREQUENCIES, queue_digest, schedule_next, settings_of
from .texts import LANGUAGES


def send_digests(
    ctx: Ctx, *, person_key: str | None, contract_key: str | None, dry_run: bool
) -> list[dict[str, Any]]:
    """Queue today's digest for the chosen people now (one per person and local date); dry run shows it."""
    now = ctx.clock.now()
    with ctx.db.read() if dry_run else ctx.db.write() as session:
        query = select(Person).order_by(col(Person.contract_key), col(Person.id))
        if person_key:
            query = query.where(Person.key == person_key)
        if contract_key:
            get_contract(session, contract_key)
            query = query.where(Person.contract_key == contract_key)
        people = list(session.exec(query))
        if person_key and not people:
            raise NotFound(
                f"person {person_key!r} not found"
                + (f" on contract {contract_key!r}" if contract_key else "")
            )
        out = []
        for person in people:
            view = queue_digest(session, person, now)
            key = f"digest:{person.id}:{local_date(now).isoformat()}"
            view["queued"] = not dry_run and not view["empty"]
            if view["queued"]:
                notify(
                    session,
                    key=key,
                    now=now,
                    person=person,
                    contract_key=person.contract_key,
                    case=None,
                    subject=view["subject"],
                    body=view["body"],
                )
            out.append(view)
        return out


def set_preference(
    ctx: Ctx,
    *,
    contract_key: str,
    person_key: str,
    frequency: str | None,
    language: str | None,
    at: str | None,
) -> dict[str, Any]:
    """A person's own digest frequency, language and time; re-schedules their next digest."""
    if frequency is not None and frequency not in FREQUENCIES:
        raise BadInput(f"unknown frequency {frequency!r}: expected one of {', '.join(FREQUENCIES)}")
    if language is not None and language not in LANGUAGES:
        raise BadInput(f"unknown language {language!r}: expected one of {', '.join(LANGUAGES)}")
    if at is not None and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at):
        raise BadInput(f"malformed time {at!r}: expected HH:MM (Europe/Amsterdam)")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = get_contract(session, contract_key)
        person = session.exec(
            select(Person).where(Person.contract_key == contract_key, Person.key == person_key)
        ).first()
        if person is None:
            raise NotFound(f"person {person_key!r} not found on contract {contract_key!r}")
        pref = session.exec(
            select(DigestPreference).where(
                DigestPreference.contract_key == contract_key, DigestPreference.person_key == person_key
            )
        ).first()
        pref = pref or DigestPreference(contract_key=contract_key, person_key=person_key, updated_at=now)
        pref.frequency = frequency or pref.frequency
        pref.language = language or pref.language
        pref.at = at or pref.at
        pref.updated_at = now
        session.add(pref)
        session.flush()
        for pending in session.exec(
            select(Timer).where(
                Timer.subject_kind == "digest", Timer.subject_id == person.id, Timer.status == "pending"
            )
        ):
            pending.status, pending.fired_at = "cancelled", now
            session.add(pending)
        session.flush()
        profile = pinned_profile(contract)
        timer = schedule_next(session, person, profile, now)
        settings = settings_of(session, person, profile)
        return {
            "person": person_key,
            "contract": contract_key,
            "frequency": settings.frequency,
            "weekday": settings.weekday if settings.frequency == "weekly" else None,
            "at": settings.at,
            "language": settings.language,
            "next": timer.due_at.isoformat() if timer else None,
        }

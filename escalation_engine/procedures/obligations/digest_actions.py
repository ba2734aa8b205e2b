"""What a person does with digests: send today's now (or see it: dry run), choose their own settings."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.people import get_person
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import BadInput, NotFound
from escalation_engine.core.notice_texts import queue_rendered
from escalation_engine.core.tables import Person, Timer
from escalation_engine.core.texts import LANGUAGES
from escalation_engine.procedures.obligations.digests import (
    FREQUENCIES,
    queue_digest,
    schedule_next,
    settings_of,
)
from escalation_engine.procedures.obligations.tables import DigestPreference


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
            view = queue_digest(ctx.registry, session, person, now)
            key = f"digest:{person.id}:{local_date(now).isoformat()}"
            view["queued"] = not dry_run and not view["empty"]
            if view["queued"]:
                queue_rendered(
                    session,
                    key=key,
                    now=now,
                    person=person,
                    contract_key=person.contract_key,
                    rendered=[(view["subject"], view["body"])],
                )
            out.append(view)
        return out


def _check_settings(frequency: str | None, language: str | None, at: str | None) -> None:
    if frequency is not None and frequency not in FREQUENCIES:
        raise BadInput(f"unknown frequency {frequency!r}: expected one of {', '.join(FREQUENCIES)}")
    if language is not None and language not in LANGUAGES:
        raise BadInput(f"unknown language {language!r}: expected one of {', '.join(LANGUAGES)}")
    if at is not None and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at):
        raise BadInput(f"malformed time {at!r}: expected HH:MM (Europe/Amsterdam)")


def _cancel_pending(session: Session, person: Person, now: datetime) -> None:
    query = select(Timer).where(
        Timer.subject_kind == "digest", Timer.subject_id == person.id, Timer.status == "pending"
    )
    for pending in session.exec(query):
        pending.status, pending.fired_at = "cancelled", now
        session.add(pending)
    session.flush()


def set_preference(
    ctx: Ctx,
    *,
    contract_key: str,
    person_key: str,
    frequency: str | None,
    language: str | None,
    at: str | None,
    actor: str = "system",
) -> dict[str, Any]:
    """A person's own digest frequency, language and time; re-schedules their next digest."""
    _check_settings(frequency, language, at)
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = get_contract(session, contract_key)
        person = get_person(session, contract_key, person_key)
        pref = session.exec(
            select(DigestPreference).where(
                DigestPreference.contract_key == contract_key, DigestPreference.person_key == person_key
            )
        ).first() or DigestPreference(contract_key=contract_key, person_key=person_key, updated_at=now)
        pref.frequency, pref.language = frequency or pref.frequency, language or pref.language
        pref.at, pref.updated_at = at or pref.at, now
        session.add(pref)
        session.flush()
        _cancel_pending(session, person, now)
        profile = pinned_profile(contract)
        timer = schedule_next(session, person, profile, now)
        settings = settings_of(session, person, profile)
        view = {
            "person": person_key,
            "contract": contract_key,
            "frequency": settings.frequency,
            "weekday": settings.weekday if settings.frequency == "weekly" else None,
            "at": settings.at,
            "language": settings.language,
            "next": timer.due_at.isoformat() if timer else None,
        }
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=actor,
            action="digest.settings",
            contract_key=contract_key,
            payload=view,
        )
        return view

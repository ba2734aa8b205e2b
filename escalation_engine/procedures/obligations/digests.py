"""One digest per person (daily or weekly) of what is overdue and what falls due soon.

Scheduling uses our own timer table, never an APScheduler cron: each person has one pending digest timer
at a fixed local wall time (`at_local_time`, Europe/Amsterdam), keyed `digest:<person id>:<local date>`.
When it fires it queues the digest (outbox key per person and local date) and schedules the next one from
the next local date. The autumn switch cannot send twice (one timer per local date, and the repeated hour
maps to its first occurrence) and the spring switch cannot skip (a wall time in the gap maps to the moment
the clocks jump). The timer's kind is `reminder`, so `deadlines` does not list it as a deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import at_local_time, local_date
from escalation_engine.core.deadlines import REMINDER
from escalation_engine.core.health import operator_findings
from escalation_engine.core.notice_texts import link_to, link_to_work, queue_rendered, render_notice
from escalation_engine.core.refs import case_ref
from escalation_engine.core.registry import DueTimer, Registry
from escalation_engine.core.schedule import schedule
from escalation_engine.core.tables import Account, Contract, Person, Timer
from escalation_engine.procedures.obligations.digest_deadlines import persons_deadlines
from escalation_engine.procedures.obligations.listing import status_of
from escalation_engine.procedures.obligations.parties import open_obligations_for
from escalation_engine.procedures.obligations.tables import DigestPreference
from escalation_engine.profile.model import Profile

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FREQUENCIES = ("daily", "weekly", "off")


@dataclass(frozen=True)
class DigestSettings:
    frequency: str
    weekday: str
    at: str
    language: str
    horizon_days: int
    source: str

    def fires_on(self, d: date) -> bool:
        return self.frequency == "daily" or (
            self.frequency == "weekly" and WEEKDAYS[d.weekday()] == self.weekday
        )

    def instant(self, d: date) -> datetime:
        hour, minute = (int(part) for part in self.at.split(":"))
        return at_local_time(d, hour, minute)


def settings_of(session: Session, person: Person, profile: Profile) -> DigestSettings:
    """The profile's digest defaults with the person's own choices on top."""
    spec = profile.spec.obligations
    pref = session.exec(
        select(DigestPreference).where(
            DigestPreference.contract_key == person.contract_key, DigestPreference.person_key == person.key
        )
    ).first()
    base = (
        DigestSettings("weekly", "monday", "08:00", "nl", 14, "policy default")
        if spec is None
        else DigestSettings(
            spec.digest.frequency,
            spec.digest.weekday,
            spec.digest.at,
            spec.digest.language,
            spec.digest.horizon_days,
            spec.digest.source,
        )
    )
    if pref is None:
        return base
    return DigestSettings(
        pref.frequency or base.frequency,
        base.weekday,
        pref.at or base.at,
        pref.language or base.language,
        base.horizon_days,
        "person setting",
    )


def next_digest(settings: DigestSettings, after: datetime) -> tuple[date, datetime] | None:
    """The first local date (and its instant) with a digest strictly after `after`; None when off."""
    if settings.frequency == "off":
        return None
    day = local_date(after)
    for _ in range(8):
        if settings.fires_on(day) and settings.instant(day) > after:
            return day, settings.instant(day)
        day += timedelta(days=1)
    raise AssertionError("no digest day within a week")  # pragma: no cover


def schedule_next(session: Session, person: Person, profile: Profile, after: datetime) -> Timer | None:
    """Write the person's next digest timer (idempotent per person and local date)."""
    if profile.spec.obligations is None:
        return None
    settings = settings_of(session, person, profile)
    nxt = next_digest(settings, after)
    if nxt is None:
        return None
    day, when = nxt
    assert person.id is not None
    key = f"digest:{person.id}:{day.isoformat()}"
    existing = session.exec(select(Timer).where(Timer.idempotency_key == key)).first()
    if existing is not None:
        if existing.status != "cancelled":
            return None
        existing.status, existing.fired_at, existing.due_at = (
            "pending",
            None,
            when,
        )  # a changed setting revived
        existing.rule, existing.source = f"{settings.frequency} digest at {settings.at}", settings.source
        session.add(existing)
        return existing
    return schedule(
        session,
        key=key,
        kind=REMINDER,
        subject_kind="digest",
        subject_id=person.id,
        contract_key=person.contract_key,
        due_at=when,
        rule=f"{settings.frequency} digest at {settings.at}",
        source=settings.source,
        payload={"local_date": day.isoformat()},
    )


def compose(
    registry: Registry, session: Session, person: Person, contract: Contract, profile: Profile, now: datetime
) -> dict[str, Any]:
    """What the person's digest says: overdue and soon-due obligations, and their other deadlines."""
    settings = settings_of(session, person, profile)
    today = local_date(now)
    until = today + timedelta(days=settings.horizon_days)
    overdue, soon = [], []
    for row in sorted(
        open_obligations_for(session, person, until, now), key=lambda r: (r.due_date, r.id or 0)
    ):
        item = {
            "id": case_ref("obligation", row.id),
            "title": row.title,
            "title_en": row.title_en,
            "period": row.period,
            "due": row.due_date.isoformat(),
            "rule": row.rule,
            "source": row.source,
            "owed_by": row.owed_by_role,
            "mine": row.owed_by_role == person.role,
            "days": (today - row.due_date).days,
        }
        if status_of(row, now) == "overdue":
            overdue.append(item)
        elif row.due_date <= until:
            soon.append(item)
    deadlines, total = persons_deadlines(registry, session, person, until, now)
    account = session.get(Account, person.account_id) if person.account_id is not None else None
    return {
        # an administrator's digest also names every dead timer and failed notice (the operator's look)
        "operator": operator_findings(session) if account is not None and account.is_admin else None,
        "contract": contract.key,
        "title": contract.title,
        "name": person.name,
        "person": person.key,
        "today": today.isoformat(),
        "frequency": settings.frequency,
        "horizon": settings.horizon_days,
        "language": settings.language,
        "overdue": overdue,
        "soon": soon,
        "deadlines": deadlines,
        "deadlines_total": total,
    }


def queue_digest(registry: Registry, session: Session, person: Person, now: datetime) -> dict[str, Any]:
    """Render the person's digest and queue it (at most one per person and local date); empty → nothing."""
    contract = get_contract(session, person.contract_key)
    profile = pinned_profile(contract)
    data = compose(registry, session, person, contract, profile, now)
    values = {**data, "case": None, "link": link_to(None, contract.key), "work": link_to_work()}
    subject, body = render_notice("digest", data["language"], values)
    empty = not (data["overdue"] or data["soon"] or data["deadlines"] or data["operator"])
    assert person.id is not None
    view = {
        "person": person.key,
        "contract": person.contract_key,
        "email": person.email,
        "language": data["language"],
        "subject": subject,
        "body": body,
        "empty": empty,
        "items": len(data["overdue"]) + len(data["soon"]) + data["deadlines_total"],
    }
    return view


def digest_due(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    """Queue the person's digest for the timer's local date, then schedule the next one.

    After downtime a digest of a past local date is not sent (it would be stale); the next one is the first
    slot on today's local date or later, so catching up sends at most today's digest.
    """
    person = session.get(Person, timer.subject_id)
    if person is None:
        return "obsolete"
    profile = pinned_profile(get_contract(session, person.contract_key))
    day = local_date(timer.due_at)
    _schedule_after(session, person, profile, timer.due_at, today=local_date(now))
    if day < local_date(now):
        return "obsolete"
    members = _same_account_on(session, person, day)
    views = [v for v in (queue_digest(ctx.registry, session, m, now) for m in members) if not v["empty"]]
    if not views:
        return "nothing due"
    lead = members[0]  # one digest per account and day, whichever of its contracts' timers fires first
    queue_rendered(
        session,
        key=f"digest:{lead.id}:{day.isoformat()}",
        now=now,
        person=lead,
        contract_key=lead.contract_key,
        rendered=[(v["subject"], v["body"]) for v in views],
    )
    return f"digest ({sum(v['items'] for v in views)} item(s))"


def _same_account_on(session: Session, person: Person, day: date) -> list[Person]:
    """The account's memberships whose digest falls on `day` (this one included), oldest first: a person on
    several contracts gets one digest that lists them all."""
    if person.account_id is None:
        return [person]
    others = session.exec(
        select(Person).where(Person.account_id == person.account_id).order_by(col(Person.id))
    )
    found = []
    for member in others:
        profile = pinned_profile(get_contract(session, member.contract_key))
        if member.id == person.id or (
            profile.spec.obligations is not None and settings_of(session, member, profile).fires_on(day)
        ):
            found.append(member)
    return found


def _schedule_after(
    session: Session, person: Person, profile: Profile, after: datetime, *, today: date
) -> None:
    """The next digest after `after`, skipping local dates before `today` (downtime catch-up)."""
    settings = settings_of(session, person, profile)
    nxt = next_digest(settings, after)
    while nxt is not None and nxt[0] < today:
        nxt = next_digest(settings, nxt[1])
    if nxt is not None:
        schedule_next(session, person, profile, nxt[1] - timedelta(microseconds=1))


def register(registry: Registry) -> None:
    """Add this module's timer handlers and deadline describer to the engine's registry."""
    registry.handler("digest", REMINDER, digest_due)

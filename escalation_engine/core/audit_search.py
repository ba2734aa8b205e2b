"""Searching the audit trail the way a reviewer does: by contract, case, person (the actor or the signed-in
account), action (a prefix such as `escalation.`) and period (whole days in Amsterdam time), newest first or
oldest first, a page at a time — every filter, the order and the page in SQL, limited to what the acting
account may see."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import col, select

from escalation_engine.core.audit import as_record
from escalation_engine.core.db import Database
from escalation_engine.core.paging import page, require_page
from escalation_engine.core.registry import Registry
from escalation_engine.core.sqlite_hints import AUDIT_CASE
from escalation_engine.core.tables import AuditEvent
from escalation_engine.core.visibility import restrict, without_others_audit

AMS = ZoneInfo("Europe/Amsterdam")


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=AMS)


def search(
    db: Database,
    *,
    contract_key: str | None = None,
    case_ref: str | None = None,
    person: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    newest_first: bool = False,
    limit: int | None = None,
    offset: int = 0,
    registry: Registry | None = None,
) -> list[dict[str, Any]]:
    """The rows that match every given filter; `until` is the last day included. With the wired `registry`,
    a participant's contract manager gets no row of another participant's case (`without_others_audit`)."""
    require_page(limit, offset)
    query = select(AuditEvent)
    if contract_key:
        query = query.where(AuditEvent.contract_key == contract_key)
    if case_ref:  # along the case's index (`core.sqlite_hints`)
        query = query.where(AuditEvent.case_ref == case_ref).with_hint(AuditEvent, AUDIT_CASE, "sqlite")
    if person:
        query = query.where(or_(col(AuditEvent.actor) == person, col(AuditEvent.account) == person))
    if action:
        query = query.where(col(AuditEvent.action).startswith(action, autoescape=True))
    if since:
        query = query.where(col(AuditEvent.recorded_at) >= _start_of(since))
    if until:
        query = query.where(col(AuditEvent.recorded_at) < _start_of(until + timedelta(days=1)))
    order = col(AuditEvent.id).desc() if newest_first else col(AuditEvent.id)
    with db.read() as session:
        query = restrict(session, query, col(AuditEvent.contract_key))
        query = without_others_audit(registry, session, query).order_by(order)
        return [as_record(event) for event in session.exec(page(query, limit, offset))]

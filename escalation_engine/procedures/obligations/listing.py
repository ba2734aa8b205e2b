"""The obligations list (`obligations`, My work, the calendar feed's status): filters, state and paging
in SQL, in a fixed number of statements whatever the number of obligations (the obligations, then the
people of all their contracts at once)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, literal, or_
from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract
from escalation_engine.contracts.people import in_roles, preload_people, session_people
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import BadInput
from escalation_engine.core.paging import page, require_page
from escalation_engine.core.refs import case_ref
from escalation_engine.core.tables import Person
from escalation_engine.core.visibility import restrict
from escalation_engine.procedures.obligations.tables import Obligation

STATES = ("open", "overdue", "fulfilled", "all")


def status_of(row: Obligation, now: datetime) -> str:
    """`fulfilled`, `overdue` (its last day has ended) or `open`."""
    if row.state == "fulfilled":
        return "fulfilled"
    return "overdue" if row.state == "overdue" or row.due_at <= now else "open"


def _status_is(state: str, now: datetime) -> ColumnElement[bool] | None:
    """`status_of(row, now)` matching the `--state` filter, as SQL (`open` includes overdue)."""
    not_fulfilled = col(Obligation.state) != "fulfilled"
    if state == "open":
        return not_fulfilled
    if state == "fulfilled":
        return col(Obligation.state) == "fulfilled"
    if state == "overdue":
        return and_(not_fulfilled, or_(col(Obligation.state) == "overdue", col(Obligation.due_at) <= now))
    return None


def _involves(person_key: str | tuple[str, ...]) -> ColumnElement[bool]:
    """`parties.involves` as SQL: the person (or one of an account's person keys), on the obligation's
    contract, owes it or is owed it (the roles owed to are a comma-separated list)."""
    owed_to = literal(",") + col(Obligation.owed_to_roles) + literal(",")
    keys = (person_key,) if isinstance(person_key, str) else person_key
    return exists().where(
        col(Person.contract_key) == col(Obligation.contract_key),
        col(Person.key).in_(keys),
        or_(
            col(Person.role) == col(Obligation.owed_by_role),
            owed_to.contains(literal(",") + col(Person.role) + literal(",")),
        ),
    )


def obligation_view(session: Session, row: Obligation, now: datetime) -> dict[str, Any]:
    owed_to = row.owed_to_roles.split(",")
    everyone = session_people(session, row.contract_key)
    return {
        "id": case_ref("obligation", row.id),
        "contract": row.contract_key,
        "obligation": row.code,
        "seq": row.seq,
        "title": row.title,
        "title_en": row.title_en,
        "period": row.period,
        "owed_by": row.owed_by_role,
        "owed_by_people": [p.key for p in in_roles(everyone, [row.owed_by_role])],
        "owed_to": owed_to,
        "owed_to_people": [p.key for r in owed_to for p in in_roles(everyone, [r])],
        "due": row.due_date.isoformat(),
        "due_at": row.due_at.isoformat(),
        "status": status_of(row, now),
        "rule": row.rule,
        "source": row.source,
        "fulfilled_on": row.fulfilled_on.isoformat() if row.fulfilled_on else None,
        "late": bool(row.fulfilled_on and row.fulfilled_on > row.due_date),
        "reference": row.reference,
        "escalation": case_ref("escalation", row.escalation_id) if row.escalation_id else None,
    }


def _query(
    session: Session,
    now: datetime,
    *,
    contract_key: str | None,
    person_key: str | tuple[str, ...] | None,
    within_days: int | None,
    state: str,
    due_between: tuple[date, date] | None,
) -> Any:
    if state not in STATES:
        raise BadInput(f"unknown state {state!r}: expected one of {', '.join(STATES)}")
    query = select(Obligation)
    if contract_key:
        get_contract(session, contract_key)
        query = query.where(Obligation.contract_key == contract_key)
    if within_days is not None:
        query = query.where(col(Obligation.due_date) <= local_date(now) + timedelta(days=within_days))
    if due_between is not None:
        query = query.where(col(Obligation.due_date).between(*due_between))
    status = _status_is(state, now)
    if status is not None:
        query = query.where(status)
    if person_key:
        query = query.where(_involves(person_key))
    return restrict(session, query, col(Obligation.contract_key))


def list_obligations(
    ctx: Ctx,
    *,
    contract_key: str | None = None,
    person_key: str | tuple[str, ...] | None = None,
    within_days: int | None = None,
    state: str = "open",
    limit: int | None = None,
    offset: int = 0,
    due_between: tuple[date, date] | None = None,
) -> list[dict[str, Any]]:
    """The obligations in `state`, soonest first; `limit`/`offset` page through them in SQL, and
    `due_between` (first day, last day) keeps those whose last day falls in a period (a month view)."""
    require_page(limit, offset)
    now = ctx.clock.now()
    with ctx.db.read() as session:
        query = _query(
            session,
            now,
            contract_key=contract_key,
            person_key=person_key,
            within_days=within_days,
            state=state,
            due_between=due_between,
        )
        rows = list(
            session.exec(page(query.order_by(col(Obligation.due_date), col(Obligation.id)), limit, offset))
        )
        preload_people(session, (row.contract_key for row in rows))
        return [obligation_view(session, row, now) for row in rows]


def count_obligations(
    ctx: Ctx,
    *,
    contract_key: str | None = None,
    person_key: str | tuple[str, ...] | None = None,
    within_days: int | None = None,
    state: str = "open",
) -> int:
    """How many obligations `list_obligations` lists with the same filters, counted in SQL."""
    now = ctx.clock.now()
    with ctx.db.read() as session:
        query = _query(
            session,
            now,
            contract_key=contract_key,
            person_key=person_key,
            within_days=within_days,
            state=state,
            due_between=None,
        )
        return int(session.exec(select(func.count()).select_from(query.subquery())).one())

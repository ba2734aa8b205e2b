"""Open deadlines (not reminders), each with its rule and source, for `deadlines` and reminders.

Every pending timer that is not a reminder is a deadline; so is one whose firing failed and was given up
(state `failed`, listed until `timers retry` fires it), and one waiting to retry a failed firing
(state `retrying`). Each procedure registers a describer for its
subject kind with the registry (`registry.describer("escalation", …)`) that says what the deadline is about and who is responsible
for it or reminded of it.
"""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, text, union_all
from sqlmodel import Session, col, select

from escalation_engine.core.context import Ctx
from escalation_engine.core.display import last_day
from escalation_engine.core.paging import page, require_page
from escalation_engine.core.refs import case_ref
from escalation_engine.core.registry import Registry
from escalation_engine.core.responsibility import responsible_terms
from escalation_engine.core.tables import OPEN_DEADLINE, Timer
from escalation_engine.core.visibility import restrict, visible, without_others_timers

REMINDER = "reminder"


Keys = str | tuple[str, ...] | None  # one person key, or the keys of one account's memberships


def _keys(person_key: Keys) -> tuple[str, ...]:
    if not person_key:
        return ()
    return (person_key,) if isinstance(person_key, str) else person_key


def _open_query(
    ctx: Ctx,
    session: Session,
    *,
    contract_key: str | None,
    within_days: int | None,
    due_between: tuple[datetime, datetime] | None,
    without_kinds: tuple[str, ...],
) -> Any:
    """The open deadlines (status pending or failed, not a reminder) that the filters keep, unordered; a
    person's are this with each of their `responsible_terms`."""
    now = ctx.clock.now()
    query = select(Timer).where(text(OPEN_DEADLINE))
    if contract_key:
        query = query.where(Timer.contract_key == contract_key)
    if within_days is not None:
        query = query.where(col(Timer.due_at) <= now + timedelta(days=within_days))
    if due_between is not None:
        query = query.where(col(Timer.due_at) >= due_between[0], col(Timer.due_at) < due_between[1])
    if without_kinds:
        query = query.where(col(Timer.subject_kind).not_in(without_kinds))
    query = restrict(session, query, col(Timer.contract_key), within=contract_key)
    return without_others_timers(ctx.registry, session, query)  # a participant's: their organisation's cases


KIND_INDEX = "INDEXED BY ix_timer_open_deadline_kind_due"  # a person's term: one contract and subject kind


def _term(query: Any, term: Any) -> Any:
    """`query` kept to one of a person's `responsible_terms`, read along the open deadlines of that
    contract and subject kind (on SQLite by name: `core.sqlite_hints`)."""
    return query.where(term).with_hint(Timer, KIND_INDEX, "sqlite")


def _soonest(query: Any) -> Any:
    return query.order_by(col(Timer.due_at), col(Timer.id))


def person_terms(
    registry: Registry,
    session: Session,
    query: Any,
    keys: tuple[str, ...],
    contract_key: str | None,
    *,
    without_kinds: tuple[str, ...] = (),
) -> list[Any]:
    """`query` (open deadlines) once per `responsible_terms` term of `keys`: disjoint queries whose union is
    the deadlines those people are responsible for by the procedures' tests."""
    chosen = responsible_terms(registry, session, keys, contract_key, without_kinds=without_kinds)
    return [_term(query, t) for t in chosen]


def merged(session: Session, queries: list[Any], start: int, count: int | None) -> list[Timer]:
    """Rows `start` to `start + count` (all from `start` when None) of the union of `queries`, which hold
    disjoint rows, soonest first: each query gives its first `start + count`, and they are merged."""
    head = None if count is None else start + count
    parts = [list(session.exec(_soonest(q) if head is None else _soonest(q).limit(head))) for q in queries]
    rows = list(heapq.merge(*parts, key=lambda t: (t.due_at, t.id or 0)))
    return rows[start:] if count is None else rows[start : start + count]


def union_of(queries: list[Any]) -> Any:
    """The due moments of the union of disjoint `queries` (`person_terms`), as a subquery to count."""
    return union_all(*(q.with_only_columns(col(Timer.due_at)) for q in queries)).subquery()


def list_deadlines(
    ctx: Ctx,
    *,
    contract_key: str | None = None,
    person_key: Keys = None,
    within_days: int | None = None,
    limit: int | None = None,
    offset: int = 0,
    due_between: tuple[datetime, datetime] | None = None,
    without_kinds: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The open deadlines, soonest first; `limit`/`offset` page through them in SQL, `due_between`
    (from, before) keeps those due in a period (a month view), `without_kinds` leaves subject kinds out
    (My work lists obligations from their own list). With `person_key` (or several keys of one account),
    the deadlines are those the procedures' responsibility tests select in SQL (`core.responsibility`),
    and each is kept only when its describer names the person too: a page is filled from chunks of them,
    soonest first (the page, then doubling), and stops as soon as it is full."""
    require_page(limit, offset)
    ctx.registry.require_wired()
    now = ctx.clock.now()
    keys = _keys(person_key)
    with ctx.db.read() as session:
        query = _open_query(
            ctx,
            session,
            contract_key=contract_key,
            within_days=within_days,
            due_between=due_between,
            without_kinds=() if keys else without_kinds,
        )
        if not keys:
            timers = list(session.exec(page(_soonest(query), limit, offset)))
            return visible(session, deadline_rows(ctx.registry, session, timers, now))
        terms = person_terms(ctx.registry, session, query, keys, contract_key, without_kinds=without_kinds)
        if limit is None:
            timers = merged(session, terms, 0, None)
            return visible(session, _theirs(ctx.registry, session, timers, now, keys))[offset:]
        rows: list[dict[str, Any]] = []
        start, chunk = 0, offset + limit
        while len(rows) < offset + limit:  # described a chunk at a time (the page, then doubling) until full
            timers = merged(session, terms, start, chunk)
            rows.extend(visible(session, _theirs(ctx.registry, session, timers, now, keys)))
            if len(timers) < chunk:
                break
            start, chunk = start + chunk, 2 * chunk
        return rows[offset : offset + limit]


def count_deadlines(
    ctx: Ctx,
    *,
    contract_key: str | None = None,
    person_key: Keys = None,
    within_days: int | None = None,
    without_kinds: tuple[str, ...] = (),
) -> tuple[int, int]:
    """How many open deadlines `list_deadlines` keeps with the same filters, and how many of them are late
    (their moment has passed), counted in SQL in one statement; a person's count rests on the
    responsibility tests, which a test holds to say exactly what the describers say."""
    ctx.registry.require_wired()
    now = ctx.clock.now()
    keys = _keys(person_key)
    with ctx.db.read() as session:
        query = _open_query(
            ctx,
            session,
            contract_key=contract_key,
            within_days=within_days,
            due_between=None,
            without_kinds=() if keys else without_kinds,
        )
        if keys:  # the terms are disjoint: the count of their union is the sum of theirs
            terms = person_terms(
                ctx.registry, session, query, keys, contract_key, without_kinds=without_kinds
            )
            if not terms:
                return 0, 0
            rows = union_of(terms)
        else:
            rows = query.with_only_columns(col(Timer.due_at)).subquery()
        late = func.coalesce(func.sum(case((rows.c.due_at <= now, 1), else_=0)), 0)
        total, overdue = session.exec(select(func.count(), late).select_from(rows)).one()
        return int(total), int(overdue)


def _theirs(
    registry: Registry, session: Session, timers: list[Timer], now: datetime, keys: tuple[str, ...]
) -> list[dict[str, Any]]:
    rows = deadline_rows(registry, session, timers, now)
    return [row for row in rows if any(key in row["responsible"] for key in keys)]


def deadline_rows(
    registry: Registry, session: Session, timers: list[Timer], now: datetime
) -> list[dict[str, Any]]:
    """The deadline rows of `timers`, in their order: each subject kind's describer reads its cases once for
    all its timers."""
    about: dict[int, dict[str, Any]] = {}
    kinds: dict[str, list[Timer]] = {}
    for timer in timers:
        kinds.setdefault(timer.subject_kind, []).append(timer)
    for kind, of_kind in kinds.items():
        describe = registry.describer_for(kind)
        if describe:
            about.update(describe(session, of_kind))
    return [_row(timer, about.get(timer.id or 0, {}), now) for timer in timers]


def deadline_row(registry: Registry, session: Session, timer: Timer, now: datetime) -> dict[str, Any]:
    return deadline_rows(registry, session, [timer], now)[0]


def _row(timer: Timer, about: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "case": case_ref(timer.subject_kind, timer.subject_id),
        "contract": timer.contract_key,
        "what": timer.kind.replace("_", " "),
        "subject": about.get("subject"),
        "level": about.get("level"),
        "due": last_day(timer.due_at),
        "due_at": timer.due_at.isoformat(),
        "overdue": timer.due_at <= now,
        "rule": timer.rule,
        "source": timer.source,
        "responsible": sorted(about.get("responsible", [])),
        "state": _state(timer),
        "timer": timer.id,
        "attempts": timer.attempts,
        "error": timer.last_error,
    }


def _state(timer: Timer) -> str:
    if timer.status == "failed":
        return "failed"
    return "retrying" if timer.next_attempt_at is not None else "open"

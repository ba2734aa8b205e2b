"""The other deadlines a person's digest names (escalations, plans, step-in, KPI verdicts and sanctions —
obligations it lists on their own): the soonest 50 up to the digest's horizon and how many there are."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, func, select

from escalation_engine.core.dates import end_of_day
from escalation_engine.core.deadlines import deadline_rows, merged, person_terms, union_of
from escalation_engine.core.registry import Registry
from escalation_engine.core.tables import OPEN_DEADLINE, Person, Timer
from escalation_engine.core.visibility import without_other_participants_timers

DEADLINES_LISTED = 50  # a digest names the soonest 50 of a person's other deadlines; My work has them all


def persons_deadlines(
    registry: Registry, session: Session, person: Person, until: date, now: datetime
) -> tuple[list[dict[str, Any]], int]:
    """The person's soonest other deadlines up to `until` (at most DEADLINES_LISTED, soonest first) and how
    many there are in all: chosen and counted in SQL by the procedures' responsibility tests, and described
    a page at a time — an account manager with every level-1 response of 20,000 escalations gets a mail of
    50 of them and the number, not 18,000 lines. A person on the participant side gets none of another
    participant's cases, as the web shows them none (`core.visibility`), though the daemon writes the mail."""
    query = select(Timer).where(
        Timer.contract_key == person.contract_key,
        text(OPEN_DEADLINE),  # pending, or failed (in sight until retried), and not a reminder
        col(Timer.due_at) <= end_of_day(until),  # its last day (display.last_day) is on or before `until`
    )
    if person.side == "participant":  # a participant's contract manager: their own organisation's cases only
        mine = [person.organisation] if person.organisation else []
        query = without_other_participants_timers(registry, query, person.contract_key, mine)
    terms = person_terms(registry, session, query, (person.key,), person.contract_key, without_kinds=OWN_LIST)
    listed: list[dict[str, Any]] = []
    start = 0
    while len(listed) < DEADLINES_LISTED:  # a page at a time, until 50 are described as theirs
        timers = merged(session, terms, start, DEADLINES_LISTED)
        for entry in deadline_rows(registry, session, timers, now):
            if person.key in entry["responsible"] and date.fromisoformat(entry["due"]) <= until:
                listed.append(entry)
        if len(timers) < DEADLINES_LISTED:
            break
        start += DEADLINES_LISTED
    total = session.exec(select(func.count()).select_from(union_of(terms))).one() if terms else 0
    return listed[:DEADLINES_LISTED], int(total)


OWN_LIST = ("obligation",)  # the digest lists obligations on their own (overdue, soon), not as deadlines

"""Hearing the supplier before the category decides on a proposed sanction (B2 §5).

When the category proposes a sanction, the supplier gets a response term (`kpis.sanction_response`, a
policy default when the pinned profile has none) with the profile's reminders. Applying the sanction is
refused until the supplier responded or the term ended, unless the category records why the decision
cannot wait (`sanction apply --cannot-wait REASON`, audited). Waiving is in the supplier's favour and
needs no hearing.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from escalation_engine.contracts.lookup import session_profile
from escalation_engine.contracts.people import in_roles, people_with_role, preload_people, session_people
from escalation_engine.contracts.terms import due_date, schedule_deadline_with_reminders, term_of
from escalation_engine.core import audit
from escalation_engine.core.batch import by_id
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import end_of_day, local_date
from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.notice_texts import send_notice
from escalation_engine.core.refs import case_ref
from escalation_engine.core.registry import DueTimer, Registry
from escalation_engine.core.schedule import cancel_timers
from escalation_engine.core.tables import Timer
from escalation_engine.procedures.kpis.results import kpi_section
from escalation_engine.procedures.kpis.tables import SanctionCase
from escalation_engine.procedures.kpis.verdicts import PREFIX_SANCTION

SETTING = "kpis.sanction_response"


def _term(session: Session, row: SanctionCase) -> tuple[Any, Any]:
    profile = session_profile(session, row.contract_key)
    return profile, kpi_section(profile, row.contract_key).response_term()


def response_last_day(session: Session, row: SanctionCase) -> date | None:
    """The last day of the supplier's response term: the term counted from the day of the proposal."""
    if row.proposed_at is None:
        return None
    profile, spec = _term(session, row)
    return due_date(profile, local_date(row.proposed_at), term_of(spec))


def schedule_response(session: Session, row: SanctionCase, now: datetime) -> tuple[date, str, str]:
    """The response deadline and its reminders, in the proposal's transaction: (last day, rule, clause)."""
    profile, spec = _term(session, row)
    last_day = due_date(profile, local_date(now), term_of(spec))
    rule = f"the supplier is heard before the category decides ({spec.label or SETTING})"
    schedule_deadline_with_reminders(
        session,
        profile,
        now=now,
        key=f"sanction:{row.id}:response",
        kind="response_due",
        subject_kind=PREFIX_SANCTION,
        subject_id=row.id or 0,
        contract_key=row.contract_key,
        last_day=last_day,
        rule=rule,
        source=spec.source,
        payload={"sanction": row.id},
    )
    return last_day, rule, spec.source


def end_hearing(session: Session, row: SanctionCase, now: datetime) -> None:
    """The supplier responded or the category decided: the response term's timers are done."""
    cancel_timers(session, PREFIX_SANCTION, row.id or 0, now)


def check_heard(session: Session, row: SanctionCase, now: datetime, cannot_wait: str | None) -> None:
    """Applying before the supplier responded or its term ended needs the reason it cannot wait."""
    if row.response or cannot_wait:
        return
    last_day = response_last_day(session, row)
    if last_day is None or now >= end_of_day(last_day):
        return
    _, spec = _term(session, row)
    ref = case_ref(PREFIX_SANCTION, row.id)
    raise RuleRefused(
        f"{ref}: the supplier has not been heard yet — it may respond until {last_day.isoformat()} "
        f"({SETTING}: {spec.amount} {spec.unit}, {spec.source}). Wait for the response "
        f"(sanction respond {ref} --text …) or the end of the term, or record why the decision cannot wait "
        f"(sanction apply {ref} --cannot-wait REASON …)",
        rule="the supplier is heard before a sanction is applied",
        source="B2 §5",
    )


def hearing_view(session: Session, row: SanctionCase) -> dict[str, Any]:
    last_day = response_last_day(session, row) if row.state == "proposed" else None
    return {
        "response_due": last_day.isoformat() if last_day else None,
        "cannot_wait": row.cannot_wait,
    }


def response_due(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    row = session.get(SanctionCase, timer.subject_id)
    if row is None or row.state != "proposed" or row.response:
        return "obsolete"
    audit.append(
        ctx.db,
        session,
        now=now,
        actor="system",
        action="sanction.response_term_ended",
        contract_key=row.contract_key,
        case_ref=case_ref(PREFIX_SANCTION, row.id),
        reason=f"{timer.rule} ({timer.source}): the term ended without a response; the category may decide",
        payload={"timer": timer.id, "due_at": timer.due_at.isoformat()},
    )
    return "response term ended"


def remind(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    row = session.get(SanctionCase, timer.subject_id)
    payload = json.loads(timer.payload)
    if row is None or row.state != "proposed" or row.response:
        return "obsolete"
    if int(payload["offset_days"]) > 0 or now >= datetime.fromisoformat(payload["deadline_at"]):
        return "obsolete"  # after the term the category may decide: no reminder to respond any more
    ref = case_ref(PREFIX_SANCTION, row.id)
    last_day = local_date(datetime.fromisoformat(payload["deadline_at"]))
    for person in people_with_role(session, row.contract_key, "account_manager"):
        send_notice(
            session,
            "sanction_response_reminder",
            key=f"timer:{timer.id}",
            now=now,
            person=person,
            contract_key=row.contract_key,
            case=ref,
            codes=row.codes,
            days_left=-int(payload["offset_days"]),
            due=last_day.isoformat(),
            rule=timer.rule,
            source=timer.source,
        )
    return f"reminded ({int(payload['offset_days']):+d} d)"


def describe_deadline(session: Session, timers: list[Timer]) -> dict[int, dict[str, Any]]:
    contracts = {t.contract_key for t in timers}
    preload_people(session, contracts)
    cases = by_id(session, SanctionCase, (t.subject_id for t in timers))
    about: dict[int, dict[str, Any]] = {}
    for timer in timers:
        row = cases.get(timer.subject_id)
        if row is None:
            about[timer.id or 0] = {}
            continue
        people = in_roles(session_people(session, row.contract_key), ["account_manager"])
        about[timer.id or 0] = {
            "subject": f"supplier's response to sanction {row.codes}",
            "responsible": [p.key for p in people],
        }
    return about


def register(registry: Registry) -> None:
    """The response term's deadline, reminders and describer."""
    registry.handler(PREFIX_SANCTION, "response_due", response_due)
    registry.handler(PREFIX_SANCTION, "reminder", remind)
    registry.describer(PREFIX_SANCTION, describe_deadline)

"""Follow-up after a missed delivery-reliability norm (B2 §2.2), as tracked deadlines.

- Decentral: the supplier shows and implements its improvements in the month after the failed month;
  the deadline (end of that month) is set by the evaluation.
- Central: the category agrees a term with the supplier (`kpi term`), which is then tracked.
The supplier records what it improved (`kpi improve`); that ends the deadline and its reminders. A
deadline that passes without it is recorded and the deciders are told.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.people import (
    get_person,
    in_roles,
    people_with_role,
    preload_people,
    session_people,
)
from escalation_engine.contracts.terms import schedule_deadline_with_reminders
from escalation_engine.core import audit, date_bounds
from escalation_engine.core.batch import by_id
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import NotFound, RuleRefused
from escalation_engine.core.notice_texts import send_notice
from escalation_engine.core.refs import case_ref, parse_ref, require_lines
from escalation_engine.core.registry import DueTimer, Registry
from escalation_engine.core.schedule import cancel_timers
from escalation_engine.core.tables import Person, Timer
from escalation_engine.procedures.kpis.results import kpi_section
from escalation_engine.procedures.kpis.tables import KpiVerdict
from escalation_engine.procedures.kpis.verdicts import PREFIX_VERDICT, verdict_view

SOURCE = "B2 §2.2"
# Verdicts after which the category agrees a term for improvement with the supplier.
TERM_SOURCES = {"delivery-central": "B2 §2.2", "survey": "B2 §2.3"}


def _load(session: Session, ref: str) -> KpiVerdict:
    ident = parse_ref(PREFIX_VERDICT, ref)
    row = session.get(KpiVerdict, ident)
    if row is None:
        raise NotFound(f"verdict {case_ref(PREFIX_VERDICT, ident)} not found")
    return row


def _check_term(row: KpiVerdict, actor: Person, deciders: list[str], until: date, today: date) -> None:
    """Only the category sets the term, once, in the future, after a missed central norm (B2 §2.2)."""
    if actor.role not in deciders:
        raise RuleRefused(
            f"{actor.key} ({actor.role}) cannot set the improvement term: the category agrees it with the supplier",
            rule="the category sets the term (central part)",
            source=SOURCE,
        )
    if row.kind not in TERM_SOURCES or row.met:
        raise RuleRefused(
            f"{case_ref(PREFIX_VERDICT, row.id)} is not a missed central delivery-reliability or survey verdict",
            rule="a term follows a missed central norm or a survey score below 7",
            source=f"{SOURCE}, B2 §2.3",
        )
    if row.follow_up_due is not None:
        raise RuleRefused(
            f"{case_ref(PREFIX_VERDICT, row.id)} already has the term {row.follow_up_due.isoformat()}",
            rule="one agreed term per verdict",
            source=SOURCE,
        )
    date_bounds.within(
        until,
        "the improvement term",
        min(until, today),
        date_bounds.years_ahead(today),
        "up to 5 years ahead",
    )
    if until <= today:
        raise RuleRefused(
            f"the term {until.isoformat()} is not in the future", rule="term in the future", source=SOURCE
        )


def set_term(ctx: Ctx, *, actor_key: str | None, ref: str, until: date, reason: str) -> dict[str, Any]:
    """The category records the improvement term agreed after a missed central norm (B2 §2.2) or a survey
    with scores below 7 (B2 §2.3: an interim assessment of the Matig/Slecht topics follows at its end)."""
    reason = require_lines(reason, "reason")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        row = _load(session, ref)
        contract = get_contract(session, row.contract_key)
        profile = pinned_profile(contract)
        section = kpi_section(profile, contract.key)
        actor = get_person(session, contract.key, actor_key)
        _check_term(row, actor, section.sanctions_decided_by, until, local_date(now))
        row.follow_up_due = until
        session.add(row)
        schedule_deadline_with_reminders(
            session,
            profile,
            now=now,
            key=f"verdict:{row.id}:term",
            kind="improvement_due",
            subject_kind=PREFIX_VERDICT,
            subject_id=row.id or 0,
            contract_key=contract.key,
            last_day=until,
            rule=f"improvement term agreed by the category: {reason}",
            source=TERM_SOURCES[row.kind],
            payload={"verdict": row.id},
        )
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=actor.key,
            actor_role=actor.role,
            action="verdict.term_set",
            contract_key=contract.key,
            case_ref=case_ref(PREFIX_VERDICT, row.id),
            reason=reason,
            payload={"until": until.isoformat()},
        )
        return verdict_view(row)


def record_improvement(ctx: Ctx, *, actor_key: str | None, ref: str, text: str) -> dict[str, Any]:
    """The supplier shows its improvements (B2 §2.2); ends the tracked deadline."""
    text = require_lines(text, "improvement text")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        row = _load(session, ref)
        actor = get_person(session, row.contract_key, actor_key)
        if actor.side != "supplier":
            raise RuleRefused(
                f"{actor.key} ({actor.role}) is not on the supplier side: the supplier shows its improvements",
                rule="the supplier shows and implements improvements",
                source=SOURCE,
            )
        if row.met or row.follow_up_due is None:
            raise RuleRefused(
                f"{case_ref(PREFIX_VERDICT, row.id)} has no open improvement deadline",
                rule="improvements follow a missed norm with a term",
                source=SOURCE,
            )
        if row.follow_up_text:
            raise RuleRefused(
                f"{case_ref(PREFIX_VERDICT, row.id)}: improvements were already recorded by {row.follow_up_by}",
                rule="one improvement record",
                source=SOURCE,
            )
        row.follow_up_text, row.follow_up_by, row.follow_up_at = text, actor.key, now
        session.add(row)
        cancel_timers(session, PREFIX_VERDICT, row.id or 0, now)
        late = local_date(now) > row.follow_up_due
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=actor.key,
            actor_role=actor.role,
            action="verdict.improvement",
            contract_key=row.contract_key,
            case_ref=case_ref(PREFIX_VERDICT, row.id),
            reason=text,
            payload={"due": row.follow_up_due.isoformat(), "late": late},
        )
        return verdict_view(row)


def improvement_due(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    row = session.get(KpiVerdict, timer.subject_id)
    if row is None or row.follow_up_text:
        return "obsolete"
    contract = get_contract(session, row.contract_key)
    section = kpi_section(pinned_profile(contract), contract.key)
    ref = case_ref(PREFIX_VERDICT, row.id)
    for role in [*section.sanctions_decided_by, "account_manager"]:
        for person in people_with_role(session, contract.key, role):
            send_notice(
                session,
                "kpi_improvement_overdue",
                key=f"timer:{timer.id}",
                now=now,
                person=person,
                contract_key=contract.key,
                case=ref,
                explanation=row.explanation,
                due=f"{row.follow_up_due}",
                rule=timer.rule,
                source=timer.source,
            )
    audit.append(
        ctx.db,
        session,
        now=now,
        actor="system",
        action="verdict.improvement_overdue",
        contract_key=contract.key,
        case_ref=ref,
        reason=f"{timer.rule} ({timer.source}) passed without recorded improvements",
        payload={"timer": timer.id, "due_at": timer.due_at.isoformat()},
    )
    return "improvement overdue"


def remind(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    row = session.get(KpiVerdict, timer.subject_id)
    payload = json.loads(timer.payload)
    offset = int(payload["offset_days"])
    if (
        row is None
        or row.follow_up_text
        or (offset <= 0 and now >= datetime.fromisoformat(payload["deadline_at"]))
    ):
        return "obsolete"
    ref = case_ref(PREFIX_VERDICT, row.id)
    for person in people_with_role(session, row.contract_key, "account_manager"):
        send_notice(
            session,
            "kpi_improvement_reminder",
            key=f"timer:{timer.id}",
            now=now,
            person=person,
            contract_key=row.contract_key,
            case=ref,
            due=f"{row.follow_up_due}",
            rule=timer.rule,
            source=timer.source,
        )
    return f"reminded ({offset:+d} d)"


def describe_deadline(session: Session, timers: list[Timer]) -> dict[int, dict[str, Any]]:
    contracts = {t.contract_key for t in timers}
    preload_people(session, contracts)
    verdicts = by_id(session, KpiVerdict, (t.subject_id for t in timers))
    about: dict[int, dict[str, Any]] = {}
    for timer in timers:
        row = verdicts.get(timer.subject_id)
        if row is None:
            about[timer.id or 0] = {}
            continue
        people = in_roles(session_people(session, row.contract_key), ["account_manager"])
        who = f" {row.participant}" if row.participant else ""
        about[timer.id or 0] = {
            "subject": f"improvements after {row.kpi} {row.period}{who}",
            "responsible": [p.key for p in people],
        }
    return about


def register(registry: Registry) -> None:
    """Add this module's timer handlers and deadline describer to the engine's registry."""
    registry.handler(PREFIX_VERDICT, "improvement_due", improvement_due)
    registry.handler(PREFIX_VERDICT, "reminder", remind)
    registry.describer(PREFIX_VERDICT, describe_deadline)

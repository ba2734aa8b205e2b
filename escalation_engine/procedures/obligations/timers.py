"""What happens when an obligation's due date passes or a reminder comes due; its `deadlines` describer.

Overdue: the obligation becomes `overdue` (audit row), the debtor and the creditor are told, every KPI
judged against the obligation records its failed verdict (B2 §2.1, kpi_obligations.py), and, where the
profile sets `obligations.escalate_overdue`, a level-1 escalation is opened by the first person with
role `obligations.escalate_as` — all in the same transaction (through each procedure's own steps).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.people import (
    counterpart,
    in_roles,
    people_with_role,
    preload_people,
    session_people,
)
from escalation_engine.core import audit
from escalation_engine.core.batch import by_id
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.machine import fire
from escalation_engine.core.notice_texts import send_notice
from escalation_engine.core.refs import case_ref
from escalation_engine.core.registry import DueTimer, Registry
from escalation_engine.core.tables import Person, Timer
from escalation_engine.procedures.ladder.case import Loaded, address, write_audit
from escalation_engine.procedures.ladder.machine import (
    EscalationModel,
    EscState,
    EscTrigger,
    escalation_machine,
)
from escalation_engine.procedures.ladder.rules import check_raise
from escalation_engine.procedures.ladder.tables import Escalation
from escalation_engine.procedures.obligations.calendar import payload_of
from escalation_engine.procedures.obligations.hooks import after_overdue
from escalation_engine.procedures.obligations.listing import obligation_view
from escalation_engine.procedures.obligations.tables import Obligation
from escalation_engine.profile.model import Profile


def debtors(session: Session, row: Obligation) -> list[Person]:
    return people_with_role(session, row.contract_key, row.owed_by_role)


def creditors(session: Session, row: Obligation) -> list[Person]:
    return [
        p for role in row.owed_to_roles.split(",") for p in people_with_role(session, row.contract_key, role)
    ]


def _tell(
    session: Session,
    people: list[Person],
    *,
    key: str,
    now: datetime,
    row: Obligation,
    data: dict[str, Any],
) -> None:
    """Notice `obligation_notice` once to each person, in their language (digest setting, else the
    profile's digest language, else Dutch)."""
    seen: set[str] = set()
    for person in people:
        if person.key in seen:
            continue
        seen.add(person.key)
        send_notice(
            session,
            "obligation_notice",
            key=key,
            now=now,
            person=person,
            contract_key=row.contract_key,
            case=case_ref("obligation", row.id),
            **data,
        )


def obligation_overdue(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    """The last day ended without a recorded fulfilment: overdue, tell both sides, maybe escalate."""
    row = session.get(Obligation, timer.subject_id)
    if row is None or row.state != "open":
        return "obsolete"
    profile = pinned_profile(get_contract(session, row.contract_key))
    row.state, row.overdue_at = "overdue", timer.due_at
    session.add(row)
    ref = case_ref("obligation", row.id)
    audit.append(
        ctx.db,
        session,
        now=now,
        actor="system",
        action="obligation.overdue",
        contract_key=row.contract_key,
        case_ref=ref,
        from_state="open",
        to_state="overdue",
        reason=f"{row.rule} ({row.source}) ended {timer.due_at.isoformat()} without a recorded fulfilment",
        payload={"timer": timer.id, "late_by_s": int((now - timer.due_at).total_seconds())},
    )
    verdicts = after_overdue(ctx, session, row, profile, now)
    escalation = _maybe_escalate(ctx, session, row, profile, now)
    data = {
        "what": "overdue",
        "item": obligation_view(session, row, now),
        "days_left": 0,
        "escalation": escalation,
    }
    _tell(
        session,
        debtors(session, row) + creditors(session, row),
        key=f"timer:{timer.id}",
        now=now,
        row=row,
        data=data,
    )
    missed = "".join(f", {v['verdict']} {v['kpi']} missed" for v in verdicts)
    return f"overdue{missed}{', escalated ' + escalation if escalation else ''}"


def obligation_reminder(ctx: Ctx, session: Session, timer: DueTimer, now: datetime) -> str:
    """Before, on and after the due date (profile `obligations.reminders`): remind the debtor."""
    row = session.get(Obligation, timer.subject_id)
    if row is None or row.state == "fulfilled":
        return "obsolete"
    offset = int(payload_of(timer.payload)["offset_days"])
    if offset <= 0 and now >= row.due_at:
        return "obsolete"  # caught up after downtime: a "due soon" note after the deadline would mislead
    days_left = (row.due_date - local_date(now)).days
    people = debtors(session, row) + (creditors(session, row) if offset > 0 else [])
    data = {
        "what": "reminder",
        "item": obligation_view(session, row, now),
        "days_left": days_left,
        "escalation": None,
    }
    _tell(session, people, key=f"timer:{timer.id}", now=now, row=row, data=data)
    return f"reminded ({offset:+d} d)"


def _maybe_escalate(
    ctx: Ctx, session: Session, row: Obligation, profile: Profile, now: datetime
) -> str | None:
    """Open a level-1 escalation for an overdue obligation when the profile says so; None otherwise."""
    spec = profile.spec.obligations
    if spec is None or not spec.escalate_overdue or spec.escalate_as is None:
        return None
    ref = case_ref("obligation", row.id)
    raisers = people_with_role(session, row.contract_key, spec.escalate_as)
    try:
        if not raisers:
            raise RuleRefused(f"no person with role {spec.escalate_as!r} to open it", rule="escalate_as")
        return _open_escalation(ctx, session, row, profile, raisers[0], now)
    except RuleRefused as exc:
        audit.append(
            ctx.db,
            session,
            now=now,
            actor="system",
            action="obligation.escalation_skipped",
            contract_key=row.contract_key,
            case_ref=ref,
            reason=exc.message,
            payload={"rule": exc.rule, "source": exc.source},
        )
        return None


def _open_escalation(
    ctx: Ctx, session: Session, row: Obligation, profile: Profile, raiser: Person, now: datetime
) -> str:
    spec = profile.ladder.level(1)
    model = EscalationModel(ref="new escalation", state=EscState.NEW.value, level=0)
    check_raise(model, 1, profile.ladder, raiser.role)
    counterpart(session, row.contract_key, spec.counterpart, f"level 1 ({spec.name})", spec.source)
    fire(
        escalation_machine(),
        model,
        EscTrigger.ADDRESS,
        rule="lower levels gone through",
        source=spec.source,
        ladder=profile.ladder,
        target=1,
    )
    ref = case_ref("obligation", row.id)
    subject = f"{ref} {row.title}{f' ({row.period})' if row.period else ''} overdue since {row.due_date}"
    esc = Escalation(
        contract_key=row.contract_key,
        subject=subject,
        norm=f"{row.rule} ({row.source})",
        participant=None,
        threatened=False,
        level=1,
        state=model.state,
        opened_by=raiser.key,
        opened_at=now,
        updated_at=now,
    )
    session.add(esc)
    session.flush()
    loaded = Loaded(session, esc, get_contract(session, row.contract_key), profile, [])
    why = f"obligation {ref} overdue: {row.rule} ({row.source})"
    address(ctx, loaded, level=1, actor=raiser, reason=why, now=now)
    write_audit(
        ctx,
        loaded,
        now=now,
        actor="system",
        action="escalation.open",
        before=EscState.NEW.value,
        reason=why,
        payload={"obligation": ref, "on_behalf_of": raiser.key, "automatic": True},
    )
    row.escalation_id = esc.id
    session.add(row)
    return loaded.ref


def describe_deadline(session: Session, timers: list[Timer]) -> dict[int, dict[str, Any]]:
    """Obligations' due dates: the debtor is responsible, the creditor is reminded."""
    contracts = {t.contract_key for t in timers}
    preload_people(session, contracts)
    rows = by_id(session, Obligation, (t.subject_id for t in timers))
    about: dict[int, dict[str, Any]] = {}
    for timer in timers:
        row = rows.get(timer.subject_id)
        if row is None:
            about[timer.id or 0] = {}
            continue
        everyone = session_people(session, row.contract_key)
        roles = [row.owed_by_role, *row.owed_to_roles.split(",")]
        people = [p.key for role in roles for p in in_roles(everyone, [role])]
        what = f"{row.title}{f' ({row.period})' if row.period else ''}"
        about[timer.id or 0] = {"subject": what, "level": None, "responsible": sorted(set(people))}
    return about


def register(registry: Registry) -> None:
    """Add this module's timer handlers and deadline describer to the engine's registry."""
    registry.handler("obligation", "obligation_due", obligation_overdue)
    registry.handler("obligation", "reminder", obligation_reminder)
    registry.describer("obligation", describe_deadline)

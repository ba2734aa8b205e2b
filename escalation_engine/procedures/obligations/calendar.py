"""Contract obligations: derive them from the profile, list them, record their fulfilment.

Derivation runs in the transaction that adds the contract (`derive_for_contract`), up to the rolling
horizon (rules/horizon.py: at least `obligations.horizon_months` past today), and a monthly look-ahead
timer (`obligation_horizon.py`) keeps every recurring series going for as long as the contract runs. Every occurrence is a row with its own due
date, rule and clause, plus a `due` timer (→ overdue) and reminder timers written in the same transaction.
An obligation anchored on the fulfilment of another (B2 §2.1.2: execution within 3 months of approval) is
derived when that one is fulfilled.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from escalation_engine.core import audit
from escalation_engine.core.dates import at_local_time, end_of_day, local_date
from escalation_engine.core.db import Database
from escalation_engine.core.deadlines import REMINDER
from escalation_engine.core.schedule import schedule
from escalation_engine.core.tables import Contract, Timer
from escalation_engine.core.workdays import WorkdayCalendar
from escalation_engine.procedures.obligations.profile import ObligationSpec
from escalation_engine.procedures.obligations.rules.due_dates import Period, Schedule
from escalation_engine.procedures.obligations.rules.horizon import (
    Horizon,
    contract_end,
    rolling_horizon,
)
from escalation_engine.procedures.obligations.tables import Obligation
from escalation_engine.profile.model import Profile

HORIZON = "obligation_horizon"  # subject kind of the monthly look-ahead timer (a contract has no numeric id)


def horizon_of(contract: Contract, profile: Profile, now: datetime) -> Horizon:
    """How far obligations are derived at `now` and when the engine looks ahead again (rules/horizon.py)."""
    spec = profile.spec.obligations
    assert spec is not None
    end = contract_end(contract.start_date, spec.term_months)
    return rolling_horizon(contract.start_date, spec.horizon_months, local_date(now), end)


def schedule_look_ahead(session: Session, contract: Contract, horizon: Horizon) -> None:
    """The next look-ahead timer at 00:00 local on `horizon.next_look` (one per contract and date).

    Its kind is `reminder`: housekeeping, not a contract deadline, so `deadlines`, digests and calendar
    feeds leave it out (like the digest timers)."""
    if horizon.next_look is None:
        return
    key = f"obl-horizon:{contract.key}:{horizon.next_look.isoformat()}"
    if session.exec(select(Timer.id).where(Timer.idempotency_key == key)).first() is not None:
        return
    schedule(
        session,
        key=key,
        kind=REMINDER,
        subject_kind=HORIZON,
        subject_id=0,
        contract_key=contract.key,
        due_at=at_local_time(horizon.next_look, 0, 0),
        rule="rolling obligation horizon: look ahead monthly on the contract start's anniversaries",
        source="policy default — recurring obligations continue for as long as the contract runs",
        payload={"horizon_end": horizon.end.isoformat()},
    )


def anchor_of(contract: Contract, anchor: str) -> tuple[date, str]:
    """The anchor date of an obligation and how the rule names it."""
    start = contract.start_date.isoformat()
    if anchor == "award":
        if contract.award_date is not None:
            return contract.award_date, f"award {contract.award_date.isoformat()}"
        return contract.start_date, f"award (not recorded: contract start {start} stands in)"
    if anchor == "signing":
        return contract.start_date, f"signing (contract start {start} stands in)"
    if anchor == "quarter_end":
        return contract.start_date, "quarter end"
    return contract.start_date, f"contract start {start}"


def schedule_of(item: ObligationSpec, profile: Profile, anchor_label: str) -> Schedule:
    roll = item.roll_to_working_day
    return Schedule(
        anchor_label=anchor_label,
        first=Period(item.first.amount, item.first.unit),
        every=Period(item.every.amount, item.every.unit) if item.every else None,
        count=item.count,
        quarterly=item.anchor == "quarter_end",
        roll_to_working_day=profile.spec.deadlines.roll_to_working_day if roll is None else roll,
    )


def derive_for_contract(
    db: Database, session: Session, contract: Contract, profile: Profile, *, now: datetime, actor: str
) -> int:
    """Write every obligation the profile defines for `contract` (one-offs and series up to the horizon)."""
    spec = profile.spec.obligations
    if spec is None:
        return 0
    horizon = horizon_of(contract, profile, now)
    horizon_end = horizon.end
    rows: list[Obligation] = []
    for item in spec.items:
        if item.anchor == "fulfilment":
            continue
        anchor, label = anchor_of(contract, item.anchor)
        rows += derive_item(session, profile, contract.key, item, anchor, label, horizon_end, now)
    schedule_look_ahead(session, contract, horizon)
    audit.append(
        db,
        session,
        now=now,
        actor=actor,
        action="obligations.derive",
        contract_key=contract.key,
        reason=f"obligations up to {horizon_end.isoformat()} (rolling horizon: at least {spec.horizon_months} "
        f"months ahead, {spec.source.split(' — ')[0]})",
        payload={
            "count": len(rows),
            "horizon_end": horizon_end.isoformat(),
            "past_at_registration": sum(1 for r in rows if r.due_at <= now),
        },
    )
    return len(rows)


def derive_item(
    session: Session,
    profile: Profile,
    contract_key: str,
    item: ObligationSpec,
    anchor: date,
    label: str,
    horizon_end: date,
    now: datetime,
    *,
    after_seq: int = 0,
) -> list[Obligation]:
    """Write the occurrences of `item` up to `horizon_end` numbered after `after_seq`, with their timers."""
    calendar = WorkdayCalendar.named(profile.spec.deadlines.calendar)
    rows = []
    occurrences = schedule_of(item, profile, label).occurrences(
        anchor, horizon_end, calendar, after_seq=after_seq
    )
    for occ in occurrences:
        row = Obligation(
            contract_key=contract_key,
            code=item.key,
            seq=occ.seq,
            title=item.title,
            title_en=item.title_en,
            period=occ.period,
            owed_by_role=item.owed_by,
            owed_to_roles=",".join(item.owed_to),
            anchor_date=anchor,
            due_date=occ.due,
            due_at=end_of_day(occ.due),
            rule=occ.rule,
            source=item.source,
            created_at=now,
        )
        session.add(row)
        session.flush()
        _schedule_timers(session, profile, row, now)
        rows.append(row)
    return rows


def _schedule_timers(session: Session, profile: Profile, row: Obligation, now: datetime) -> None:
    """The due timer (→ overdue) and the reminders. An occurrence already past when it is derived (a running
    contract registered late) gets none: it is listed as overdue until fulfilled, without a flood of notices."""
    assert row.id is not None and profile.spec.obligations is not None
    if row.due_at <= now:
        return
    common: dict[str, Any] = {
        "subject_kind": "obligation",
        "subject_id": row.id,
        "contract_key": row.contract_key,
    }
    schedule(
        session,
        key=f"obl:{row.id}:due",
        kind="obligation_due",
        due_at=row.due_at,
        rule=row.rule,
        source=row.source,
        payload={"code": row.code, "seq": row.seq},
        **common,
    )
    reminders = profile.spec.obligations.reminders
    hour, minute = (int(part) for part in reminders.at.split(":"))
    for offset in reminders.offsets_days:
        when = at_local_time(row.due_date + timedelta(days=offset), hour, minute)
        if when <= now:
            continue
        payload = {"offset_days": offset, "deadline_at": row.due_at.isoformat()}
        schedule(
            session,
            key=f"obl:{row.id}:reminder:{offset:+d}",
            kind="reminder",
            due_at=when,
            rule=row.rule,
            source=reminders.source,
            payload=payload,
            **common,
        )


def payload_of(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text or "{}")
    return data

"""Record an obligation's fulfilment; derive what is anchored on it (B2 §2.1.2: execution after approval)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.people import get_person
from escalation_engine.core import audit, date_bounds
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.db import Database
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.refs import case_ref, parse_ref, require_line
from escalation_engine.core.schedule import cancel_timers
from escalation_engine.core.tables import Person
from escalation_engine.procedures.obligations.calendar import derive_item, horizon_of
from escalation_engine.procedures.obligations.listing import obligation_view
from escalation_engine.procedures.obligations.profile import ObligationsSpec
from escalation_engine.procedures.obligations.queries import fulfiller_grant
from escalation_engine.procedures.obligations.tables import Obligation


def fulfil(ctx: Ctx, *, ref: str, on: date, reference: str | None, actor_key: str | None) -> dict[str, Any]:
    """Record that an obligation was fulfilled on `on` (a past or today's date), with a document reference,
    as a person the profile lets confirm it (`fulfilled_by`: by default the side it is owed to)."""
    ident = parse_ref("obligation", ref)
    reference = require_line(reference, "reference") if reference is not None else None
    now = ctx.clock.now()
    if on > local_date(now):
        raise BadInput(f"fulfilment date {on.isoformat()} lies in the future (today is {local_date(now)})")
    with ctx.db.write() as session:
        row = session.exec(select(Obligation).where(Obligation.id == ident).with_for_update()).first()
        if row is None:
            raise NotFound(f"obligation {case_ref('obligation', ident)} not found")
        contract = get_contract(session, row.contract_key)
        date_bounds.happened_on(
            on, "fulfilment date", contract.start_date, contract.award_date, local_date(now)
        )
        person = get_person(session, row.contract_key, actor_key)
        require_fulfiller(session, row, person)
        actor = person.key
        if row.state == "fulfilled":
            assert row.fulfilled_on is not None
            raise RuleRefused(
                f"obligation {case_ref('obligation', ident)} was already fulfilled on "
                f"{row.fulfilled_on.isoformat()} (reference {row.reference or '-'})",
                rule="an obligation is fulfilled once",
                source=row.source,
            )
        before = row.state
        row.state, row.fulfilled_on, row.reference = "fulfilled", on, reference
        row.fulfilled_by, row.fulfilled_at = actor, now
        session.add(row)
        cancel_timers(session, "obligation", ident, now)
        late = on > row.due_date
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=actor,
            actor_role=person.role,
            action="obligation.fulfil",
            contract_key=row.contract_key,
            case_ref=case_ref("obligation", ident),
            from_state=before,
            to_state="fulfilled",
            reason=f"fulfilled on {on.isoformat()}"
            + (f", {(on - row.due_date).days} day(s) late" if late else ""),
            payload={"reference": reference, "due": row.due_date.isoformat(), "late": late},
        )
        derived = _derive_dependants(ctx.db, session, row, now, actor)
        view = obligation_view(session, row, now)
        view["derived"] = [obligation_view(session, d, now) for d in derived]
        return view


def require_fulfiller(session: Session, row: Obligation, person: Person) -> None:
    grant = fulfiller_grant(session, row)
    if person.role not in grant.roles:
        what = f"{case_ref('obligation', row.id)} ({row.title_en})"
        raise RuleRefused(
            f"recording the fulfilment of {what} is for {' or '.join(grant.roles)} "
            f"(you, {person.key}, are {person.role})",
            rule="authority: the side an obligation is owed to confirms its fulfilment",
            source=grant.source,
        )


def _derive_dependants(
    db: Database, session: Session, row: Obligation, now: datetime, actor: str
) -> list[Obligation]:
    contract = get_contract(session, row.contract_key)
    profile = pinned_profile(contract)
    spec: ObligationsSpec | None = profile.spec.obligations
    if spec is None or row.fulfilled_on is None:
        return []
    out: list[Obligation] = []
    horizon_end = horizon_of(contract, profile, now).end
    for item in spec.items:
        if item.after != row.code:
            continue
        exists = session.exec(
            select(Obligation.id).where(
                Obligation.contract_key == row.contract_key, Obligation.code == item.key
            )
        ).first()
        if exists is not None:
            continue
        label = (
            f"fulfilment of {case_ref('obligation', row.id)} ({row.code}) on {row.fulfilled_on.isoformat()}"
        )
        out += derive_item(
            session, profile, row.contract_key, item, row.fulfilled_on, label, horizon_end, now
        )
    if out:
        audit.append(
            db,
            session,
            now=now,
            actor=actor,
            action="obligations.derive",
            contract_key=row.contract_key,
            case_ref=case_ref("obligation", row.id),
            reason=f"derived from the fulfilment of {row.code}",
            payload={"ids": [case_ref("obligation", o.id) for o in out]},
        )
    return out

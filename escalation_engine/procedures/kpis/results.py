"""KPI definitions (profile data) and recorded results: `kpi list`, `kpi record`, `kpi import`.

A result is recorded per KPI and period (within the contract's life), and per participant when the KPI is
decentral (B2 §2.2). An import is one transaction: every row is checked first, and a file with any bad row
is refused whole, naming the row, the column and the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract, lock_contract, pinned_profile
from escalation_engine.contracts.participants import registered, resolve
from escalation_engine.contracts.people import get_person
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.tables import Contract, Person
from escalation_engine.procedures.kpis.authority import (
    recorders,
    require_may_replace,
    require_recorder,
)
from escalation_engine.procedures.kpis.profile import KpiSection, KpiSpec
from escalation_engine.procedures.kpis.rules.norms import check_period, due_date, stored_value
from escalation_engine.procedures.kpis.tables import KpiMeasurement
from escalation_engine.procedures.obligations.tables import Obligation
from escalation_engine.profile.model import Profile

MAX_LISTED_PROBLEMS = 25


def kpi_section(profile: Profile, contract_key: str) -> KpiSection:
    section = profile.spec.kpis
    if section is None:
        raise RuleRefused(
            f"contract {contract_key!r} has no KPIs: its profile {profile.name} v{profile.version} has no "
            "'kpis:' section",
            rule="KPIs are profile data (the profile's kpis section)",
        )
    return section


def kpi_spec(section: KpiSection, ref: str, contract_key: str) -> KpiSpec:
    spec = section.kpi(ref.strip().lower())
    if spec is None:
        known = ", ".join(kpi.ref for kpi in section.definitions)
        raise BadInput(f"unknown KPI {ref!r} on contract {contract_key!r} (known: {known})")
    return spec


def kpi_row(spec: KpiSpec, contract: Contract, session: Session | None = None) -> dict[str, Any]:
    """A KPI as `kpi list` shows it; `due` is its own one-off due date or, for a KPI judged against an
    obligation, the first due date of that obligation not yet fulfilled (None when all are)."""
    due = (
        due_date(spec.due.after, spec.due.months, contract.start_date, contract.award_date)
        if spec.due
        else None
    )
    link = spec.obligation
    if link is not None and session is not None:
        query = select(Obligation).where(
            Obligation.contract_key == contract.key,
            col(Obligation.code).in_(link.keys),
            Obligation.state != "fulfilled",
        )
        first = session.exec(query.order_by(col(Obligation.due_date))).first()
        due = first.due_date if first else None
    return {
        "kpi": spec.ref,
        "name": spec.name,
        "group": spec.group,
        "measure": spec.measure,
        "norm_pct": None if spec.norm_pct is None else str(spec.norm_pct),
        "norm": _norm_text(spec),
        "frequency": spec.frequency,
        "periods": list(spec.periods),
        "scope": spec.scope,
        "measured_by": spec.measured_by,
        "sanctions": list(spec.sanctions),
        "due": due.isoformat() if due else None,
        "obligation": ", ".join(link.keys) if link else None,
        "judged_by": link.judged_by if link else None,
        "source": spec.source,
    }


def _norm_text(spec: KpiSpec) -> str:
    if spec.measure == "percentage":
        return f">= {spec.norm_pct} %"
    if spec.measure == "share":
        return f">= {spec.norm_pct} % of participants meet {spec.derived_from}"
    if spec.measure == "survey":
        return "topic scores >= 7 (S4 / S4+ below)"
    return "yes (delivered / met)"


def list_kpis(ctx: Ctx, *, contract_key: str) -> list[dict[str, Any]]:
    with ctx.db.read() as session:
        contract = get_contract(session, contract_key)
        profile = pinned_profile(contract)
        section = kpi_section(profile, contract_key)
        return [
            {**kpi_row(spec, contract, session), "recorded_by": _recorded_by(profile, section, spec)}
            for spec in section.definitions
        ]


def _recorded_by(profile: Profile, section: KpiSection, spec: KpiSpec) -> list[str]:
    """Who records the KPI's results (none for a KPI derived from another one or judged by delivery)."""
    delivered = spec.obligation is not None and spec.obligation.judged_by == "delivery"
    return [] if spec.measure == "share" or delivered else list(recorders(profile, section, spec).roles)


@dataclass(frozen=True)
class Entry:
    kpi: str
    period: str
    participant: str
    value: str
    origin: str


class ColumnProblem(BadInput):
    """A bad value in one column of a result (the import names the row and this column)."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _checked(column: str, check: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return check(*args, **kwargs)
    except BadInput as exc:
        raise ColumnProblem(column, exc.message) from None


def _recordable(section: KpiSection, ref: str, contract_key: str) -> KpiSpec:
    spec = kpi_spec(section, ref, contract_key)
    if spec.measure in ("share", "survey"):
        how = "survey import" if spec.measure == "survey" else f"the decentral KPI {spec.derived_from}"
        raise BadInput(f"KPI {spec.ref} is not recorded by value: it is evaluated from {how} ({spec.source})")
    if spec.obligation is not None and spec.obligation.judged_by == "delivery":
        raise BadInput(
            f"KPI {spec.ref} is not recorded by value: it is judged from the fulfilment of obligation "
            f"{' and '.join(spec.obligation.keys)}: obligation fulfil OBL-n --on DATE "
            f"({spec.obligation.source.split(' — ')[0]})"
        )
    return spec


def _participant(spec: KpiSpec, participant: str | None, contract_key: str, known: Sequence[str]) -> str:
    who = (participant or "").strip()
    if spec.scope == "decentral" and not who:
        raise BadInput(f"KPI {spec.ref} is decentral: name the participant ({spec.source})")
    if spec.scope == "central" and who:
        raise BadInput(f"KPI {spec.ref} is central: it has no per-participant results ({spec.source})")
    return resolve(who, contract_key, known) if who else who


def make_entry(
    section: KpiSection,
    contract_key: str,
    *,
    kpi: str,
    period: str,
    value: object,
    participant: str | None,
    origin: str,
    participants: Sequence[str],
    percent_format: bool = False,
    bounds: tuple[date, date] | None = None,
) -> Entry:
    """Check one result (KPI, period within `bounds`: contract start, today; participant): ColumnProblem."""
    spec: KpiSpec = _checked("kpi", _recordable, section, kpi, contract_key)
    label = _checked("period", check_period, period, list(spec.periods), spec.ref, bounds).label
    who: str = _checked("participant", _participant, spec, participant, contract_key, participants)
    text: str = _checked("value", stored_value, spec.measure, value, percent_format=percent_format)
    return Entry(spec.ref, label, who, text, origin)


def existing_result(session: Session, contract_key: str, entry: Entry) -> KpiMeasurement | None:
    return session.exec(
        select(KpiMeasurement).where(
            KpiMeasurement.contract_key == contract_key,
            KpiMeasurement.kpi == entry.kpi,
            KpiMeasurement.period == entry.period,
            KpiMeasurement.participant == entry.participant,
        )
    ).first()


def store_result(
    session: Session, contract_key: str, entry: Entry, actor: Person, now: datetime
) -> KpiMeasurement:
    row = KpiMeasurement(
        contract_key=contract_key,
        kpi=entry.kpi,
        period=entry.period,
        participant=entry.participant,
        value=entry.value,
        origin=entry.origin,
        recorded_by=actor.key,
        recorded_at=now,
    )
    session.add(row)
    return row


def measurement_view(row: KpiMeasurement) -> dict[str, Any]:
    return {
        "id": row.id,
        "contract": row.contract_key,
        "kpi": row.kpi,
        "period": row.period,
        "participant": row.participant or None,
        "value": row.value,
        "origin": row.origin,
        "recorded_by": row.recorded_by,
        "recorded_at": row.recorded_at.isoformat(),
    }


def record(
    ctx: Ctx,
    *,
    actor_key: str | None,
    contract_key: str,
    kpi: str,
    period: str,
    value: str,
    participant: str | None,
    replace: bool = False,
) -> dict[str, Any]:
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = lock_contract(session, contract_key)
        profile = pinned_profile(contract)
        section = kpi_section(profile, contract_key)
        actor = get_person(session, contract_key, actor_key)
        spec = _recordable(section, kpi, contract_key)  # a derived or survey KPI: bad input, not a refusal
        known = registered(session, contract_key)
        if participant and participant.strip() and spec.scope == "decentral":
            participant = resolve(participant, contract_key, known)  # an unknown name is bad input (exit 2)
        require_recorder(profile, section, spec, actor, participant or "")
        entry = make_entry(
            section,
            contract_key,
            kpi=kpi,
            period=period,
            value=value,
            participant=participant,
            origin="command",
            participants=known,
            bounds=(contract.start_date, local_date(now)),
        )
        previous = _make_room(session, contract_key, entry, replace, actor)
        row = store_result(session, contract_key, entry, actor, now)
        session.flush()
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=actor.key,
            actor_role=actor.role,
            action="kpi.replace" if previous is not None else "kpi.record",
            contract_key=contract_key,
            case_ref=f"KPI-{entry.kpi}",
            reason=f"{entry.kpi} {entry.period}{for_participant(entry)} = {entry.value}",
            payload={**measurement_view(row), "previous": previous},
        )
        return measurement_view(row)


def _make_room(session: Session, contract_key: str, entry: Entry, replace: bool, actor: Person) -> str | None:
    """One result per KPI, period and participant: a second one only with --replace (returns the old value)."""
    old = existing_result(session, contract_key, entry)
    if old is None:
        return None
    if not replace:
        raise RuleRefused(
            f"{entry.kpi} {entry.period}{for_participant(entry)} already has the value {old.value} (recorded by "
            f"{old.recorded_by}): give --replace to correct it",
            rule="one result per KPI, period and participant",
        )
    require_may_replace(session, old, actor)
    session.delete(old)
    session.flush()
    return old.value


def for_participant(entry: Entry) -> str:
    return f" for {entry.participant}" if entry.participant else ""

"""What one `kpi evaluate` run works with, shared by the evaluations of each kind of KPI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.tables import Contract, Person
from escalation_engine.procedures.kpis.profile import KpiSection, KpiSpec
from escalation_engine.procedures.kpis.rules.periods import Period
from escalation_engine.procedures.kpis.tables import KpiMeasurement
from escalation_engine.profile.model import Profile


@dataclass
class Run:
    ctx: Ctx
    session: Session
    contract: Contract
    profile: Profile
    section: KpiSection
    actor: Person
    now: datetime
    period: Period

    def measurements(self, kpi: str, periods: list[str]) -> list[KpiMeasurement]:
        query = select(KpiMeasurement).where(
            KpiMeasurement.contract_key == self.contract.key, KpiMeasurement.kpi == kpi
        )
        return sorted(
            (row for row in self.session.exec(query) if row.period in periods),
            key=lambda row: (row.period, row.participant),
        )


def require_evaluator(actor: Person, what: str, source: str) -> None:
    if actor.side == "supplier":
        raise RuleRefused(
            f"{actor.key} ({actor.role}) is on the supplier side: {what} is done by the client or the participant",
            rule="the client side evaluates the supplier's performance",
            source=source,
        )


def kpi_inputs(spec: KpiSpec, rows: list[KpiMeasurement], **extra: Any) -> dict[str, Any]:
    """What a verdict stores of its KPI and the recorded results it used (plus `extra`)."""
    return {
        "kpi": spec.ref,
        "norm_pct": None if spec.norm_pct is None else str(spec.norm_pct),
        "measure": spec.measure,
        "measurements": [
            {
                "id": r.id,
                "period": r.period,
                "participant": r.participant or None,
                "value": r.value,
                "origin": r.origin,
            }
            for r in rows
        ],
        **extra,
    }

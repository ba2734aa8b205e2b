"""KPI verdicts and sanction cases for `audit verify`'s replay: a verdict's row says met or missed (the
stored `met`), a sanction case's rows the state each step leads to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from escalation_engine.core.refs import PREFIXES, case_ref
from escalation_engine.core.replay import REPLAY_HOOK, StateSource, Stored
from escalation_engine.procedures.kpis.tables import KpiVerdict, SanctionCase

if TYPE_CHECKING:
    from sqlmodel import Session

    from escalation_engine.core.registry import Registry


def _verdicts(session: Session) -> dict[str, Stored]:
    table = KpiVerdict.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(select(table.c.id, table.c.met))
    return {case_ref("kpi_verdict", ident): ("met" if met else "missed", None) for ident, met in rows}


def _sanctions(session: Session) -> dict[str, Stored]:
    table = SanctionCase.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(select(table.c.id, table.c.state))
    return {case_ref("sanction", ident): (state, None) for ident, state in rows}


VERDICTS = StateSource(prefix=PREFIXES["kpi_verdict"], what="KPI verdict", stored=_verdicts)
SANCTIONS = StateSource(prefix=PREFIXES["sanction"], what="sanction case", stored=_sanctions)


def register(registry: Registry) -> None:
    registry.hook(REPLAY_HOOK, VERDICTS)
    registry.hook(REPLAY_HOOK, SANCTIONS)

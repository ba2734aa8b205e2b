"""Every table module, for code that needs the whole schema at once (e.g. a test comparing the content of
every table). Commands import only the table modules they use."""

from __future__ import annotations

from sqlmodel import SQLModel

from escalation_engine.accounts import tables as tables_accounts
from escalation_engine.core import tables
from escalation_engine.procedures.kpis import tables as tables_kpi
from escalation_engine.procedures.ladder import tables as tables_ladder
from escalation_engine.procedures.obligations import tables as tables_obligations
from escalation_engine.procedures.plans import tables as tables_plans
from escalation_engine.procedures.step_in import tables as tables_stepin

MODULES = (
    tables,
    tables_accounts,
    tables_ladder,
    tables_kpi,
    tables_obligations,
    tables_plans,
    tables_stepin,
)
METADATA = SQLModel.metadata

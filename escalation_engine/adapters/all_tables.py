"""Every table module, for code that needs the whole schema at once (e.g. a test comparing the content of
every table). Commands import only the table modules they use."""

from __future__ import annotations

from sqlmodel import SQLModel

from . import tables, tables_kpi, tables_obligations, tables_plans, tables_stepin

MODULES = (tables, tables_kpi, tables_obligations, tables_plans, tables_stepin)
METADATA = SQLModel.metadata

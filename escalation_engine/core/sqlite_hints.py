"""SQLite's `INDEXED BY`, written as SQLAlchemy's `query.with_hint(Timer, "INDEXED BY ix_…", "sqlite")`
(SQLAlchemy renders table hints for MySQL and SQL Server, not for SQLite, so the engine's SQLite dialect
gets a compiler that does). PostgreSQL ignores such a hint.

Used where SQLite's planner, from the averages in `sqlite_stat1`, takes a wider index for a narrow one: a
person's deadlines of one contract and subject kind (`core.deadlines`) read along the open deadlines per
contract and kind (migration 0014); with one kind much more common than the others, SQLite estimates each
kind as the average and reads the contract's open deadlines of every kind instead; and one case's audit
rows (`core.audit.listing`, `core.audit_search`) read along the index of case references, where for an
account limited to its contracts (`contract_key IN ('LF')`, one value) SQLite took the contract's index and
walked all its rows (25 ms at 200,000 rows, for a timeline of 200). A hint names an index
the query can always use (its terms repeat the index's WHERE): SQLite refuses a query whose hinted index
cannot be used, so a test of every such query shows it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Engine

AUDIT_CASE = "INDEXED BY ix_audit_event_case_ref"  # one case's audit rows


class HintingSQLiteCompiler(SQLiteCompiler):
    def get_from_hint_text(self, table: Any, text: str | None) -> str | None:
        return text


def enable(engine: Engine) -> Engine:
    """`engine`, its statements compiled with the table hints given for SQLite."""
    engine.dialect.statement_compiler = HintingSQLiteCompiler
    return engine

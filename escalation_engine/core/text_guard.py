"""The last line of defence for what people type: no text column of a case, contract, person or account is
written holding control characters or direction overrides, whichever command or web form wrote it.

The services check their fields by name first (`require_line`, `require_lines`); this check, run before
every flush, covers any field they miss. A one-line column refuses every control character; a multi-line
column (minutes, measures, reasons, responses) keeps line breaks, CR LF made LF. Only values that change are
checked, so a row stored before this check can still move on. Texts the engine writes itself (audit trail,
outbox, timers, identifiers, hashes) are not checked here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import get_history

from escalation_engine.core.refs import forbidden, is_multi_line, line_problem, normalise_lines

# Tables whose texts the engine composes itself, or that hold secrets and machine state.
UNCHECKED_TABLES = frozenset(
    {
        "audit_event",
        "outbox",
        "timer",
        "database_identity",
        "account_token",
        "engine_setting",
        "apscheduler_jobs",
    }
)


def check_row(row: Any, *, new: bool) -> None:
    """BadInput naming the column if a changed text of `row` holds a character its kind of field may not."""
    mapper = inspect(row).mapper
    if mapper.local_table.name in UNCHECKED_TABLES:
        return
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        if not isinstance(column.type, String):
            continue
        name = attribute.key
        value = getattr(row, name)
        if not isinstance(value, str):
            continue
        if not new and not get_history(row, name).has_changes():
            continue
        multi_line = is_multi_line(name)
        if multi_line and "\r" in value:
            value = normalise_lines(value)
            setattr(row, name, value)
        bad = forbidden(value, multi_line=multi_line)
        if bad:
            raise line_problem(f"{mapper.local_table.name} {name.replace('_', ' ')}", bad, multi_line)


def _before_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    for row in session.new:
        check_row(row, new=True)
    for row in session.dirty:
        check_row(row, new=False)


def install() -> None:
    """Check every ORM session's flush (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)

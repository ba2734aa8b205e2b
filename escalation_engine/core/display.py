"""How instants and last days are shown: ISO for JSON, the local last day for people."""

from __future__ import annotations

from datetime import datetime, timedelta

from escalation_engine.core.dates import local_date


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def last_day(due_at: datetime) -> str:
    """A deadline instant is the end of a local day; show that day."""
    return local_date(due_at - timedelta(microseconds=1)).isoformat()

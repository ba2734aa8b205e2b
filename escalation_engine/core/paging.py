"""Paging of the lists in SQL: `--limit`/`--offset` become LIMIT/OFFSET of the list's own ordered query."""

from __future__ import annotations

from typing import TypeVar

from escalation_engine.core.errors import BadInput

Query = TypeVar("Query")


def require_page(limit: int | None, offset: int) -> None:
    if limit is not None and limit < 1:
        raise BadInput(f"--limit must be at least 1 (got {limit})")
    if offset < 0:
        raise BadInput(f"--offset cannot be negative (got {offset})")


def page(query: Query, limit: int | None, offset: int) -> Query:
    """`query` (already ordered) limited to one page; unchanged without a limit or an offset."""
    if limit is not None:
        query = query.limit(limit)  # type: ignore[attr-defined]
    if offset:
        query = query.offset(offset)  # type: ignore[attr-defined]
    return query

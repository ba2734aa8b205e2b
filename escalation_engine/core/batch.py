"""Batched reads for the lists: the rows of many ids in one statement (per 10,000 ids) instead of one each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlmodel import Session, col, select

Model = TypeVar("Model")

CHUNK = 10_000  # bound parameters per statement: well under SQLite's 32,766 and PostgreSQL's 65,535


def by_id(session: Session, model: type[Model], ids: Iterable[int]) -> dict[int, Model]:
    """The rows of `model` with these primary keys, by id (missing ids are left out)."""
    found: dict[int, Model] = {}
    key = col(model.id)  # type: ignore[attr-defined]
    for chunk in _chunks(ids):
        for row in session.exec(select(model).where(key.in_(chunk))):
            found[row.id] = row  # type: ignore[attr-defined]
    return found


def grouped(session: Session, model: type[Model], column: Any, ids: Iterable[int]) -> dict[int, list[Model]]:
    """The rows of `model` whose `column` is one of `ids`, grouped by it, each group in id order."""
    found: dict[int, list[Model]] = {}
    order = col(model.id)  # type: ignore[attr-defined]
    for chunk in _chunks(ids):
        for row in session.exec(select(model).where(col(column).in_(chunk)).order_by(order)):
            found.setdefault(getattr(row, column.key), []).append(row)
    return found


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    unique = sorted(set(ids))
    return [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]

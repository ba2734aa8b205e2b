"""Improvement plans for `audit verify`'s replay: every plan's state, and a three-step plan's step (its rows
carry the step as their level; a plan after a norm failure has none)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from escalation_engine.core.refs import PREFIXES, case_ref
from escalation_engine.core.replay import REPLAY_HOOK, StateSource, Stored
from escalation_engine.procedures.plans.tables import ImprovementPlan

if TYPE_CHECKING:
    from sqlmodel import Session

    from escalation_engine.core.registry import Registry


def _stored(session: Session) -> dict[str, Stored]:
    table = ImprovementPlan.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(select(table.c.id, table.c.state, table.c.step))
    return {case_ref("plan", ident): (state, step) for ident, state, step in rows}


SOURCE = StateSource(prefix=PREFIXES["plan"], what="improvement plan", stored=_stored, tracks_level=True)


def register(registry: Registry) -> None:
    registry.hook(REPLAY_HOOK, SOURCE)

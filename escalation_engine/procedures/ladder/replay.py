"""The escalation ladder's cases for `audit verify`'s replay: every escalation's state and current level
(its audit rows carry both: open, respond, assess, raise, refuse, close and the passed response window)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from escalation_engine.core.refs import PREFIXES, case_ref
from escalation_engine.core.replay import REPLAY_HOOK, StateSource, Stored
from escalation_engine.procedures.ladder.tables import Escalation

if TYPE_CHECKING:
    from sqlmodel import Session

    from escalation_engine.core.registry import Registry


def _stored(session: Session) -> dict[str, Stored]:
    table = Escalation.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(select(table.c.id, table.c.state, table.c.level))
    return {case_ref("escalation", ident): (state, level) for ident, state, level in rows}


SOURCE = StateSource(prefix=PREFIXES["escalation"], what="escalation", stored=_stored, tracks_level=True)


def register(registry: Registry) -> None:
    registry.hook(REPLAY_HOOK, SOURCE)

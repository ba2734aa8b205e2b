"""Obligations for `audit verify`'s replay: every obligation's state. A derived obligation is open without
an audit row of its own; becoming overdue, a fulfilment and taking it back each write the state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from escalation_engine.core.refs import PREFIXES, case_ref
from escalation_engine.core.replay import REPLAY_HOOK, StateSource, Stored
from escalation_engine.procedures.obligations.tables import Obligation

if TYPE_CHECKING:
    from sqlmodel import Session

    from escalation_engine.core.registry import Registry


def _stored(session: Session) -> dict[str, Stored]:
    table = Obligation.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(select(table.c.id, table.c.state))
    return {case_ref("obligation", ident): (state, None) for ident, state in rows}


SOURCE = StateSource(prefix=PREFIXES["obligation"], what="obligation", stored=_stored, initial="open")


def register(registry: Registry) -> None:
    registry.hook(REPLAY_HOOK, SOURCE)

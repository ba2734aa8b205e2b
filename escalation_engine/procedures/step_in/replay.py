"""Step-in cases for `audit verify`'s replay: every step-in's state (request, meetings, assessment, advice,
close and the passed deadlines each write the state they lead to)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from escalation_engine.core.refs import PREFIXES, case_ref
from escalation_engine.core.replay import REPLAY_HOOK, StateSource, Stored
from escalation_engine.procedures.step_in.tables import StepIn

if TYPE_CHECKING:
    from sqlmodel import Session

    from escalation_engine.core.registry import Registry


def _stored(session: Session) -> dict[str, Stored]:
    table = StepIn.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(select(table.c.id, table.c.state))
    return {case_ref("stepin", ident): (state, None) for ident, state in rows}


SOURCE = StateSource(prefix=PREFIXES["stepin"], what="step-in", stored=_stored)


def register(registry: Registry) -> None:
    registry.hook(REPLAY_HOOK, SOURCE)

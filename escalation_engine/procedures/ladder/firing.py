"""An escalation as its timers see it: one Core query for the case, its current level and its contract's
profile pin; one for the people. The firing path is the engine's hot loop (a catch-up after downtime
fires thousands of deadlines), so it reads plain rows instead of ORM objects and writes with two
UPDATEs. The actions keep the ORM view (`escalation_case.load`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.core.refs import case_ref
from escalation_engine.core.tables import Contract, Person
from escalation_engine.procedures.ladder.machine import EscalationModel
from escalation_engine.procedures.ladder.tables import Escalation, EscalationLevel
from escalation_engine.profile.model import Profile

_E: Any = Escalation.__table__  # type: ignore[attr-defined]
_L: Any = EscalationLevel.__table__  # type: ignore[attr-defined]
_C: Any = Contract.__table__  # type: ignore[attr-defined]
_P: Any = Person.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Contact:
    """A person on the contract, as a notice needs them."""

    key: str
    name: str
    role: str
    email: str | None


@dataclass(frozen=True, slots=True)
class FiringView:
    ident: int
    state: str
    level: int
    contract_key: str
    opened_by: str
    subject: str
    level_id: int
    attempt: int
    counterpart_key: str
    raised_by: str
    profile_sha256: str

    @property
    def ref(self) -> str:
        return case_ref("escalation", self.ident)

    def model(self) -> EscalationModel:
        """The machine's case object. The timer triggers (window passed) have no guard, so the level
        records the guards of the actions read are not loaded here."""
        return EscalationModel(ref=self.ref, state=self.state, level=self.level, records={})

    def is_current(self, payload: dict[str, Any]) -> bool:
        """A timer belongs to the level attempt that set it; a later raise or refusal makes it obsolete."""
        return bool(self.level == payload["level"] and self.attempt == payload["attempt"])


_VIEW = (
    select(
        _E.c.id,
        _E.c.state,
        _E.c.level,
        _E.c.contract_key,
        _E.c.opened_by,
        _E.c.subject,
        _L.c.id,
        _L.c.attempt,
        _L.c.counterpart_key,
        _L.c.raised_by,
        _C.c.profile_sha256,
    )
    .join(_L, (_L.c.escalation_id == _E.c.id) & (_L.c.level == _E.c.level))
    .join(_C, _C.c.key == _E.c.contract_key)
    .where(_E.c.id == bindparam("ident"))
    .order_by(_L.c.attempt.desc())
    .limit(1)
    .with_for_update(of=_E)
)
_PEOPLE = (
    select(_P.c.key, _P.c.name, _P.c.role, _P.c.email)
    .where(_P.c.contract_key == bindparam("contract"))
    .order_by(_P.c.id)
)
_SET_STATE = (
    update(_E).where(_E.c.id == bindparam("ident")).values(state=bindparam("to"), updated_at=bindparam("at"))
)
_SET_WINDOW_PASSED = (
    update(_L).where(_L.c.id == bindparam("record")).values(window_passed_at=bindparam("passed"))
)
_PROFILES: dict[tuple[str, str], Profile] = {}  # (contract, sha256) → the pinned profile; pins never change


def view(session: Session, ident: int) -> FiringView | None:
    row = session.connection().execute(_VIEW, {"ident": ident}).first()
    return None if row is None else FiringView(*row)


def people(session: Session, contract_key: str) -> dict[str, Contact]:
    rows = session.connection().execute(_PEOPLE, {"contract": contract_key})
    return {row[0]: Contact(*row) for row in rows}


def profile(session: Session, case: FiringView) -> Profile:
    key = (case.contract_key, case.profile_sha256)
    found = _PROFILES.get(key)
    if found is None:
        found = _PROFILES[key] = pinned_profile(get_contract(session, case.contract_key))
    return found


def window_passed(session: Session, case: FiringView, state: str, passed: datetime, now: datetime) -> None:
    """The case's new state, and on its current level record the moment the window passed."""
    conn = session.connection()
    conn.execute(_SET_STATE, {"ident": case.ident, "to": state, "at": now})
    conn.execute(_SET_WINDOW_PASSED, {"record": case.level_id, "passed": passed})

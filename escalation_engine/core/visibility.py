"""What the acting account may see: reading is checked like acting.

Local mode and administrators see everything. A signed-in account sees only the contracts it is a member
of; a participant's contract manager (every membership on the contract on the participant side) sees on
that contract only the cases of their own organisation. What it may not see does not exist for it: a
single case answers "not found", a list leaves it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import String, and_, cast, false, literal, not_, or_
from sqlmodel import Session, col, select

from escalation_engine.core.errors import NotFound
from escalation_engine.core.principal import current as current_principal
from escalation_engine.core.refs import PREFIXES
from escalation_engine.core.registry import Registry
from escalation_engine.core.tables import AuditEvent, Person, Timer

Row = TypeVar("Row", bound=Mapping[str, Any])


@dataclass(frozen=True)
class Sight:
    contracts: dict[str, list[Person]] | None  # None: everything

    def sees(self, contract_key: str | None, participant: str | list[str] | None = None) -> bool:
        """Whether the account may see a row of `contract_key` that belongs to `participant` (a case of
        several participants — an improvement plan — names them all: one of them must be the account's)."""
        if self.contracts is None:
            return True
        members = self.contracts.get(contract_key or "")
        if not members:
            return False
        if participant and all(member.side == "participant" for member in members):
            theirs = [participant] if isinstance(participant, str) else participant
            return any(member.organisation in theirs for member in members)
        return True


def sight(session: Session) -> Sight:
    """What the acting principal sees, read once per session (lists call this for every row)."""
    principal = current_principal()
    if principal is None or not principal.signed_in or principal.is_admin:
        return Sight(None)
    cached = session.info.get(_CACHE)
    if cached is not None and cached[0] == principal:
        return cached[1]  # type: ignore[no-any-return]
    mine: dict[str, list[Person]] = {}
    for person in session.exec(select(Person).where(Person.account_id == principal.account_id)):
        mine.setdefault(person.contract_key, []).append(person)
    session.info[_CACHE] = (principal, Sight(mine))
    return Sight(mine)


_CACHE = "escalation_engine.sight"


def _owner(row: Mapping[str, Any]) -> Any:
    return row.get("participant") or row.get("participants")


def visible(session: Session, rows: Iterable[Row], *, field: str = "contract") -> list[Row]:
    seen = sight(session)
    return [row for row in rows if seen.sees(row.get(field), _owner(row))]


def require_visible(session: Session, row: Mapping[str, Any], what: str, *, field: str = "contract") -> None:
    if not sight(session).sees(row.get(field), _owner(row)):
        raise NotFound(f"{what} not found")


def require_contract(session: Session, contract_key: str) -> None:
    if not sight(session).sees(contract_key):
        raise NotFound(f"contract {contract_key!r} not found")


Query = TypeVar("Query")


def restrict(session: Session, query: Query, column: Any, *, within: str | None = None) -> Query:
    """`query` limited to the contracts the acting account may see (unchanged for local mode and admins).
    With `within`, the one contract `query` is already limited to: unchanged when the account sees it, else
    empty — no `IN` of the account's contracts, which turns SQLite's planner from the index of that
    contract's rows to a scan in another index's order."""
    seen = sight(session)
    if seen.contracts is None:
        return query
    if within is not None:
        return query if seen.sees(within) else query.where(false())  # type: ignore[attr-defined]
    return query.where(column.in_(sorted(seen.contracts)))  # type: ignore[attr-defined,no-any-return]


def restrict_rows(session: Session, query: Query, contract: Any, participant: Any) -> Query:
    """`restrict`, and `Sight.sees` for each row in SQL: on a contract where the account is on the
    participant side only, the rows of no participant or of its own organisations. A page read with
    LIMIT is then full, and nothing is left out after it was read."""
    seen = sight(session)
    if seen.contracts is None:
        return query
    whole, own = [], []
    for key, members in sorted(seen.contracts.items()):
        if not all(member.side == "participant" for member in members):
            whole.append(key)
            continue
        mine = sorted({member.organisation for member in members if member.organisation})
        anyone = or_(participant.is_(None), participant == "", participant.in_(mine) if mine else false())
        own.append(and_(contract == key, anyone))
    return query.where(or_(contract.in_(whole), *own))  # type: ignore[attr-defined,no-any-return]


def others_cases(registry: Registry, session: Session) -> list[tuple[str, str, Any]]:
    """(contract, subject kind, a select of case ids) for every case the acting account may not see because
    it belongs to another participant: on each contract where the account is on the participant side only,
    per subject kind whose procedure registered `participant_cases`. Empty for everyone else."""
    seen = sight(session)
    if seen.contracts is None:
        return []
    registry.require_wired()
    hidden = []
    for key, members in sorted(seen.contracts.items()):
        if not all(member.side == "participant" for member in members):
            continue
        mine = sorted({member.organisation for member in members if member.organisation})
        hidden.extend(_others_on(registry, key, mine))
    return hidden


def _others_on(registry: Registry, contract_key: str, organisations: list[str]) -> list[tuple[str, str, Any]]:
    """(contract, subject kind, a select of case ids) of the cases on `contract_key` of participants other
    than `organisations`, per subject kind whose procedure registered `participant_cases`."""
    return [
        (contract_key, kind, others(contract_key, organisations))
        for kind, others in sorted(registry.others_cases.items())
    ]


def without_others(
    registry: Registry, session: Session, query: Query, kind: str, contract: Any, ident: Any
) -> Query:
    """`query` without the rows of `kind`'s cases that belong to other participants (`others_cases`):
    `contract` and `ident` are the query's columns of the case's contract and id."""
    for key, of_kind, ids in others_cases(registry, session):
        if of_kind == kind:
            query = query.where(not_(and_(contract == key, ident.in_(ids))))  # type: ignore[attr-defined]
    return query


def without_others_timers(registry: Registry, session: Session, query: Query) -> Query:
    """A query of timers without the deadlines of other participants' cases (`others_cases`)."""
    return _without_timers_of(query, others_cases(registry, session))


def without_other_participants_timers(
    registry: Registry, query: Query, contract_key: str, organisations: list[str]
) -> Query:
    """A query of timers on `contract_key` without the deadlines of the cases of participants other than
    `organisations`: what a person on the participant side may see, whoever is acting (a digest the daemon
    writes to that person)."""
    registry.require_wired()
    return _without_timers_of(query, _others_on(registry, contract_key, organisations))


def _without_timers_of(query: Query, cases: list[tuple[str, str, Any]]) -> Query:
    for key, kind, ids in cases:
        hidden = and_(
            col(Timer.contract_key) == key, col(Timer.subject_kind) == kind, col(Timer.subject_id).in_(ids)
        )
        query = query.where(not_(hidden))  # type: ignore[attr-defined]
    return query


def without_others_audit(registry: Registry | None, session: Session, query: Query) -> Query:
    """A query of audit rows without those of other participants' cases (`others_cases`): the rows whose
    case reference (`ESC-12`) names such a case. Without a registry (a bare core context), unchanged."""
    if registry is None:
        return query
    for key, kind, ids in others_cases(registry, session):
        found = ids.subquery()
        refs = select(literal(f"{PREFIXES[kind]}-") + cast(found.c[0], String)).select_from(found)
        hidden = and_(  # a row on no case is the contract's: `NULL IN (…)` would hide it (NOT NULL)
            col(AuditEvent.contract_key) == key,
            col(AuditEvent.case_ref).is_not(None),
            col(AuditEvent.case_ref).in_(refs),
        )
        query = query.where(not_(hidden))  # type: ignore[attr-defined]
    return query


def others_refs(registry: Registry | None, session: Session) -> set[tuple[str, str]]:
    """(contract, case reference) of every case `others_cases` hides, read once (an export streams the
    whole trail and leaves their rows out)."""
    if registry is None:
        return set()
    return {
        (key, f"{PREFIXES[kind]}-{ident}")
        for key, kind, ids in others_cases(registry, session)
        for ident in session.exec(ids)
    }

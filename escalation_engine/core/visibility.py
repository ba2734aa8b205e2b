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

from sqlalchemy import and_, false, or_
from sqlmodel import Session, select

from escalation_engine.core.errors import NotFound
from escalation_engine.core.principal import current as current_principal
from escalation_engine.core.tables import Person

Row = TypeVar("Row", bound=Mapping[str, Any])


@dataclass(frozen=True)
class Sight:
    contracts: dict[str, list[Person]] | None  # None: everything

    def sees(self, contract_key: str | None, participant: str | None = None) -> bool:
        if self.contracts is None:
            return True
        members = self.contracts.get(contract_key or "")
        if not members:
            return False
        if participant and all(member.side == "participant" for member in members):
            return any(member.organisation == participant for member in members)
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


def visible(session: Session, rows: Iterable[Row], *, field: str = "contract") -> list[Row]:
    seen = sight(session)
    return [row for row in rows if seen.sees(row.get(field), row.get("participant"))]


def require_visible(session: Session, row: Mapping[str, Any], what: str, *, field: str = "contract") -> None:
    if not sight(session).sees(row.get(field), row.get("participant")):
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

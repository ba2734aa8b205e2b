"""One obligation as a page shows it: its view, and the roles that record (or take back) its fulfilment."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import NotFound
from escalation_engine.core.profile_base import RoleGrant
from escalation_engine.core.refs import case_ref, parse_ref
from escalation_engine.procedures.obligations.listing import obligation_view
from escalation_engine.procedures.obligations.profile import owed_to_grant
from escalation_engine.procedures.obligations.tables import Obligation


def fulfiller_grant(session: Session, row: Obligation) -> RoleGrant:
    """Who records the fulfilment (profile `fulfilled_by`; by default the side it is owed to)."""
    spec = pinned_profile(get_contract(session, row.contract_key)).spec.obligations
    item = next((i for i in spec.items if i.key == row.code), None) if spec else None
    return spec.fulfillers(item) if spec and item else owed_to_grant(row.owed_to_roles.split(","))


def fulfiller_roles(session: Session, row: Obligation) -> tuple[str, ...]:
    return tuple(fulfiller_grant(session, row).roles)


def show_obligation(ctx: Ctx, ref: str) -> dict[str, Any]:
    ident = parse_ref("obligation", ref)
    with ctx.db.read() as session:
        row = session.get(Obligation, ident)
        if row is None:
            raise NotFound(f"obligation {case_ref('obligation', ident)} not found")
        get_contract(session, row.contract_key)  # not found for a contract the person may not see
        return {
            **obligation_view(session, row, ctx.clock.now()),
            "fulfilled_by_roles": list(fulfiller_roles(session, row)),
        }

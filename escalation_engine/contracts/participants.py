"""The participants of a contract ('Deelnemers', B2 §2.2; the Defensie organisations of TP): a register
per contract, added like people (`participant add`, audited). KPI results, imports, escalations, surveys
and participant-side people name a participant of this register; a name it does not hold is refused,
naming the ones it does. Names match regardless of case and surrounding spaces; the register's spelling
is stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import get_contract
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.refs import require_line
from escalation_engine.core.tables import Participant

MAX_NAME = 200


def registered(session: Session, contract_key: str) -> list[str]:
    """The contract's participants, in the order they were added."""
    query = select(Participant.name).where(Participant.contract_key == contract_key)
    return list(session.exec(query.order_by(col(Participant.id))))


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def unknown_message(name: str, contract_key: str, known: Sequence[str]) -> str:
    listed = f"known: {', '.join(known)}" if known else "none registered yet"
    return (
        f"unknown participant {name.strip()!r} on contract {contract_key!r} ({listed}); "
        f"register it first: participant add --contract {contract_key} --name NAME"
    )


def resolve(name: str, contract_key: str, known: Sequence[str]) -> str:
    """The register's spelling of `name`; BadInput (exit 2) naming the known participants otherwise."""
    wanted = _folded(name)
    found = next((entry for entry in known if _folded(entry) == wanted), None)
    if found is None:
        raise BadInput(unknown_message(name, contract_key, known))
    return found


def require_participant(session: Session, contract_key: str, name: str) -> str:
    return resolve(name, contract_key, registered(session, contract_key))


def spellings(session: Session, name: str, contract_key: str | None = None) -> list[str]:
    """The register's spellings of `name` (regardless of case and spacing) on one contract or on any: what
    a list filters on, as the rows store the register's spelling. The register holds the few participants
    of each contract, not their cases."""
    query = select(Participant.name).distinct()
    if contract_key:
        query = query.where(Participant.contract_key == contract_key)
    wanted = _folded(name)
    return sorted(entry for entry in session.exec(query) if _folded(entry) == wanted)


def participant_view(row: Participant) -> dict[str, Any]:
    return {
        "contract": row.contract_key,
        "name": row.name,
        "added_by": row.added_by,
        "added_at": row.added_at.isoformat(),
    }


def add_participant(ctx: Ctx, *, contract_key: str, name: str, actor: str) -> dict[str, Any]:
    """Register a participant of the contract (audited); a name already registered is refused."""
    name = " ".join(require_line(name, "participant name").split())
    if len(name) > MAX_NAME:
        raise BadInput(f"participant name is longer than {MAX_NAME} characters")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        get_contract(session, contract_key)
        known = registered(session, contract_key)
        if any(_folded(entry) == _folded(name) for entry in known):
            raise RuleRefused(
                f"participant {name!r} is already registered on contract {contract_key!r}",
                rule="one register entry per participant",
            )
        row = Participant(contract_key=contract_key, name=name, added_by=actor, added_at=now)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:  # added by someone else in the meantime (PostgreSQL)
            raise RuleRefused(
                f"participant {name!r} is already registered on contract {contract_key!r}",
                rule="one register entry per participant",
            ) from None
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=actor,
            action="participant.add",
            contract_key=contract_key,
            reason=f"participant {name} registered",
            payload=participant_view(row),
        )
        return participant_view(row)


def list_participants(ctx: Ctx, *, contract_key: str) -> list[dict[str, Any]]:
    with ctx.db.read() as session:
        get_contract(session, contract_key)
        query = select(Participant).where(Participant.contract_key == contract_key)
        return [participant_view(row) for row in session.exec(query.order_by(col(Participant.id)))]

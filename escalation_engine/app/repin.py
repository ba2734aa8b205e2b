"""Move a contract to the current version of its profile, deliberately and on the record.

A contract stays pinned to the exact profile text it was registered with (running cases never change
under people's feet). When the contract managers agree to adopt a newer version of the profile — for
example one that adds a procedure — `contract repin` moves the contract, after checking that everyone
registered keeps a valid role and every open escalation keeps its level. Obligations and digests that the
new version brings are derived in the same transaction; a contract that already had obligations has its
recurring series continued to the new version's rolling horizon (and its monthly look-ahead scheduled).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from escalation_engine.accounts.admin import require_admin
from escalation_engine.app.context import Ctx
from escalation_engine.app.registration import contract_view
from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.core import audit
from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.tables import Contract, Person
from escalation_engine.procedures.ladder.machine import OPEN_STATES
from escalation_engine.procedures.ladder.tables import Escalation
from escalation_engine.procedures.obligations.calendar import derive_for_contract
from escalation_engine.procedures.obligations.digests import schedule_next as schedule_next_digest
from escalation_engine.procedures.obligations.horizon import extend
from escalation_engine.procedures.obligations.tables import Obligation
from escalation_engine.profile.model import Profile, find_profile, profile_json

RULE = "a contract stays pinned to the profile version it was registered with"


def repin(ctx: Ctx, *, key: str, actor: str) -> dict[str, Any]:
    require_admin(ctx, "re-pin contracts")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        get_contract(session, key)
        contract = session.exec(select(Contract).where(Contract.key == key).with_for_update()).one()
        old, new = pinned_profile(contract), find_profile(contract.profile_name)
        _check_versions(contract, new)
        people = list(session.exec(select(Person).where(Person.contract_key == key).order_by(col(Person.id))))
        problems = _role_problems(people, new) + _ladder_problems(session, key, new)
        if problems:
            raise RuleRefused(
                f"contract {key!r} cannot move to {new.name} v{new.version}: " + "; ".join(problems),
                rule=RULE,
            )
        before = {"version": contract.profile_version, "sha256": contract.profile_sha256}
        contract.profile_version, contract.profile_sha256, contract.profile_text = (
            new.version,
            new.sha256,
            new.text,
        )
        contract.profile_json = profile_json(new.text)
        session.add(contract)
        derived = 0
        has_obligations = session.exec(select(Obligation.id).where(Obligation.contract_key == key)).first()
        if old.spec.obligations is None and has_obligations is None:
            derived = derive_for_contract(ctx.db, session, contract, new, now=now, actor=actor)
        elif new.spec.obligations is not None:
            derived = sum(extend(ctx.db, session, contract, new, now=now, actor=actor)["derived"].values())
        for person in people:
            schedule_next_digest(session, person, new, now)
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=actor,
            action="contract.repin",
            contract_key=key,
            reason=f"{new.name} v{before['version']} → v{new.version}",
            payload={
                "from": before,
                "to": {"version": new.version, "sha256": new.sha256},
                "derived": derived,
            },
        )
        return {**contract_view(contract), "from_version": before["version"], "derived_obligations": derived}


def _check_versions(contract: Contract, new: Profile) -> None:
    if new.sha256 == contract.profile_sha256:
        raise RuleRefused(
            f"contract {contract.key!r} is already pinned to the current text of {new.name} v{new.version}",
            rule=RULE,
        )
    if new.version <= contract.profile_version:
        raise RuleRefused(
            f"the profile file {new.origin} differs from the text contract {contract.key!r} is pinned to, but its "
            f"version is still {new.version}: give the changed profile a higher `version` first",
            rule=RULE,
        )


def _role_problems(people: list[Person], new: Profile) -> list[str]:
    problems = []
    for person in people:
        spec = new.role(person.role)
        if spec is None:
            problems.append(
                f"person {person.key!r} has role {person.role!r}, which the new version does not have"
            )
        elif spec.side != person.side:
            problems.append(f"role {person.role!r} of {person.key!r} moves to side {spec.side!r}")
    return problems


def _ladder_problems(session: Any, key: str, new: Profile) -> list[str]:
    open_states = [s.value for s in OPEN_STATES]
    query = select(Escalation).where(Escalation.contract_key == key, col(Escalation.state).in_(open_states))
    return [
        f"open escalation ESC-{row.id} is at level {row.level}, beyond the new ladder's top ({new.ladder.top})"
        for row in session.exec(query)
        if row.level > new.ladder.top
    ]

"""Two participants' contract managers on LF, each with an escalation of their own organisation, and plans
of one participant and of none (the sight tests, on the service and in the browser)."""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from support import register

from escalation_engine.accounts.admin import make_shared
from escalation_engine.accounts.tokens import authenticate, create_token
from escalation_engine.app.context import Ctx
from escalation_engine.app.registration import add_person
from escalation_engine.core.principal import Principal, acting
from escalation_engine.core.tables import Person
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.plans import three_step


def _token_of(ctx: Ctx, admin: Principal, email: str) -> Principal:
    with acting(admin):
        secret = create_token(ctx, email=email, expires=None)["token"]
    return authenticate(ctx, secret)


def two_organisations(ctx: Ctx) -> dict[str, Any]:
    """Dirk (Belastingdienst) and Olga (Rechtspraak) each open an escalation for their own organisation; the
    category opens a plan for Rechtspraak and one of no participant."""
    register(ctx)
    admin = authenticate(ctx, make_shared(ctx, admin_email="cat@example.org", name="Carla")["token"])
    with acting(admin):
        add_person(
            ctx,
            key="dcm2",
            contract_key="LF",
            name="Olga",
            side="participant",
            role="participant_contract_manager",
            organisation="Rechtspraak",
            email="dcm2@example.org",
            actor="admin",
        )
        with ctx.db.write() as session:
            dirk = session.exec(select(Person).where(Person.key == "dcm")).one()
            dirk.organisation = "Belastingdienst"
            session.add(dirk)
    people = {who: _token_of(ctx, admin, f"{who}@example.org") for who in ("dcm", "dcm2", "am", "cat")}
    cases = {}
    for who, org in (("dcm2", "Rechtspraak"), ("dcm", "Belastingdienst")):
        with acting(people[who]):
            cases[org] = esc.open_escalation(
                ctx,
                actor_key=None,
                contract_key="LF",
                subject=f"Levering {org}",
                norm=None,
                participant=org,
                threatened=False,
            )["case"]
    plan = {"actor_key": "cat", "contract_key": "LF", "trigger": "collaboration", "kpi": None}
    cases["plan Rechtspraak"] = three_step.open_plan(
        ctx, subject="Overleg RS", participants=["Rechtspraak"], **plan
    )["case"]
    cases["plan of all"] = three_step.open_plan(ctx, subject="Overleg allen", **plan)["case"]
    return {"people": people, "cases": cases}

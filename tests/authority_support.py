"""Bringing the cases of every procedure to the state before an action, for the authority table
(tests/faults/test_authority_table_procedures.py). Every step is done by a person the profile allows,
read from the profile's YAML; the expected roles are read from the YAML too, never from the engine.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from support import B2_PEOPLE, TP_PEOPLE

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.dates import local_date

WORKFLOWS = Path(__file__).resolve().parents[1] / "workflows"
PEOPLE = {"leasefietsen-rijk": B2_PEOPLE, "reintegratie-defensie": TP_PEOPLE}


@cache
def raw_profile(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def section(profile: str, name: str) -> dict[str, Any]:
    """A section of the profile's YAML ({} when the profile does not have it)."""
    found: dict[str, Any] = raw_profile(profile).get(name) or {}
    return found


def roles(profile: str, name: str, key: str) -> set[str]:
    """The role list `key` of section `name` (a single role is a list of one)."""
    value = section(profile, name)[key]
    return {value} if isinstance(value, str) else set(value)


def sides(profile: str) -> dict[str, str]:
    """Every role the profile defines, with its side (client, participant, supplier)."""
    return {role: str(spec["side"]) for role, spec in raw_profile(profile)["roles"].items()}


def every_role(profile: str) -> set[str]:
    return set(sides(profile))


def supplier_side(profile: str) -> set[str]:
    return {role for role, side in sides(profile).items() if side == "supplier"}


def client_or_participant(profile: str) -> set[str]:
    return {role for role, side in sides(profile).items() if side != "supplier"}


def kpi_definitions(profile: str) -> list[dict[str, Any]]:
    definitions: list[dict[str, Any]] = section(profile, "kpis").get("definitions", [])
    return definitions


def kpi_recorders(profile: str, ref: str) -> set[str]:
    """Who records KPI `ref`: its recorded_by, else the kpis section's, else (a profile naming neither) the
    client and participant side — never the supplier side by default."""
    kpi = next(d for d in kpi_definitions(profile) if d["ref"] == ref)
    grant = kpi.get("recorded_by") or section(profile, "kpis").get("recorded_by")
    return set(grant["roles"]) if grant else client_or_participant(profile)


def obligation_fulfillers(profile: str, key: str) -> set[str]:
    """Who records obligation `key`'s fulfilment: its fulfilled_by, else the section's, else its owed_to."""
    item = next(i for i in section(profile, "obligations")["items"] if i["key"] == key)
    grant = item.get("fulfilled_by") or section(profile, "obligations").get("fulfilled_by")
    return set(grant["roles"]) if grant else set(item["owed_to"])


def monthly_percentage_kpis(profile: str) -> list[dict[str, Any]]:
    """KPIs recorded by value per month (the ones a test can record without other preparation)."""
    return [d for d in kpi_definitions(profile) if d["measure"] == "percentage" and "month" in d["periods"]]


@dataclass
class World:
    """One test's contract "C" and what the preparations need: the clock, a folder, a serial number."""

    ctx: Ctx
    clock: FixedClock
    profile: str
    tmp: Path
    contract: str = "C"
    serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    moments: int = 0

    def first(self, wanted: set[str]) -> str:
        """The key of the first person in one of the `wanted` roles."""
        return next(key for key, _name, _side, role in PEOPLE[self.profile] if role in wanted)

    def today(self) -> date:
        return local_date(self.clock.now())

    def client(self) -> str:
        return self.first(client_or_participant(self.profile))

    def next(self) -> int:
        return next(self.serial)


# --- improvement plans (B2 §5.2; TP §2.1.2) ----------------------------------------------------------
def three_step_plan(w: World, until: str) -> str:
    """A three-step plan in `until`: step_1, step_2, step_3_due (window passed) or step_3_requested."""
    from escalation_engine.core.timers import process_due
    from escalation_engine.procedures.plans import three_step as plan_steps

    case: str = plan_steps.open_plan(
        w.ctx,
        actor_key=w.first(roles(w.profile, "improvement_plan", "open_roles")),
        contract_key=w.contract,
        trigger="kpi",
        subject="delivery reliability lags its target",
        kpi=kpi_definitions(w.profile)[0]["ref"],
    )["case"]
    stages = ["step_1", "step_2", "step_3_due", "step_3_requested"]
    if stages.index(until) >= 1:
        adv = w.first(roles(w.profile, "improvement_plan", "advance_roles"))
        plan_steps.advance(w.ctx, actor_key=adv, ref=case, reason="no improvement at step 1")
    if stages.index(until) >= 2:  # the step-2 window of at most three months passes
        w.clock.advance(timedelta(days=95))
        process_due(w.ctx)
    if stages.index(until) >= 3:
        req = w.first(roles(w.profile, "improvement_plan", "request_step3_roles"))
        plan_steps.advance(w.ctx, actor_key=req, ref=case, reason="no improvement in the window")
    return case


def norm_failure_plan(w: World, until: str) -> str:
    """A 14-day plan (TP §2.1.2) awaiting the supplier's plan or, with until="submitted", submitted."""
    from escalation_engine.procedures.plans import actions as plan_actions
    from escalation_engine.procedures.plans import norm_plan as plans

    kpis = monthly_percentage_kpis(w.profile)
    case: str = plans.require_plan(
        w.ctx,
        actor_key=w.first(roles(w.profile, "norm_failure_plan", "require_roles")),
        contract_key=w.contract,
        kpi=kpis[w.next() % len(kpis)]["ref"],  # one open plan per KPI: a fresh KPI for each case
        detected=w.today() - timedelta(days=1),
        reason="quality norm not met",
    )["case"]
    if until == "submitted":
        sub = w.first(roles(w.profile, "norm_failure_plan", "submit_roles"))
        plan_actions.submit(w.ctx, actor_key=sub, ref=case, text="our improvement plan")
    return case


# --- step-in (B2 §6) -----------------------------------------------------------------------------------
def no_running_step_in(w: World) -> None:
    """Close the running step-in, if any (one at a time, B2 §6), so a new one may be requested."""
    from escalation_engine.procedures.step_in import decisions as step_in_decisions
    from escalation_engine.procedures.step_in.views import list_step_ins

    category = w.first(roles(w.profile, "step_in", "requested_by"))
    for running in list_step_ins(w.ctx, contract_key=w.contract, state="open"):
        step_in_decisions.close(w.ctx, actor_key=category, ref=running["case"], results="closed for the next")


def step_in_at(w: World, until: str) -> str:
    """A step-in in `until`: awaiting_meeting, monitoring, awaiting_second_meeting, second_meeting_held.
    A running step-in is closed first (one at a time, B2 §6)."""
    from escalation_engine.procedures.step_in import (
        actions as step_in,
    )
    from escalation_engine.procedures.step_in import (
        decisions as step_in_decisions,
    )
    from escalation_engine.procedures.step_in import (
        meetings as step_in_meetings,
    )

    category = w.first(roles(w.profile, "step_in", "requested_by"))
    supplier = w.first(roles(w.profile, "step_in", "meetings_recorded_by"))
    no_running_step_in(w)
    case: str = step_in.request(
        w.ctx,
        actor_key=category,
        contract_key=w.contract,
        reason="problems not solved after escalations",
        escalations=[],
        override="the category overrides the threshold for this test",
        culpable=True,
    )["case"]
    stages = ["awaiting_meeting", "monitoring", "awaiting_second_meeting", "second_meeting_held"]
    if stages.index(until) >= 1:
        step_in_meetings.record_meeting(w.ctx, actor_key=supplier, ref=case, held=w.today(), minutes="met")
    if stages.index(until) >= 2:
        step_in_decisions.assess(w.ctx, actor_key=category, ref=case, solved=False, reason="too slow")
    if stages.index(until) >= 3:
        step_in_meetings.record_meeting(w.ctx, actor_key=supplier, ref=case, held=w.today(), minutes="again")
    return case

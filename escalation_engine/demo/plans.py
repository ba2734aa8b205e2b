"""The improvement-plan part of `escalation-engine demo`: the three-step plan on the lease-bicycle
contract (B2 §5.2) and the 14-day plan after a norm failure on the Defence contract (TP §2.1.2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from escalation_engine.app.registration import add_contract, add_person
from escalation_engine.contracts.participants import add_participant
from escalation_engine.procedures.plans import (
    actions as plan_actions,
)
from escalation_engine.procedures.plans import (
    norm_plan as plans,
)
from escalation_engine.procedures.plans import (
    three_step as plan_steps,
)

if TYPE_CHECKING:
    from escalation_engine.demo.narrator import Narrator

AMS = ZoneInfo("Europe/Amsterdam")
TP_PEOPLE = [
    ("cmdef", "Chris de Wit", "participant", "contract_manager", "Defensie"),
    ("cmcat", "Cees Vos", "client", "category_manager", "Categorie Duurzame Inzetbaarheid"),
    ("am-tp", "Tara Kok", "supplier", "account_manager", "ReStart BV"),
]


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=AMS)


def _step(n: Narrator, title: str, action: Callable[[], dict[str, Any]], refused: bool = False) -> None:
    """Run a plan action through the narrator and say where the plan now stands."""
    n.step(title, lambda: {k: v for k, v in action().items() if k != "case"} | {"plan": "ok"}, refused)
    result = n.steps[-1].get("result")
    if result:
        due = result.get("window_ends") if result.get("window_open") else result.get("plan_due")
        n.say(
            f"  ✓ plan is {result['state'].replace('_', ' ')}" + (f", due by the end of {due}" if due else "")
        )


def plans_story(n: Narrator) -> None:
    ctx = n.ctx
    n.say("\n— Improvement plans — meanwhile, back to 13 April 2026 on the same contract —")
    n.say(
        "Replies of the supplier to the Belastingdienst stay slow: a three-step improvement plan (B2 §5.2)."
    )
    n.clock.set(_at("2026-04-13"))
    three_step = dict(contract_key="LF-2026", trigger="collaboration", subject="Replies take weeks")
    _step(
        n,
        "Dirk opens an improvement plan at step 1",
        lambda: plan_steps.open_plan(ctx, actor_key="dcm", participants=["Belastingdienst"], **three_step),
    )
    _step(
        n,
        "Carla (category) wants to skip step 1",
        lambda: plan_steps.skip_step1(ctx, actor_key="cat", ref="PLAN-1", reason="urgent"),
        refused=True,
    )
    n.clock.set(_at("2026-04-30"))
    _step(
        n,
        "after the tactical meeting Dirk judges it insufficient and consults the category",
        lambda: plan_steps.advance(
            ctx, actor_key="dcm", ref="PLAN-1", reason="no improvement after the meeting"
        ),
    )
    _step(
        n,
        "Carla asks for step 3 straight away",
        lambda: plan_steps.advance(ctx, actor_key="cat", ref="PLAN-1", reason="impatient"),
        refused=True,
    )
    n.tick(_at("2026-07-16", 9))
    n.tick(_at("2026-07-31", 9))
    _step(
        n,
        "Carla requests the plan in the Strategic Customer Council",
        lambda: plan_steps.advance(
            ctx, actor_key="cat", ref="PLAN-1", reason="three months without improvement"
        ),
    )
    n.tick(_at("2026-08-07", 9))
    n.clock.set(_at("2026-08-12"))
    _step(
        n,
        "Eva (final-responsible manager) presents; the steps are recorded",
        lambda: plan_steps.present(
            ctx,
            actor_key="exec",
            ref="PLAN-1",
            presented_on=date(2026, 8, 12),
            steps="1. reply within 2 days from 1 Sep; 2. weekly report to the DCM-er",
        ),
    )
    _norm_failure(n)


def _norm_failure(n: Narrator) -> None:
    ctx = n.ctx
    n.say(
        "\nDefence contract (TP): in month 3 the quality norm is found not met — a plan within 14 days (TP §2.1.2)."
    )
    add_contract(
        ctx,
        key="TP-2026",
        profile_name="reintegratie-defensie",
        title="Re-integratie Defensie",
        start=date(2026, 6, 1),
        award=None,
        actor="demo",
    )
    add_participant(ctx, contract_key="TP-2026", name="Defensie", actor="demo")
    for key, name, side, role, org in TP_PEOPLE:
        add_person(
            ctx,
            key=key,
            contract_key="TP-2026",
            name=name,
            side=side,
            role=role,
            organisation=org,
            email=f"{key}@example.org",
            actor="demo",
        )
    n.clock.set(_at("2026-09-01"))
    _step(
        n,
        "Chris (CM Defensie) records the norm failure of 31 August",
        lambda: plans.require_plan(
            ctx,
            actor_key="cmdef",
            contract_key="TP-2026",
            kpi="KPI Kwaliteit 3",
            detected=date(2026, 8, 31),
            reason="first finding: 61 % of modules within term",
        ),
    )
    n.tick(_at("2026-09-15", 1))
    n.clock.set(_at("2026-09-16"))
    _step(
        n,
        "Tara (account manager) submits the plan a day late",
        lambda: plan_actions.submit(ctx, actor_key="am-tp", ref="PLAN-2", text="Two extra jobcoaches"),
    )
    _step(
        n,
        "Chris rejects it: no measurable targets",
        lambda: plan_actions.decide(
            ctx, actor_key="cmdef", ref="PLAN-2", accept=False, reason="no measurable targets"
        ),
    )
    n.clock.set(_at("2026-09-22"))
    _step(
        n,
        "Tara submits a revised plan",
        lambda: plan_actions.submit(
            ctx, actor_key="am-tp", ref="PLAN-2", text="75 % within term by December; monthly check"
        ),
    )
    _step(
        n,
        "Chris accepts it",
        lambda: plan_actions.decide(
            ctx, actor_key="cmdef", ref="PLAN-2", accept=True, reason="measurable and dated"
        ),
    )

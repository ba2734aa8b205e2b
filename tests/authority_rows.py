"""The authority table's rows for the improvement plans (B2 §5.2, TP §2.1.2) and step-in (B2 §6), and
the `Attempt` row type (tests/faults/test_authority_table_procedures.py runs them). Allowed roles are
read from the profile YAML, never from the engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from authority_support import (
    World,
    kpi_definitions,
    no_running_step_in,
    norm_failure_plan,
    roles,
    section,
    step_in_at,
    three_step_plan,
)

from escalation_engine.procedures.plans import (
    actions as plan_actions,
)
from escalation_engine.procedures.plans import (
    norm_plan as plans,
)
from escalation_engine.procedures.plans import (
    three_step as plan_steps,
)
from escalation_engine.procedures.step_in import actions as step_in_service
from escalation_engine.procedures.step_in import (
    decisions as step_in_decisions,
)
from escalation_engine.procedures.step_in import (
    meetings as step_in_meetings,
)

Roles = Callable[[str], set[str]]


@dataclass(frozen=True)
class Attempt:
    procedure: str
    action: str
    has: Callable[[str], bool]  # the profile has this procedure
    prepare: Callable[[World], str | None]
    act: Callable[[World, Any, str], object]
    allowed: Roles
    source: str
    needs: Roles | None = None  # what a refusal names (default: the allowed roles)
    start: date = date(2026, 1, 1)
    # when who may act depends on the case (e.g. which KPI or obligation): the allowed roles for that case
    allowed_for: Callable[[str, Any], set[str]] | None = None

    def expected(self, profile: str, case: Any) -> tuple[set[str], set[str]]:
        """The roles allowed on `case`, and the words a refusal must contain to name who may act."""
        if self.allowed_for is not None:
            allowed = self.allowed_for(profile, case)
            return allowed, allowed
        return self.allowed(profile), (self.needs or self.allowed)(profile)


def listed(name: str, key: str) -> Roles:
    return lambda profile: roles(profile, name, key)


def has(name: str) -> Callable[[str], bool]:
    """The profile has the section `name` (a profile without it does not have the procedure)."""
    return lambda profile: bool(section(profile, name))


THREE, NORM = "improvement_plan", "norm_failure_plan"

PLAN_ATTEMPTS = [
    Attempt(
        "plan",
        "open",
        has(THREE),
        prepare=lambda w: None,
        act=lambda w, case, who: plan_steps.open_plan(
            w.ctx, actor_key=who, contract_key=w.contract, trigger="audit", subject="audit findings"
        ),
        allowed=listed(THREE, "open_roles"),
        source="B2 §5.2 Stap 1: the participant (or the category) puts it on the agenda",
    ),
    Attempt(
        "plan",
        "skip-step1",
        has(THREE),
        prepare=lambda w: three_step_plan(w, "step_1"),
        act=lambda w, case, who: plan_steps.skip_step1(w.ctx, actor_key=who, ref=case, reason="a KPI"),
        allowed=listed(THREE, "skip_step1_roles"),
        source="B2 §5.2 last paragraph: only by decision of the category",
    ),
    Attempt(
        "plan",
        "advance-to-step2",
        has(THREE),
        prepare=lambda w: three_step_plan(w, "step_1"),
        act=lambda w, case, who: plan_steps.advance(w.ctx, actor_key=who, ref=case, reason="insufficient"),
        allowed=listed(THREE, "advance_roles"),
        source="B2 §5.2 Stap 1: the participant judges insufficient and consults the category",
    ),
    Attempt(
        "plan",
        "request-step3",
        has(THREE),
        prepare=lambda w: three_step_plan(w, "step_3_due"),
        act=lambda w, case, who: plan_steps.advance(w.ctx, actor_key=who, ref=case, reason="no result"),
        allowed=listed(THREE, "request_step3_roles"),
        source="B2 §5.2 Stap 3: at the category's first request",
    ),
    Attempt(
        "plan",
        "present",
        has(THREE),
        prepare=lambda w: three_step_plan(w, "step_3_requested"),
        act=lambda w, case, who: plan_steps.present(
            w.ctx, actor_key=who, ref=case, presented_on=w.today(), steps="1. staff 2. weekly check"
        ),
        allowed=listed(THREE, "record_presentation_roles"),
        source="B2 §5.2 Stap 3 (who records it: profile policy default)",
    ),
    Attempt(
        "plan",
        "resolve-three-step",
        has(THREE),
        prepare=lambda w: three_step_plan(w, "step_1"),
        act=lambda w, case, who: plan_actions.resolve(w.ctx, actor_key=who, ref=case, results="improved"),
        allowed=listed(THREE, "resolve_roles"),
        source="SPEC §2: resolved at any step with a written record (who: profile policy default)",
    ),
    Attempt(
        "plan",
        "require",
        has(NORM),
        prepare=lambda w: kpi_definitions(w.profile)[w.next() % len(kpi_definitions(w.profile))]["ref"],
        act=lambda w, kpi, who: plans.require_plan(
            w.ctx,
            actor_key=who,
            contract_key=w.contract,
            kpi=kpi,
            detected=w.today() - timedelta(days=1),
            reason="norm not met",
        ),
        allowed=listed(NORM, "require_roles"),
        source="TP §2.1.2: the participant and the client establish that the norm was not met",
    ),
    Attempt(
        "plan",
        "submit",
        has(NORM),
        prepare=lambda w: norm_failure_plan(w, "awaiting_plan"),
        act=lambda w, case, who: plan_actions.submit(w.ctx, actor_key=who, ref=case, text="our plan"),
        allowed=listed(NORM, "submit_roles"),
        source="TP §2.1.1-2: the supplier draws up the plan",
    ),
    Attempt(
        "plan",
        "accept",
        has(NORM),
        prepare=lambda w: norm_failure_plan(w, "submitted"),
        act=lambda w, case, who: plan_actions.decide(
            w.ctx, actor_key=who, ref=case, accept=True, reason="ok"
        ),
        allowed=listed(NORM, "decide_roles"),
        source="TP §2.1.2 (who decides: profile policy default, the tactical level of TP §3 table 2)",
    ),
    Attempt(
        "plan",
        "reject",
        has(NORM),
        prepare=lambda w: norm_failure_plan(w, "submitted"),
        act=lambda w, case, who: plan_actions.decide(
            w.ctx, actor_key=who, ref=case, accept=False, reason="not concrete"
        ),
        allowed=listed(NORM, "decide_roles"),
        source="TP §2.1.2 (who decides: profile policy default)",
    ),
    Attempt(
        "plan",
        "resolve-14-day",
        has(NORM),
        prepare=lambda w: norm_failure_plan(w, "awaiting_plan"),
        act=lambda w, case, who: plan_actions.resolve(w.ctx, actor_key=who, ref=case, results="norm met"),
        allowed=listed(NORM, "resolve_roles"),
        source="SPEC §4 (who resolves: profile policy default)",
    ),
]

STEP_IN = "step_in"
STEP_IN_ATTEMPTS = [
    Attempt(
        "stepin",
        "request",
        has(STEP_IN),
        prepare=lambda w: no_running_step_in(w),
        act=lambda w, case, who: step_in_service.request(
            w.ctx,
            actor_key=who,
            contract_key=w.contract,
            reason="problems persist",
            escalations=[],
            override="override for the test",
            culpable=True,
        ),
        allowed=listed(STEP_IN, "requested_by"),
        source="B2 §6, SPEC §3 step 1: the category requests step-in",
    ),
    Attempt(
        "stepin",
        "meeting",
        has(STEP_IN),
        prepare=lambda w: step_in_at(w, "awaiting_meeting"),
        act=lambda w, case, who: step_in_meetings.record_meeting(
            w.ctx, actor_key=who, ref=case, held=w.today(), minutes="mt meeting"
        ),
        allowed=listed(STEP_IN, "meetings_recorded_by"),
        source="B2 §6, SPEC §3 step 2: the supplier convenes its management team",
    ),
    Attempt(
        "stepin",
        "second-meeting",
        has(STEP_IN),
        prepare=lambda w: step_in_at(w, "awaiting_second_meeting"),
        act=lambda w, case, who: step_in_meetings.record_meeting(
            w.ctx, actor_key=who, ref=case, held=w.today(), minutes="second meeting"
        ),
        allowed=listed(STEP_IN, "meetings_recorded_by"),
        source="B2 §6, SPEC §3 step 3: a second management-team meeting",
    ),
    Attempt(
        "stepin",
        "assess",
        has(STEP_IN),
        prepare=lambda w: step_in_at(w, "monitoring"),
        act=lambda w, case, who: step_in_decisions.assess(
            w.ctx, actor_key=who, ref=case, solved=False, reason="not solved"
        ),
        allowed=listed(STEP_IN, "requested_by"),
        source="B2 §6, SPEC §3 step 3: the category judges the progress after 30 days",
    ),
    Attempt(
        "stepin",
        "advise",
        has(STEP_IN),
        prepare=lambda w: step_in_at(w, "second_meeting_held"),
        act=lambda w, case, who: step_in_decisions.advise(
            w.ctx, actor_key=who, ref=case, measures="two extra mechanics", due=None
        ),
        allowed=listed(STEP_IN, "requested_by"),
        source="B2 §6, SPEC §3 step 4: the category lays down binding advice",
    ),
    Attempt(
        "stepin",
        "close",
        has(STEP_IN),
        prepare=lambda w: step_in_at(w, "awaiting_meeting"),
        act=lambda w, case, who: step_in_decisions.close(w.ctx, actor_key=who, ref=case, results="solved"),
        allowed=listed(STEP_IN, "requested_by"),
        source="B2 §6: the category's procedure, closed by the category",
    ),
]

"""The timed parts of the three-step plan (B2 §5.2): the step-2 window of at most three calendar months
with its reminders, and the step-3 request with reminders until the presentation is recorded.
"""

from __future__ import annotations

from datetime import date, datetime

from escalation_engine.contracts.terms import due_date, term_of
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import end_of_day, local_date
from escalation_engine.core.schedule import cancel_timers
from escalation_engine.core.tables import Person
from escalation_engine.procedures.plans.case import Loaded, schedule_at, schedule_reminder, tell
from escalation_engine.procedures.plans.profile import ThreeStepPlanSpec
from escalation_engine.procedures.plans.rules import reminder_days_before
from escalation_engine.procedures.plans.views import step_of

SOURCE = "B2 §5.2"


def enter_step2(ctx: Ctx, loaded: Loaded, spec: ThreeStepPlanSpec, now: datetime) -> None:
    """Step 2 starts the window of at most three calendar months; remind ahead of its end."""
    term = term_of(spec.step2_window)
    last = due_date(loaded.profile, local_date(now), term)
    rule = f"step 2 + {term.amount} {term.unit} ({term.label})"
    loaded.row.step, loaded.row.step2_at, loaded.row.window_ends_at = 2, now, end_of_day(last)
    cancel_timers(loaded.session, "plan", loaded.ident, now)
    key = f"plan:{loaded.ident}:window"
    schedule_at(
        loaded,
        key=f"{key}:due",
        kind="window_end",
        due_at=end_of_day(last),
        rule=rule,
        source=term.source,
        payload={},
    )
    for days, day in reminder_days_before(last, spec.window_reminder_days_before):
        schedule_reminder(
            loaded,
            key=f"{key}:reminder:-{days}",
            day=day,
            rule=rule,
            source=term.source,
            payload={"series": "window", "days_before": days, "deadline_at": end_of_day(last).isoformat()},
            now=now,
        )
    loaded.touch(now)
    tell(
        loaded,
        [*spec.window_notify_roles, *spec.advance_roles],
        "plan_window_started",
        key=f"{key}:started",
        now=now,
        subject=loaded.row.subject,
        step_source=f"{SOURCE} Stap 2",
        due=f"{last}",
        rule=rule,
        source=term.source,
    )


def request_step3(loaded: Loaded, spec: ThreeStepPlanSpec, actor: Person, reason: str, now: datetime) -> None:
    loaded.row.step = step_of(loaded.row.state)
    loaded.row.step3_requested_at, loaded.row.step3_requested_by = now, actor.key
    cancel_timers(loaded.session, "plan", loaded.ident, now)
    first = date.fromordinal(local_date(now).toordinal() + spec.presentation_reminder_every_days)
    schedule_reminder(
        loaded,
        key=f"plan:{loaded.ident}:presentation:reminder:{first}",
        day=first,
        rule="presentation at the category's first request",
        source=f"{SOURCE} Stap 3",
        payload={"series": "presentation", "first_day": first.isoformat()},
        now=now,
    )
    loaded.touch(now)
    tell(
        loaded,
        [spec.presenter_role],
        "plan_step3_requested",
        key=f"plan:{loaded.ident}:step3:requested",
        now=now,
        actor=f"{actor.name} ({actor.role})",
        source=f"{SOURCE} Stap 3",
        subject=loaded.row.subject,
        reason=reason,
    )

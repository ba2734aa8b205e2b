"""Importing this module registers every procedure's timer handlers with `timers.HANDLERS`."""

from . import (  # noqa: F401
    digests,
    escalation_timers,
    kpi_follow_up,
    obligation_horizon,
    obligation_timers,
    plan_timers,
    step_in_timers,
)

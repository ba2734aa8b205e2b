"""Importing this module registers every procedure's timer handlers with `timers.HANDLERS`."""

from . import digests, escalation_timers, kpi_follow_up, obligation_timers, plan_timers, step_in_timers  # noqa: F401

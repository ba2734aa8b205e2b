"""Importing this module registers every procedure's timer handlers with `timers.HANDLERS`."""

from . import (
    escalation_timers,  # noqa: F401
    kpi_follow_up,  # noqa: F401
)

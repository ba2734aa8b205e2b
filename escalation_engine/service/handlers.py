"""Importing this module registers every procedure's timer handlers with `timers.HANDLERS`."""

from . import (
    escalation_timers,  # noqa: F401
    step_in_timers,  # noqa: F401
)

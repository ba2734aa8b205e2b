"""Importing this module registers every procedure's timer handlers with `timers.HANDLERS`."""

from . import escalation_timers  # noqa: F401
from . import plan_timers as plan_timers  # noqa: F401

"""What every action needs: the database, the clock and the registry (wired once, in the CLI or a test).

Entry points and tests build `escalation_engine.app.context.Ctx`, which carries the wired registry; this one,
with an empty registry, is what the core's own signatures name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from escalation_engine.core.clock import Clock, SystemClock
from escalation_engine.core.db import Database
from escalation_engine.core.registry import Registry


@dataclass
class Ctx:
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    registry: Registry = field(default_factory=Registry)

"""What every service needs: the database and the clock (wired once, in the CLI or a test)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..adapters.clock import Clock, SystemClock
from ..adapters.db import Database


@dataclass
class Ctx:
    db: Database
    clock: Clock = field(default_factory=SystemClock)

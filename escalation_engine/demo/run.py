"""`escalation-engine demo`: the chapters in order on a throw-away database (or one kept with --keep)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.db import Database
from escalation_engine.demo.kpis import kpi_story
from escalation_engine.demo.ladder import ladder_story
from escalation_engine.demo.narrator import Narrator, at
from escalation_engine.demo.obligations import obligations_story
from escalation_engine.demo.plans import plans_story
from escalation_engine.demo.step_in import step_in_story


def run_demo(keep: Path | None = None, echo: Callable[[str], Any] | None = print) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="escalation-demo-") as tmp:
        path = keep or Path(tmp) / "demo.db"
        db = Database(f"sqlite:///{path}")
        db.upgrade()
        clock = FixedClock(at("2026-03-24", 9))
        ctx = Ctx(db=db, clock=clock)
        n = Narrator(ctx, clock, echo)
        try:
            _story(n)
        finally:
            db.dispose()
        return {"database": str(path) if keep else None, "steps": n.steps}


def _story(n: Narrator) -> None:
    ladder_story(n)
    step_in_story(n)
    obligations_story(n)
    plans_story(n)
    kpi_story(n)

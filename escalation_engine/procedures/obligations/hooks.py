"""What another procedure may attach to an obligation, through the engine's registry (wired by `app.wiring`).

The obligations calendar does not know KPIs; the KPIs judge obligations (B2 §2.1). Two things still pass the
other way, and they pass here, as hooks the KPI procedure answers:
- OVERDUE: an occurrence's last day ended unfulfilled; each answer writes what follows in the same
  transaction (a failed MVOI verdict) and returns what it wrote, for the notice.
- JUDGED: which occurrences a verdict has judged, so that a fulfilment a verdict rests on is not taken back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session

from escalation_engine.core.context import Ctx
from escalation_engine.procedures.obligations.tables import Obligation
from escalation_engine.profile.model import Profile

OVERDUE = "obligation.overdue"
JUDGED = "obligation.judged"


@dataclass(frozen=True)
class Judgement:
    verdict: str  # VER-n
    kpi: str
    period: str
    source: str


class OverdueHook(Protocol):
    def __call__(
        self, ctx: Ctx, session: Session, row: Obligation, profile: Profile, now: datetime
    ) -> list[dict[str, Any]]: ...


class JudgedHook(Protocol):
    def __call__(self, session: Session, contract_key: str) -> dict[str, Judgement]: ...


def after_overdue(
    ctx: Ctx, session: Session, row: Obligation, profile: Profile, now: datetime
) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []
    hook: OverdueHook
    for hook in ctx.registry.hooks(OVERDUE):
        made.extend(hook(ctx, session, row, profile, now))
    return made


def judgement_of(ctx: Ctx, session: Session, row: Obligation, ref: str) -> Judgement | None:
    hook: JudgedHook
    for hook in ctx.registry.hooks(JUDGED):
        found: Judgement | None = hook(session, row.contract_key).get(ref)
        if found is not None:
            return found
    return None

"""Helpers for the step-in tests: an escalation taken to the top of the B2 ladder, a recording channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from escalation_engine.app.context import Ctx
from escalation_engine.core.channels import Message
from escalation_engine.core.tables import AuditEvent, Outbox, Timer
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.step_in import actions as si
from escalation_engine.procedures.step_in.tables import StepIn


def escalate_to_top(ctx: Ctx, contract: str = "LF", subject: str = "Availability 91 %") -> str:
    """Open at level 1 and go through levels 1 and 2 properly up to level 3 (B2 §5.1)."""
    case = str(
        esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key=contract,
            subject=subject,
            norm="Leverbetrouwbaarheid",
            participant="Belastingdienst",
            threatened=False,
        )["case"]
    )
    esc.respond(ctx, actor_key="am", ref=case, text="working on it")
    esc.assess(ctx, actor_key="dcm", ref=case, sufficient=False, reason="still 91 %")
    esc.raise_level(ctx, actor_key="cat", ref=case, reason="level 1 insufficient")
    esc.respond(ctx, actor_key="sm", ref=case, text="extra planners")
    esc.assess(ctx, actor_key="cat", ref=case, sufficient=False, reason="still 92 %")
    esc.raise_level(ctx, actor_key="catman", ref=case, reason="level 2 insufficient")
    return case


def request(ctx: Ctx, escalations: list[str], *, contract: str = "LF", **kw: Any) -> dict[str, Any]:
    return si.request(
        ctx,
        actor_key=str(kw.get("actor", "cat")),
        contract_key=contract,
        reason=str(kw.get("reason", "Availability below 95 % for three months")),
        escalations=escalations,
        override=kw.get("override"),
        culpable=bool(kw.get("culpable", True)),
    )


@dataclass
class Recorder:
    name: str = "recorder"
    sent: list[Message] = field(default_factory=list)

    def send(self, message: Message) -> None:
        self.sent.append(message)


def counts(ctx: Ctx) -> dict[str, int]:
    """How many rows the tables a step-in action writes hold (to show a refusal changes nothing)."""
    with ctx.db.read() as session:
        return {
            table.__name__: len(list(session.exec(select(table))))
            for table in (StepIn, Timer, Outbox, AuditEvent)
        }


def outbox(ctx: Ctx, case: str) -> list[tuple[str, str]]:
    with ctx.db.read() as session:
        rows = session.exec(select(Outbox).where(Outbox.case_ref == case).order_by(col(Outbox.id)))
        return [(row.recipient_key, row.subject) for row in rows]


def actions(ctx: Ctx, case: str) -> list[str]:
    with ctx.db.read() as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.case_ref == case).order_by(col(AuditEvent.id))
        )
        return [row.action for row in rows]

"""The context entry points and tests build: the core's `Ctx` with every procedure wired into its registry.

The registry is wired on first use (firing a timer, listing deadlines, a hook), so a command that needs
neither imports no other procedure's modules."""

from __future__ import annotations

from dataclasses import dataclass, field

from escalation_engine.core.context import Ctx as CoreCtx
from escalation_engine.core.registry import Registry


def _wire(registry: Registry) -> None:
    from escalation_engine.app.wiring import wire

    wire(registry)


def wired_registry() -> Registry:
    return Registry(loader=_wire)


@dataclass
class Ctx(CoreCtx):
    registry: Registry = field(default_factory=wired_registry)

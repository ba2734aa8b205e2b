"""The demo's narrator: says each step, runs it, delivers what it queued and ticks the clock."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from escalation_engine.app.context import Ctx
from escalation_engine.core.channels import ConsoleChannel
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.errors import EngineError
from escalation_engine.core.outbox import deliver
from escalation_engine.core.timers import process_due

AMS = ZoneInfo("Europe/Amsterdam")


class Narrator:
    def __init__(self, ctx: Ctx, clock: FixedClock, echo: Callable[[str], Any] | None) -> None:
        self.ctx, self.clock, self.echo = ctx, clock, echo
        self.steps: list[dict[str, Any]] = []

    def say(self, text: str) -> None:
        if self.echo:
            self.echo(text)

    def step(self, title: str, action: Callable[[], dict[str, Any]], expect_refusal: bool = False) -> None:
        self.say(f"\n▶ {self.clock.now().astimezone(AMS):%a %d %b %Y %H:%M} — {title}")
        try:
            result = action()
        except EngineError as exc:
            self.say(f"  ✗ refused (exit {exc.exit_code}): {exc.message}")
            self.steps.append({"step": title, "refused": exc.as_dict()})
            if not expect_refusal:
                raise
            return
        if expect_refusal:
            raise AssertionError(f"demo step {title!r} should have been refused")
        self.steps.append({"step": title, "result": result})
        self._deliver()
        if "case" in result:
            due = f", respond by end of {result['response_due']}" if result.get("response_due") else ""
            self.say(
                f"  ✓ {result['case']} is {result['state']} at level {result['level']} ({result['level_name']}){due}"
            )

    def _deliver(self) -> int:
        buffer = io.StringIO()
        sent = deliver(self.ctx, ConsoleChannel(buffer))
        for line in buffer.getvalue().splitlines():
            self.say(f"  {line}")
        return len(sent.sent)

    def tick(self, until: datetime) -> None:
        self.clock.set(until)
        report = process_due(self.ctx)
        self.say(
            f"\n⏱ {until.astimezone(AMS):%a %d %b %Y %H:%M} — the engine ticks: {len(report.fired)} timer(s) fired"
        )
        for entry in report.fired:
            self.say(f"  • {entry['kind']} due {entry['due_at']} → {entry['outcome']}")
        sent = self._deliver()
        self.steps.append({"step": f"tick at {until.isoformat()}", "fired": report.fired, "sent": sent})


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=AMS)

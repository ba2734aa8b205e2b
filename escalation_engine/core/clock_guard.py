"""The clock's guard at every tick: a clock far ahead of the engine's last known time, or behind it, fires
nothing (issue 15).

The engine's last known time is the later of the last tick (`engine_clock.last_tick_at`, written in the
tick's first transaction) and the newest audit row. A tick whose clock is more than the bound ahead of it
(ESCALATION_ENGINE_MAX_CLOCK_JUMP, default 7 days) is refused unless the jump is accepted (`tick
--accept-jump`, `run --accept-jump`): deadlines that have not passed would fire. A tick whose clock is
behind it by more than a small tolerance is refused too: nothing fires and nothing is undone until the
clock is right again. A refused tick writes nothing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from escalation_engine.core.audit import BACKWARDS_TOLERANCE
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.tables import AuditEvent, EngineClock

MAX_JUMP_ENV = "ESCALATION_ENGINE_MAX_CLOCK_JUMP"
DEFAULT_MAX_JUMP = timedelta(days=7)
# Two daemons on two hosts, or a firing chunk that took its `now` a little before a concurrent action's
# audit row: a clock this far behind the last known time is still the same clock (as for `audit verify`).
BEHIND_TOLERANCE = BACKWARDS_TOLERANCE
_BOUND = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dhm]?)\s*$", re.IGNORECASE)
_UNITS = {"": "days", "d": "days", "h": "hours", "m": "minutes"}


class ClockHeld(RuleRefused):
    """The tick fired nothing: the clock is too far ahead of, or behind, the engine's last known time."""

    kind = "clock_held"


def max_jump(value: str | None = None) -> timedelta | None:
    """The bound from ESCALATION_ENGINE_MAX_CLOCK_JUMP: `7` or `7d` (days), `36h`, `90m`; `off`: no bound."""
    text = os.environ.get(MAX_JUMP_ENV, "") if value is None else value
    if not text.strip():
        return DEFAULT_MAX_JUMP
    if text.strip().lower() == "off":
        return None
    match = _BOUND.match(text)
    if match is None or float(match.group(1)) <= 0 or float(match.group(1)) > 36_500:
        raise BadInput(
            f"{MAX_JUMP_ENV}={text!r} is not a clock-jump bound: give a positive number of days (`7`, "
            "`7d`), hours (`36h`) or minutes (`90m`), at most 36500 days, or `off` for no bound",
            rule="clock jump bound",
            source=MAX_JUMP_ENV,
        )
    return timedelta(**{_UNITS[match.group(2).lower()]: float(match.group(1))})


def _shown(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _span(delta: timedelta) -> str:
    seconds = abs(delta.total_seconds())
    if seconds >= 2 * 86_400:
        return f"{seconds / 86_400:,.1f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:,.1f} hours"
    return f"{seconds / 60:,.1f} minutes"


_T = EngineClock.__table__  # type: ignore[attr-defined]
_A = AuditEvent.__table__  # type: ignore[attr-defined]
_LAST_TICK = select(_T.c.last_tick_at).where(_T.c.id == 1).with_for_update()
_LAST_AUDIT = select(_A.c.recorded_at).order_by(_A.c.id.desc()).limit(1)


def last_known(session: Session) -> tuple[datetime | None, str]:
    """The engine's last known time and what it is (the last tick or the newest audit row); locks the
    clock row for this transaction (two daemons on PostgreSQL take turns)."""
    connection = session.connection()
    tick = connection.execute(_LAST_TICK).scalar()
    audit = connection.execute(_LAST_AUDIT).scalar()
    tick = _aware(tick)
    audit = _aware(audit)
    if tick is not None and (audit is None or tick >= audit):
        return tick, "the last tick"
    if audit is not None:
        return audit, "the newest audit row"
    return None, "nothing yet"


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class ClockGuard:
    """Called by `process_due` in the tick's first transaction, before anything is claimed."""

    bound: timedelta | None = DEFAULT_MAX_JUMP
    accept_jump: bool = False
    how_to_accept: str = "`escalation-engine tick --accept-jump`"

    def __call__(self, session: Session, now: datetime) -> None:
        last, what = last_known(session)
        if last is not None and now < last - BEHIND_TOLERANCE:
            raise ClockHeld(
                f"the clock says {_shown(now)}, {_span(last - now)} before the engine's last known time "
                f"{_shown(last)} ({what}): nothing was fired and nothing was undone. A clock may not run "
                f"backwards by more than {_span(BEHIND_TOLERANCE)}; correct the system clock — ticks resume "
                f"once it has reached {_shown(last)}",
                rule="the clock does not run backwards",
                source="engine_clock",
            )
        if last is not None and self.bound is not None and now - last > self.bound and not self.accept_jump:
            raise ClockHeld(
                f"the clock says {_shown(now)}, {_span(now - last)} after the engine's last known time "
                f"{_shown(last)} ({what}); the largest jump taken without confirmation is "
                f"{_span(self.bound)} ({MAX_JUMP_ENV}): nothing was fired. If the clock is right (say, after "
                f"a long downtime), accept the jump once with {self.how_to_accept}; if not, correct the "
                "system clock",
                rule="clock jump bound",
                source=MAX_JUMP_ENV,
            )
        if last is None or now > last:
            session.connection().execute(update(_T).where(_T.c.id == 1).values(last_tick_at=now))

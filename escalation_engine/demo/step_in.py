"""The demo's step-in part (B2 §6): request, the 2-week meeting, the 30-day check that nobody
assessed, the second meeting, binding advice and the written result — on the demo's contract LF-2026."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from escalation_engine.procedures.step_in import actions as si
from escalation_engine.procedures.step_in import decisions as sd
from escalation_engine.procedures.step_in import meetings as sm

if TYPE_CHECKING:
    from escalation_engine.demo.narrator import Narrator

AMS = ZoneInfo("Europe/Amsterdam")
CONTRACT = "LF-2026"


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=AMS)


def _step(n: Narrator, title: str, action: Callable[[], dict[str, Any]], refused: bool = False) -> None:
    """Run one action through the narrator and say where the step-in procedure now stands."""
    seen: dict[str, Any] = {}

    def wrapped() -> dict[str, Any]:
        seen.update(action())
        return {"step_in": dict(seen)}

    n.step(title, wrapped, expect_refusal=refused)
    if seen:
        nxt = seen["next"]
        due = f"; next: {nxt['what']} by end of {nxt['due']}" if nxt else ""
        n.say(f"  ✓ {seen['case']} is {seen['state'].replace('_', ' ')}{due}")


def step_in_story(n: Narrator) -> None:
    ctx = n.ctx
    n.say("\n— Step-in rights (B2 §6) —")
    n.say(
        "Availability drops again in April. ESC-1 stopped at level 2 and is closed: it does not count as 'repeated escalations'."
    )
    n.clock.set(_at("2026-04-13"))

    def ask(override: str | None) -> Callable[[], dict[str, Any]]:
        return lambda: si.request(
            ctx,
            actor_key="cat",
            contract_key=CONTRACT,
            reason="Availability below 95 % again for the third time this year",
            escalations=["ESC-1"],
            override=override,
            culpable=True,
        )

    _step(n, "Carla (category) requests step-in naming ESC-1", ask(None), refused=True)
    _step(
        n,
        "Carla requests it again, overriding the threshold with a recorded reason",
        ask("third drop in 2026"),
    )
    n.tick(_at("2026-04-24", 9))
    n.clock.set(_at("2026-04-24", 11))
    _step(
        n, "Carla tries to record the supplier's meeting herself", _meeting(n, "cat", date(2026, 4, 23)), True
    )
    _step(
        n,
        "Eva (final-responsible management) records the MT meeting of 23 April",
        _meeting(n, "exec", date(2026, 4, 23)),
    )
    _second_round(n)


def _second_round(n: Narrator) -> None:
    ctx = n.ctx
    n.say("Nobody records an assessment by the 30-day check …")
    n.tick(_at("2026-05-24", 9))
    n.clock.set(_at("2026-06-02", 15))
    _step(n, "Eva records the second MT meeting", _meeting(n, "exec", date(2026, 6, 2)))
    _step(
        n,
        "Kees (category manager) lays down binding advice, due 30 June",
        lambda: sd.advise(
            ctx,
            actor_key="catman",
            ref="STEP-1",
            measures="Four extra mechanics; weekly stock report",
            due=date(2026, 6, 30),
        ),
    )
    n.clock.set(_at("2026-07-01", 10))
    _step(
        n,
        "Carla closes the procedure with its written result",
        lambda: sd.close(
            ctx, actor_key="cat", ref="STEP-1", results="Availability 97 % in June; advice carried out"
        ),
    )


def _meeting(n: Narrator, who: str, held: date) -> Callable[[], dict[str, Any]]:
    return lambda: sm.record_meeting(
        n.ctx,
        actor_key=who,
        ref="STEP-1",
        held=held,
        minutes="Causes and measures discussed with the category",
        attendees="Carla Jansen (category), FietsLease management team",
        measures="Extra mechanics; stock rebalancing",
    )

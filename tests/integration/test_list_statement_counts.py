"""Lists at scale (issue 18): a list reads a fixed number of SQL statements whatever the number of cases.

Counted with SQLAlchemy's `before_cursor_execute` event around the list call only. Escalations and their
deadlines are compared at 10 and 1,000 cases, each opened through `open_escalation` (the service action,
with its timers, audit and outbox). Plans and step-ins take several actions per case (a step-in needs an
escalation taken through levels 1 and 2), and one step-in runs at a time per contract: they are compared
at 2 and 8 contracts with one of each, so a per-row or per-contract query would add at least 6 statements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from stepin_support import escalate_to_top, request
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.procedures.ladder.actions import open_escalation
from escalation_engine.procedures.ladder.queries import list_escalations
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.procedures.plans import three_step
from escalation_engine.procedures.plans.queries import list_plans
from escalation_engine.procedures.step_in.views import list_step_ins


@contextmanager
def counting(ctx: Ctx) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", count)


def statements(ctx: Ctx, listing: Callable[[], list[dict[str, Any]]]) -> tuple[int, int]:
    with counting(ctx) as seen:
        rows = listing()
    return len(rows), len(seen)


def open_cases(ctx: Ctx, first: int, upto: int) -> None:
    for i in range(first, upto):
        open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject=f"Availability case {i}",
            norm=None,
            participant="Belastingdienst",
            threatened=False,
        )


LISTS: dict[str, Callable[[Ctx], list[dict[str, Any]]]] = {
    "escalation list": lambda ctx: list_escalations(ctx, state="all"),
    "escalation list --contract": lambda ctx: list_escalations(ctx, contract_key="LF"),
    "escalation list page": lambda ctx: list_escalations(ctx, state="all", limit=50, offset=5),
    "deadlines": lambda ctx: list_deadlines(ctx),
    "deadlines --person": lambda ctx: list_deadlines(ctx, contract_key="LF", person_key="am"),
    "obligations": lambda ctx: list_obligations(ctx, contract_key="LF", state="all"),
}


def test_escalation_list_and_deadlines_read_as_many_statements_at_1000_cases_as_at_10(ctx: Ctx) -> None:
    register(ctx)
    open_cases(ctx, 0, 10)
    small = {name: statements(ctx, lambda f=f: f(ctx)) for name, f in LISTS.items()}
    open_cases(ctx, 10, 1000)
    large = {name: statements(ctx, lambda f=f: f(ctx)) for name, f in LISTS.items()}
    assert large["escalation list"][0] == 1000
    assert large["escalation list page"][0] == 50
    everything = list_escalations(ctx, state="all")
    assert list_escalations(ctx, state="all", limit=50, offset=5) == everything[5:55]
    assert list_deadlines(ctx, limit=3, offset=2) == list_deadlines(ctx)[2:5]
    assert large["deadlines"][0] > small["deadlines"][0] + 900
    assert {name: count for name, (_rows, count) in large.items()} == {
        name: count for name, (_rows, count) in small.items()
    }


def _step_ins(ctx: Ctx, first: int, upto: int) -> None:
    """One step-in and one plan on each of contracts C`first`..C`upto`-1 (one step-in at a time per contract)."""
    for i in range(first, upto):
        key = register(ctx, key=f"C{i}")
        request(ctx, [escalate_to_top(ctx, contract=key, subject=f"Availability {i}")], contract=key)
        three_step.open_plan(
            ctx,
            actor_key="dcm",
            contract_key=key,
            trigger="collaboration",
            subject=f"Replies take weeks {i}",
            kpi=None,
            participants=["Belastingdienst"],
        )


def test_plan_and_step_in_lists_read_as_many_statements_over_8_contracts_as_over_2(ctx: Ctx) -> None:
    lists: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "plan list": lambda: list_plans(ctx, state="all"),
        "stepin list": lambda: list_step_ins(ctx, state="all"),
        "escalation list": lambda: list_escalations(ctx, state="all"),
    }
    _step_ins(ctx, 0, 2)
    small = {name: statements(ctx, f) for name, f in lists.items()}
    _step_ins(ctx, 2, 8)
    large = {name: statements(ctx, f) for name, f in lists.items()}
    assert large["plan list"][0] == 8 and large["stepin list"][0] == 8
    assert {name: count for name, (_rows, count) in large.items()} == {
        name: count for name, (_rows, count) in small.items()
    }

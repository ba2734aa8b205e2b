"""Lists at scale (issue 18), the other lists: sanctions, verdicts, the KPI report, the digest's selection
and deadlines over many contracts read as many statements at many rows as at a few, and a page of a list
is the same rows as that slice of the whole list (the paging is cut in SQL, the order is kept).

Verdicts and sanctions come from missed months (a measurement and an evaluation each), so they are
compared at 2 and 8 months; the digest at 10 and 300 escalations of the person's contract.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select
from support import register
from test_list_statement_counts import _step_ins, counting, open_cases, statements

from escalation_engine.app.context import Ctx
from escalation_engine.contracts.people import get_person
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.refs import case_ref
from escalation_engine.core.tables import Person
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis import sanctions
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.queries import list_verdicts
from escalation_engine.procedures.kpis.report import report
from escalation_engine.procedures.kpis.sanction_views import list_sanctions
from escalation_engine.procedures.obligations.digests import queue_digest
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.procedures.obligations.parties import involves
from escalation_engine.procedures.obligations.tables import Obligation
from escalation_engine.procedures.plans.queries import list_plans
from escalation_engine.procedures.step_in.views import list_step_ins


def missed_months(ctx: Ctx, first: int, upto: int) -> None:
    """Delivery reliability missed in months `first`..`upto`-1 of 2026; every other case proposed."""
    for month in range(first, upto):
        period = f"2026-{month:02d}"
        kpis.record(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            kpi="delivery",
            period=period,
            value="90",
            participant="DJI",
        )
        evaluate_period(ctx, actor_key="dcm", contract_key="LF", period=period)
    for row in list_sanctions(ctx, contract_key="LF", state="awaiting_finding")[::2]:
        sanctions.propose(ctx, actor_key="cat", ref=row["sanction"], culpable=True, finding="x", codes=["S1"])


KPI_LISTS: dict[str, Callable[[Ctx], Any]] = {
    "sanction list": lambda ctx: list_sanctions(ctx, contract_key=None),
    "sanction list --contract --state": lambda ctx: list_sanctions(ctx, contract_key="LF", state="proposed"),
    "kpi verdicts": lambda ctx: list_verdicts(ctx, contract_key="LF"),
    "kpi report": lambda ctx: [report(ctx, contract_key="LF")],
}


def test_sanction_verdict_and_report_lists_read_as_many_statements_at_8_missed_months_as_at_2(
    ctx: Ctx,
) -> None:
    register(ctx)
    ctx.clock.set(datetime(2026, 9, 15, 9, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    missed_months(ctx, 1, 3)
    small = {name: statements(ctx, lambda f=f: f(ctx)) for name, f in KPI_LISTS.items()}
    missed_months(ctx, 3, 9)
    large = {name: statements(ctx, lambda f=f: f(ctx)) for name, f in KPI_LISTS.items()}
    assert large["sanction list"][0] >= small["sanction list"][0] + 6
    assert {name: count for name, (_rows, count) in large.items()} == {
        name: count for name, (_rows, count) in small.items()
    }
    every = list_sanctions(ctx, contract_key=None)
    assert list_sanctions(ctx, contract_key=None, limit=3, offset=2) == every[2:5]
    verdicts = list_verdicts(ctx, contract_key="LF")
    assert list_verdicts(ctx, contract_key="LF", limit=2, offset=1) == verdicts[1:3]


def _digest(ctx: Ctx, key: str) -> dict[str, Any]:
    with ctx.db.read() as session:
        return queue_digest(ctx.registry, session, get_person(session, "LF", key), ctx.clock.now())


def test_the_digest_selection_reads_as_many_statements_at_300_escalations_as_at_10(ctx: Ctx) -> None:
    register(ctx)
    open_cases(ctx, 0, 10)
    with counting(ctx) as seen:
        small = _digest(ctx, "am")
    few = len(seen)
    open_cases(ctx, 10, 300)
    with counting(ctx) as seen:
        large = _digest(ctx, "am")
    assert len(seen) == few and large["items"] > small["items"]


def test_lists_and_deadlines_over_8_contracts_read_as_many_statements_as_over_2(ctx: Ctx) -> None:
    lists: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "deadlines": lambda: list_deadlines(ctx),
        "obligations": lambda: list_obligations(ctx, state="all"),
        "obligations --person": lambda: list_obligations(ctx, person_key="am", state="all"),
        "plan list page": lambda: list_plans(ctx, state="all", limit=3, offset=1),
        "stepin list page": lambda: list_step_ins(ctx, state="all", limit=3, offset=1),
    }
    _step_ins(ctx, 0, 2)
    small = {name: statements(ctx, f) for name, f in lists.items()}
    _step_ins(ctx, 2, 8)
    large = {name: statements(ctx, f) for name, f in lists.items()}
    assert large["deadlines"][0] > 3 * small["deadlines"][0]
    assert {name: count for name, (_rows, count) in large.items()} == {
        name: count for name, (_rows, count) in small.items()
    }
    theirs = list_deadlines(ctx, person_key="am")
    for limit, offset in ((1, 0), (3, 2), (5, len(theirs) - 2), (50, 0)):
        assert (
            list_deadlines(ctx, person_key="am", limit=limit, offset=offset)
            == theirs[offset : offset + limit]
        )
    assert list_plans(ctx, state="all", limit=3, offset=1) == list_plans(ctx, state="all")[1:4]
    assert list_step_ins(ctx, state="all", limit=3, offset=1) == list_step_ins(ctx, state="all")[1:4]


def test_the_obligation_filters_in_sql_choose_the_rows_the_rules_choose(ctx: Ctx) -> None:
    """State, person and paging cut in SQL pick what `status_of` and `involves` say, in the same order."""
    register(ctx)
    register(ctx, key="C2")
    ctx.clock.advance(timedelta(days=200))  # type: ignore[attr-defined]
    everything = list_obligations(ctx, state="all")
    with ctx.db.read() as session:
        rows = {f"{case_ref('obligation', row.id)}": row for row in session.exec(select(Obligation))}
        keys = sorted({p.key for p in session.exec(select(Person))})
        mine = {key: [r for r in everything if involves(session, rows[r["id"]], key)] for key in keys}
    for key in keys:
        assert list_obligations(ctx, person_key=key, state="all") == mine[key], key
    assert len({len(found) for found in mine.values()}) > 1  # people owe and are owed different things
    for state in ("open", "overdue", "fulfilled"):
        chosen = [
            r for r in everything if state == r["status"] or state == "open" and r["status"] != "fulfilled"
        ]
        assert list_obligations(ctx, state=state) == chosen
    assert {r["status"] for r in everything} >= {"open", "overdue"}
    assert list_obligations(ctx, state="all", limit=4, offset=3) == everything[3:7]


def test_a_page_of_deadlines_reads_the_open_deadlines_index_without_sorting_every_timer(ctx: Ctx) -> None:
    """SQLite: the open deadlines (not reminders) come from their partial index in due order (0012), on a\n    new database too (the migration gives the planner the shape of the timer table)."""
    if not ctx.db.is_sqlite:
        return  # PostgreSQL plans by its own statistics; the SQL is the same
    register(ctx)
    open_cases(ctx, 0, 30)
    with counting(ctx) as seen:
        list_deadlines(ctx, limit=5)
    (query,) = [s for s in seen if s.startswith("SELECT") and "FROM timer" in s]
    with ctx.db.engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", (5, 0)))
    assert "ix_timer_open_deadline_due" in plan and "TEMP B-TREE" not in plan, plan

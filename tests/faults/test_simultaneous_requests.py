"""Actions that check the contract's state and then write take turns per contract (on PostgreSQL a lock on
the contract's row; SQLite serialises every write with BEGIN IMMEDIATE): two people evaluating the same KPI
period at the same moment get one set of verdicts (so one sanction case per miss), and two step-in requests
at once start one step-in."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core.errors import EngineError
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.queries import list_verdicts
from escalation_engine.procedures.kpis.sanction_views import list_sanctions

PERIODS = ["2026-01", "2026-02"]  # within the contract (from 2026-01-01), ended before the clock (2026-03-02)
THREADS = 3


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; each one's result or clean refusal."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = []

    def run(call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            outcomes.append(call())
        except EngineError as exc:  # a clean refusal is a fine outcome too
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _race(ctx: Ctx, period: str) -> list[Any]:
    return _at_once(
        [
            partial(evaluate_period, ctx, actor_key=who, contract_key="LF", period=period)
            for who in ("dcm", "cat", "catman")
        ]
    )


def test_simultaneous_evaluations_of_a_period_write_each_verdict_and_sanction_case_once(ctx: Ctx) -> None:
    register(ctx)
    for period in PERIODS:
        for participant, value in (("Belastingdienst", "90"), ("DJI", "99")):
            kpis.record(
                ctx,
                actor_key="cat",
                contract_key="LF",
                kpi="delivery",
                period=period,
                value=value,
                participant=participant,
            )
    for period in PERIODS:
        outcomes = _race(ctx, period)
        assert len(outcomes) == THREADS
        assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, EngineError)]
    delivery = list_verdicts(ctx, contract_key="LF", kpi="delivery")
    verdicts = Counter((v["kpi"], v["period"], v["participant"]) for v in delivery)
    assert verdicts == {("delivery", p, who): 1 for p in PERIODS for who in ("Belastingdienst", "DJI")}
    ids = {v["verdict"] for v in delivery}  # (in 2026 an obligation KPI misses too: not counted here)
    cases = Counter(s["verdict"] for s in list_sanctions(ctx, contract_key="LF") if s["verdict"] in ids)
    assert len(cases) == len(PERIODS) and set(cases.values()) == {1}  # one case per miss


def test_simultaneous_step_in_requests_start_one_step_in_and_refuse_the_others(ctx: Ctx) -> None:
    """B2 §6: one running step-in per contract — also when the category asks twice at the same moment."""
    from stepin_support import escalate_to_top, request

    from escalation_engine.procedures.step_in.views import list_step_ins

    register(ctx)
    top = escalate_to_top(ctx)
    outcomes = _at_once([partial(request, ctx, [top]) for _ in range(THREADS)])
    assert len([o for o in outcomes if isinstance(o, dict)]) == 1
    assert all("already running" in str(o) for o in outcomes if isinstance(o, EngineError))
    assert len(list_step_ins(ctx, contract_key="LF", state="all")) == 1

"""The demo's KPI part: March's delivery reliability is evaluated and a sanction follows (B2 §2.2, §5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis import sanctions
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.report import report

if TYPE_CHECKING:
    from escalation_engine.app.context import Ctx
    from escalation_engine.demo.narrator import Narrator


def _record_availability(ctx: Ctx, who: str, participant: str, value: str) -> dict[str, Any]:
    return kpis.record(
        ctx,
        actor_key=who,
        contract_key="LF-2026",
        kpi="delivery",
        period="2026-03",
        value=value,
        participant=participant,
    )


def kpi_story(n: Narrator) -> None:
    ctx = n.ctx
    n.say("\nKPIs (B2 §2.2): the participants report March's availability; the category evaluates the month.")
    n.step(
        "Anna (account manager) tries to record the supplier's own availability figure",
        lambda: _record_availability(ctx, "am", "Belastingdienst", "99"),
        expect_refusal=True,
    )
    n.step(
        "Dirk (DCM-er, Belastingdienst) tries to record the figure of DJI",
        lambda: _record_availability(ctx, "dcm", "DJI", "98"),
        expect_refusal=True,
    )
    n.step(
        "Carla (category) mistypes the participant: 'Belastingdeinst'",
        lambda: _record_availability(ctx, "cat", "Belastingdeinst", "93,5"),
        expect_refusal=True,
    )
    n.step(
        "Dirk records Belastingdienst's availability for March 2026: 93,5 %",
        lambda: _record_availability(ctx, "dcm", "Belastingdienst", "93,5"),
    )
    n.step(
        "Carla (category) records the 98 % that DJI delivered to the category",
        lambda: _record_availability(ctx, "cat", "DJI", "98"),
    )
    verdicts: dict[str, Any] = {}

    def evaluate() -> dict[str, Any]:
        verdicts.update(evaluate_period(ctx, actor_key="cat", contract_key="LF-2026", period="2026-03"))
        for verdict in verdicts["verdicts"]:
            n.say(f"  {verdict['verdict']}: {verdict['explanation']}")
        return verdicts

    n.step("Carla evaluates March", evaluate)
    case = sanctions.list_sanctions(ctx, contract_key="LF-2026")[0]["sanction"]
    n.say(f"  a sanction case {case} awaits the culpability finding (B2 §5)")
    n.step(
        f"Carla tries to apply {case} straight away",
        lambda: sanctions.decide(ctx, actor_key="cat", ref=case, apply=True, reason="norm missed"),
        expect_refusal=True,
    )
    n.step(
        "Carla records that the supplier is culpable and proposes S1",
        lambda: sanctions.propose(
            ctx, actor_key="cat", ref=case, culpable=True, finding="orders placed too late", codes=["S1"]
        ),
    )
    n.step(
        f"Carla tries to apply {case} before the supplier was heard",
        lambda: sanctions.decide(ctx, actor_key="cat", ref=case, apply=True, reason="norm missed"),
        expect_refusal=True,
    )
    n.step(
        "Anna (account manager) responds before the decision",
        lambda: sanctions.respond(ctx, actor_key="am", ref=case, text="New ordering process since 1 April."),
    )
    n.step(
        "Carla applies S1, having heard the supplier",
        lambda: sanctions.decide(
            ctx, actor_key="cat", ref=case, apply=True, reason="improvement proposal needed"
        ),
    )
    summary = report(ctx, contract_key="LF-2026")["sanction_summary"]
    n.say(f"\nReport: {summary['applied']} sanction applied; heaviest applied {summary['heaviest_applied']}.")

"""A participant's contract manager sees in the contract's KPI verdicts and sanctions only those of their own
organisation and those of no participant, as the verdict's and the sanction's own pages already did ("not
found" for another participant's): the lists cut what the account may see in SQL, before their page."""

from __future__ import annotations

import pytest
from sqlmodel import select
from support import register
from test_accounts import _token_of

from escalation_engine.accounts.admin import make_shared
from escalation_engine.accounts.tokens import authenticate
from escalation_engine.app.context import Ctx
from escalation_engine.core.errors import NotFound
from escalation_engine.core.principal import acting
from escalation_engine.core.tables import Person
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.queries import list_verdicts, show_verdict
from escalation_engine.procedures.kpis.sanction_views import list_sanctions, show_sanction


def test_a_participants_contract_manager_lists_only_their_own_organisations_verdicts_and_sanctions(
    ctx: Ctx,
) -> None:
    register(ctx)
    for who in ("DJI", "Belastingdienst", "Rechtspraak"):
        kpis.record(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            kpi="delivery",
            period="2026-02",
            value="90",
            participant=who,
        )
    evaluate_period(ctx, actor_key="dcm", contract_key="LF", period="2026-02")
    admin = authenticate(ctx, make_shared(ctx, admin_email="cat@example.org", name="Carla")["token"])
    with ctx.db.write() as session:
        dirk = session.exec(select(Person).where(Person.key == "dcm")).one()
        dirk.organisation = "Belastingdienst"
        session.add(dirk)
    with acting(_token_of(ctx, admin, "am@example.org")):  # the supplier sees every participant's
        every = list_verdicts(ctx, contract_key="LF")
        sanctions = list_sanctions(ctx, contract_key="LF")
    assert {v["participant"] for v in every} >= {"DJI", "Belastingdienst", "Rechtspraak"}
    assert {s["participant"] for s in sanctions} >= {"DJI", "Belastingdienst", "Rechtspraak"}
    with acting(_token_of(ctx, admin, "dcm@example.org")):
        seen = [v["verdict"] for v in every if v["participant"] in ("Belastingdienst", None)]
        assert [v["verdict"] for v in list_verdicts(ctx, contract_key="LF")] == seen
        assert [v["verdict"] for v in list_verdicts(ctx, contract_key="LF", limit=2, offset=1)] == seen[1:3]
        assert [s["sanction"] for s in list_sanctions(ctx, contract_key="LF")] == [
            s["sanction"] for s in sanctions if s["participant"] in ("Belastingdienst", None)
        ]
        hidden = next(s for s in sanctions if s["participant"] == "DJI")
        with pytest.raises(NotFound):
            show_sanction(ctx, str(hidden["sanction"]))
        with pytest.raises(NotFound):
            show_verdict(ctx, str(hidden["verdict"]))

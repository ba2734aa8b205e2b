"""A participant's contract manager sees on their contract only their own organisation's cases — in the
lists of deadlines (the contract page, `deadlines`, the month view, My work), in the improvement plans
and in the audit trail (review, `audit list`, export) too, not only in the escalation list: another
participant's escalation, plan or KPI verdict does not exist for them. The supplier and the category see
every case."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sight_support import two_organisations

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.audit_search import search
from escalation_engine.core.deadlines import count_deadlines, list_deadlines
from escalation_engine.core.errors import NotFound
from escalation_engine.core.principal import Principal, acting
from escalation_engine.core.visibility import others_cases
from escalation_engine.procedures.plans.queries import list_plans, show_plan


def _refs(rows: list[dict[str, Any]], field: str = "case") -> set[str]:
    return {str(row[field]) for row in rows if row.get(field)}


def _as(world: dict[str, Any], who: str) -> Principal:
    principal: Principal = world["people"][who]
    return principal


def test_a_participants_deadlines_and_plans_are_their_own_organisations(ctx: Ctx) -> None:
    world = two_organisations(ctx)
    cases = world["cases"]
    theirs, mine = cases["Rechtspraak"], cases["Belastingdienst"]
    with acting(_as(world, "dcm")):
        listed = _refs(list_deadlines(ctx, contract_key="LF"))
        assert mine in listed and theirs not in listed
        assert count_deadlines(ctx, contract_key="LF")[0] == len(list_deadlines(ctx, contract_key="LF"))
        plans = _refs(list_plans(ctx, contract_key="LF"))
        assert plans == {cases["plan of all"]}
        with pytest.raises(NotFound):
            show_plan(ctx, cases["plan Rechtspraak"])
    with acting(_as(world, "dcm2")):
        assert theirs in _refs(list_deadlines(ctx, contract_key="LF"))
        assert cases["plan Rechtspraak"] in _refs(list_plans(ctx, contract_key="LF"))
    for who in ("am", "cat"):  # the supplier and the category see every case
        with acting(_as(world, who)):
            assert {mine, theirs} <= _refs(list_deadlines(ctx, contract_key="LF"))
            assert len(list_plans(ctx, contract_key="LF")) == 2


def test_a_participants_audit_trail_leaves_out_the_other_participants_cases(ctx: Ctx) -> None:
    world = two_organisations(ctx)
    theirs, mine = world["cases"]["Rechtspraak"], world["cases"]["Belastingdienst"]
    hidden = {theirs, world["cases"]["plan Rechtspraak"]}
    with acting(_as(world, "dcm")):
        reviewed = _refs(search(ctx.db, contract_key="LF", registry=ctx.registry), "case_ref")
        listed = _refs(audit.listing(ctx.db, contract_key="LF", registry=ctx.registry), "case_ref")
        exported = {
            row["case_ref"] for row in csv.DictReader(io.StringIO(audit.export(ctx.db, "csv", ctx.registry)))
        }
        for seen in (reviewed, listed, exported):
            assert mine in seen and not (hidden & seen), seen
        assert search(ctx.db, case_ref=theirs, registry=ctx.registry) == []
    with acting(_as(world, "am")):
        assert hidden <= _refs(search(ctx.db, contract_key="LF", registry=ctx.registry), "case_ref")


def test_every_participant_test_of_the_procedures_runs_as_sql(ctx: Ctx) -> None:
    """Each kind of case with a participant (escalations, plans, KPI verdicts, sanctions) hides another
    participant's cases with one select, run here on this database."""
    world = two_organisations(ctx)
    with acting(_as(world, "dcm")), ctx.db.read() as session:
        hidden = others_cases(ctx.registry, session)
        assert {kind for _, kind, _ in hidden} == {"escalation", "plan", "kpi_verdict", "sanction"}
        found = {kind: set(session.exec(ids)) for _, kind, ids in hidden}
    assert found["escalation"] and found["plan"] and not found["kpi_verdict"] and not found["sanction"]
    with acting(_as(world, "am")), ctx.db.read() as session:
        assert others_cases(ctx.registry, session) == []

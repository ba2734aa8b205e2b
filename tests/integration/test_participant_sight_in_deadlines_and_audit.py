"""A participant's contract manager sees on their contract only their own organisation's cases — in the
lists of deadlines (the contract page, `deadlines`, the month view, My work), in the improvement plans
and in the audit trail (review, `audit list`, export) too, not only in the escalation list: another
participant's escalation, plan or KPI verdict does not exist for them. The supplier and the category see
every case."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sight_support import two_organisations
from sqlalchemy import event
from sqlmodel import select

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.audit_search import search
from escalation_engine.core.deadlines import count_deadlines, list_deadlines
from escalation_engine.core.errors import NotFound
from escalation_engine.core.principal import Principal, acting
from escalation_engine.core.tables import Person
from escalation_engine.core.visibility import others_cases
from escalation_engine.procedures.obligations.digest_deadlines import persons_deadlines
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


def test_a_participant_sees_the_contracts_own_audit_rows_that_are_on_no_case(ctx: Ctx) -> None:
    """Rows on the contract but on no case (the contract's people, its participants) are the contract's,
    not another participant's: the review and the list show them, as the export does."""
    world = two_organisations(ctx)
    on_no_case = {row["id"] for row in audit.listing(ctx.db, contract_key="LF") if not row["case_ref"]}
    assert on_no_case
    with acting(_as(world, "dcm")):
        reviewed = {row["id"] for row in search(ctx.db, contract_key="LF", registry=ctx.registry)}
        listed = {row["id"] for row in audit.listing(ctx.db, contract_key="LF", registry=ctx.registry)}
        exported = {
            int(row["id"]) for row in csv.DictReader(io.StringIO(audit.export(ctx.db, "csv", ctx.registry)))
        }
    for seen in (reviewed, listed, exported):
        assert on_no_case <= seen, on_no_case - seen


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


def test_a_signed_in_persons_case_timeline_is_read_along_the_cases_index(ctx: Ctx) -> None:
    """One case's trail, read for an account limited to its contracts (`contract_key IN ('LF')`), goes along
    the index of case references, not through every row of the contract: SQLite took the contract's index
    for the single-value `IN` (200,000 rows: 25 ms a page)."""
    world = two_organisations(ctx)
    if not ctx.db.is_sqlite:
        pytest.skip("SQLite's planner (PostgreSQL has its statistics)")
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    event.listen(ctx.db.engine, "before_cursor_execute", keep)
    try:
        with acting(_as(world, "am")):
            rows = audit.listing(ctx.db, case_ref=world["cases"]["Rechtspraak"])
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", keep)
    assert rows and {row["case_ref"] for row in rows} == {world["cases"]["Rechtspraak"]}
    query, parameters = next((s, p) for s, p in seen if s.startswith("SELECT audit_event.id"))
    assert "IN (" in query  # the account's contracts
    with ctx.db.engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", parameters))
    assert "ix_audit_event_case_ref" in plan, plan


WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def test_a_participants_digest_names_no_deadline_of_another_organisations_case(
    ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daemon writes a digest as local mode, but to one person: a participant's contract manager whom
    the profile reminds of every escalation's response gets their own organisation's, not another's."""
    text = (WORKFLOWS / "leasefietsen-rijk.yaml").read_text(encoding="utf-8")
    reminded = "  notify_roles: [account_manager]\n"
    assert text.count(reminded) == 1
    also = "  notify_roles: [account_manager, participant_contract_manager]\n"
    (tmp_path / "leasefietsen-rijk.yaml").write_text(text.replace(reminded, also), encoding="utf-8")
    shutil.copy(WORKFLOWS / "reintegratie-defensie.yaml", tmp_path)
    monkeypatch.setenv("ESCALATION_ENGINE_PROFILES", str(tmp_path))
    world = two_organisations(ctx)
    theirs, mine = world["cases"]["Rechtspraak"], world["cases"]["Belastingdienst"]
    with ctx.db.read() as session:
        people = {p.key: p for p in session.exec(select(Person).where(Person.contract_key == "LF"))}
        named = {
            who: persons_deadlines(ctx.registry, session, people[who], date(2027, 12, 31), ctx.clock.now())
            for who in ("dcm", "dcm2", "am")
        }
    cases = {who: {row["case"] for row in listed} for who, (listed, _) in named.items()}
    assert mine in cases["dcm"] and theirs not in cases["dcm"]
    assert theirs in cases["dcm2"] and mine not in cases["dcm2"]
    assert {mine, theirs} <= cases["am"]  # the supplier: every case
    assert all(total == len(listed) for listed, total in named.values())  # the count leaves them out too

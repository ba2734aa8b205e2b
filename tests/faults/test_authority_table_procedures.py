"""Authority, table-driven, for every procedure after the escalation ladder (test_authority_table.py):
improvement plans, step-in, KPI results and verdicts, sanctions, obligations. Every user action is tried
as every role of every profile that has the procedure; it is allowed or refused exactly as the profile
(read here straight from its YAML) and SPEC say, a refusal names the role that is needed, and a refused
attempt changes nothing in the database (every table is compared before and after).

One row of `ATTEMPTS` (tests/authority_rows.py, tests/authority_rows_kpis.py) per (procedure, action): `prepare` brings a case to the state before the action
(with people the profile allows), `act` tries it as one person, `allowed` are the roles the profile
allows, `needs` the words a refusal must contain to name who may do it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from authority_rows import NORM, PLAN_ATTEMPTS, STEP_IN, STEP_IN_ATTEMPTS, THREE, Attempt
from authority_rows_kpis import KPI_ATTEMPTS
from authority_support import (
    PEOPLE,
    World,
    kpi_definitions,
    kpi_recorders,
    obligation_fulfillers,
    raw_profile,
    roles,
    section,
    sides,
    supplier_side,
)
from kpi_support import write_csv
from refusal_texts import cites_internal_documents
from sqlmodel import select
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.app.schema import METADATA
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.errors import RuleRefused

ATTEMPTS = PLAN_ATTEMPTS + STEP_IN_ATTEMPTS + KPI_ATTEMPTS


def _groups() -> list[Any]:
    """One test per procedure and profile (one database each); every action of it tried in turn."""
    groups: dict[tuple[str, str], list[Attempt]] = {}
    for attempt in ATTEMPTS:
        for profile in PEOPLE:
            if attempt.has(profile):
                groups.setdefault((attempt.procedure, profile), []).append(attempt)
    return [pytest.param(rows, profile, id=f"{proc}-{profile}") for (proc, profile), rows in groups.items()]


def database_content(ctx: Ctx) -> dict[str, list[str]]:
    """Every row of every table of the engine, as text (a refused action must not change one)."""
    with ctx.db.read() as session:
        return {
            table.name: sorted(repr(tuple(row)) for row in session.connection().execute(select(table)))
            for table in METADATA.sorted_tables
        }


def try_every_role(world: World, attempt: Attempt) -> list[str]:
    """Each person of the profile tries the action; what went otherwise than the profile says."""
    profile = world.profile
    wrong: list[str] = []
    case, content = None, None  # content: the database as the last refusal left it (None: stale)
    expected: set[str] = set()
    for key, _name, _side, role in PEOPLE[profile]:
        if content is None:  # after a success (or at first) a new case; a refusal leaves the same one
            case = attempt.prepare(world)
            content = database_content(world.ctx)
            expected, needs = attempt.expected(profile, case)
            assert expected, f"the profile names nobody for {attempt.procedure} {attempt.action} on {case}"
        try:
            attempt.act(world, case, key)
            allowed, content = True, None
        except RuleRefused as refusal:
            allowed = False
            assert refusal.exit_code == 3
            assert role in refusal.message, f"a refusal names the actor's role: {refusal.message}"
            assert not cites_internal_documents(refusal), (
                f"names a clause, not SPEC/DESIGN: {refusal.as_dict()}"
            )
            assert any(word in refusal.message for word in needs), f"names who may: {refusal.message}"
            assert database_content(world.ctx) == content, f"a refused {attempt.action} changed something"
        if allowed != (role in expected):
            wrong.append(
                f"{role}: {'allowed' if allowed else 'refused'} on {case}, expected {sorted(expected)}"
            )
    return [f"{attempt.action} ({attempt.source}): {wrong}"] if wrong else []


@pytest.mark.parametrize(("attempts", "profile"), _groups())
def test_every_role_may_act_exactly_as_the_profile_says(
    ctx: Ctx, clock: FixedClock, tmp_path: Path, attempts: list[Attempt], profile: str
) -> None:
    (start,) = {attempt.start for attempt in attempts}
    register(ctx, key="C", profile=profile, start=start)
    world = World(ctx, clock, profile, tmp_path)
    wrong = [problem for attempt in attempts for problem in try_every_role(world, attempt)]
    assert not wrong, "\n".join(wrong)


# What each procedure's opening action is tried with on a profile that does not have the procedure.
LACKING: dict[tuple[str, str], Callable[[World], Any]] = {
    ("plan", "open"): lambda w: None,
    ("plan", "require"): lambda w: "delivery",
    ("stepin", "request"): lambda w: None,
    ("survey", "import"): lambda w: write_csv(
        w.tmp / "r1.csv", ["participant", "topic", "grade"], [["A", "1", 8]]
    ),
    ("waiting-room", "evaluate"): lambda w: (w.contract, 6),
}


@pytest.mark.parametrize("profile", list(PEOPLE))
def test_a_procedure_the_profile_lacks_is_refused_to_every_role(
    ctx: Ctx, clock: FixedClock, tmp_path: Path, profile: str
) -> None:
    """Step-in, the three-step plan, the 14-day plan, the survey and the waiting-room clause are contract
    rules: on a profile without the section nobody may start them (and the refusal says so)."""
    register(ctx, key="C", profile=profile)
    world = World(ctx, clock, profile, tmp_path)
    lacking = [a for a in ATTEMPTS if (a.procedure, a.action) in LACKING and not a.has(profile)]
    assert lacking, f"{profile} has every procedure"
    content = database_content(ctx)
    for attempt in lacking:
        case = LACKING[(attempt.procedure, attempt.action)](world)
        for key, _name, _side, role in PEOPLE[profile]:
            with pytest.raises(RuleRefused, match="profile") as refused:
                attempt.act(world, case, key)
            assert refused.value.exit_code == 3, f"{attempt.action} as {role}"
            assert database_content(ctx) == content, f"a refused {attempt.action} changed something"


def test_the_people_of_the_table_hold_every_role_of_each_profile() -> None:
    """'Every role': the people tried are exactly the profile's roles, each on its own side."""
    for profile, people in PEOPLE.items():
        assert {(role, side) for _k, _n, side, role in people} == {(r, s) for r, s in sides(profile).items()}


def test_the_table_pins_the_seed_authority() -> None:
    """B2 §5.2: only the category skips step 1; B2 §6: the category requests step-in, the supplier meets;
    B2 §5: the Categorie decides on sanctions; TP §2.1.1: the supplier submits the 14-day plan."""
    assert roles("leasefietsen-rijk", THREE, "skip_step1_roles") == {"category", "category_manager"}
    assert roles("leasefietsen-rijk", STEP_IN, "requested_by") == {"category", "category_manager"}
    assert roles("leasefietsen-rijk", STEP_IN, "meetings_recorded_by") <= supplier_side("leasefietsen-rijk")
    assert roles("leasefietsen-rijk", "kpis", "sanctions_decided_by") == {"category", "category_manager"}
    assert roles("reintegratie-defensie", NORM, "submit_roles") <= supplier_side("reintegratie-defensie")
    assert "step_in" not in raw_profile("reintegratie-defensie")


def test_the_table_pins_who_records_results_and_fulfilments_as_the_seeds_say() -> None:
    """B2 §2: the Categorie judges the MVOI KPIs, each Deelnemer its delivery reliability, the Categorie runs the
    KTO; the supplier records none. TP table 1: the supplier reports the quality scores, the client side the
    invoicing sample, the report quality (TP §1.5) and the Deelnemer's approval of KPI 12. The approval of
    the social-return plan (B2 §2.1.2) and the receipt of a monthly report (TP §2.1.2) are the client's."""
    b2, tp = "leasefietsen-rijk", "reintegratie-defensie"
    assert kpi_recorders(b2, "isv-plan") == {"category", "category_manager"}
    assert "participant_contract_manager" in kpi_recorders(b2, "delivery")
    assert kpi_recorders(b2, "kto") == {"category", "category_manager"}
    assert not any(kpi_recorders(b2, kpi["ref"]) & supplier_side(b2) for kpi in kpi_definitions(b2))
    assert "account_manager" in kpi_recorders(tp, "k1-received")
    for ref in ("k12", "r-invoicing", "r-reporting"):
        assert not kpi_recorders(tp, ref) & supplier_side(tp), ref
    assert obligation_fulfillers(b2, "sr-plan") == {"category", "category_manager"}
    assert obligation_fulfillers(tp, "monthly-report") == {"contract_manager"}
    for profile in (b2, tp):
        for item in section(profile, "obligations")["items"]:
            if item["owed_by"] in supplier_side(profile):  # the supplier never confirms its own delivery
                assert not obligation_fulfillers(profile, item["key"]) & supplier_side(profile), item["key"]


def test_the_table_covers_every_procedure_action_of_each_profile() -> None:
    covered = {(a.procedure, a.action) for a in ATTEMPTS}
    assert len(covered) == len(ATTEMPTS)
    for profile in PEOPLE:
        assert [a for a in ATTEMPTS if a.has(profile)], profile

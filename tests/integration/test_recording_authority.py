"""Who records KPI results, imports survey rounds and records fulfilments: the profile's `recorded_by` and
`fulfilled_by` (B2 §2, §2.1.2, §2.3; TP table 1, §2.1.2). A refusal exits 3 and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from kpi_support import measurement_count, write_csv
from sqlmodel import select
from support import B2_PEOPLE, at, register

from escalation_engine.app.context import Ctx
from escalation_engine.app.registration import add_person
from escalation_engine.app.schema import METADATA
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.errors import RuleRefused
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis import results_import as kpi_import
from escalation_engine.procedures.kpis import surveys
from escalation_engine.procedures.obligations.fulfil import fulfil
from escalation_engine.procedures.obligations.listing import list_obligations

HEADER = ["kpi", "period", "value", "participant"]


def everything(ctx: Ctx) -> dict[str, list[str]]:
    with ctx.db.read() as session:
        return {
            table.name: sorted(repr(tuple(row)) for row in session.connection().execute(select(table)))
            for table in METADATA.sorted_tables
        }


def refused(ctx: Ctx, action: Callable[[], object], *words: str) -> str:
    """The action is refused (exit 3) with a message holding `words`, and the database is unchanged."""
    before = everything(ctx)
    with pytest.raises(RuleRefused) as refusal:
        action()
    assert refusal.value.exit_code == 3
    for word in words:
        assert word in refusal.value.message, refusal.value.message
    assert everything(ctx) == before, "a refused action changed the database"
    return refusal.value.message


def record(
    ctx: Ctx, who: str, kpi: str, period: str, value: str, participant: str | None = None, **kw: bool
) -> object:
    contract = "TP" if kpi.startswith(("k", "r-")) else "LF"
    return kpis.record(
        ctx,
        actor_key=who,
        contract_key=contract,
        kpi=kpi,
        period=period,
        value=value,
        participant=participant,
        **kw,
    )


def with_dcm_of(ctx: Ctx, organisation: str) -> None:
    register(ctx, people=[p for p in B2_PEOPLE if p[0] != "dcm"])
    add_person(
        ctx,
        key="dcm",
        contract_key="LF",
        name="Dirk de Vries",
        side="participant",
        role="participant_contract_manager",
        organisation=organisation,
        email=None,
        actor="t",
    )


def test_the_supplier_records_no_b2_kpi_and_its_attempt_writes_nothing(ctx: Ctx) -> None:
    register(ctx)
    refused(
        ctx,
        lambda: record(ctx, "am", "delivery", "2026-02", "99", "DJI"),
        "account_manager",
        "participant_contract_manager or category or category_manager",
    )
    refused(ctx, lambda: record(ctx, "exec", "isv-report", "2026", "yes"), "executive", "category")
    assert measurement_count(ctx) == 0


def test_a_participants_contract_manager_records_mvoi_kpis_only_through_the_category(ctx: Ctx) -> None:
    register(ctx)
    refused(ctx, lambda: record(ctx, "dcm", "isv-report", "2026", "yes"), "participant_contract_manager")
    record(ctx, "catman", "isv-report", "2026", "yes")
    assert measurement_count(ctx) == 1


def test_a_dcm_er_records_delivery_reliability_for_their_own_participant_only(ctx: Ctx) -> None:
    """B2 §2.2: 'Een Deelnemer bepaalt per maand …' — the organisation the DCM-er was registered with."""
    with_dcm_of(ctx, "Belastingdienst")
    refused(
        ctx,
        lambda: record(ctx, "dcm", "delivery", "2026-02", "97", "DJI"),
        "own participant Belastingdienst",
        "not for DJI",
    )
    record(ctx, "dcm", "delivery", "2026-02", "93,5", " belastingdienst ")  # spacing and case do not matter
    record(ctx, "cat", "delivery", "2026-02", "97", "DJI")  # the category, from the figures DJI delivered
    assert measurement_count(ctx) == 2


def test_an_import_with_a_row_the_person_may_not_record_is_refused_whole_naming_the_row(
    ctx: Ctx, tmp_path: Path
) -> None:
    with_dcm_of(ctx, "Belastingdienst")
    rows = [["delivery", "2026-02", "96", "Belastingdienst"], ["ISV-report", "2026", "ja", ""]]
    path = write_csv(tmp_path / "feb.csv", HEADER, rows)
    message = refused(
        ctx,
        lambda: kpi_import.import_file(ctx, actor_key="dcm", contract_key="LF", path=path),
        "feb.csv: refused whole, nothing imported",
        "row 3: recording results of KPI isv-report",
        "category or category_manager",
    )
    assert "row 2" not in message  # the first row was the DCM-er's own
    other = write_csv(tmp_path / "dji.csv", HEADER, [["delivery", "2026-02", "96", "DJI"]])
    refused(
        ctx,
        lambda: kpi_import.import_file(ctx, actor_key="dcm", contract_key="LF", path=other),
        "row 2",
        "not for DJI",
    )
    assert kpi_import.import_file(ctx, actor_key="cat", contract_key="LF", path=path)["imported"] == 2


def test_an_import_by_someone_who_records_no_kpi_is_refused_before_its_rows_are_read(
    ctx: Ctx, tmp_path: Path
) -> None:
    register(ctx, key="TP", profile="reintegratie-defensie")
    path = write_csv(tmp_path / "scores.csv", HEADER, [["nope", "2026-02", "x", ""]])
    refused(
        ctx,
        lambda: kpi_import.import_file(ctx, actor_key="jc", contract_key="TP", path=path),
        "importing KPI results is for account_manager or contract_manager or category_manager",
        "jobcoach",
    )


def test_the_tp_supplier_reports_its_scores_but_the_client_sides_figure_stands(ctx: Ctx) -> None:
    """TP table 1: 'Uitvoer door: Opdrachtnemer'; TP §2.1.2: the Deelnemer and the Opdrachtgever establish the norm
    on the report and their own findings — a supplier does not replace what they recorded."""
    register(ctx, key="TP", profile="reintegratie-defensie")
    record(ctx, "am", "k1-received", "2026-02", "97")
    record(ctx, "cmdef", "k1-received", "2026-02", "95", replace=True)  # the client corrects the supplier
    record(ctx, "cmdef", "k7", "2026-02", "91")
    refused(
        ctx,
        lambda: record(ctx, "am", "k7", "2026-02", "99", replace=True),
        "recorded by cmdef (contract_manager, participant side)",
        "account_manager",
    )
    # the approval of KPI 12 is the Deelnemer's; the reports' quality is judged by their receivers (TP §1.5)
    refused(ctx, lambda: record(ctx, "am", "k12", "2026", "yes"), "contract_manager or category_manager")
    refused(ctx, lambda: record(ctx, "board", "r-reporting", "2026-02", "100"), "board")
    refused(ctx, lambda: record(ctx, "casem", "k7", "2026-03", "99"), "case_manager")


def test_the_supplier_may_not_import_the_survey_about_itself(
    ctx: Ctx, clock: FixedClock, tmp_path: Path
) -> None:
    register(ctx)
    clock.set(at("2026-10-05", 10))  # the first survey is held after 9 months (B2 §2.3)
    path = write_csv(tmp_path / "kto.csv", ["participant", "topic", "grade"], [["DJI", "1a", 10]])

    def by(who: str) -> object:
        return surveys.import_grades(
            ctx, actor_key=who, contract_key="LF", path=path, label="2026", invited=None, responded=None
        )

    refused(ctx, lambda: by("am"), "importing a survey round of KPI kto", "category or category_manager")
    refused(ctx, lambda: by("dcm"), "participant_contract_manager")
    assert by("cat")["grades"] == 1


def test_the_supplier_may_not_record_the_clients_approval_of_its_own_plan(ctx: Ctx) -> None:
    """B2 §2.1.2 PI1: 'De Opdrachtgever keurt het plan van aanpak goed' — the client records the approval."""
    register(ctx)
    [plan] = [
        o for o in list_obligations(ctx, contract_key="LF", state="all") if o["obligation"] == "sr-plan"
    ]

    def by(who: str) -> dict[str, object]:
        return fulfil(ctx, ref=str(plan["id"]), on=date(2026, 2, 10), reference="akkoord", actor_key=who)

    refused(
        ctx, lambda: by("am"), f"recording the fulfilment of {plan['id']}", "category or category_manager"
    )
    refused(ctx, lambda: by("dcm"), "participant_contract_manager")
    assert by("catman")["status"] == "fulfilled"


def test_the_user_group_meeting_the_category_owes_is_confirmed_by_those_it_is_owed_to(ctx: Ctx) -> None:
    register(ctx)
    meeting = [
        o for o in list_obligations(ctx, contract_key="LF", state="all") if o["obligation"] == "user-group"
    ]
    refused(
        ctx,
        lambda: fulfil(ctx, ref=str(meeting[0]["id"]), on=date(2026, 3, 1), reference=None, actor_key="cat"),
        "participant_contract_manager or account_manager",
    )
    fulfil(ctx, ref=str(meeting[0]["id"]), on=date(2026, 3, 1), reference="verslag", actor_key="dcm")


def test_tp_reports_are_confirmed_by_those_they_are_delivered_to(ctx: Ctx) -> None:
    """TP §2.1.2: the monthly report goes to the Deelnemer; TP §2.1.3: the management report to both."""
    register(ctx, key="TP", profile="reintegratie-defensie")
    rows = list_obligations(ctx, contract_key="TP", state="all")
    monthly = next(o for o in rows if o["obligation"] == "monthly-report")
    quarterly = next(o for o in rows if o["obligation"] == "management-report")
    for who in ("am", "cmcat"):
        refused(
            ctx,
            lambda who=who: fulfil(  # type: ignore[misc]
                ctx, ref=str(monthly["id"]), on=date(2026, 2, 1), reference=None, actor_key=who
            ),
            "is for contract_manager",
        )
    fulfil(ctx, ref=str(monthly["id"]), on=date(2026, 2, 1), reference="maand 1", actor_key="cmdef")
    fulfil(ctx, ref=str(quarterly["id"]), on=date(2026, 3, 1), reference="Q1", actor_key="cmcat")

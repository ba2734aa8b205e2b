"""Recording KPI results by command and by CSV / .xlsx import; a bad file is refused whole (SPEC §5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kpi_support import audit_actions, measurement_count, write_csv, write_xlsx
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis import results_import as kpi_import

HEADER = ["kpi", "period", "value", "participant"]


def test_kpi_list_shows_norm_frequency_scope_sanctions_due_date_and_clause(ctx: Ctx) -> None:
    register(ctx)
    rows = {row["kpi"]: row for row in kpis.list_kpis(ctx, contract_key="LF")}
    assert rows["delivery"]["norm"] == ">= 95 %"
    assert rows["delivery"]["scope"] == "decentral"
    assert rows["isv-plan"]["due"] == "2026-07-01"  # start 2026-01-01 + 6 months, B2 §2.1.1
    assert rows["sr-plan"]["due"] == "2026-02-15"  # award 2025-11-15 + 3 months, B2 §2.1.2
    assert rows["kto"]["sanctions"] == ["S4"]


def test_a_decentral_result_is_recorded_per_participant_and_audited(ctx: Ctx) -> None:
    register(ctx)
    data = kpis.record(
        ctx,
        actor_key="dcm",
        contract_key="LF",
        kpi="delivery",
        period="2026-02",
        value="93,5",
        participant="DJI",
    )
    assert (data["kpi"], data["period"], data["participant"], data["value"]) == (
        "delivery",
        "2026-02",
        "DJI",
        "93.5",
    )
    assert audit_actions(ctx)[-1] == "kpi.record"


def test_a_decentral_kpi_without_participant_is_refused(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(BadInput, match="decentral: name the participant"):
        kpis.record(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            kpi="delivery",
            period="2026-02",
            value="99",
            participant=None,
        )


def test_a_period_of_the_wrong_kind_for_the_kpi_is_refused(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(BadInput, match="measured per month, not per quarter"):
        kpis.record(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            kpi="delivery",
            period="2026-Q1",
            value="99",
            participant="DJI",
        )


def test_a_second_result_for_the_same_kpi_period_and_participant_needs_replace_and_is_audited(
    ctx: Ctx,
) -> None:
    register(ctx)
    args = {
        "actor_key": "dcm",
        "contract_key": "LF",
        "kpi": "delivery",
        "period": "2026-02",
        "participant": "DJI",
    }
    kpis.record(ctx, value="90", **args)
    with pytest.raises(RuleRefused, match="already has the value 90"):
        kpis.record(ctx, value="96", **args)
    data = kpis.record(ctx, value="96", replace=True, **args)
    assert data["value"] == "96"
    assert audit_actions(ctx)[-1] == "kpi.replace"
    assert measurement_count(ctx) == 1


def test_derived_and_survey_kpis_are_not_recorded_by_value(ctx: Ctx) -> None:
    register(ctx)
    with pytest.raises(BadInput, match="not recorded by value"):
        kpis.record(
            ctx,
            actor_key="cat",
            contract_key="LF",
            kpi="delivery-central",
            period="2026-Q1",
            value="99",
            participant=None,
        )


def test_a_csv_import_records_every_row_in_one_step(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    path = write_csv(
        tmp_path / "march.csv",
        HEADER,
        [
            ["delivery", "2026-02", "97", "DJI"],
            ["delivery", "2026-02", "94,9", "Belastingdienst"],
            ["isv-report", "2026", "ja", ""],
        ],
        delimiter=";",
    )
    assert kpi_import.import_file(ctx, actor_key="cat", contract_key="LF", path=path)["imported"] == 3
    assert measurement_count(ctx) == 3
    assert audit_actions(ctx)[-1] == "kpi.import"


def test_a_bad_csv_is_refused_whole_naming_row_column_and_reason(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    path = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        [
            ["delivery", "2026-02", "97", "DJI"],
            ["delivery", "2026-02", "101", "MinBZK"],
            ["nope", "2026-02", "1", ""],
            ["delivery", "2026-13", "97", "DJI"],
            ["delivery", "2026-02", "97", ""],
            ["delivery", "2026-02", "", "DJI"],
            ["delivery", "2026-02", "98", "DJI"],
        ],
    )
    with pytest.raises(BadInput) as refused:
        kpi_import.import_file(ctx, actor_key="cat", contract_key="LF", path=path)
    message = refused.value.message
    assert "refused whole, nothing imported" in message
    assert "row 3, column value: '101' is outside 0-100 %" in message
    assert "row 4, column kpi: unknown KPI 'nope'" in message
    assert "row 5, column period: malformed period '2026-13'" in message
    assert "row 6, column participant: KPI delivery is decentral" in message
    assert "row 7, column value: empty" in message
    assert "row 8: same KPI, period and participant as row 2" in message
    assert measurement_count(ctx) == 0
    assert "kpi.import" not in audit_actions(ctx)


def test_an_import_overlapping_recorded_results_is_refused_whole(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    kpis.record(
        ctx,
        actor_key="dcm",
        contract_key="LF",
        kpi="delivery",
        period="2026-02",
        value="97",
        participant="DJI",
    )
    path = write_csv(
        tmp_path / "again.csv",
        HEADER,
        [["delivery", "2026-02", "96", "MinBZK"], ["delivery", "2026-02", "97", "DJI"]],
    )
    with pytest.raises(BadInput, match="row 3: delivery 2026-02 for DJI is already recorded"):
        kpi_import.import_file(ctx, actor_key="cat", contract_key="LF", path=path)
    assert measurement_count(ctx) == 1


def test_a_file_with_missing_or_unknown_columns_is_refused_at_row_1(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    path = write_csv(tmp_path / "cols.csv", ["kpi", "when", "value"], [["delivery", "2026-02", "97"]])
    with pytest.raises(BadInput, match="row 1: missing column.s. period; unknown column.s. when"):
        kpi_import.import_file(ctx, actor_key="cat", contract_key="LF", path=path)


def test_an_xlsx_management_report_is_imported_with_percent_formatted_cells(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    path = write_xlsx(
        tmp_path / "report.xlsx",
        HEADER,
        [["delivery", "2026-02", 0.9499, "DJI"], ["delivery", "2026-02", 0.97, "MinBZK"]],
        percent_columns=(3,),
    )
    assert kpi_import.import_file(ctx, actor_key="cat", contract_key="LF", path=path)["imported"] == 2
    with ctx.db.read() as session:
        from sqlmodel import select

        from escalation_engine.procedures.kpis.tables import KpiMeasurement

        values = {m.participant: m.value for m in session.exec(select(KpiMeasurement))}
    assert values == {"DJI": "94.99", "MinBZK": "97"}


def test_a_bad_xlsx_is_refused_whole_with_row_and_column(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        HEADER,
        [["delivery", "2026-02", 97, "DJI"], ["delivery", "2026-02", "n/a", "MinBZK"]],
    )
    with pytest.raises(BadInput, match="row 3, column value: 'n/a' is not a number"):
        kpi_import.import_file(ctx, actor_key="cat", contract_key="LF", path=path)
    assert measurement_count(ctx) == 0


def test_a_file_that_is_not_a_workbook_or_of_another_type_is_refused(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    with pytest.raises(BadInput, match="not a readable .xlsx workbook"):
        kpi_import.import_file(ctx, actor_key="cat", contract_key="LF", path=fake)
    other = tmp_path / "data.ods"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(BadInput, match="unsupported file type"):
        kpi_import.import_file(ctx, actor_key="cat", contract_key="LF", path=other)

"""The KPI, survey, waiting-room, sanction and report commands as users (and outside tests) type them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from kpi_support import write_csv
from support import B2_PARTICIPANTS, B2_PEOPLE, TP_PARTICIPANTS, TP_PEOPLE, cli


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli("init", db=url).exit_code == 0
    return url


def contract(db: str, key: str, profile: str, people: list[tuple[str, str, str, str]]) -> None:
    args = [
        "contract",
        "add",
        key,
        "--profile",
        profile,
        "--title",
        key,
        "--start",
        "2026-01-01",
        "--award",
        "2025-12-20",
    ]
    assert cli(*args, db=db).exit_code == 0
    for participant in B2_PARTICIPANTS if profile == "leasefietsen-rijk" else TP_PARTICIPANTS:
        assert cli("participant", "add", "--contract", key, "--name", participant, db=db).exit_code == 0
    for person, name, side, role in people:
        result = cli(
            "person", "add", person, "--contract", key, "--name", name, "--side", side, "--role", role, db=db
        )
        assert result.exit_code == 0, result.output


def ok(db: str, *args: str, as_person: str | None = None) -> Any:
    result = cli("--json", *args, db=db, as_person=as_person)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_kpi_list_record_import_evaluate_and_report(db: str, tmp_path: Path) -> None:
    contract(db, "LF", "leasefietsen-rijk", B2_PEOPLE)
    listed = ok(db, "kpi", "list", "--contract", "LF")
    assert {row["kpi"] for row in listed} >= {"delivery", "delivery-central", "kto", "isv-plan"}
    with freeze_time("2026-03-02 09:00:00"):
        args = ["kpi", "record", "--contract", "LF", "--kpi", "delivery", "--period", "2026-02"]
        ok(db, *args, "--value", "93,5", "--participant", "DJI", as_person="dcm")
        path = write_csv(
            tmp_path / "m.csv",
            ["kpi", "period", "value", "participant"],
            [["delivery", "2026-02", "99", "MinBZK"]],
        )
        assert (
            ok(db, "kpi", "import", "--contract", "LF", "--file", str(path), as_person="cat")["imported"] == 1
        )
        data = ok(db, "kpi", "evaluate", "--contract", "LF", "--period", "2026-02", as_person="dcm")
    delivery = [v for v in data["verdicts"] if v["kpi"] == "delivery"]
    assert {(v["participant"], v["result"]) for v in delivery} == {("DJI", "missed"), ("MinBZK", "met")}
    table = cli("report", "--contract", "LF", db=db)
    assert table.exit_code == 0 and "heaviest applied" in table.output
    csv_text = cli("report", "--contract", "LF", "--format", "csv", db=db).stdout
    assert csv_text.startswith("verdict,kind,kpi,period")
    assert ok(db, "report", "--contract", "LF")["missed"] >= 1
    shown = cli("kpi", "show", delivery[0]["verdict"], db=db)
    assert shown.exit_code == 0 and "inputs:" in shown.output
    assert cli("kpi", "show", "VER-99", db=db).exit_code == 4
    assert len(ok(db, "kpi", "verdicts", "--contract", "LF", "--kpi", "delivery")) == 2


def test_a_bad_import_exits_2_naming_row_and_column_and_imports_nothing(db: str, tmp_path: Path) -> None:
    contract(db, "LF", "leasefietsen-rijk", B2_PEOPLE)
    path = write_csv(
        tmp_path / "bad.csv",
        ["kpi", "period", "value", "participant"],
        [["delivery", "2026-02", "97", "DJI"], ["delivery", "2026-02", "x", "MinBZK"]],
    )
    result = cli("kpi", "import", "--contract", "LF", "--file", str(path), db=db, as_person="cat")
    assert result.exit_code == 2
    assert "row 3, column value: 'x' is not a number" in result.stderr
    assert ok(db, "report", "--contract", "LF")["measurements"] == 0


def test_who_may_record_is_listed_and_anyone_else_is_refused_with_exit_3(db: str, tmp_path: Path) -> None:
    contract(db, "LF", "leasefietsen-rijk", B2_PEOPLE)
    listed = {row["kpi"]: row["recorded_by"] for row in ok(db, "kpi", "list", "--contract", "LF")}
    assert listed["delivery"] == ["participant_contract_manager", "category", "category_manager"]
    assert listed["isv-report"] == ["category", "category_manager"] and listed["delivery-central"] == []
    assert "recorded by" in cli("kpi", "list", "--contract", "LF", db=db).output
    args = ["kpi", "record", "--contract", "LF", "--kpi", "delivery", "--period", "2026-02", "--value", "99"]
    result = cli("--json", *args, "--participant", "DJI", db=db, as_person="am")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["error"]["kind"] == "refused"
    path = write_csv(
        tmp_path / "own.csv", ["kpi", "period", "value", "participant"], [["isv-report", "2026", "ja", ""]]
    )
    result = cli("kpi", "import", "--contract", "LF", "--file", str(path), db=db, as_person="am")
    assert result.exit_code == 3 and "own.csv: refused whole, nothing imported" in result.stderr
    assert ok(db, "report", "--contract", "LF")["measurements"] == 0


def test_sanction_flow_and_role_refusals_on_the_command_line(db: str) -> None:
    contract(db, "LF", "leasefietsen-rijk", B2_PEOPLE)
    with freeze_time("2026-03-02 09:00:00"):
        ok(
            db,
            "kpi",
            "record",
            "--contract",
            "LF",
            "--kpi",
            "delivery",
            "--period",
            "2026-02",
            "--value",
            "90",
            "--participant",
            "DJI",
            as_person="dcm",
        )
        ok(db, "kpi", "evaluate", "--contract", "LF", "--period", "2026-02", as_person="dcm")
        case = next(
            s["sanction"] for s in ok(db, "sanction", "list", "--contract", "LF") if s["kpi"] == "delivery"
        )
        early = cli("--json", "sanction", "apply", case, "--reason", "r", db=db, as_person="cat")
        assert (
            early.exit_code == 3 and "no culpability finding" in json.loads(early.stdout)["error"]["message"]
        )
        wrong = cli(
            "sanction", "propose", case, "--culpable", "--finding", "f", "--code", "S1", db=db, as_person="am"
        )
        assert wrong.exit_code == 3 and "only the category decides" in wrong.stderr
        ok(
            db,
            "sanction",
            "propose",
            case,
            "--culpable",
            "--finding",
            "late orders",
            "--code",
            "S1",
            "--code",
            "S3",
            as_person="cat",
        )
        not_supplier = cli("sanction", "respond", case, "--text", "t", db=db, as_person="dcm")
        assert not_supplier.exit_code == 3
        ok(db, "sanction", "respond", case, "--text", "frames out of stock", as_person="am")
        applied = ok(db, "sanction", "apply", case, "--reason", "heard both sides", as_person="cat")
    assert (applied["state"], applied["heaviest"]) == ("applied", "S3")
    assert cli("sanction", "waive", "SAN-99", "--reason", "r", db=db, as_person="cat").exit_code == 4


def test_waiting_room_seed_example_2_on_the_command_line(db: str) -> None:
    contract(db, "TP", "reintegratie-defensie", TP_PEOPLE)
    runs = [("2026-07-01", "6", "80"), ("2026-10-01", "9", "70"), ("2027-01-01", "12", "60")]
    results = []
    for day, month, finished in runs:
        with freeze_time(f"{day} 10:00:00"):
            args = ["waiting-room", "evaluate", "--contract", "TP", "--moment", month]
            results.append(
                ok(
                    db,
                    *args,
                    "--finished",
                    finished,
                    "--satisfied",
                    "80",
                    "--quality",
                    "80",
                    as_person="cmcat",
                )
            )
    assert [r["clause_invoked"] for r in results] == [False, False, True]
    assert [f["kind"] for f in results[1]["findings"]] == ["plan_required"]
    with freeze_time("2027-01-02 10:00:00"):
        human = cli("report", "--contract", "TP", db=db)
    assert "TERMINATION RIGHT" in human.output
    status = cli("waiting-room", "status", "--contract", "TP", db=db)
    assert status.exit_code == 0 and "termination right: waiting-room norm missed" in status.output


def test_survey_import_and_evaluate_on_the_command_line(db: str, tmp_path: Path) -> None:
    contract(db, "LF", "leasefietsen-rijk", B2_PEOPLE)
    path = write_csv(
        tmp_path / "kto.csv",
        ["participant", "topic", "grade"],
        [["DJI", "1a", 3], ["DJI", "2a", 3], ["DJI", "7", 9]],
    )
    ok(
        db,
        "survey",
        "import",
        "--contract",
        "LF",
        "--file",
        str(path),
        "--year",
        "2026",
        "--invited",
        "10",
        "--responded",
        "8",
        as_person="cat",
    )
    data = ok(db, "survey", "evaluate", "--contract", "LF", "--year", "2026", as_person="cat")
    assert data["sanction"] == "S4+"
    human = cli("survey", "evaluate", "--contract", "LF", db=db, as_person="cat")
    assert human.exit_code == 3  # evaluated once


def test_commands_without_an_acting_person_are_bad_input(db: str) -> None:
    contract(db, "LF", "leasefietsen-rijk", B2_PEOPLE)
    result = cli("kpi", "evaluate", "--contract", "LF", "--period", "2026-01", db=db)
    assert result.exit_code == 2 and "--as PERSON" in result.stderr


def test_help_lists_the_kpi_command_names_outside_tests_rely_on() -> None:
    result = cli("--help", db="unused.db")
    for name in ("kpi", "survey", "waiting-room", "sanction", "report"):
        assert f"  {name}" in result.output
    for group, commands in (
        ("kpi", ("list", "record", "import", "evaluate")),
        ("survey", ("import", "evaluate")),
        ("waiting-room", ("evaluate",)),
        ("sanction", ("list", "apply", "waive")),
    ):
        listed = cli(group, "--help", db="unused.db").output
        assert all(f"  {command}" in listed for command in commands), group


def test_the_demo_tells_the_kpi_story_to_a_sanction_applied_after_hearing_the_supplier() -> None:
    from escalation_engine.demo.run import run_demo

    steps = run_demo(echo=None)["steps"]
    titles = [step["step"] for step in steps]
    assert "Carla evaluates March" in titles
    early, unheard = [step for step in steps if step["step"].startswith("Carla tries to apply")]
    assert "no culpability finding" in early["refused"]["message"]
    assert "the supplier has not been heard yet" in unheard["refused"]["message"]
    mistyped = next(step for step in steps if "mistypes the participant" in step["step"])
    assert (
        mistyped["refused"]["exit_code"] == 2
        and "known: Belastingdienst, DJI" in mistyped["refused"]["message"]
    )
    assert steps[-1]["result"]["state"] == "applied"

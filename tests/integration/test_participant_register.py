"""Participants are a register per contract: added (audited) and listed; KPI results, imports,
escalations, survey grades and participant-side people name a registered participant or are refused
with exit 2 naming the known ones; an older database's existing names are registered by `init`."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from kpi_support import audit_actions, measurement_count, write_csv
from sqlalchemy import text
from support import at, cli, register

from escalation_engine.app.context import Ctx
from escalation_engine.app.registration import add_person
from escalation_engine.contracts.participants import add_participant, list_participants
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.db import SCHEMA_REVISION, Database
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis import results_import, surveys
from escalation_engine.procedures.ladder import actions as esc

MIGRATIONS = Path(__file__).resolve().parents[2] / "escalation_engine" / "core" / "migrations"
V2 = Path(__file__).resolve().parents[1] / "data" / "leasefietsen-rijk-v2.yaml"
KNOWN = "known: Belastingdienst, DJI"


@pytest.fixture
def lf(ctx: Ctx) -> Ctx:
    register(ctx, participants=["Belastingdienst", "DJI"])
    return ctx


def test_a_participant_is_registered_once_audited_and_listed(lf: Ctx) -> None:
    added = add_participant(lf, contract_key="LF", name="  Rechtspraak ", actor="cat")
    assert added["name"] == "Rechtspraak"
    with pytest.raises(RuleRefused, match="already registered"):
        add_participant(lf, contract_key="LF", name="rechtspraak", actor="cat")
    with pytest.raises(BadInput, match="must not be empty"):
        add_participant(lf, contract_key="LF", name=" ", actor="cat")
    assert [p["name"] for p in list_participants(lf, contract_key="LF")] == [
        "Belastingdienst",
        "DJI",
        "Rechtspraak",
    ]
    assert audit_actions(lf).count("participant.add") == 3


def test_a_kpi_result_for_an_unknown_participant_is_refused_naming_the_known_ones(lf: Ctx) -> None:
    record = {"actor_key": "dcm", "contract_key": "LF", "kpi": "delivery", "period": "2026-02", "value": "97"}
    with pytest.raises(BadInput, match=f"unknown participant 'Belastingdeinst' on contract 'LF' .{KNOWN}"):
        kpis.record(lf, participant="Belastingdeinst", **record)  # type: ignore[arg-type]
    assert measurement_count(lf) == 0
    data = kpis.record(lf, participant=" belastingdienst", **record)  # type: ignore[arg-type]
    assert data["participant"] == "Belastingdienst"  # the register's spelling is stored


def test_an_import_naming_an_unknown_participant_is_refused_whole(lf: Ctx, tmp_path: Path) -> None:
    rows = [["delivery", "2026-02", "97", "DJI"], ["delivery", "2026-02", "96", "Rijkswaterstaat"]]
    path = write_csv(tmp_path / "r.csv", ["kpi", "period", "value", "participant"], rows)
    with pytest.raises(BadInput, match="row 3, column participant: unknown participant 'Rijkswaterstaat'"):
        results_import.import_file(lf, actor_key="cat", contract_key="LF", path=path)
    assert measurement_count(lf) == 0


def test_an_escalation_for_an_unknown_participant_is_refused(lf: Ctx) -> None:
    opening = {"actor_key": "dcm", "contract_key": "LF", "subject": "s", "norm": None, "threatened": False}
    with pytest.raises(BadInput, match=KNOWN):
        esc.open_escalation(lf, participant="Belastingdeinst", **opening)  # type: ignore[arg-type]
    assert esc.open_escalation(lf, participant="dji", **opening)["participant"] == "DJI"  # type: ignore[arg-type]
    assert esc.open_escalation(lf, participant=None, **opening)["participant"] is None  # type: ignore[arg-type]


def test_a_survey_grade_of_an_unknown_participant_is_refused(
    lf: Ctx, clock: FixedClock, tmp_path: Path
) -> None:
    clock.set(at("2026-10-05", 10))
    path = write_csv(
        tmp_path / "kto.csv", ["participant", "topic", "grade"], [["DJI", "1a", 8], ["DIJ", "1b", 8]]
    )
    with pytest.raises(BadInput, match="row 3, column participant: unknown participant 'DIJ'"):
        surveys.import_grades(
            lf, actor_key="cat", contract_key="LF", path=path, label="2026", invited=None, responded=None
        )


def test_a_participant_side_person_represents_a_registered_participant(lf: Ctx) -> None:
    person = {"contract_key": "LF", "name": "N", "side": "participant", "email": None, "actor": "t"}
    with pytest.raises(BadInput, match=KNOWN):
        add_person(lf, key="x", role="participant_contract_manager", organisation="Belastingdeinst", **person)  # type: ignore[arg-type]
    added = add_person(lf, key="y", role="participant_contract_manager", organisation="dji", **person)  # type: ignore[arg-type]
    assert added["organisation"] == "DJI"


def test_the_command_line_refuses_an_unknown_participant_with_exit_2(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    assert (
        cli(
            "contract",
            "add",
            "LF",
            "--profile",
            "leasefietsen-rijk",
            "--title",
            "t",
            "--start",
            "2026-01-01",
            db=db,
        ).exit_code
        == 0
    )
    assert cli("participant", "add", "--contract", "LF", "--name", "DJI", db=db).exit_code == 0
    listed = cli("--json", "participant", "list", "--contract", "LF", db=db)
    assert '"name": "DJI"' in listed.stdout
    cli(
        "person",
        "add",
        "cat",
        "--contract",
        "LF",
        "--name",
        "C",
        "--side",
        "client",
        "--role",
        "category",
        db=db,
    )
    args = ["kpi", "record", "--contract", "LF", "--kpi", "delivery", "--period", "2026-02", "--value", "97"]
    refused = cli(*args, "--participant", "Belastingdeinst", db=db, as_person="cat")
    assert refused.exit_code == 2 and "known: DJI" in refused.stderr and "participant add" in refused.stderr


def _at_revision(db: Database, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_init_registers_the_participants_existing_rows_already_name(db_url: str) -> None:
    db = Database(db_url)
    created = "2026-01-01 00:00:00.000000"
    rows = [
        "INSERT INTO contract (key, title, profile_name, profile_version, profile_sha256, profile_text, start_date,"
        " created_at) VALUES ('OLD', 't', 'leasefietsen-rijk', 2, 'x', :text, '2026-01-01', :at)",
        "INSERT INTO person (contract_key, key, name, side, role, organisation, created_at) VALUES"
        " ('OLD', 'dcm', 'D', 'participant', 'participant_contract_manager', 'Belastingdienst', :at),"
        " ('OLD', 'am', 'A', 'supplier', 'account_manager', 'FietsLease BV', :at)",
        "INSERT INTO kpi_measurement (contract_key, kpi, period, participant, value, origin, recorded_by,"
        " recorded_at) VALUES ('OLD', 'delivery', '2026-02', 'DJI', '97', 'command', 'dcm', :at),"
        " ('OLD', 'isv-plan', '2026-02', '', '1', 'command', 'dcm', :at),"
        " ('OLD', 'delivery', '2026-03', 'dji', '97', 'command', 'dcm', :at)",
        "INSERT INTO escalation (contract_key, subject, participant, threatened, level, state, opened_by,"
        " opened_at, updated_at) VALUES ('OLD', 's', 'Rechtspraak ', false, 1, 'addressed', 'dcm', :at, :at)",
    ]
    try:
        _at_revision(db, "0006")
        with db.engine.begin() as conn:
            for sql in rows:
                conn.execute(text(sql), {"text": V2.read_text(encoding="utf-8"), "at": created})
        assert db.upgrade() == ("0006", SCHEMA_REVISION)
        with db.engine.connect() as conn:
            names = [r[0] for r in conn.execute(text("SELECT name FROM participant ORDER BY name"))]
            identity = conn.execute(text("SELECT identifier FROM database_identity")).scalars().all()
        assert names == [
            "Belastingdienst",
            "DJI",
            "Rechtspraak",
        ]  # once each; not the supplier's organisation
        assert len(identity) == 1 and len(identity[0]) >= 12
    finally:
        db.dispose()


def test_a_participant_s_own_contract_manager_mistyping_the_participant_gets_bad_input_not_a_refusal(
    lf: Ctx, tmp_path: Path
) -> None:
    add_person(
        lf,
        key="dcm2",
        contract_key="LF",
        name="D",
        side="participant",
        role="participant_contract_manager",
        organisation="Belastingdienst",
        email=None,
        actor="t",
    )
    with pytest.raises(BadInput, match=KNOWN):
        kpis.record(
            lf,
            actor_key="dcm2",
            contract_key="LF",
            kpi="delivery",
            period="2026-02",
            value="97",
            participant="Belastingdeinst",
        )
    rows = [
        ["delivery", "2026-02", "97", "belastingdienst"],
        ["delivery", "2026-03", "96", "Belastingdeinst"],
    ]
    path = write_csv(tmp_path / "r.csv", ["kpi", "period", "value", "participant"], rows)
    with pytest.raises(BadInput, match="row 3, column participant: unknown participant 'Belastingdeinst'"):
        results_import.import_file(lf, actor_key="dcm2", contract_key="LF", path=path)
    rows[1][3] = "DJI"  # known, but not the one dcm2 represents: refused (B2 §2.2)
    path = write_csv(tmp_path / "r2.csv", ["kpi", "period", "value", "participant"], rows)
    with pytest.raises(RuleRefused, match="records for their own participant Belastingdienst"):
        results_import.import_file(lf, actor_key="dcm2", contract_key="LF", path=path)

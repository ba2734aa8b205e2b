"""Upgrading a database of the previous schema: `init` (Database.upgrade) fills the new `profile_json` of
every existing contract from its pinned YAML, and the contract's rules read from it are exactly the pinned
ones; until then the engine refuses to work on the old schema and says how to upgrade."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlmodel import select
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.core.db import SCHEMA_REVISION, Database
from escalation_engine.core.errors import BadInput
from escalation_engine.core.tables import Account, Person
from escalation_engine.profile.model import parse_profile, profile_json

MIGRATIONS = Path(__file__).resolve().parents[2] / "escalation_engine" / "core" / "migrations"
V2 = Path(__file__).resolve().parents[1] / "data" / "leasefietsen-rijk-v2.yaml"


def _at_revision(db: Database, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_init_fills_the_json_copy_of_every_pinned_profile_and_it_reads_as_the_pinned_yaml(
    db_url: str,
) -> None:
    db = Database(db_url)
    try:
        _at_revision(db, "0005")
        pinned = V2.read_text(encoding="utf-8")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO contract (key, title, profile_name, profile_version, profile_sha256, profile_text,"
                    " start_date, award_date, created_at) VALUES ('OLD', 't', 'leasefietsen-rijk', 2, 'x', :text,"
                    " :start, NULL, :created)"
                ),
                {"text": pinned, "start": date(2026, 1, 1), "created": "2026-01-01 00:00:00.000000"},
            )
        with pytest.raises(
            BadInput,
            match=f"revision 0005, this engine needs {SCHEMA_REVISION}: run `escalation-engine init`",
        ):
            db.ensure_schema()
        assert db.upgrade() == ("0005", SCHEMA_REVISION)
        with db.read() as session:
            contract = get_contract(session, "OLD")
            assert contract.profile_json
            profile = pinned_profile(contract)
        assert profile.spec == parse_profile(pinned).spec
        assert profile.text == pinned and profile.version == 2
    finally:
        db.dispose()


def test_a_contract_keeps_its_rules_as_json_from_registration_and_repin_on(ctx: Ctx) -> None:
    register(ctx)
    with ctx.db.read() as session:
        contract = get_contract(session, "LF")
        assert contract.profile_json == profile_json(contract.profile_text)
        assert pinned_profile(contract).spec == parse_profile(contract.profile_text).spec


def test_a_json_copy_that_no_longer_validates_falls_back_to_the_pinned_yaml(ctx: Ctx) -> None:
    register(ctx)
    with ctx.db.write() as session:
        contract = get_contract(session, "LF")
        contract.profile_json = '{"profile": 1}'
        session.add(contract)
    with ctx.db.read() as session:
        contract = get_contract(session, "LF")
        assert pinned_profile(contract).spec == parse_profile(contract.profile_text).spec


def test_an_existing_local_database_upgrades_with_its_people_as_accounts_matched_by_email(
    db_url: str,
) -> None:
    db = Database(db_url)
    try:
        _at_revision(db, "0006")
        pinned = V2.read_text(encoding="utf-8")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO contract (key, title, profile_name, profile_version, profile_sha256, profile_text,"
                    " start_date, award_date, created_at) VALUES (:key, 't', 'leasefietsen-rijk', 2, 'x', :text,"
                    " :start, NULL, :created)"
                ),
                [
                    {
                        "key": k,
                        "text": pinned,
                        "start": date(2026, 1, 1),
                        "created": "2026-01-01 00:00:00.000000",
                    }
                    for k in ("A", "B")
                ],
            )
            conn.execute(
                text(
                    "INSERT INTO person (contract_key, key, name, side, role, email, created_at) VALUES "
                    "(:c, :k, :n, 'supplier', 'account_manager', :e, '2026-01-01 00:00:00.000000')"
                ),
                [
                    {"c": "A", "k": "am", "n": "Anna", "e": "Anna@Example.org"},
                    {"c": "B", "k": "anna", "n": "Anna S.", "e": "anna@example.org"},
                    {"c": "A", "k": "noemail", "n": "Zonder", "e": None},
                ],
            )
        db.upgrade()
        with db.read() as session:
            people = {p.key: p for p in session.exec(select(Person))}
            accounts = {a.id: a for a in session.exec(select(Account))}
        assert len(people) == 3 and len(accounts) == 2
        assert people["am"].account_id == people["anna"].account_id
        assert accounts[people["am"].account_id or 0].email == "anna@example.org"
        assert accounts[people["noemail"].account_id or 0].email is None
    finally:
        db.dispose()


def test_the_upgrade_keeps_the_error_of_a_timer_failed_before_and_drops_the_old_job_store(
    db_url: str,
) -> None:
    db = Database(db_url)
    try:
        _at_revision(db, "0006")
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY, job_state TEXT)"))
            conn.execute(text("INSERT INTO apscheduler_jobs VALUES ('m', 'postgresql://u:s3cret@h/db')"))
            conn.execute(
                text(
                    "INSERT INTO timer (idempotency_key, kind, subject_kind, subject_id, contract_key, due_at,"
                    " status, fired_at, rule, source, payload) VALUES ('k', 'response_due', 'escalation', 1,"
                    " 'LF', '2026-03-07 23:00:00.000000', 'failed', NULL, 'r', 's', :payload)"
                ),
                {"payload": '{"error": "KeyError: level", "level": 1}'},
            )
        db.upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT status, attempts, last_error FROM timer")).one()
            assert tuple(row) == ("failed", 1, "KeyError: level")
            assert "apscheduler_jobs" not in sa_inspect(conn).get_table_names()
    finally:
        db.dispose()

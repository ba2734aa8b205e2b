"""Upgrading a database of the previous schema: `init` (Database.upgrade) fills the new `profile_json` of
every existing contract from its pinned YAML, and the contract's rules read from it are exactly the pinned
ones; until then the engine refuses to work on the old schema and says how to upgrade."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.core.db import Database
from escalation_engine.core.errors import BadInput
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
            BadInput, match="revision 0005, this engine needs 0007: run `escalation-engine init`"
        ):
            db.ensure_schema()
        assert db.upgrade() == ("0005", "0007")
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

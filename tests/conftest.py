"""Shared fixtures: a real database per test (SQLite always; PostgreSQL too when configured), a clock
that only moves when a test moves it, and a registered contract with people on every side.

PostgreSQL: set ESCALATION_ENGINE_TEST_PG to a server URL (`.ci/run` sets
postgresql://postgres@127.0.0.1:5432/test). Each test then runs in a schema of its own, dropped after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from mail_support import Inbox, free_port
from support import at

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.db import Database

PG_URL = os.environ.get("ESCALATION_ENGINE_TEST_PG")


def _load_everything() -> None:
    """Define every table, model and command before any test freezes time. The engine imports these on
    demand; imported inside `freeze_time`, a module's `datetime` would be freezegun's FakeDatetime and
    pydantic could not build the model (a test file run on its own failed that way)."""
    import escalation_engine.app.schema  # noqa: F401
    import escalation_engine.app.wiring  # noqa: F401
    from escalation_engine.cli.root import LAZY_COMMANDS, load_commands

    for module in sorted(set(LAZY_COMMANDS.values())):
        load_commands(module)


_load_everything()


def _backends() -> list[object]:
    backends: list[object] = ["sqlite"]
    backends.append(
        pytest.param(
            "postgres",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not PG_URL, reason="ESCALATION_ENGINE_TEST_PG not set"),
            ],
        )
    )
    return backends


def pg_schema_url(schema: str) -> str:
    assert PG_URL is not None
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped after the test; yields its URL."""
    from sqlalchemy import create_engine, text

    from escalation_engine.core.db import normalise_url

    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield pg_schema_url(schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'engine.db'}"
    url: str = request.getfixturevalue("pg_schema")
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at("2026-03-02", 9))


@pytest.fixture
def ctx(db: Database, clock: FixedClock) -> Ctx:
    return Ctx(db=db, clock=clock)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server (aiosmtpd) on a free loopback port; yields its inbox and the port."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()

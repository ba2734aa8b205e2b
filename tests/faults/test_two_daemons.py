"""Two daemons on one database: on PostgreSQL both run (a hot standby) and no timer fires twice
(row locks with SKIP LOCKED); on SQLite the second one refuses to start with a clear message."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from faults_support import cli, counts, daemon, seed_due, stop, wait_until, wait_while_progressing
from sqlalchemy import text
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.app.daemon import SingleDaemonLock
from escalation_engine.core.clock import SystemClock
from escalation_engine.core.db import Database
from escalation_engine.core.errors import RuleRefused


def _prepared(url: str, cases: int) -> Database:
    db = Database(url)
    db.upgrade()
    register(Ctx(db=db, clock=SystemClock()))
    seed_due(db, cases, SystemClock().now() - timedelta(days=20))
    return db


def test_a_second_daemon_on_one_sqlite_file_refuses_to_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'engine.db'}"
    db = _prepared(url, 0)
    log = tmp_path / "first.log"
    with daemon(url, log) as first:
        wait_until(
            lambda: "daemon on" in log.read_text() or first.poll() is not None, 300, "the first daemon"
        )
        second = cli(url, "run", "--interval", "0.2", timeout=300)
        assert second.returncode == 3
        assert "another daemon is already running" in second.stderr
        assert "only one daemon may run per database" in second.stderr
        assert "Traceback" not in second.stdout + second.stderr
        assert first.poll() is None, "the first daemon must keep running"
        assert stop(first) == 0
    db.dispose()


def test_the_sqlite_daemon_lock_is_free_again_after_release(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'engine.db'}")
    first, second = SingleDaemonLock(db), SingleDaemonLock(db)
    first.acquire()
    with pytest.raises(RuleRefused, match="another daemon is already running"):
        second.acquire()
    first.release()
    second.acquire()  # the lock is per database file and released with its holder
    second.release()
    db.dispose()


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("ESCALATION_ENGINE_TEST_PG"), reason="ESCALATION_ENGINE_TEST_PG not set"
)
def test_two_daemons_on_postgresql_never_fire_a_timer_twice(pg_schema: str, tmp_path: Path) -> None:
    cases = 250
    db = _prepared(pg_schema, cases)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with daemon(pg_schema, logs[0]) as one, daemon(pg_schema, logs[1]) as two:
        wait_while_progressing(
            lambda: counts(db)["pending"] == 0,
            lambda: (counts(db)["fired"], *(log.stat().st_size for log in logs if log.exists())),
            "both daemons to fire every timer",
        )
        assert all(d.poll() is None for d in (one, two)), "both daemons run side by side on PostgreSQL"
        codes = [stop(d) for d in (one, two)]
    assert codes == [0, 0], "".join(log.read_text()[-1500:] for log in logs)
    with db.engine.connect() as conn:
        statuses = dict(
            conn.execute(
                text("SELECT status, COUNT(*) FROM timer WHERE subject_kind = 'escalation' GROUP BY status")
            ).all()
        )
        assert statuses == {"fired": 2 * cases}
        doubled = conn.execute(
            text(
                "SELECT case_ref FROM audit_event WHERE action = 'escalation.window_passed' "
                "GROUP BY case_ref HAVING COUNT(*) > 1"
            )
        ).all()
        assert doubled == []
        keys = [row[0] for row in conn.execute(text("SELECT idempotency_key FROM outbox"))]
        assert len(keys) == len(set(keys)) == 2 * cases
    verify = cli(pg_schema, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    db.dispose()

"""Crash: kill -9 the daemon again and again while it fires thousands of due timers. After a restart
every timer has fired exactly once, every message is queued exactly once and delivered, and the audit
trail verifies. Every daemon the test starts is ended in every outcome (its process group is killed), and
every wait lasts as long as the daemon makes progress — not a fixed time a slow machine misses."""

from __future__ import annotations

import random
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from faults_support import cli, counts, daemon, seed_due, stop, wait_while_progressing
from sqlalchemy import text
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import SystemClock
from escalation_engine.core.db import Database

CASES = 2500  # two timers each: the response deadline and a reminder the day after (5,000: seconds of work)


@pytest.mark.slow
def test_a_killed_daemon_fires_every_timer_exactly_once_after_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'engine.db'}"
    db = Database(url)
    db.upgrade()
    register(Ctx(db=db, clock=SystemClock()))
    seed_due(db, CASES, SystemClock().now() - timedelta(days=20))
    total = 2 * CASES
    log = tmp_path / "daemon.log"
    rng = random.Random(7)
    kills: list[int] = []

    def progress() -> tuple[int, int, int]:  # the daemon starting up (its log) and working (timers, mail)
        c = counts(db)
        return log.stat().st_size if log.exists() else 0, c["fired"], c["outbox"] + _sent(db)

    for _ in range(5):
        before = counts(db)["fired"]
        with daemon(url, log) as running:
            wait_while_progressing(  # some firings to interrupt — or none left: a fast daemon fired them all
                lambda b=before: (lambda c: c["fired"] > b + 20 or c["pending"] == 0)(counts(db)),
                progress,
                "the daemon to fire timers",
                step=0.02,
            )
            if counts(db)["pending"] == 0:
                stop(running, signal.SIGKILL)
                break
            time.sleep(rng.uniform(0.02, 0.2))  # mid-work: a quick daemon fires ~2,000 timers a second
            stop(running, signal.SIGKILL)
        kills.append(counts(db)["fired"])
    with daemon(url, log) as running:
        wait_while_progressing(
            lambda: counts(db)["pending"] == 0, progress, "all timers to fire after the last restart"
        )
        wait_while_progressing(_all_sent(db), progress, "all messages to be delivered")
        assert stop(running) == 0, log.read_text()[-2000:]

    assert len([k for k in kills if 0 < k < total]) >= 3, f"the daemon was not killed mid-work: {kills}"
    with db.engine.connect() as conn:
        statuses = dict(
            conn.execute(
                text("SELECT status, COUNT(*) FROM timer WHERE subject_kind = 'escalation' GROUP BY status")
            ).all()
        )
        assert statuses == {"fired": total}
        fired_per_case = conn.execute(
            text(
                "SELECT case_ref, COUNT(*) FROM audit_event WHERE action = 'escalation.window_passed' "
                "GROUP BY case_ref HAVING COUNT(*) <> 1"
            )
        ).all()
        assert fired_per_case == []
        passed = conn.execute(
            text("SELECT COUNT(*) FROM audit_event WHERE action = 'escalation.window_passed'")
        ).scalar()
        assert passed == CASES
        expected = {
            f"timer:{tid}:{'dcm' if kind == 'response_due' else 'am'}"
            for tid, kind in conn.execute(
                text("SELECT id, kind FROM timer WHERE subject_kind = 'escalation'")
            )
        }
        keys = [
            row[0]
            for row in conn.execute(text("SELECT idempotency_key FROM outbox WHERE case_ref LIKE 'ESC-%'"))
        ]
        assert len(keys) == len(set(keys)) == total
        assert set(keys) == expected
        states = dict(conn.execute(text("SELECT state, COUNT(*) FROM escalation GROUP BY state")).all())
        assert states == {"no_response": CASES}
    verify = cli(url, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    db.dispose()


def _sent(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")).scalar() or 0)


def _all_sent(db: Database) -> object:
    def check() -> bool:
        with db.engine.connect() as conn:
            return not conn.execute(text("SELECT 1 FROM outbox WHERE status <> 'sent' LIMIT 1")).first()

    return check

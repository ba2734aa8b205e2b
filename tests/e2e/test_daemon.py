"""`run`: the daemon fires due timers by itself, catches up after downtime, and stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from faults_support import wait_while_progressing
from sqlalchemy import text
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock, SystemClock
from escalation_engine.core.db import Database
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.ladder.queries import show_escalation


def engine(*args: str, db: str) -> list[str]:
    return [sys.executable, "-m", "escalation_engine", "--db", db, *args]


def start_daemon(db: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        engine("run", "--interval", "0.3", *args, db=db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group: ended with everything it started, in every outcome
    )


def end(daemon: subprocess.Popen[str]) -> tuple[int, str]:
    """SIGTERM and wait for the clean stop; a daemon still running after that is killed with its group."""
    try:
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=120)
        return daemon.returncode, err
    finally:
        if daemon.poll() is None:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait(timeout=30)


def test_the_daemon_catches_up_on_deadlines_that_passed_while_it_was_down(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'daemon.db'}"
    db = Database(url)
    db.upgrade()
    # cases opened three weeks ago; their response windows passed while no daemon ran
    ctx = Ctx(db=db, clock=FixedClock(SystemClock().now() - timedelta(days=21)))
    register(ctx)
    cases = [
        str(
            esc.open_escalation(
                ctx,
                actor_key="dcm",
                contract_key="LF",
                subject=f"case {n}",
                norm=None,
                participant=None,
                threatened=False,
            )["case"]
        )
        for n in range(3)
    ]
    daemon = start_daemon(
        url, "--console", "--accept-jump"
    )  # three weeks down: the operator accepts the jump
    try:
        now_ctx = Ctx(db=db)
        wait_while_progressing(
            lambda: all(show_escalation(now_ctx, c)["state"] == "no_response" for c in cases),
            lambda: [show_escalation(now_ctx, c)["state"] for c in cases],
            "the daemon to catch up",
            stall=300,  # before its first beat nothing changes: a slow start-up is waited for that long
        )
        second = subprocess.run(engine("run", db=url), capture_output=True, text=True, timeout=300)
        assert second.returncode == 3
        assert "another daemon is already running" in second.stderr
    finally:
        code, err = end(daemon)
    assert code == 0, err
    assert "stopped cleanly" in err
    assert "Traceback" not in err
    tick = subprocess.run(engine("--json", "tick", db=url), capture_output=True, text=True, timeout=30)
    assert json.loads(tick.stdout)["fired"] == []  # nothing fires twice
    db.dispose()


def test_a_daemon_without_a_mail_channel_says_so_at_start_and_keeps_the_reminders_queued(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'daemon.db'}"
    db = Database(url)
    db.upgrade()
    ctx = Ctx(db=db, clock=FixedClock(SystemClock().now() - timedelta(days=21)))
    register(ctx)
    case = str(
        esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject="s",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
    )
    env_free = {k: v for k, v in os.environ.items() if "SMTP" not in k and k != "ESCALATION_ENGINE_CONSOLE"}
    daemon = subprocess.Popen(
        engine("run", "--interval", "0.3", "--accept-jump", db=url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env_free, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    try:
        now_ctx = Ctx(db=db)
        wait_while_progressing(
            lambda: show_escalation(now_ctx, case)["state"] == "no_response",
            lambda: show_escalation(now_ctx, case)["state"],
            "the daemon to fire the passed response window",
            stall=300,
        )
    finally:
        code, err = end(daemon)
    assert code == 0, err
    assert err.index("NO NOTIFICATION CHANNEL CONFIGURED") < err.index("daemon on")  # said at start
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT status, COUNT(*) FROM outbox GROUP BY status")).all()
    assert dict(rows).keys() == {"pending"}  # every notice (the escalation's and the window's) still queued
    db.dispose()

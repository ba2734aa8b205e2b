"""`run`: the daemon fires due timers by itself, catches up after downtime, and stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock, SystemClock
from escalation_engine.core.db import Database
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.ladder.queries import show_escalation


def engine(*args: str, db: str) -> list[str]:
    return [sys.executable, "-m", "escalation_engine", "--db", db, *args]


def start_daemon(db: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        engine("run", "--interval", "0.3", db=db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for(predicate: object, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


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
    daemon = start_daemon(url)
    try:
        now_ctx = Ctx(db=db)
        assert wait_for(lambda: all(show_escalation(now_ctx, c)["state"] == "no_response" for c in cases))
        second = subprocess.run(engine("run", db=url), capture_output=True, text=True, timeout=30)
        assert second.returncode == 3
        assert "another daemon is already running" in second.stderr
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, err
    assert "stopped cleanly" in err
    assert "Traceback" not in err
    tick = subprocess.run(engine("--json", "tick", db=url), capture_output=True, text=True, timeout=30)
    assert json.loads(tick.stdout)["fired"] == []  # nothing fires twice
    db.dispose()

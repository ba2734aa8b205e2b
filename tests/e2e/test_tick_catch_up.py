"""`tick` after long downtime (40 days: the operator accepts the clock's jump with --accept-jump) works in
chunks like the daemon (messages go out between chunks) and shows its progress on a terminal; with --json
its output is one clean JSON document."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.app.daemon import BEAT_CHUNK
from escalation_engine.core.clock import FixedClock, SystemClock
from escalation_engine.core.db import Database
from escalation_engine.procedures.ladder import actions as esc


def _tick_on_a_terminal(db: Path, *args: str) -> tuple[str, str]:
    """Run `tick` with stderr on a pseudo-terminal (as a user at a shell sees it); (stdout, stderr)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "escalation_engine", "--db", str(db), *args, "tick", "--accept-jump"],
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
        env={
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "ESCALATION_ENGINE_CONSOLE": "1",
        },  # console delivery: a test
    )
    os.close(follower)
    chunks: list[bytes] = []

    def read_terminal() -> None:  # read as it is written: a full terminal buffer would block the command
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the command closed its end
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read_terminal)
    reader.start()
    stdout, _ = process.communicate(timeout=300)
    reader.join(timeout=30)
    os.close(leader)
    assert process.returncode == 0, stdout
    return stdout, b"".join(chunks).decode()


def test_a_long_catch_up_goes_in_chunks_with_progress_on_the_terminal_and_clean_json(tmp_path: Path) -> None:
    first = tmp_path / "first.db"
    db = Database(f"sqlite:///{first}")
    db.upgrade()
    ctx = Ctx(db=db, clock=FixedClock(SystemClock().now() - timedelta(days=40)))
    register(ctx)
    for n in range(BEAT_CHUNK // 4 + 10):  # four timers per case: more than one chunk
        esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject=f"case {n}",
            norm=None,
            participant=None,
            threatened=False,
        )
    db.dispose()
    second = tmp_path / "second.db"
    shutil.copy(first, second)

    stdout, stderr = _tick_on_a_terminal(first)
    assert f"catching up: fired {BEAT_CHUNK} timer(s), delivered " in stderr
    delivered_after_first_chunk = int(stderr.split(f"fired {BEAT_CHUNK} timer(s), delivered ")[1].split()[0])
    assert delivered_after_first_chunk > 0  # the outbox went out before the next chunk
    assert ", done" in stderr
    summary = re.search(r"^fired (\d+) timer\(s\), delivered", stdout, flags=re.MULTILINE)
    assert summary is not None, stdout[-2000:]
    fired = int(summary.group(1))
    assert fired > BEAT_CHUNK

    stdout, stderr = _tick_on_a_terminal(second, "--json")
    assert "catching up" not in stderr
    assert len(json.loads(stdout)["fired"]) == fired

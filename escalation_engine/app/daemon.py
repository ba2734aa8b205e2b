"""The daemon: APScheduler as a metronome over our own timer table.

Each daemon runs one fixed-id job (coalesce, misfire_grace_time=None, one instance at a time) from an
in-memory job store; the job calls `metronome(db)` with the daemon's own `Database` object, so the
database URL (and its password) is never written anywhere. Deadlines live in the `timer` table, never in
APScheduler: a crash loses nothing, and the first beat after a restart catches up on everything that came
due meanwhile. Two daemons on PostgreSQL share only the timer table (claims use SKIP LOCKED); on SQLite a
file lock lets one daemon run per database.
"""

from __future__ import annotations

import fcntl
import signal
import threading
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from escalation_engine.core.clock import SystemClock
from escalation_engine.core.db import Database
from escalation_engine.core.errors import RuleRefused

if TYPE_CHECKING:
    from escalation_engine.core.channels import Channel
    from escalation_engine.core.context import Ctx

JOB_ID = "escalation-engine-metronome"
BEAT_CHUNK = 1000  # timers fired before the outbox is delivered and the beat is reported
Beat = Callable[[dict[str, Any]], None]
_listeners: list[Beat] = []


def in_chunks(
    ctx: Ctx,
    channel: Channel | None,
    on_chunk: Beat,
    *,
    chunk: int = BEAT_CHUNK,
    accept_jump: bool = False,
    how_to_accept: str = "`escalation-engine tick --accept-jump`",
) -> None:
    """Fire what is due and deliver the outbox, `chunk` timers at a time, until nothing is due: a long
    catch-up after downtime keeps its memory bounded and sends messages as it proceeds (daemon and tick).

    The clock is guarded first (core/clock_guard.py): a clock too far ahead of the engine's last known
    time (unless `accept_jump`), or behind it, raises `ClockHeld` before anything is fired or sent."""
    from escalation_engine.core.clock_guard import ClockGuard, max_jump
    from escalation_engine.core.outbox import deliver
    from escalation_engine.core.timers import process_due

    guard = ClockGuard(bound=max_jump(), accept_jump=accept_jump, how_to_accept=how_to_accept)
    while True:
        fired = process_due(ctx, limit=chunk, guard=guard)
        report = fired.as_dict()
        # without a channel (no SMTP settings) nothing is sent: the notices stay queued
        report["delivered"] = (
            deliver(ctx, channel).as_dict() if channel is not None else {"sent": [], "failed": []}
        )
        on_chunk(report)
        if fired.handled < chunk:
            return


def metronome(db: Database, accept: dict[str, bool] | None = None) -> dict[str, Any]:
    """One beat: fire what is due, then deliver queued messages. Safe to run any number of times.

    A held clock (too far ahead of the engine's last known time, or behind it) fires and sends nothing:
    the beat reports `held` (the operator's message) and the daemon keeps beating, so a corrected clock
    resumes. `accept["jump"]` (`run --accept-jump`) accepts one jump, on the first beat that is not held."""
    from escalation_engine.app.context import Ctx
    from escalation_engine.core.channels import configured_channel
    from escalation_engine.core.clock_guard import ClockHeld

    last: dict[str, Any] = {}

    def report(chunk: dict[str, Any]) -> None:
        last.update(chunk)
        for listener in _listeners:
            listener(chunk)

    accept = accept if accept is not None else {}
    try:
        in_chunks(
            Ctx(db=db),
            configured_channel(),
            report,
            accept_jump=accept.get("jump", False),
            how_to_accept="`escalation-engine tick --accept-jump` (the daemon resumes at its next beat) or by "
            "restarting the daemon with `run --accept-jump`",
        )
    except ClockHeld as held:
        report({"held": held.message, **_nothing()})
        return last
    accept["jump"] = False
    return last


def _nothing() -> dict[str, Any]:
    return {"fired": [], "retrying": [], "failed": [], "delivered": {"sent": [], "failed": []}}


class SingleDaemonLock:
    """On SQLite only one daemon may run per database file (a second one refuses to start)."""

    def __init__(self, db: Database) -> None:
        self.path: Path | None = None
        self.handle: IO[str] | None = None
        if db.sqlite_path is not None:
            self.path = db.sqlite_path.with_name(db.sqlite_path.name + ".daemon.lock")

    def acquire(self) -> None:
        if self.path is None:
            return
        self.handle = self.path.open("w")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            self.handle = None
            raise RuleRefused(
                f"another daemon is already running on {self.path.with_suffix('')}; on SQLite only one "
                "daemon may run per database (use PostgreSQL for a hot standby)",
                rule="single daemon on SQLite",
            ) from None

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def run_daemon(
    db: Database,
    *,
    interval: float,
    stop: threading.Event | None = None,
    on_beat: Beat | None = None,
    install_signals: bool = True,
    accept_jump: bool = False,
) -> None:
    """Run until SIGINT/SIGTERM (or `stop` is set); stops cleanly after the running beat."""
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    stop = stop or threading.Event()
    lock = SingleDaemonLock(db)
    lock.acquire()
    if db.is_sqlite:  # the lock makes this the only daemon: whatever is left `sending` was interrupted
        from escalation_engine.app.context import Ctx
        from escalation_engine.core.outbox import requeue_interrupted

        requeue_interrupted(Ctx(db=db))
    if on_beat is not None:
        _listeners.append(on_beat)
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},  # this daemon's own: nothing of it is stored
        job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        timezone=UTC,
    )
    if install_signals:

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
    try:
        scheduler.add_job(
            metronome,
            trigger="interval",
            seconds=interval,
            id=JOB_ID,
            args=[db, {"jump": accept_jump}],  # the database by reference: no URL in any table
            next_run_time=SystemClock().now(),
        )
        scheduler.start()
        stop.wait()
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        if on_beat is not None and on_beat in _listeners:
            _listeners.remove(on_beat)
        lock.release()

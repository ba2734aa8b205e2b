"""The daemon: APScheduler as a metronome over our own timer table.

One job with a fixed id (replace_existing, misfire_grace_time=None, coalesce) in a persistent
SQLAlchemy job store calls `metronome(db_url)`, which fires due timers (`process_due`) and delivers
the outbox. Deadlines live in the `timer` table, never in APScheduler: a crash loses nothing, and the
first beat after a restart catches up on everything that came due meanwhile.
"""

from __future__ import annotations

import fcntl
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from types import FrameType
from typing import IO, Any

from escalation_engine.core.clock import SystemClock
from escalation_engine.core.db import Database
from escalation_engine.core.errors import RuleRefused

JOB_ID = "escalation-engine-metronome"
JOBSTORE_LOCK_KEY = 727_002
JOB_FUNC = "escalation_engine.app.daemon:metronome"
BEAT_CHUNK = 1000  # timers fired before the outbox is delivered and the beat is reported
_DATABASES: dict[str, Database] = {}
Beat = Callable[[dict[str, Any]], None]
_listeners: list[Beat] = []


def metronome(db_url: str) -> dict[str, Any]:
    """One beat: fire what is due, then deliver queued messages. Safe to run any number of times."""
    from escalation_engine.app.context import Ctx
    from escalation_engine.core.channels import configured_channel
    from escalation_engine.core.outbox import deliver
    from escalation_engine.core.timers import process_due

    db = _DATABASES.setdefault(db_url, Database(db_url))
    ctx = Ctx(db=db)
    while True:  # a long catch-up goes in chunks: bounded memory, and messages go out as it proceeds
        report = process_due(ctx, limit=BEAT_CHUNK).as_dict()
        channel = configured_channel()  # None without SMTP settings: the notices stay queued, unsent
        report["delivered"] = deliver(ctx, channel).as_dict() if channel else {"sent": [], "failed": []}
        for listener in _listeners:
            listener(report)
        if len(report["fired"]) + len(report["failed"]) < BEAT_CHUNK:
            return report


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


def _install_metronome(scheduler: Any, db: Database, interval: float, attempts: int = 5) -> None:
    """Put the one fixed-id job in the store. Two daemons starting at once on PostgreSQL (a hot standby)
    can both try to insert it; the loser of that race simply tries again and replaces it."""
    from apscheduler.jobstores.base import ConflictingIdError
    from sqlalchemy.exc import IntegrityError

    for attempt in range(attempts):
        try:
            scheduler.add_job(
                JOB_FUNC,
                trigger="interval",
                seconds=interval,
                id=JOB_ID,
                replace_existing=True,
                args=[db.url],
                next_run_time=SystemClock().now(),
            )
            return
        except (ConflictingIdError, IntegrityError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def run_daemon(
    db: Database,
    *,
    interval: float,
    stop: threading.Event | None = None,
    on_beat: Beat | None = None,
    install_signals: bool = True,
) -> None:
    """Run until SIGINT/SIGTERM (or `stop` is set); stops cleanly after the running beat."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from sqlalchemy import text

    stop = stop or threading.Event()
    lock = SingleDaemonLock(db)
    lock.acquire()
    if db.is_sqlite:  # the lock makes this the only daemon: whatever is left `sending` was interrupted
        from escalation_engine.app.context import Ctx
        from escalation_engine.core.outbox import requeue_interrupted

        requeue_interrupted(Ctx(db=db))
    if on_beat is not None:
        _listeners.append(on_beat)
    _DATABASES[db.url] = db
    store = SQLAlchemyJobStore(engine=db.engine, tablename="apscheduler_jobs")
    if not db.is_sqlite:  # two daemons starting at once must not both create the job-store table
        with db.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": JOBSTORE_LOCK_KEY})
            store.jobs_t.create(conn, checkfirst=True)
    scheduler = BackgroundScheduler(
        jobstores={"default": store},
        job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        timezone=UTC,
    )
    if install_signals:

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
    try:
        scheduler.start()
        _install_metronome(scheduler, db, interval)
        stop.wait()
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        if on_beat is not None and on_beat in _listeners:
            _listeners.remove(on_beat)
        lock.release()

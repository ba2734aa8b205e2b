"""`status`: the operator's one look at the engine — schema, database, daemon, timers, outbox, next deadline.

Healthy means no dead (failed) timer and no notice given up; a monitoring script reads the exit code
(`UNHEALTHY`). The daemon is seen through its single-daemon lock on SQLite (held: a daemon is running);
on PostgreSQL daemons hold no lock, so only the last firing says whether one beats.
"""

from __future__ import annotations

import fcntl
from typing import Any

from escalation_engine.app.context import Ctx
from escalation_engine.app.daemon import SingleDaemonLock
from escalation_engine.core.db import SCHEMA_REVISION, Database
from escalation_engine.core.health import timer_health

UNHEALTHY = 3  # like `audit verify` when the chain does not verify: a finding, not a fault of the command


def daemon_state(db: Database) -> str:
    """'running' when another process holds the SQLite daemon lock, 'not running' when nobody does."""
    path = SingleDaemonLock(db).path
    if path is None:
        return "not known (PostgreSQL: daemons hold no lock; see the last firing)"
    if not path.exists():
        return "not running"
    with path.open("a") as handle:
        try:  # a shared probe, released at once (a daemon that holds the lock is not disturbed)
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return f"running (holds {path.name})"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return "not running"


def engine_status(ctx: Ctx) -> dict[str, Any]:
    now = ctx.clock.now()
    with ctx.db.read() as session:
        timers = timer_health(session, now)
    findings = []
    if timers["timers_failed"]:
        findings.append(
            f"{timers['timers_failed']} dead timer(s): see `escalation-engine timers failed`, "
            "fire them again with `escalation-engine timers retry ID` (or `--all`)"
        )
    if timers["outbox_failed"]:
        findings.append(
            f"{timers['outbox_failed']} notice(s) the mail server refused for good (outbox failed)"
        )
    return {
        "healthy": not findings,
        "findings": findings,
        "schema_revision": ctx.db.current_revision(),
        "schema_expected": SCHEMA_REVISION,
        "database": ctx.db.engine.url.render_as_string(hide_password=True),
        "daemon": daemon_state(ctx.db),
        "last_tick": None,  # not recorded by the engine: the last firing below is what it knows
        "now": now.isoformat(),
        **timers,
    }

"""Helpers for the fault tests: bulk seeding through SQLAlchemy Core (SQLite and PostgreSQL alike), the
CLI and the daemon as real processes, and a dump of the database content to compare before and after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlmodel import col

from escalation_engine.core.clock import SystemClock
from escalation_engine.core.db import Database
from escalation_engine.core.tables import AuditEvent, Outbox, Timer
from escalation_engine.procedures.ladder.tables import Escalation, EscalationLevel

EXE = str(Path(sys.executable).with_name("escalation-engine"))


def seed_due(db: Database, n: int, opened: datetime, *, reminders: bool = True) -> None:
    """`n` escalations on contract LF addressed at level 1 (dcm → am), whose response deadline has
    passed: one pending `response_due` timer each and, with `reminders`, one pending "+1 day" reminder."""
    due = opened + timedelta(days=6)
    if n == 0:
        return
    with db.engine.begin() as conn:
        first = (conn.execute(select(func.coalesce(func.max(Escalation.id), 0))).scalar() or 0) + 1
        ids = range(first, first + n)
        conn.execute(
            insert(Escalation),
            [
                {
                    "id": i,
                    "contract_key": "LF",
                    "subject": f"case {i}",
                    "norm": "KPI 1",
                    "threatened": False,
                    "level": 1,
                    "state": "addressed",
                    "opened_by": "dcm",
                    "opened_at": opened,
                    "updated_at": opened,
                }
                for i in ids
            ],
        )
        conn.execute(
            insert(EscalationLevel),
            [
                {
                    "escalation_id": i,
                    "level": 1,
                    "attempt": 1,
                    "raised_by": "dcm",
                    "addressed_at": opened,
                    "counterpart_key": "am",
                    "response_due_at": due,
                }
                for i in ids
            ],
        )
        conn.execute(insert(Timer), list(_timers(ids, due, reminders)))
    if not db.is_sqlite:
        with db.engine.begin() as conn:
            for table in ("escalation", "escalation_level", "timer"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                    )
                )


def _timers(ids: Iterable[int], due: datetime, reminders: bool) -> Iterable[dict[str, Any]]:
    for i in ids:
        base = {"subject_kind": "escalation", "subject_id": i, "contract_key": "LF", "status": "pending"}
        yield {
            **base,
            "idempotency_key": f"esc:{i}:L1:a1:due",
            "kind": "response_due",
            "due_at": due,
            "rule": "response window: addressed + 5 days",
            "source": "policy default",
            "payload": '{"attempt": 1, "level": 1}',
        }
        if reminders:
            yield {
                **base,
                "idempotency_key": f"esc:{i}:L1:a1:reminder:+1",
                "kind": "reminder",
                "due_at": due + timedelta(hours=9),
                "rule": "response window: addressed + 5 days",
                "source": "policy default",
                "payload": (
                    '{"attempt": 1, "deadline_at": "'
                    + due.isoformat()
                    + '", "deadline_kind": "response_due", '
                    '"level": 1, "offset_days": 1}'
                ),
            }


def counts(db: Database) -> dict[str, int]:
    """Counts over the escalations' timers and messages (contracts also carry obligation and digest timers)."""
    esc = Timer.subject_kind == "escalation"
    with db.engine.connect() as conn:
        pending = conn.execute(select(func.count()).where(esc, Timer.status == "pending")).scalar() or 0
        now = SystemClock().now()
        due = (
            conn.execute(
                select(func.count()).where(esc, Timer.status == "pending", Timer.due_at <= now)
            ).scalar()
            or 0
        )
        fired = conn.execute(select(func.count()).where(esc, Timer.status == "fired")).scalar() or 0
        mails = select(func.count()).select_from(Outbox).where(col(Outbox.case_ref).like("ESC-%"))
        outbox = conn.execute(mails).scalar() or 0
        audit = conn.execute(select(func.count()).select_from(AuditEvent)).scalar() or 0
    return {"pending": pending, "due": due, "fired": fired, "outbox": outbox, "audit": audit}


def cli(
    db_url: str, *args: str, person: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ESCALATION_ENGINE_DB": db_url}
    env.pop("ESCALATION_ENGINE_DEBUG", None)
    if person:
        env["ESCALATION_ENGINE_AS"] = person
    return subprocess.run([EXE, *args], capture_output=True, text=True, env=env, timeout=timeout, check=False)


def start_cli(db_url: str, *args: str, person: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "ESCALATION_ENGINE_DB": db_url}
    env.pop("ESCALATION_ENGINE_DEBUG", None)
    if person:
        env["ESCALATION_ENGINE_AS"] = person
    return subprocess.Popen([EXE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def start_daemon(
    db_url: str, log: Path, *, console: bool = True, accept_jump: bool = True
) -> subprocess.Popen[str]:
    """`escalation-engine run --interval 0.2 --accept-jump` (with console delivery, for tests), its output
    into `log`, in a process group of its own so `stop` and `daemon` can end it and anything it started.
    The seeded cases were opened weeks ago (a downtime): the operator accepts that jump of the clock."""
    env = {**os.environ, "ESCALATION_ENGINE_DB": db_url}
    args = [EXE, "run", "--interval", "0.2", *(["--accept-jump"] if accept_jump else [])]
    args += ["--console"] if console else []
    with log.open("a") as out:
        return subprocess.Popen(args, stdout=out, stderr=out, text=True, env=env, start_new_session=True)


def stop(process: subprocess.Popen[str], sig: int = signal.SIGTERM, timeout: float = 60) -> int:
    """Send `sig` and wait; a process that does not end within `timeout` is killed with its group (so no
    test ever leaves a daemon behind) and the test fails."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        raise AssertionError(f"process {process.pid} did not end {timeout} s after signal {sig}") from None


def kill_group(process: subprocess.Popen[str]) -> None:
    """SIGKILL the process's group (it was started in a session of its own) and reap it."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@contextmanager
def daemon(db_url: str, log: Path, *, accept_jump: bool = True) -> Iterator[subprocess.Popen[str]]:
    """A running daemon that is ended in every outcome of the block (an assertion, a timeout, ^C)."""
    process = start_daemon(db_url, log, accept_jump=accept_jump)
    try:
        yield process
    finally:
        if process.poll() is None:
            kill_group(process)


def wait_until(condition: Any, timeout: float, what: str, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


def wait_while_progressing(
    condition: Any, progress: Any, what: str, *, stall: float = 120, cap: float = 1200, step: float = 0.1
) -> None:
    """Wait for `condition` as long as `progress()` keeps changing (e.g. timers fired, the log growing):
    a slow machine that is still working is waited for; one that stalled for `stall` seconds, or a wait
    longer than `cap` overall, fails."""
    start = last_change = time.monotonic()
    seen = progress()
    while not condition():
        now = time.monotonic()
        current = progress()
        if current != seen:
            seen, last_change = current, now
        if now - last_change > stall:
            raise AssertionError(f"no progress for {stall} s waiting for {what} (last: {seen})")
        if now - start > cap:
            raise AssertionError(f"gave up after {cap} s waiting for {what} (last: {seen})")
        time.sleep(step)


def sqlite_dump(path: Path) -> list[str]:
    """The database content as SQL (schema and rows), to compare before and after a command."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def all_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (both backends), to compare before and after a refused command."""
    from escalation_engine.app.schema import METADATA

    with db.engine.connect() as conn:
        return {
            name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
            for name, table in sorted(METADATA.tables.items())
        }


def table_contents(db: Database) -> dict[str, list[str]]:
    """Every row of every table (SQLite or PostgreSQL), to compare before and after a refused command."""
    from sqlmodel import SQLModel

    with db.engine.connect() as conn:
        return {
            name: sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            for name, table in SQLModel.metadata.tables.items()
        }

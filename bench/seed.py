"""Fast seeding: a contract with people through the service, then bulk SQL for the bulk rows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from escalation_engine.app.context import Ctx
from escalation_engine.app.registration import add_contract, add_person
from escalation_engine.core.clock import Clock, FixedClock
from escalation_engine.core.db import Database

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PEOPLE = [
    ("dcm", "Dirk de Vries", "participant", "participant_contract_manager"),
    ("cat", "Carla Jansen", "client", "category"),
    ("catman", "Kees Bakker", "client", "category_manager"),
    ("am", "Anna Smit", "supplier", "account_manager"),
    ("sm", "Sven Mulder", "supplier", "service_manager"),
    ("exec", "Eva Visser", "supplier", "executive"),
]


def sql_time(value: datetime) -> str:
    """How SQLAlchemy stores a UTC instant in SQLite (naive UTC text)."""
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def context(url: str, clock: Clock | None = None) -> Ctx:
    """The engine on the database at `url`, its clock fixed at START unless given."""
    return Ctx(db=Database(url), clock=clock or FixedClock(START))


def fresh_engine(path: Path | str, now: datetime = START) -> Ctx:
    """A new database (a file path, replaced, or the URL of an empty database) with contract LF (lease
    bicycles, B2) and a person for every role."""
    if isinstance(path, Path):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = Database(f"sqlite:///{path}" if isinstance(path, Path) else path)
    db.upgrade()
    ctx = Ctx(db=db, clock=FixedClock(now))
    add_contract(
        ctx,
        key="LF",
        profile_name="leasefietsen-rijk",
        title="bench",
        start=date(2026, 1, 1),
        award=date(2025, 11, 15),
        actor="bench",
    )
    for key, name, side, role in PEOPLE:
        add_person(
            ctx,
            key=key,
            contract_key="LF",
            name=name,
            side=side,
            role=role,
            organisation=None,
            email=f"{key}@example.org",
            actor="bench",
        )
    # The benchmarks measure escalation deadlines only: set aside the contract's obligation and digest timers.
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE timer SET status = 'cancelled' WHERE subject_kind != 'escalation'")
    return ctx


def open_escalations(ctx: Ctx, n: int, first: int = 0) -> Ctx:
    """`n` escalations opened through the service (`open_escalation`: level 1 addressed to the account
    manager, with its deadline, reminders, notices and audit), as a contract manager would."""
    from escalation_engine.procedures.ladder.actions import open_escalation

    for i in range(first, first + n):
        open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject=f"bench case {i}",
            norm="KPI 1",
            participant=None,
            threatened=False,
        )
    return ctx


def seed_due_escalations(path: Path, n: int, opened: datetime) -> None:
    """`n` escalations addressed at level 1 whose response deadline is due (one pending timer each)."""
    due = opened + timedelta(days=6)
    conn = sqlite3.connect(path)
    with conn:
        first = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM escalation").fetchone()[0]) + 1
        ids = range(first, first + n)
        t_open, t_due = sql_time(opened), sql_time(due)
        conn.executemany(
            "INSERT INTO escalation (id, contract_key, subject, norm, participant, threatened, level, state,"
            " opened_by, opened_at, updated_at) VALUES (?, 'LF', ?, 'KPI 1', NULL, 0, 1, 'addressed', 'dcm', ?, ?)",
            ((i, f"bench case {i}", t_open, t_open) for i in ids),
        )
        conn.executemany(
            "INSERT INTO escalation_level (escalation_id, level, attempt, raised_by, raise_reason, addressed_at,"
            " counterpart_key, response_due_at) VALUES (?, 1, 1, 'dcm', 'bench', ?, 'am', ?)",
            ((i, t_open, t_due) for i in ids),
        )
        conn.executemany(
            "INSERT INTO timer (idempotency_key, kind, subject_kind, subject_id, contract_key, due_at, status,"
            " rule, source, payload) VALUES (?, 'response_due', 'escalation', ?, 'LF', ?, 'pending',"
            " 'response window: addressed + 5 days', 'policy default', '{\"attempt\": 1, \"level\": 1}')",
            ((f"esc:{i}:L1:a1:due", i, t_due) for i in ids),
        )
    conn.close()


def seed_future_timers(path: Path, n: int, after: datetime) -> None:
    """`n` pending timers, none of them due before `after` + 1 day (the idle-tick benchmark)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    base = after + timedelta(days=1)
    with conn:
        conn.executemany(
            "INSERT INTO timer (idempotency_key, kind, subject_kind, subject_id, contract_key, due_at, status,"
            " rule, source, payload) VALUES (?, 'reminder', 'escalation', ?, 'LF', ?, 'pending', 'bench',"
            " 'bench', '{}')",
            ((f"idle:{i}", i, sql_time(base + timedelta(minutes=i % 500_000))) for i in range(n)),
        )
    conn.close()

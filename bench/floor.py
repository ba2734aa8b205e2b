"""The floor: plain sqlite3 doing the row writes of one timer firing per commit, nothing else.

Per commit: state update + audit insert + timer insert + outbox insert + timer status update, on the
engine's own schema, with the engine's pragmas (WAL, synchronous=NORMAL) and BEGIN IMMEDIATE.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from .seed import sql_time


def floor_rate(path: Path, n: int) -> float:
    """Commits per second for `n` firings on the seeded escalations 1..n (the database is used up)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    now = sql_time_now()
    timer_ids = [row[0] for row in conn.execute("SELECT id FROM timer WHERE status = 'pending' ORDER BY id")]
    start = time.perf_counter()
    for i, timer_id in enumerate(timer_ids[:n], start=1):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE escalation SET state = 'no_response', updated_at = ? WHERE id = ?", (now, i))
        conn.execute(
            "INSERT INTO audit_event (recorded_at, actor, action, contract_key, case_ref, level, from_state,"
            " to_state, reason, payload, prev_hash, hash) VALUES (?, 'system', 'escalation.window_passed', 'LF',"
            " ?, 1, 'addressed', 'no_response', 'window passed', '{}', ?, ?)",
            (now, f"ESC-{i}", "0" * 64, "1" * 64),
        )
        conn.execute(
            "INSERT INTO timer (idempotency_key, kind, subject_kind, subject_id, contract_key, due_at, status,"
            " rule, source, payload) VALUES (?, 'reminder', 'escalation', ?, 'LF', ?, 'pending', 'r', 's', '{}')",
            (f"floor:{i}", i, now),
        )
        conn.execute(
            "INSERT INTO outbox (idempotency_key, contract_key, case_ref, recipient_key, recipient_name, subject,"
            " body, created_at, status, attempts, next_attempt_at) VALUES (?, 'LF', ?, 'dcm', 'Dirk', 's', 'b',"
            " ?, 'pending', 0, ?)",
            (f"floor:{i}:dcm", f"ESC-{i}", now, now),
        )
        conn.execute("UPDATE timer SET status = 'fired', fired_at = ? WHERE id = ?", (now, timer_id))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return min(n, len(timer_ids)) / elapsed


def sql_time_now() -> str:
    from .seed import START

    return sql_time(START)

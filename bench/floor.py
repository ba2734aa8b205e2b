"""The floors: plain sqlite3 doing exactly the row writes of the engine's work, one commit each, nothing else.

A response-deadline firing writes (bench/worker.py compares it with `process_due`, captured statement by
statement): the escalation's state UPDATE, the level's `window_passed_at` UPDATE, one outbox INSERT (the
opener, who raised level 1 too), the audit INSERT and the timer's fired-mark UPDATE. `escalation respond`
writes the escalation UPDATE, the level's response UPDATE, one outbox INSERT, the audit INSERT and the
UPDATE that cancels the level's four pending timers (deadline and reminders).

Both run on the engine's own schema with the engine's own connection hook (WAL, synchronous=NORMAL,
busy_timeout, foreign_keys=ON) and BEGIN IMMEDIATE. What they leave out is what the engine adds: reading
the case, the rules, the notice text, the audit chain's previous hash and its SHA-256, the ORM.
Everything the floor needs to know (ids) is read before the clock starts.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from escalation_engine.core.db import _sqlite_connect

from .seed import START, sql_time

HASH = "f" * 64
BODY = "Beste Dirk de Vries,\n\n" + "x" * 400  # about the length of the rendered notice


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    _sqlite_connect(conn, None)
    return conn


class FiringFloor:
    """Raw firings of the seeded response deadlines, `run(k)` at a time (so they interleave with the engine)."""

    def __init__(self, path: Path) -> None:
        self.conn = connect(path)
        self.todo = list(
            self.conn.execute(
                "SELECT t.id, e.id, l.id FROM timer t JOIN escalation e ON e.id = t.subject_id"
                " JOIN escalation_level l ON l.escalation_id = e.id AND l.level = e.level"
                " WHERE t.status = 'pending' AND t.kind = 'response_due' ORDER BY t.due_at, t.id"
            )
        )
        self.done = 0
        self.now = sql_time(START)

    def run(self, k: int) -> float:
        """Fire the next `k` (or fewer); returns the seconds it took."""
        conn, now = self.conn, self.now
        batch = self.todo[self.done : self.done + k]
        start = time.perf_counter()
        for timer_id, case_id, level_id in batch:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "UPDATE escalation SET state = 'no_response', updated_at = ? WHERE id = ?", (now, case_id)
            )
            conn.execute("UPDATE escalation_level SET window_passed_at = ? WHERE id = ?", (now, level_id))
            conn.execute(
                "INSERT INTO outbox (idempotency_key, contract_key, case_ref, recipient_key, recipient_name,"
                " recipient_email, subject, body, created_at, status, attempts, next_attempt_at) VALUES"
                " (?, 'LF', ?, 'dcm', 'Dirk de Vries', 'dcm@example.org', ?, ?, ?, 'pending', 0, ?)"
                " ON CONFLICT (idempotency_key) DO NOTHING",
                (
                    f"timer:{timer_id}:dcm",
                    f"ESC-{case_id}",
                    f"[LF] ESC-{case_id}: geen reactie",
                    BODY,
                    now,
                    now,
                ),
            )
            conn.execute(
                "INSERT INTO audit_event (recorded_at, actor, action, contract_key, case_ref, level, from_state,"
                " to_state, reason, payload, prev_hash, hash) VALUES (?, 'system', 'escalation.window_passed',"
                " 'LF', ?, 1, 'addressed', 'no_response', 'response window: addressed + 5 days ended without"
                ' response\', \'{"due_at": "x", "late_by_s": 86400}\', ?, ?)',
                (now, f"ESC-{case_id}", HASH, HASH),
            )
            conn.execute("UPDATE timer SET status = 'fired', fired_at = ? WHERE id = ?", (now, timer_id))
            conn.execute("COMMIT")
        self.done += len(batch)
        return time.perf_counter() - start

    def close(self) -> None:
        self.conn.close()


class RespondFloor:
    """The row writes of `escalation respond` at level 1 on escalations opened through the service."""

    def __init__(self, path: Path) -> None:
        self.conn = connect(path)
        rows = self.conn.execute(
            "SELECT e.id, l.id FROM escalation e JOIN escalation_level l ON l.escalation_id = e.id"
            " WHERE e.state = 'addressed' ORDER BY e.id"
        )
        pending = self.conn.execute(
            "SELECT subject_id, id FROM timer WHERE subject_kind = 'escalation' AND status = 'pending'"
        )
        self.timers: dict[int, list[int]] = {}
        for case_id, timer_id in pending:
            self.timers.setdefault(case_id, []).append(timer_id)
        self.todo = list(rows)
        self.done = 0
        self.now = sql_time(START)

    def run(self) -> float:
        """Respond to the next escalation; returns the seconds it took."""
        conn, now = self.conn, self.now
        case_id, level_id = self.todo[self.done]
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE escalation SET state = 'responded' WHERE id = ?", (case_id,))
        conn.execute(
            "UPDATE escalation_level SET responded_at = ?, responded_by = 'am', response_text = 'we are on it'"
            " WHERE id = ?",
            (now, level_id),
        )
        conn.execute(
            "INSERT INTO outbox (idempotency_key, contract_key, case_ref, recipient_key, recipient_name,"
            " recipient_email, subject, body, created_at, status, attempts, next_attempt_at) VALUES"
            " (?, 'LF', ?, 'dcm', 'Dirk de Vries', 'dcm@example.org', ?, ?, ?, 'pending', 0, ?)"
            " ON CONFLICT (idempotency_key) DO NOTHING",
            (f"esc:{case_id}:L1:a1:responded:dcm", f"ESC-{case_id}", "[LF] gereageerd", BODY, now, now),
        )
        conn.execute(
            "INSERT INTO audit_event (recorded_at, actor, actor_role, action, contract_key, case_ref, level,"
            " from_state, to_state, reason, payload, prev_hash, hash) VALUES (?, 'am', 'account_manager',"
            " 'escalation.respond', 'LF', ?, 1, 'addressed', 'responded', 'we are on it', '{\"late\": false}',"
            " ?, ?)",
            (now, f"ESC-{case_id}", HASH, HASH),
        )
        conn.executemany(
            "UPDATE timer SET status = 'cancelled', fired_at = ? WHERE id = ?",
            [(now, timer_id) for timer_id in self.timers.get(case_id, [])],
        )
        conn.execute("COMMIT")
        self.done += 1
        return time.perf_counter() - start

    def close(self) -> None:
        self.conn.close()

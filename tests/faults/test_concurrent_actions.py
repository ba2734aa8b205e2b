"""Concurrency on SQLite: the daemon and several CLI processes act on the same cases at once. No update
is lost, no "database is locked" reaches a user (writes wait), and every action is either applied or
cleanly refused (exit 3) — exactly one of two conflicting actions wins."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from faults_support import cli, counts, daemon, seed_due, start_cli, stop, wait_while_progressing
from sqlalchemy import text
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import SystemClock
from escalation_engine.core.db import Database
from escalation_engine.procedures.ladder import actions as esc

CASES = 3


def _finish(processes: list[tuple[str, str, subprocess.Popen[str]]]) -> list[tuple[str, str, int, str]]:
    results = []
    for case, action, process in processes:
        out, err = process.communicate(timeout=120)
        results.append((case, action, process.returncode, out + err))
    for case, action, code, output in results:
        assert code in (0, 3), f"{action} on {case} ended with exit {code}: {output}"
        assert "locked" not in output.lower(), f"{action} on {case}: {output}"
        assert "Traceback" not in output
    return results


def _audit_count(db: Database, case: str, action: str) -> int:
    with db.engine.connect() as conn:
        query = text("SELECT COUNT(*) FROM audit_event WHERE case_ref = :c AND action = :a")
        return int(conn.execute(query, {"c": case, "a": action}).scalar() or 0)


def _state(db: Database, case: str) -> str:
    with db.engine.connect() as conn:
        query = text("SELECT state FROM escalation WHERE id = :i")
        return str(conn.execute(query, {"i": int(case.split("-")[1])}).scalar())


@pytest.mark.slow
def test_daemon_and_cli_processes_on_the_same_cases_lose_no_update(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'engine.db'}"
    db = Database(url)
    db.upgrade()
    ctx = Ctx(db=db, clock=SystemClock())
    register(ctx)
    cases = [
        esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject=f"s{i}",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
        for i in range(CASES)
    ]
    seed_due(db, 300, SystemClock().now() - timedelta(days=20))  # keeps the daemon writing meanwhile
    with daemon(url, tmp_path / "daemon.log") as running:
        first = _race_respond_and_assess(url, db, cases)
        _race_raise_and_close(url, db, cases, assessed=first)
        wait_while_progressing(
            lambda: counts(db)["due"] == 0, lambda: counts(db)["fired"], "the daemon to fire every due timer"
        )
        assert stop(running) == 0, (tmp_path / "daemon.log").read_text()[-2000:]
    verify = cli(url, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    db.dispose()


def _race_respond_and_assess(url: str, db: Database, cases: list[str]) -> set[str]:
    """Two responses and an assessment at once per case: one response wins, the other is refused."""
    processes = []
    for case in cases:
        processes += [
            (case, "respond", start_cli(url, "escalation", "respond", case, "--text", "on it", person="am")),
            (case, "respond", start_cli(url, "escalation", "respond", case, "--text", "again", person="am")),
            (
                case,
                "assess",
                start_cli(
                    url, "escalation", "assess", case, "--insufficient", "--reason", "no", person="dcm"
                ),
            ),
        ]
    results = _finish(processes)
    assessed = set()
    for case in cases:
        responds = sorted(code for c, a, code, _ in results if c == case and a == "respond")
        assert responds == [0, 3], f"{case}: exactly one response is applied, the other refused"
        assert _audit_count(db, case, "escalation.respond") == 1
        assess_ok = [code for c, a, code, _ in results if c == case and a == "assess"] == [0]
        assert _audit_count(db, case, "escalation.assess.insufficient") == int(assess_ok)
        assert _state(db, case) == ("insufficient" if assess_ok else "responded")
        if assess_ok:
            assessed.add(case)
    return assessed


def _race_raise_and_close(url: str, db: Database, cases: list[str], assessed: set[str]) -> None:
    """A raise and a closure at once per case: whichever comes first is applied, the other refused."""
    for case in cases:
        if case not in assessed:
            done = cli(url, "escalation", "assess", case, "--insufficient", "--reason", "no", person="dcm")
            assert done.returncode == 0, done.stdout + done.stderr
    processes = []
    for case in cases:
        processes += [
            (case, "raise", start_cli(url, "escalation", "raise", case, "--reason", "go up", person="cat")),
            (
                case,
                "close",
                start_cli(
                    url,
                    "escalation",
                    "close",
                    case,
                    "--measures",
                    "m",
                    "--results",
                    "r",
                    "--lessons",
                    "l",
                    person="cat",
                ),
            ),
        ]
    results = _finish(processes)
    for case in cases:
        outcome = {a: code for c, a, code, _ in results if c == case}
        assert sorted(outcome.values()) == [0, 3], f"{case}: one of raise/close applies: {outcome}"
        raised = outcome["raise"] == 0
        assert _audit_count(db, case, "escalation.raise") == int(raised)
        assert _audit_count(db, case, "escalation.close") == int(not raised)
        assert _state(db, case) == ("addressed" if raised else "closed")

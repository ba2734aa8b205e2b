"""A clock that jumps far ahead or runs backwards fires nothing (issue 15): `tick` refuses (exit 3) and the
daemon holds, saying what the clock says, the engine's last known time, the bound and how to accept a jump;
a refused tick writes nothing, a clock behind never re-fires or un-fires a deadline."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from faults_support import all_rows
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from support import at, cli, register

from escalation_engine.app.context import Ctx
from escalation_engine.app.daemon import in_chunks, metronome
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.clock_guard import BEHIND_TOLERANCE, DEFAULT_MAX_JUMP, ClockHeld, max_jump
from escalation_engine.core.db import Database
from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.ladder import actions as esc

OPENED = at("2026-03-02", 9)


def _open_cases(ctx: Ctx, n: int = 3) -> None:
    register(ctx)
    for i in range(n):
        esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject=f"case {i}",
            norm=None,
            participant=None,
            threatened=False,
        )


def _tick(ctx: Ctx, *, accept_jump: bool = False) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    in_chunks(ctx, None, parts.append, accept_jump=accept_jump)
    return [entry for part in parts for entry in part["fired"]]


def _fired_timers(db: Database) -> dict[int, datetime]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, fired_at FROM timer WHERE status <> 'pending'")).all()
    return {int(ident): fired_at for ident, fired_at in rows}


def test_a_tick_74_years_ahead_fires_nothing_writes_nothing_and_says_how_to_accept(ctx: Ctx) -> None:
    _open_cases(ctx)
    before = all_rows(ctx.db)
    ctx.clock.set(OPENED + timedelta(days=74 * 365))  # type: ignore[attr-defined]
    with pytest.raises(ClockHeld) as refused:
        _tick(ctx)
    message = refused.value.message
    assert "2100-02-12" in message and "2026-03-02 08:00:00 UTC" in message  # the clock now, the last known
    assert "the newest audit row" in message  # never ticked yet: the last action is the last known time
    assert "7.0 days" in message and "ESCALATION_ENGINE_MAX_CLOCK_JUMP" in message  # the bound
    assert "tick --accept-jump" in message and "nothing was fired" in message
    assert refused.value.exit_code == 3
    assert all_rows(ctx.db) == before  # no deadline fired, no notice queued, no tick recorded


def test_a_jump_within_the_bound_fires_and_a_larger_one_accepted_by_the_operator_fires_too(ctx: Ctx) -> None:
    _open_cases(ctx)
    ctx.clock.set(OPENED + DEFAULT_MAX_JUMP)  # type: ignore[attr-defined]
    assert {entry["kind"] for entry in _tick(ctx)} >= {"response_due"}  # 7 days: within the bound
    ctx.clock.advance(DEFAULT_MAX_JUMP + timedelta(seconds=1))  # type: ignore[attr-defined]
    with pytest.raises(ClockHeld, match="the last tick"):
        _tick(ctx)
    _tick(ctx, accept_jump=True)  # the operator says the clock is right
    ctx.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    _tick(ctx)  # the accepted instant is the new last known time


def test_a_clock_behind_the_last_tick_fires_nothing_and_undoes_nothing(ctx: Ctx) -> None:
    _open_cases(ctx)
    ctx.clock.set(OPENED + timedelta(days=6))  # type: ignore[attr-defined]
    assert _tick(ctx)
    fired = _fired_timers(ctx.db)
    before = all_rows(ctx.db)
    ctx.clock.set(OPENED + timedelta(days=1))  # type: ignore[attr-defined]
    with pytest.raises(ClockHeld) as refused:
        _tick(ctx)
    assert "5.0 days before the engine's last known time" in refused.value.message
    assert "nothing was fired and nothing was undone" in refused.value.message
    assert all_rows(ctx.db) == before
    ctx.clock.set(OPENED + timedelta(days=6) - BEHIND_TOLERANCE)  # type: ignore[attr-defined]
    assert _tick(ctx) == []  # a little behind (two hosts' clocks): allowed, and nothing fires again
    assert _fired_timers(ctx.db) == fired


MINUTE, DAY = timedelta(minutes=1), timedelta(days=1)
MOVES = st.one_of(
    st.timedeltas(min_value=-20 * DAY, max_value=20 * DAY),
    st.sampled_from(
        [
            DEFAULT_MAX_JUMP,
            DEFAULT_MAX_JUMP + MINUTE,
            -BEHIND_TOLERANCE,
            -BEHIND_TOLERANCE - MINUTE,
            timedelta(0),
            74 * 365 * DAY,
        ]
    ),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clock") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    _open_cases(Ctx(db=db, clock=FixedClock(OPENED)), n=2)
    db.dispose()
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(MOVES, min_size=1, max_size=8))
def test_whatever_the_clock_does_a_deadline_fires_once_only_when_passed_and_a_held_tick_writes_nothing(
    template: Path, moves: list[timedelta]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(template, Path(tmp) / "engine.db")
        db = Database(f"sqlite:///{Path(tmp) / 'engine.db'}")
        clock = FixedClock(OPENED)
        ctx = Ctx(db=db, clock=clock)
        known = OPENED  # the engine's last known time: the newest audit row, then the last tick
        fired: dict[int, datetime] = {}
        for move in moves:
            clock.advance(move)
            now = clock.now()
            before = all_rows(db)
            held = now < known - BEHIND_TOLERANCE or now - known > DEFAULT_MAX_JUMP
            if held:
                with pytest.raises(ClockHeld):
                    _tick(ctx)
                assert all_rows(db) == before
                continue
            for entry in _tick(ctx):
                assert datetime.fromisoformat(entry["due_at"]) <= now  # only what has passed
            known = max(known, now)
            after = _fired_timers(db)
            assert {ident: after[ident] for ident in fired} == fired  # nothing re-fired or un-fired
            fired = after
        db.dispose()


@pytest.mark.parametrize(
    ("setting", "bound"),
    [
        ("", DEFAULT_MAX_JUMP),
        ("7", timedelta(days=7)),
        ("30d", timedelta(days=30)),
        ("36h", timedelta(hours=36)),
        ("90m", timedelta(minutes=90)),
        ("0.5", timedelta(hours=12)),
        ("off", None),
    ],
)
def test_the_clock_jump_bound_is_read_in_days_hours_or_minutes(setting: str, bound: timedelta | None) -> None:
    assert max_jump(setting) == bound


@pytest.mark.parametrize("setting", ["0", "-3", "seven", "7w", "1e9", "36501"])
def test_a_bad_clock_jump_bound_is_refused_naming_the_setting_and_what_is_allowed(setting: str) -> None:
    with pytest.raises(BadInput) as refused:
        max_jump(setting)
    assert "ESCALATION_ENGINE_MAX_CLOCK_JUMP" in refused.value.message
    assert "days (`7`, `7d`), hours (`36h`) or minutes (`90m`)" in refused.value.message


def test_tick_refuses_a_jump_with_exit_3_and_accepts_it_with_accept_jump(
    ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open_cases(ctx)
    before = all_rows(ctx.db)
    with freeze_time("2100-03-02 08:00:00"):
        refused = cli("--json", "tick", db=ctx.db.url)
        assert refused.exit_code == 3
        error = json.loads(refused.stdout)["error"]
        assert (error["kind"], error["rule"]) == ("clock_held", "clock jump bound")
        assert "tick --accept-jump" in error["message"]
        assert all_rows(ctx.db) == before
    monkeypatch.setenv("ESCALATION_ENGINE_MAX_CLOCK_JUMP", "a week")
    with freeze_time("2026-03-03 08:00:00"):
        bad = cli("--json", "tick", db=ctx.db.url)
        assert bad.exit_code == 2 and "ESCALATION_ENGINE_MAX_CLOCK_JUMP" in bad.stdout
    monkeypatch.setenv("ESCALATION_ENGINE_MAX_CLOCK_JUMP", "1d")
    with freeze_time("2026-03-08 08:00:00"):
        assert cli("tick", db=ctx.db.url).exit_code == 3  # six days: more than the operator's bound
        accepted = cli("--json", "tick", "--accept-jump", db=ctx.db.url)
        assert accepted.exit_code == 0, accepted.output
        assert {entry["kind"] for entry in json.loads(accepted.stdout)["fired"]} >= {"response_due"}
    with freeze_time("2026-03-07 08:00:00"):  # a day back: refused, nothing fired or undone
        behind = cli("--json", "tick", db=ctx.db.url)
        assert behind.exit_code == 3
        assert json.loads(behind.stdout)["error"]["rule"] == "the clock does not run backwards"


def test_the_daemon_holds_a_jumped_clock_at_every_beat_and_resumes_when_the_clock_is_right(
    db: Database,
) -> None:
    ctx = Ctx(db=db, clock=FixedClock(OPENED))
    _open_cases(ctx)
    before = all_rows(db)
    with freeze_time("2100-03-02 08:00:00"):
        for _ in range(2):  # every beat says so, and fires nothing
            beat = metronome(db)
            assert "2100-03-02 08:00:00 UTC" in beat["held"] and beat["fired"] == []
            assert "run --accept-jump" in beat["held"]
    assert all_rows(db) == before
    with freeze_time("2026-03-08 08:00:00"):  # the clock corrected: within the bound again
        beat = metronome(db)
        assert "held" not in beat and beat["fired"]
    accept = {"jump": True}
    with freeze_time("2026-04-08 08:00:00"):  # a month: the operator started the daemon with --accept-jump
        assert "held" not in metronome(db, accept)
        assert accept == {"jump": False}  # once: the next jump is held again
    with freeze_time("2026-05-08 08:00:00"):
        assert "held" in metronome(db, accept)


def test_a_running_daemon_holds_a_jumped_clock_beat_after_beat_and_resumes_once_the_jump_is_accepted(
    tmp_path: Path,
) -> None:
    from faults_support import cli as run_cli
    from faults_support import counts, daemon, seed_due, stop, wait_until

    from escalation_engine.core.clock import SystemClock

    url = f"sqlite:///{tmp_path / 'engine.db'}"
    db = Database(url)
    db.upgrade()
    register(Ctx(db=db, clock=FixedClock(SystemClock().now() - timedelta(days=20))))
    seed_due(db, 20, SystemClock().now() - timedelta(days=20))  # the newest audit row: 20 days ago
    log = tmp_path / "daemon.log"
    with daemon(url, log, accept_jump=False) as running:
        wait_until(lambda: log.read_text().count("beat: HELD") >= 3, 300, "three held beats")
        assert counts(db)["fired"] == 0 and running.poll() is None  # held, not stopped
        assert "20.0 days after the engine's last known time" in log.read_text()
        accepted = run_cli(url, "tick", "--accept-jump", "--console")
        assert accepted.returncode == 0, accepted.stderr
        held = log.read_text().count("beat: HELD")
        import time

        time.sleep(2)  # about ten beats of 0.2 s: none of them holds any more
        assert log.read_text().count("beat: HELD") <= held + 1  # at most the beat running during the tick
        assert running.poll() is None
        assert stop(running) == 0
    assert counts(db)["due"] == 0
    db.dispose()

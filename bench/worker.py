"""One benchmark per process (so peak memory is its own): `python -m bench.worker NAME ARGS…` → JSON on stdout."""

from __future__ import annotations

import json
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from .seed import START


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def seed_timers(work: Path, n: int) -> dict[str, Any]:
    from .seed import fresh_engine, seed_due_escalations

    engine_db, floor_db = work / "timers.db", work / "floor.db"
    ctx = fresh_engine(engine_db)
    ctx.db.dispose()
    seed_due_escalations(engine_db, n, START)
    shutil.copyfile(engine_db, floor_db)
    return {"engine_db": str(engine_db), "floor_db": str(floor_db)}


def fire_timers(work: Path, n: int) -> dict[str, Any]:
    """`process_due` over `n` due response deadlines and the floor's raw firings of the same `n` on a copy,
    interleaved in chunks of 500 in this one process (so a shift in the machine's load hits both alike);
    RSS is sampled after each engine chunk."""
    from escalation_engine.app.context import Ctx
    from escalation_engine.core.clock import FixedClock
    from escalation_engine.core.db import Database
    from escalation_engine.core.timers import process_due

    from .floor import FiringFloor

    ctx = Ctx(db=Database(f"sqlite:///{work / 'timers.db'}"), clock=FixedClock(START + timedelta(days=7)))
    floor = FiringFloor(work / "floor.db")
    process_due(ctx, limit=20)  # warm-up: imports, caches, connection pool
    floor.run(20)
    base = _rss_kib()
    samples: list[int] = []
    fired, failed = 20, 0
    elapsed = floor_seconds = 0.0
    while True:  # what a long catch-up looks like: bounded reports, one timer per transaction
        t0 = time.perf_counter()
        report = process_due(ctx, limit=CHUNK)
        elapsed += time.perf_counter() - t0
        if not report.fired and not report.failed:
            break
        fired, failed = fired + len(report.fired), failed + len(report.failed)
        samples.append(_rss_kib())
        floor_seconds += floor.run(CHUNK)
    ctx.db.dispose()
    floor.close()
    after_1000 = samples[1:] or samples  # chunks of 500: the second sample is after the first 1,000
    return {
        "fired": fired,
        "failed": failed,
        "seconds": elapsed,
        "rate": (fired - 20) / elapsed,
        "floor_fired": floor.done,
        "floor_rate": (floor.done - 20) / floor_seconds,
        "rss_before_kib": base,
        "rss_after_first_1000_kib": after_1000[0],
        "rss_last_kib": samples[-1],
        "rss_growth_after_first_1000_kib": max(after_1000) - after_1000[0],
        "peak_kib": _peak_kib(),
    }


CHUNK = 500


def actions(work: Path, m: int) -> dict[str, Any]:
    """open → respond → assess insufficient → raise → respond → assess sufficient → close (7 actions per
    case, each its own transaction) for `m` cases; then the bytes per closed escalation."""
    from escalation_engine.procedures.ladder import actions as esc

    from .floor import RespondFloor
    from .seed import fresh_engine, open_escalations

    open_escalations(fresh_engine(work / "respond_floor.db"), m).db.dispose()  # the floor's cases, untimed
    respond_floor = RespondFloor(work / "respond_floor.db")
    floor_seconds = 0.0
    ctx = fresh_engine(work / "actions.db")
    size_before = _db_bytes(work / "actions.db")
    timings: dict[str, float] = {"open": 0.0, "respond": 0.0, "assess": 0.0, "raise": 0.0, "close": 0.0}
    counts = dict.fromkeys(timings, 0)

    def timed(name: str, call: Any, **kwargs: Any) -> dict[str, Any]:
        t0 = time.perf_counter()
        result: dict[str, Any] = call(ctx, **kwargs)
        timings[name] += time.perf_counter() - t0
        counts[name] += 1
        return result

    first_respond = 0.0
    for i in range(m):
        case = timed(
            "open",
            esc.open_escalation,
            actor_key="dcm",
            contract_key="LF",
            subject=f"bench {i}",
            norm="KPI 1",
            participant=None,
            threatened=False,
        )["case"]
        t0 = time.perf_counter()
        esc.respond(ctx, actor_key="am", ref=case, text="we are on it")
        first_respond += time.perf_counter() - t0
        timings["respond"] += time.perf_counter() - t0
        counts["respond"] += 1
        floor_seconds += respond_floor.run()  # interleaved: the same respond, its row writes raw
        timed("assess", esc.assess, actor_key="dcm", ref=case, sufficient=False, reason="not enough")
        timed("raise", esc.raise_level, actor_key="cat", ref=case, reason="level 1 did not help")
        timed("respond", esc.respond, actor_key="sm", ref=case, text="extra staff assigned")
        timed("assess", esc.assess, actor_key="cat", ref=case, sufficient=True, reason="solved")
        timed("close", esc.close, actor_key="cat", ref=case, measures="m", results="r", lessons="l")
    ctx.db.dispose()
    respond_floor.close()
    total = sum(timings.values())
    return {
        "cases": m,
        "rate": sum(counts.values()) / total,
        "respond_rate": m / first_respond,
        "respond_floor_rate": m / floor_seconds,
        "per_action_ms": {k: 1000 * v / counts[k] for k, v in timings.items()},
        **_storage(work / "actions.db", size_before, m),
    }


def _db_bytes(path: Path) -> int:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    size = int(
        conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
    )
    conn.close()
    return size


def _storage(path: Path, before: int, cases: int) -> dict[str, Any]:
    after = _db_bytes(path)
    conn = sqlite3.connect(path)
    counts = {
        table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)
        for table in ("escalation", "escalation_level", "timer", "outbox", "audit_event")
    }
    try:
        per_table = dict(conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"))
    except sqlite3.OperationalError:
        per_table = {}
    conn.close()
    return {
        "bytes_per_closed_case": (after - before) / cases,
        "rows": counts,
        "bytes_by_table": per_table,
    }


def idle(work: Path, n: int) -> dict[str, Any]:
    """Ticks over `n` pending timers none of which is due yet (seeded here, then timed)."""
    from escalation_engine.core.channels import ConsoleChannel
    from escalation_engine.core.outbox import deliver
    from escalation_engine.core.timers import process_due

    from .seed import fresh_engine, seed_future_timers

    path = work / "idle.db"
    ctx = fresh_engine(path)
    seed_future_timers(path, n, START)
    conn = sqlite3.connect(path)
    conn.execute("ANALYZE")
    conn.close()
    channel = ConsoleChannel(stream=sys.stderr)
    times: list[float] = []
    beats: list[float] = []
    for _ in range(30):
        t0 = time.perf_counter()
        report = process_due(ctx)
        t1 = time.perf_counter()
        deliver(ctx, channel)
        t2 = time.perf_counter()
        assert not report.fired
        times.append(t1 - t0)
        beats.append(t2 - t0)
    ctx.db.dispose()
    return {
        "pending": n,
        "tick_ms_median": 1000 * statistics.median(times[5:]),
        "tick_ms_max": 1000 * max(times[5:]),
        "beat_ms_median": 1000 * statistics.median(beats[5:]),
    }


def scale_sqlite(work: Path, n: int) -> list[dict[str, Any]]:
    from .scale import scale

    return scale(work, "sqlite", n)


def scale_pg(work: Path, n: int) -> list[dict[str, Any]]:
    from .scale import scale

    return scale(work, "postgresql", n)


JOBS = {
    "scale_sqlite": scale_sqlite,
    "scale_pg": scale_pg,
    "seed_timers": seed_timers,
    "fire_timers": fire_timers,
    "actions": actions,
    "idle": idle,
}

if __name__ == "__main__":
    name, work, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(JOBS[name](work, count)))  # type: ignore[operator]

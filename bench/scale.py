"""Lists at scale: one page of 50 rows of every list and overview at 2,000 and 20,000 escalations (the two
databases measured call by call in turn).

The escalations are opened through the service (`open_escalation`: level 1 addressed, its deadline and
reminders, notices and audit), not with bulk SQL, so the tables hold what real use leaves. Seeding 20,000
takes minutes, so the seed is kept: a SQLite file under the temp dir, or a PostgreSQL database, named by
SEED_VERSION and the size (change SEED_VERSION when the seed or the schema changes). Each list is timed
in-process (the service call, no CLI start-up), median of RUNS (3 when one call takes over a second)
after one warm-up.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SEED_VERSION = 3  # 2: schema 0012 after 0011 (engine_clock); 3: 0013 (escalation list indexes)
RUNS = 7
PAGE = 50
PG = os.environ.get("ESCALATION_ENGINE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
CACHE = Path(
    os.environ.get("ESCALATION_ENGINE_BENCH_CACHE") or Path(tempfile.gettempdir()) / "ee-bench-cache"
)
TAIL = 1_000  # `audit verify --since-checkpoint` with a checkpoint this many rows before the head


def _lists(total: int) -> dict[str, Callable[[Any], Any]]:
    from escalation_engine.core.deadlines import list_deadlines
    from escalation_engine.procedures.kpis.queries import list_verdicts
    from escalation_engine.procedures.kpis.report import report
    from escalation_engine.procedures.kpis.sanction_views import list_sanctions
    from escalation_engine.procedures.ladder.queries import list_escalations
    from escalation_engine.procedures.obligations.listing import list_obligations
    from escalation_engine.procedures.plans.queries import list_plans
    from escalation_engine.procedures.step_in.views import list_step_ins

    return {
        "escalation list": lambda ctx: list_escalations(ctx, state="all", limit=PAGE),
        "escalation list --contract --state (last page)": lambda ctx: list_escalations(
            ctx, contract_key="LF", state="open", limit=PAGE, offset=max(total - PAGE, 0)
        ),
        "deadlines": lambda ctx: list_deadlines(ctx, limit=PAGE),
        "deadlines --contract --within 7": lambda ctx: list_deadlines(
            ctx, contract_key="LF", within_days=7, limit=PAGE
        ),
        "deadlines --person": lambda ctx: list_deadlines(ctx, person_key="am", limit=PAGE),
        "obligations": lambda ctx: list_obligations(ctx, state="all", limit=PAGE),
        "plan list": lambda ctx: list_plans(ctx, state="all", limit=PAGE),
        "stepin list": lambda ctx: list_step_ins(ctx, state="all", limit=PAGE),
        "sanction list": lambda ctx: list_sanctions(ctx, contract_key=None, limit=PAGE),
        "kpi verdicts": lambda ctx: list_verdicts(ctx, contract_key="LF", limit=PAGE),
        "kpi report": lambda ctx: report(ctx, contract_key="LF"),
        "digest selection": _digest,
    }


def _count(ctx: Any) -> int:
    from sqlmodel import func, select

    from escalation_engine.procedures.ladder.tables import Escalation

    with ctx.db.read() as session:
        return int(session.exec(select(func.count()).select_from(Escalation)).one())


def _digest(ctx: Any) -> Any:
    from escalation_engine.contracts.people import get_person
    from escalation_engine.procedures.obligations.digests import queue_digest

    with ctx.db.read() as session:
        return queue_digest(ctx.registry, session, get_person(session, "LF", "am"), ctx.clock.now())


def _seed(url: str, n: int, have: int) -> None:
    from .seed import context, fresh_engine, open_escalations

    ctx = fresh_engine(url) if have == 0 else context(url)
    open_escalations(ctx, n - have, first=have)
    ctx.db.dispose()


def sqlite_seed(work: Path, n: int) -> tuple[str, float]:
    """A copy of the cached SQLite seed of `n` escalations in `work` (seeded first if not cached; a smaller
    cached seed is continued); returns the URL and the seconds seeding took now (0 when cached)."""
    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"scale-v{SEED_VERSION}-{n}.db"
    seconds = 0.0
    if not cached.exists():
        smaller = sorted(
            CACHE.glob(f"scale-v{SEED_VERSION}-*.db"), key=lambda p: int(p.stem.rsplit("-", 1)[1])
        )
        base = next((p for p in reversed(smaller) if int(p.stem.rsplit("-", 1)[1]) < n), None)
        building = CACHE / f"building-{os.getpid()}.db"
        have = 0
        if base is not None:
            shutil.copyfile(base, building)
            have = int(base.stem.rsplit("-", 1)[1])
        t0 = time.perf_counter()
        _seed(f"sqlite:///{building}", n, have)
        seconds = time.perf_counter() - t0
        building.replace(cached)
    target = work / f"scale-{n}.db"
    shutil.copyfile(cached, target)
    return f"sqlite:///{target}", seconds


def pg_seed(n: int) -> tuple[str, float]:
    """The PostgreSQL database `ee_bench_v<SEED_VERSION>_<n>` (created and seeded if missing, from the
    smaller seed as a template when there is one); returns its URL and the seconds seeding took now."""
    import psycopg

    server = PG.rsplit("/", 1)[0]
    name = f"ee_bench_v{SEED_VERSION}_{n}"
    with psycopg.connect(PG, autocommit=True) as conn:
        have = {
            row[0] for row in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'ee_bench_%'")
        }
        if name in have:
            as_autovacuum_keeps_it(f"{server}/{name}")
            return f"{server}/{name}", 0.0
        smaller = sorted(
            (int(d.rsplit("_", 1)[1]), d)
            for d in have
            if d.startswith(f"ee_bench_v{SEED_VERSION}_") and "_tmp" not in d
        )
        base = next(((size, d) for size, d in reversed(smaller) if size < n), None)
        building = f"{name}_tmp"
        conn.execute(f'DROP DATABASE IF EXISTS "{building}"')
        if base is not None:
            conn.execute(f'CREATE DATABASE "{building}" TEMPLATE "{base[1]}"')
        else:
            conn.execute(f'CREATE DATABASE "{building}"')
    t0 = time.perf_counter()
    _seed(f"{server}/{building}", n, base[0] if base else 0)
    seconds = time.perf_counter() - t0
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    as_autovacuum_keeps_it(f"{server}/{name}")
    return f"{server}/{name}", seconds


def as_autovacuum_keeps_it(url: str) -> None:
    """The planner's statistics and the visibility map as PostgreSQL's autovacuum keeps them on a database
    in use (its default; it is off on these machines): without them the planner took 289 audit rows for
    the contract's 200,000 and read the audit review by bitmap over all of them (90 ms, not 7), and a
    count of the account manager's 18,101 deadlines read the table beside its index (6.5 ms, not 2)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def measure(urls: list[str], runs: int = RUNS) -> list[dict[str, Any]]:
    """The median milliseconds of each list on each database (and the rows it returned). The databases
    take turns call by call, so a shift in the machine's load hits every size alike."""
    from escalation_engine.core.clock import FixedClock

    from .seed import context

    ctxs = [context(url, FixedClock(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))) for url in urls]
    results: list[dict[str, Any]] = []
    for ctx in ctxs:
        ctx.db.upgrade()  # a kept seed made before a later migration gets its indexes (the rows are the same)
        results.append({"escalations": _count(ctx)})
    for name in _lists(0):
        listings = [_lists(result["escalations"])[name] for result in results]
        slow = False
        for ctx, listing in zip(ctxs, listings, strict=True):
            t0 = time.perf_counter()
            listing(ctx)  # warm-up: imports, the contract's profile, the database's caches
            slow = slow or time.perf_counter() - t0 > 1.0  # a list that takes seconds: 3 times, not RUNS
        times: list[list[float]] = [[] for _ in ctxs]
        sizes = [0 for _ in ctxs]
        for _ in range(3 if slow else runs):
            for k, (ctx, listing) in enumerate(zip(ctxs, listings, strict=True)):
                t0 = time.perf_counter()
                rows = listing(ctx)
                times[k].append(time.perf_counter() - t0)
                sizes[k] = len(rows) if isinstance(rows, list) else 1
        for k, result in enumerate(results):
            result[name] = {"ms": 1000 * statistics.median(times[k]), "rows": sizes[k]}
    audits: list[list[dict[str, Any]]] = [[] for _ in ctxs]
    for _ in range(3):  # in turn as well; the median run by its full-chain time
        for k, ctx in enumerate(ctxs):
            audits[k].append(_audit(ctx))
    for ctx, result, runs_of in zip(ctxs, results, audits, strict=True):
        result["audit verify"] = sorted(runs_of, key=lambda run: run["ms"])[1]
        ctx.db.dispose()
    return results


def _audit(ctx: Any) -> dict[str, Any]:
    """`audit verify` over the whole chain, and from a checkpoint TAIL rows before the head."""
    from escalation_engine.core import audit

    t0 = time.perf_counter()
    whole = audit.verify(ctx.db)
    full_s = time.perf_counter() - t0
    assert whole.ok, whole.problems
    anchor = max(whole.rows - TAIL, 1)
    head = next(row["hash"] for row in audit.listing(ctx.db) if row["id"] == anchor)
    t0 = time.perf_counter()
    tail = audit.verify(ctx.db, since=(anchor, head))
    tail_s = time.perf_counter() - t0
    assert tail.ok and tail.head == whole.head, tail.problems
    return {
        "rows": whole.rows,
        "ms": 1000 * full_s,
        "us_per_row": 1e6 * full_s / whole.rows,
        "since_checkpoint_rows": tail.rows,
        "since_checkpoint_ms": 1000 * tail_s,
        "since_checkpoint_us_per_row": 1e6 * tail_s / max(tail.rows, 1),
    }


def scale(work: Path, backend: str, n: int) -> list[dict[str, Any]]:
    """Seed (or take the kept seeds of) n / 10 and n escalations, then measure both, interleaved."""
    sizes = [max(n // 10, 1), n]
    seeds = [sqlite_seed(work, size) if backend == "sqlite" else pg_seed(size) for size in sizes]
    measured = measure([url for url, _seconds in seeds])
    return [
        {"backend": backend, "n": size, "seed_seconds": seconds, **result}
        for size, (_url, seconds), result in zip(sizes, seeds, measured, strict=True)
    ]

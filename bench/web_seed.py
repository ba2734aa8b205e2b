"""The web benchmark's database: N escalations and at least R audit rows, kept between runs.

The escalations are the scale benchmark's kept seed (`bench.scale`: opened one by one through the service,
with their deadlines, reminders, notices and audit rows), copied. On the copy: the shared mode with a
password for the people who sign in, a response on every tenth escalation (the participant then has an
assessment to make), a hundred escalations more for participant DJI, one escalation with 200 audit rows of real rounds (respond, judged insufficient,
raised, refused back), and, to bring the trail to R rows, history rows written by the engine's audit
writer a thousand per transaction (action `bench.history`, on the contract but on no case: `audit verify`
passes and the replay of the cases is untouched). Those are the only rows not made by a procedure: the
audit review and the size of the audit table are what they measure.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from .scale import CACHE, PG, SEED_VERSION, as_autovacuum_keeps_it, pg_seed, sqlite_seed

WEB_SEED_VERSION = 2  # 2: a hundred escalations for participant DJI
PASSWORD = "bench wachtwoord 2026"
PARTICIPANT = "DJI"  # a participant with a hundred escalations among the N: the contract page filtered on it
SIGN_IN = ("dcm", "cat", "am", "sm")
HISTORY_BATCH = 1_000


def seed(backend: str, cases: int, audit_rows: int, work: Path) -> tuple[str, str, float]:
    """The URL of a web benchmark database, the long case's reference, and the seconds seeding took now."""
    name = f"web-v{SEED_VERSION}.{WEB_SEED_VERSION}-{cases}-{audit_rows}"
    if backend == "sqlite":
        kept = CACHE / f"{name}.db"
        seconds = 0.0
        if not kept.exists():
            base_url, seconds = sqlite_seed(work, cases)
            t0 = time.perf_counter()
            _top_up(base_url, audit_rows)
            seconds += time.perf_counter() - t0
            shutil.move(base_url.removeprefix("sqlite:///"), kept)
        target = work / "web.db"
        shutil.copyfile(kept, target)
        return f"sqlite:///{target}", _long_case(f"sqlite:///{target}"), seconds
    return _pg(name.replace("-", "_").replace(".", "_"), cases, audit_rows)


def _pg(name: str, cases: int, audit_rows: int) -> tuple[str, str, float]:
    import psycopg

    server = PG.rsplit("/", 1)[0]
    with psycopg.connect(PG, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if found:
        as_autovacuum_keeps_it(f"{server}/{name}")
        return f"{server}/{name}", _long_case(f"{server}/{name}"), 0.0
    base_url, seconds = pg_seed(cases)
    building = f"{name}_tmp"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{building}"')
        conn.execute(f'CREATE DATABASE "{building}" TEMPLATE "{base_url.rsplit("/", 1)[1]}"')
    t0 = time.perf_counter()
    _top_up(f"{server}/{building}", audit_rows)
    seconds += time.perf_counter() - t0
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    as_autovacuum_keeps_it(f"{server}/{name}")
    return f"{server}/{name}", _long_case(f"{server}/{name}"), seconds


def _top_up(url: str, audit_rows: int) -> None:
    from escalation_engine.accounts.admin import make_shared
    from escalation_engine.accounts.passwords import give_password
    from escalation_engine.accounts.tokens import authenticate
    from escalation_engine.contracts.participants import add_participant
    from escalation_engine.core.principal import LOCAL, Principal, acting
    from escalation_engine.procedures.ladder import actions as esc

    from .seed import context

    ctx = context(url)
    ctx.db.upgrade()
    with acting(Principal(auth=LOCAL, operator="bench")):
        refs = [f"ESC-{n}" for n in range(1, _escalations(ctx) + 1)]
        for ref in refs[::10]:
            esc.respond(ctx, actor_key="am", ref=ref, text="op weg")
        add_participant(ctx, contract_key="LF", name=PARTICIPANT, actor="bench")
        for i in range(100):
            esc.open_escalation(
                ctx,
                actor_key="dcm",
                contract_key="LF",
                subject=f"bench {PARTICIPANT} {i}",
                norm=None,
                participant=PARTICIPANT,
                threatened=False,
            )
        long_case = esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject="lang",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
        while _rows(ctx, long_case) < 200:  # respond, judged insufficient, raised, refused back: 4 a round
            esc.respond(ctx, actor_key="am", ref=long_case, text="reactie")
            esc.assess(ctx, actor_key="dcm", ref=long_case, sufficient=False, reason="nog niet")
            esc.raise_level(ctx, actor_key="cat", ref=long_case, reason="omhoog")
            esc.refuse(ctx, actor_key="sm", ref=long_case, reason="eerst niveau 1")
        _history(ctx, audit_rows)
    token = make_shared(ctx, admin_email="cat@example.org", name="cat")["token"]
    authenticate(ctx, token)
    for who in SIGN_IN:
        give_password(ctx, email=f"{who}@example.org", password=PASSWORD)
    ctx.db.dispose()


def _history(ctx: Any, audit_rows: int) -> None:
    from escalation_engine.core import audit

    missing = audit_rows - _rows(ctx, None)
    written = 0
    while written < missing:
        with ctx.db.write() as session:
            for _ in range(min(HISTORY_BATCH, missing - written)):
                audit.append(
                    ctx.db,
                    session,
                    now=ctx.clock.now(),
                    actor="bench",
                    action="bench.history",
                    contract_key="LF",
                    reason=f"history row {written}",
                )
                written += 1


def _escalations(ctx: Any) -> int:
    from sqlmodel import func, select

    from escalation_engine.procedures.ladder.tables import Escalation

    with ctx.db.read() as session:
        return int(session.exec(select(func.count()).select_from(Escalation)).one())


def _rows(ctx: Any, case: str | None) -> int:
    from sqlmodel import func, select

    from escalation_engine.core.tables import AuditEvent

    query = select(func.count()).select_from(AuditEvent)
    if case is not None:
        query = query.where(AuditEvent.case_ref == case)
    with ctx.db.read() as session:
        return int(session.exec(query).one())


def _long_case(url: str) -> str:
    from sqlmodel import select

    from escalation_engine.procedures.ladder.tables import Escalation

    from .seed import context

    ctx = context(url)
    ctx.db.upgrade()  # a kept seed made before a later migration gets its indexes (the rows are the same)
    with ctx.db.read() as session:
        found = session.exec(select(Escalation.id).where(Escalation.subject == "lang")).first()
    ctx.db.dispose()
    assert found is not None, "the web seed has no long case"
    return f"ESC-{found}"

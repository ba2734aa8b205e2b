"""Web pages under load: `python -m bench.web [--cases N] [--pg URL] [--users 20] [--seconds 10]`.

Seeds N escalations through the service API (each opened, responded to, assessed and raised: real timers,
audit rows and outbox history; one in ten for participant DJI), one case with 200 audit rows, and a shared
database whose people sign in with passwords. Then it measures the server time of the pages (My work, the
contract page, the contract page filtered on one participant, the case page with 200 audit rows, the audit
review) in-process, and 20 signed-in users held for a bounded time on loopback
(uvicorn, one client thread each): median and p95 per page, errors. Target: p95 ≤ 50 ms, no error. In-process,
each page's first request (cold: templates, the pinned profile, SQL compiled once) is printed on its own and
the median and p95 are over the `--repeats` after it; the app is settled (`web.app.settle`) as `serve` does.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

TARGET_P95_MS = 50.0
PASSWORD = "bench wachtwoord 2026"
PARTICIPANT = "DJI"


def _seed(url: str, cases: int) -> str:
    from escalation_engine.accounts.admin import make_shared
    from escalation_engine.accounts.passwords import give_password
    from escalation_engine.accounts.tokens import authenticate
    from escalation_engine.app.context import Ctx
    from escalation_engine.app.registration import add_contract, add_person
    from escalation_engine.contracts.participants import add_participant
    from escalation_engine.core.db import Database
    from escalation_engine.core.principal import LOCAL, Principal, acting
    from escalation_engine.procedures.ladder import actions as esc

    db = Database(url)
    db.upgrade()
    ctx = Ctx(db=db)
    with acting(Principal(auth=LOCAL, operator="bench")):
        add_contract(
            ctx,
            key="LF",
            profile_name="leasefietsen-rijk",
            title="bench",
            start=date(2026, 1, 1),
            award=None,
            actor="bench",
        )
        add_participant(ctx, contract_key="LF", name=PARTICIPANT, actor="bench")
        for key, side, role in (
            ("dcm", "participant", "participant_contract_manager"),
            ("cat", "client", "category"),
            ("am", "supplier", "account_manager"),
            ("sm", "supplier", "service_manager"),
        ):
            add_person(
                ctx,
                key=key,
                contract_key="LF",
                name=key,
                side=side,
                role=role,
                organisation=None,
                email=f"{key}@example.org",
                actor="bench",
            )
        for i in range(cases):
            ref = esc.open_escalation(
                ctx,
                actor_key="dcm",
                contract_key="LF",
                subject=f"bench {i}",
                norm=None,
                participant=PARTICIPANT if i % 10 == 0 else None,
                threatened=False,
            )["case"]
            if i % 2 == 0:
                esc.respond(ctx, actor_key="am", ref=ref, text="op weg")
        long_case = esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject="lang",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
        for _ in range(100):  # respond, judge insufficient, raise, refused back to level 1: 4+ rows a round
            if len(_audit_rows(ctx, long_case)) >= 200:
                break
            esc.respond(ctx, actor_key="am", ref=long_case, text="reactie")
            esc.assess(ctx, actor_key="dcm", ref=long_case, sufficient=False, reason="nog niet")
            esc.raise_level(ctx, actor_key="cat", ref=long_case, reason="omhoog")
            esc.refuse(ctx, actor_key="sm", ref=long_case, reason="eerst niveau 1")
    token = make_shared(ctx, admin_email="cat@example.org", name="cat")["token"]
    authenticate(ctx, token)
    for who in ("dcm", "cat", "am", "sm"):
        give_password(ctx, email=f"{who}@example.org", password=PASSWORD)
    db.dispose()
    return long_case


def _audit_rows(ctx: Any, case: str) -> list[Any]:
    from escalation_engine.core import audit

    return audit.listing(ctx.db, case_ref=case)


def _pages(case: str) -> dict[str, str]:
    return {
        "my work": "/",
        "contract page": "/contracten/LF",
        "contract DJI": f"/contracten/LF?participant={PARTICIPANT}",
        "case page": f"/escalaties/{case}",
        "audit review": "/audit",
    }


def _sign_in(client: Any, email: str) -> None:
    page = client.get("/aanmelden")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert csrf
    answer = client.post(
        "/aanmelden", data={"email": email, "password": PASSWORD, "next": "/", "csrf": csrf.group(1)}
    )
    assert answer.status_code == 303, answer.text[:300]


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[max(0, int(len(ordered) * 0.95) - 1)],
    }


def in_process(url: str, case: str, repeats: int) -> dict[str, Any]:
    from starlette.testclient import TestClient

    from escalation_engine.core.db import Database
    from escalation_engine.web.app import create_app, settle

    db = Database(url)
    client = TestClient(create_app(db), follow_redirects=False)
    settle()  # as `serve` does once it has started
    _sign_in(client, "cat@example.org")
    out = {}
    for name, path in _pages(case).items():
        samples = []
        for _ in range(repeats + 1):
            t0 = time.perf_counter()
            answer = client.get(path)
            samples.append((time.perf_counter() - t0) * 1000)
            assert answer.status_code == 200, (path, answer.status_code)
        out[name] = {**_stats(samples[1:]), "first_ms": samples[0]}  # the first reads cold: on its own
    db.dispose()
    return out


def under_load(url: str, case: str, users: int, seconds: float) -> dict[str, Any]:
    import httpx2 as httpx
    import uvicorn

    from escalation_engine.core.db import Database
    from escalation_engine.web.app import create_app, settle

    db = Database(url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    settle()
    base = f"http://127.0.0.1:{port}"
    samples: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def user(n: int) -> None:
        with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
            _sign_in(client, ("dcm", "cat", "am", "sm")[n % 4] + "@example.org")
            pages = list(_pages(case).items())
            i = n
            while time.monotonic() < stop:  # bounded in time; every request is to loopback
                name, path = pages[i % len(pages)]
                i += 1
                t0 = time.perf_counter()
                answer = client.get(path)
                samples[name].append((time.perf_counter() - t0) * 1000)
                if answer.status_code != 200:
                    errors.append(f"{path}: {answer.status_code}")

    workers = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    server.should_exit = True
    thread.join(timeout=10)
    db.dispose()
    return {
        "users": users,
        "seconds": seconds,
        "errors": len(errors),
        "first_errors": errors[:5],
        "pages": {name: _stats(v) for name, v in samples.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__)
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--pg", help="a PostgreSQL URL (a fresh schema is used) instead of SQLite")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ee-bench-web-") as tmp:
        url = args.pg or f"sqlite:///{Path(tmp) / 'web.db'}"
        t0 = time.time()
        case = _seed(url, args.cases)
        seeded = time.time() - t0
        result = {
            "cases": args.cases,
            "seed_s": seeded,
            "in_process": in_process(url, case, args.repeats),
            "load": under_load(url, case, args.users, args.seconds),
        }
    for kind in ("in_process", "load"):
        pages = result[kind] if kind == "in_process" else result[kind]["pages"]
        for name, s in pages.items():
            verdict = "met" if s["p95_ms"] <= TARGET_P95_MS else "NOT met"
            first = f"  (first {s['first_ms']:.1f} ms)" if "first_ms" in s else ""
            print(
                f"{kind:<10} {name:<14} median {s['median_ms']:8.1f} ms  p95 {s['p95_ms']:8.1f} ms  {verdict}{first}"
            )
    print(
        f"load: {result['load']['users']} users for {result['load']['seconds']:.0f} s, errors {result['load']['errors']}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""Web pages under load: `python -m bench.web [--cases 20000] [--audit-rows 200000] [--backends sqlite,pg]
[--users 20] [--seconds 10]`.

The database (`bench.web_seed`, kept between runs): N escalations opened through the service, a response on
every tenth one, a hundred more for participant DJI, one case with 200 audit rows, a trail of at least R
audit rows, and the people signing in with passwords. Then it measures the server time of the pages (My work
of the category and of the supplier's account manager — every escalation's response is theirs —, the
contract page, the contract page filtered on DJI, the case page with 200 audit rows, the audit review)
in-process, and 20 signed-in users held for a bounded time on loopback (uvicorn, one client thread each):
median and p95 per page, errors. Target: p95 ≤ 50 ms, no error. In-process, each page's first request
(cold: templates, the pinned profile, SQL compiled once) is reported on its own and the median and p95 are
over the `--repeats` after it; the app is settled (`web.app.settle`) as `serve` does.
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
from pathlib import Path
from typing import Any

from .web_seed import PARTICIPANT, PASSWORD, seed

TARGET_P95_MS = 50.0


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
    app = create_app(db)
    settle()  # as `serve` does once it has started
    clients = {}
    for who in ("cat", "am"):
        clients[who] = TestClient(app, follow_redirects=False)
        _sign_in(clients[who], f"{who}@example.org")
    measured = [(f"{name} (category)", "cat", path) for name, path in _pages(case).items()]
    measured.insert(1, ("my work (account manager)", "am", "/"))
    out = {}
    for name, who, path in measured:
        samples = []
        for _ in range(repeats + 1):
            t0 = time.perf_counter()
            answer = clients[who].get(path)
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
    stop = [0.0]  # the held period starts once every user has signed in (argon2 takes a while)
    ready = threading.Barrier(users + 1, action=lambda: stop.__setitem__(0, time.monotonic() + seconds))

    def user(n: int) -> None:
        with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
            _sign_in(client, ("dcm", "cat", "am", "sm")[n % 4] + "@example.org")
            ready.wait()
            pages = list(_pages(case).items())
            i = n
            while time.monotonic() < stop[0]:  # bounded in time; every request is to loopback
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
    ready.wait()
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
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--audit-rows", type=int, default=200_000)
    parser.add_argument("--backends", default="sqlite,pg", help="sqlite, pg or both (comma-separated)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    results = []
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="ee-bench-web-") as tmp:
            url, case, seeded = seed(backend, args.cases, args.audit_rows, Path(tmp))
            result = {
                "backend": backend,
                "cases": args.cases,
                "audit_rows": args.audit_rows,
                "seed_s": seeded,
                "in_process": in_process(url, case, args.repeats),
                "load": under_load(url, case, args.users, args.seconds),
            }
        results.append(result)
        _print(result)
    print(json.dumps(results))


def _print(result: dict[str, Any]) -> None:
    print(f"{result['backend']}: {result['cases']:,} escalations, {result['audit_rows']:,} audit rows")
    for kind in ("in_process", "load"):
        pages = result[kind] if kind == "in_process" else result[kind]["pages"]
        for name, s in pages.items():
            verdict = "met" if s["p95_ms"] <= TARGET_P95_MS else "NOT met"
            first = f"  (first {s['first_ms']:.1f} ms)" if "first_ms" in s else ""
            print(
                f"  {kind:<10} {name:<27} median {s['median_ms']:8.1f} ms  p95 {s['p95_ms']:8.1f} ms  {verdict}{first}"
            )
    load = result["load"]
    print(f"  load: {load['users']} users for {load['seconds']:.0f} s, errors {load['errors']}")


if __name__ == "__main__":
    main()

"""Web pages under load: `python -m bench.web [--cases 20000] [--audit-rows 200000] [--backends sqlite,pg]
[--users 20] [--seconds 10] [--think 1]`.

The database (`bench.web_seed`, kept between runs): N escalations opened through the service, a response on
every tenth one, a hundred more for participant DJI, one case with 200 audit rows, a trail of at least R
audit rows, and the people signing in with passwords. Then it measures the server time of the pages (My work
of the category, of the supplier's account manager — every escalation's response is theirs — and of a
participant's contract manager, the contract page, the contract page filtered on DJI, the case page with 200
audit rows, the audit review; the case page again for the account manager and the audit review for the
participant, whose sight is limited in SQL) in-process, and 20 signed-in users held for a bounded time on loopback (`bench.web_load`: the server in a
process of its own, one client thread per user, a pause of `--think` seconds between pages, the server time
from the `Server-Timing` header): median and p95 per page, errors. Target: p95 ≤ 50 ms server time, no
error. In-process, each page's first request
(cold: templates, the pinned profile, SQL compiled once) is reported on its own and the median and p95 are
over the `--repeats` after it; the app is settled (`web.app.settle`) as `serve` does.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from .web_load import stats, under_load
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


def in_process(url: str, case: str, repeats: int) -> dict[str, Any]:
    from starlette.testclient import TestClient

    from escalation_engine.core.db import Database
    from escalation_engine.web.app import create_app, settle

    db = Database(url)
    app = create_app(db)
    settle()  # as `serve` does once it has started
    clients = {}
    for who in ("cat", "am", "dcm"):
        clients[who] = TestClient(app, follow_redirects=False)
        _sign_in(clients[who], f"{who}@example.org")
    measured = [(f"{name} (category)", "cat", path) for name, path in _pages(case).items()]
    measured.insert(1, ("my work (account manager)", "am", "/"))
    measured.insert(2, ("my work (participant)", "dcm", "/"))
    measured.append(("case page (account manager)", "am", _pages(case)["case page"]))
    measured.append(("audit review (participant)", "dcm", "/audit"))  # without other participants' cases
    out = {}
    for name, who, path in measured:
        samples = []
        for _ in range(repeats + 1):
            t0 = time.perf_counter()
            answer = clients[who].get(path)
            samples.append((time.perf_counter() - t0) * 1000)
            assert answer.status_code == 200, (path, answer.status_code)
        out[name] = {**stats(samples[1:]), "first_ms": samples[0]}  # the first reads cold: on its own
    db.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--audit-rows", type=int, default=200_000)
    parser.add_argument("--backends", default="sqlite,pg", help="sqlite, pg or both (comma-separated)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--think", type=float, default=1.0, help="seconds each user pauses between pages")
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
                "load": under_load(url, _pages(case), _sign_in, args.users, args.seconds, args.think),
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
            trip = s.get("round_trip")
            seen = f"  (round trip median {trip['median_ms']:.1f}, p95 {trip['p95_ms']:.1f})" if trip else ""
            print(
                f"  {kind:<10} {name:<27} median {s['median_ms']:8.1f} ms  p95 {s['p95_ms']:8.1f} ms  "
                f"{verdict}{first}{seen}"
            )
    load = result["load"]
    print(
        f"  load: {load['users']} users for {load['seconds']:.0f} s, a pause of {load['think_s']:g} s "
        f"(0.5-1.5x) between pages, errors {load['errors']}"
    )


if __name__ == "__main__":
    main()

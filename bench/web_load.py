"""The web benchmark's load: N signed-in users on loopback against a server in a process of its own
(uvicorn, as `serve` runs it, settled), held for a bounded time once every user has signed in. Each user is
a client thread that asks its pages in turn with a pause between them (`think` seconds, 0.5–1.5× at random,
as a person reads a page before the next; 0 asks back to back); the server time of each page is the
`Server-Timing` header the server adds (`web.server_timing`), and the round trip as the client saw it is
reported beside it. The server is apart from the clients so that their threads do not take its interpreter
lock: what is measured is the server's time."""

from __future__ import annotations

import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from typing import Any

SERVER = """
import sys
import uvicorn
from escalation_engine.core.db import Database
from escalation_engine.web.app import create_app, settle

app = create_app(Database(sys.argv[1]), server_timing=True)
settle()
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", lifespan="off")
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the web server stopped (exit {server.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the web server did not start within 60 s")


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[max(0, int(len(ordered) * 0.95) - 1)],
    }


def under_load(
    url: str, pages: dict[str, str], sign_in: Any, users: int, seconds: float, think: float
) -> dict[str, Any]:
    import httpx2 as httpx

    from escalation_engine.web.server_timing import server_ms

    port = _port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, url, str(port)])
    try:
        _wait(port, server)
        base = f"http://127.0.0.1:{port}"
        served: dict[str, list[float]] = defaultdict(list)
        round_trip: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        stop = [0.0]  # the held period starts once every user has signed in (argon2 takes a while)
        ready = threading.Barrier(users + 1, action=lambda: stop.__setitem__(0, time.monotonic() + seconds))

        def user(n: int) -> None:
            pause = random.Random(n)
            with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
                sign_in(client, ("dcm", "cat", "am", "sm")[n % 4] + "@example.org")
                ready.wait()
                named = list(pages.items())
                i = n
                time.sleep(pause.uniform(0, think))  # the users' first pages spread over one pause
                while time.monotonic() < stop[0]:  # bounded in time; every request is to loopback
                    name, path = named[i % len(named)]
                    i += 1
                    t0 = time.perf_counter()
                    answer = client.get(path)
                    round_trip[name].append((time.perf_counter() - t0) * 1000)
                    ms = server_ms(answer.headers.get("server-timing"))
                    if answer.status_code != 200 or ms is None:
                        errors.append(f"{path}: {answer.status_code}")
                    else:
                        served[name].append(ms)
                    time.sleep(think * pause.uniform(0.5, 1.5))

        workers = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        for w in workers:
            w.start()
        ready.wait()
        for w in workers:
            w.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "users": users,
        "seconds": seconds,
        "think_s": think,
        "errors": len(errors),
        "first_errors": errors[:5],
        "pages": {name: {**stats(v), "round_trip": stats(round_trip[name])} for name, v in served.items()},
    }

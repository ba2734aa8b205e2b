"""Run the benchmarks: `python -m bench [--large] [--quick] [--no-pg]`; prints a table, writes bench/results/*.json.

Each measurement runs in a subprocess of its own (fresh imports, its own peak memory).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .cli_latency import cli_latency

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _job(name: str, work: Path, count: int) -> Any:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", name, str(work), str(count)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def timer_firing(work: Path, n: int) -> dict[str, Any]:
    print(f"… timer firing, N={n:,} (seeding with bulk SQL)", file=sys.stderr)
    _job("seed_timers", work, n)
    engine = _job("fire_timers", work, n)  # the engine and its floor, interleaved
    floor = {"rate": engine["floor_rate"]}
    return {"n": n, "engine": engine, "floor": floor, "ratio": engine["rate"] / floor["rate"]}


def _rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for firing in results["timer_firing"]:
        e, n = firing["engine"], firing["n"]
        growth = e["rss_growth_after_first_1000_kib"] / 1024
        rows.append(
            (
                f"1. timer firing N={n:,}",
                f"{e['rate']:,.0f}/s = 1/{1 / firing['ratio']:.1f} of floor {firing['floor']['rate']:,.0f}/s; "
                f"RSS +{growth:.1f} MiB after the first 1,000 (peak {e['peak_kib'] / 1024:.0f} MiB)",
                "≥ 1/4 of floor, flat memory",
                _verdict(firing["ratio"] >= 0.25),
            )
        )
    act = results["actions"]
    ratio = act["respond_rate"] / act["respond_floor_rate"]
    per = ", ".join(f"{k} {v:.2f}" for k, v in act["per_action_ms"].items())
    rows.append(
        (
            "2. actions (service API)",
            f"{act['rate']:,.0f}/s; `respond` {act['respond_rate']:,.0f}/s = 1/{1 / ratio:.1f} of its floor "
            f"{act['respond_floor_rate']:,.0f}/s; ms: {per}",
            "≥ 1/6",
            _verdict(ratio >= 1 / 6),
        )
    )
    idle = results["idle"]
    rows.append(
        (
            f"3. idle tick, {idle['pending']:,} pending",
            f"{idle['tick_ms_median']:.2f} ms median (max {idle['tick_ms_max']:.2f}; with outbox {idle['beat_ms_median']:.2f})",
            "< 20 ms",
            _verdict(idle["tick_ms_median"] < 20),
        )
    )
    cli = results["cli"]
    rows.append(
        (
            "4. CLI `escalation open`",
            f"{cli['open_s']:.3f} s median vs import sqlmodel {cli['sqlmodel_s']:.3f} s = {cli['ratio']:.2f}×",
            "≤ 1.15×",
            _verdict(cli["ratio"] <= 1.15),
        )
    )
    rows.append(
        ("4. CLI `--help`", f"{cli['help_s']:.3f} s median", "< 0.1 s", _verdict(cli["help_s"] < 0.1))
    )
    rows.append(
        (
            "5. storage",
            f"{act['bytes_per_closed_case']:,.0f} bytes per closed escalation (2 levels)",
            "report",
            "—",
        )
    )
    rows.extend(_scale_rows(results.get("scale", [])))
    rows.extend(_web_rows(results.get("web", [])))
    return rows


def _web(cases: int, backends: list[str], *, quick: bool) -> list[dict[str, Any]]:
    """`bench.web` in a subprocess: the pages at `cases` escalations and ten audit rows per escalation."""
    command = [sys.executable, "-m", "bench.web", "--cases", str(cases), "--audit-rows", str(10 * cases)]
    command += ["--backends", ",".join(backends)] + (["--seconds", "3", "--repeats", "5"] if quick else [])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark bench.web failed:\n{done.stderr}")
    result: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _web_rows(runs: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for run in runs:
        for kind, pages in (("in-process", run["in_process"]), ("20 users", run["load"]["pages"])):
            worst = max(pages, key=lambda name: pages[name]["p95_ms"])
            p95 = pages[worst]["p95_ms"]
            errors = run["load"]["errors"] if kind == "20 users" else 0
            rows.append(
                (
                    f"8. web pages, {run['backend']}, {run['cases']:,} esc., {run['audit_rows']:,} audit rows, {kind}",
                    "p95 "
                    + ", ".join(f"{name} {pages[name]['p95_ms']:,.0f}" for name in pages)
                    + " ms"
                    + (f"; errors {errors}" if kind == "20 users" else ""),
                    "p95 ≤ 50 ms, no error",
                    _verdict(p95 <= 50 and errors == 0),
                )
            )
    return rows


def _scale_rows(runs: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for backend in sorted({run["backend"] for run in runs}):
        small, large = sorted((run for run in runs if run["backend"] == backend), key=lambda run: run["n"])
        names = [k for k, v in large.items() if isinstance(v, dict) and "rows" in v and k != "audit verify"]
        growth = {k: large[k]["ms"] / small[k]["ms"] for k in names}
        worst = max(names, key=lambda k: large[k]["ms"])
        grown = [k for k in names if growth[k] > 1.5]
        rows.append(
            (
                f"6. lists, page of 50, {backend}, {small['n']:,} → {large['n']:,}",
                f"{len(names) - len(grown)} of {len(names)} within 1.5×"
                + (f"; grow: {', '.join(f'{k} {growth[k]:.1f}×' for k in grown)}" if grown else "")
                + f"; slowest {worst} {large[worst]['ms']:,.0f} ms",
                "≤ 1.5× and < 1 s",
                _verdict(not grown and large[worst]["ms"] < 1000),
            )
        )
        a, b = small["audit verify"], large["audit verify"]
        rows.append(
            (
                f"7. audit verify, {backend}",
                f"{a['us_per_row']:.0f} µs/row at {a['rows']:,} rows, {b['us_per_row']:.0f} at {b['rows']:,}; "
                f"since a checkpoint {b['since_checkpoint_rows']:,} rows before the head: "
                f"{b['since_checkpoint_ms']:,.0f} ms",
                "linear (report)",
                _verdict(b["us_per_row"] <= 1.5 * a["us_per_row"]),
            )
        )
    return rows


def _print_scale(runs: list[dict[str, Any]]) -> None:
    if not runs:
        return
    print("\nlists at scale (ms, median of 7 (3 if over 1 s), one page of 50 rows):")
    columns = [(run["backend"], run["n"]) for run in sorted(runs, key=lambda r: (r["backend"], r["n"]))]
    names = [k for k, v in runs[0].items() if isinstance(v, dict) and "rows" in v and k != "audit verify"]
    print(
        f"{'list':50s}"
        + "".join(f"{'pg' if b.startswith('postgres') else b:>8s} {n:>7,}" for b, n in columns)
    )
    for name in names:
        cells = [next(r for r in runs if (r["backend"], r["n"]) == c)[name]["ms"] for c in columns]
        print(f"{name:50s}" + "".join(f"{cell:16,.1f}" for cell in cells))


def _pg_reachable() -> bool:
    try:
        import psycopg

        from .scale import PG

        psycopg.connect(PG, connect_timeout=3).close()
    except Exception:  # noqa: BLE001 (any reason it cannot be reached: the PostgreSQL row is left out)
        return False
    return True


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--large", action="store_true", help="also fire N=100,000 timers (slow)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes for a smoke run")
    parser.add_argument("--no-pg", action="store_true", help="leave out the PostgreSQL scale rows")
    args = parser.parse_args()
    sizes = [1_000] if args.quick else [10_000] + ([100_000] if args.large else [])
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="ee-bench-") as tmp:
        work = Path(tmp)
        results: dict[str, Any] = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "python": platform.python_version(),
                "sqlite": sqlite3.sqlite_version,
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
            },
            "timer_firing": [timer_firing(work, n) for n in sizes],
        }
        print("… actions", file=sys.stderr)
        results["actions"] = _job("actions", work, 200 if args.quick else 1_000)
        print("… idle tick (seeding pending timers)", file=sys.stderr)
        results["idle"] = _job("idle", work, 100_000 if args.quick else 1_000_000)
        print("… CLI latency", file=sys.stderr)
        results["cli"] = cli_latency(work, runs=5 if args.quick else 11)
        largest = 2_000 if args.quick else 20_000
        backends = ["sqlite"] + (["pg"] if not args.no_pg and _pg_reachable() else [])
        results["scale"] = []
        for backend in backends:
            print(
                f"… lists at scale, {backend}, {largest // 10:,} and {largest:,} escalations", file=sys.stderr
            )
            results["scale"].extend(_job(f"scale_{backend}", work, largest))
        print(f"… web pages, {', '.join(backends)}, {largest:,} escalations", file=sys.stderr)
        results["web"] = _web(largest, backends, quick=args.quick)
    results["seconds"] = time.time() - started
    _print_table(_rows(results))
    _print_scale(results["scale"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults written to {out.relative_to(ROOT)} ({results['seconds']:.0f} s)")


def _print_table(rows: list[tuple[str, str, str, str]]) -> None:
    headers = ("benchmark", "result", "target", "verdict")
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(4)]
    line = "  ".join("{:<" + str(w) + "}" for w in widths)
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


if __name__ == "__main__":
    main()

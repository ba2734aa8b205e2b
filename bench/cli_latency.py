"""CLI latency: `escalation-engine escalation open` and `--help`, against `python -c "import sqlmodel"`."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

EXE = Path(sys.executable).with_name("escalation-engine")


def _time(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return elapsed


def cli_latency(work: Path, runs: int) -> dict[str, Any]:
    from .seed import fresh_engine

    path = work / "cli.db"
    fresh_engine(path).db.dispose()
    env = {**os.environ, "ESCALATION_ENGINE_DB": str(path), "ESCALATION_ENGINE_AS": "dcm"}
    engine = str(EXE)
    open_cmd = [engine, "escalation", "open", "--contract", "LF", "--subject", "bench"]
    timings: dict[str, list[float]] = {"sqlmodel": [], "open": [], "help": []}
    _time(open_cmd, env)  # warm the OS file cache
    for _ in range(runs):  # interleaved, so drift on the machine hits all three alike
        timings["sqlmodel"].append(_time([sys.executable, "-c", "import sqlmodel"], env))
        timings["open"].append(_time(open_cmd, env))
        timings["help"].append(_time([engine, "--help"], env))
    med = {k: statistics.median(v) for k, v in timings.items()}
    return {
        "runs": runs,
        "sqlmodel_s": med["sqlmodel"],
        "open_s": med["open"],
        "help_s": med["help"],
        "ratio": med["open"] / med["sqlmodel"],
    }

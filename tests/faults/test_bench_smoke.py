"""The benchmark suite keeps working as the engine grows: each of its workers runs on tiny sizes (the
numbers themselves are for `python -m bench`, not for tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _worker(name: str, work: Path, count: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", name, str(work), str(count)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_the_benchmark_workers_run_and_fire_every_seeded_timer(tmp_path: Path) -> None:
    _worker("seed_timers", tmp_path, 60)
    fired = _worker("fire_timers", tmp_path, 60)
    assert fired["fired"] == 60 and fired["failed"] == 0
    assert _worker("floor", tmp_path, 60)["rate"] > 0
    actions = _worker("actions", tmp_path, 2)
    assert set(actions["per_action_ms"]) == {"open", "respond", "assess", "raise", "close"}
    assert actions["rows"]["audit_event"] >= 2 * 7
    idle = _worker("idle", tmp_path, 2_000)
    assert idle["pending"] == 2_000 and idle["tick_ms_median"] > 0

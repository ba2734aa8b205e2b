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
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ESCALATION_ENGINE_BENCH_CACHE": str(work / "cache")}
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
    assert fired["floor_fired"] == 60 and fired["floor_rate"] > 0
    actions = _worker("actions", tmp_path, 2)
    assert actions["respond_floor_rate"] > 0
    assert set(actions["per_action_ms"]) == {"open", "respond", "assess", "raise", "close"}
    assert actions["rows"]["audit_event"] >= 2 * 7
    idle = _worker("idle", tmp_path, 2_000)
    assert idle["pending"] == 2_000 and idle["tick_ms_median"] > 0


@pytest.mark.slow
def test_the_scale_benchmark_seeds_through_the_service_keeps_the_seed_and_times_every_list(
    tmp_path: Path,
) -> None:
    small, large = _scale(tmp_path, 20)  # seeds 2, then continues that seed to 20
    assert (small["escalations"], large["escalations"]) == (2, 20) and large["seed_seconds"] > 0
    assert large["escalation list"]["rows"] == 20 and large["audit verify"]["rows"] > 20
    assert small["escalation list"]["rows"] == 2
    again = _scale(tmp_path, 20)  # the kept seeds: nothing seeded this time
    assert [run["seed_seconds"] for run in again] == [0, 0] and again[1]["escalations"] == 20


def _scale(work: Path, n: int) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = _worker("scale_sqlite", work, n)  # type: ignore[assignment]
    return runs


@pytest.mark.slow
def test_the_web_benchmark_seeds_its_database_and_times_every_page_without_an_error(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ESCALATION_ENGINE_BENCH_CACHE": str(tmp_path / "cache")}
    command = [
        sys.executable,
        "-m",
        "bench.web",
        "--cases",
        "6",
        "--audit-rows",
        "400",
        "--backends",
        "sqlite",
    ]
    command += ["--users", "2", "--seconds", "1", "--repeats", "2", "--think", "0"]
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["load"]["errors"] == 0 and result["seed_s"] > 0
    assert set(result["in_process"]) == {
        "my work (category)",
        "my work (account manager)",
        "my work (participant)",
        "contract page (category)",
        "contract DJI (category)",
        "case page (category)",
        "audit review (category)",
        "case page (account manager)",
        "audit review (participant)",
    }
    assert set(result["load"]["pages"]) == {
        "my work",
        "contract page",
        "contract DJI",
        "case page",
        "audit review",
    }
    for page in result["load"]["pages"].values():  # the server's own time, from its Server-Timing header
        assert 0 < page["median_ms"] <= page["round_trip"]["median_ms"]
    kept = list((tmp_path / "cache").glob("web-*-6-400.db"))
    assert len(kept) == 1  # the seed is kept for the next run

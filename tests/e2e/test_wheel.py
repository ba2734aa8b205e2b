"""A built wheel works on its own: installed into a fresh virtual environment and run from an empty directory,
it finds both contract profiles it ships and runs the demo (no checkout, no ./workflows)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ESCALATION_ENGINE_", "PYTHON"))}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the built wheel; its dependencies come from this test's environment."""
    work = tmp_path_factory.mktemp("wheel")
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(ROOT)], work
    )
    if built.returncode != 0:
        pytest.skip(f"the wheel could not be built here (no build backend reachable): {built.stderr[-300:]}")
    wheel = next((work / "dist").glob("escalation_engine-*.whl"))
    target = work / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work
        ).stdout.strip()
    )
    # the dependencies, not the engine: a path line in a .pth file does not run that directory's .pth files,
    # so the checkout's editable install stays invisible
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    unpacked = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        work,
    )
    assert unpacked.returncode == 0, unpacked.stderr
    return python


def test_the_installed_wheel_lists_both_profiles_it_ships(installed: Path, tmp_path: Path) -> None:
    where = _run(
        [str(installed), "-c", "import escalation_engine; print(escalation_engine.__file__)"], tmp_path
    )
    assert str(ROOT) not in where.stdout, "the test must run the installed copy, not the checkout"
    result = _run([str(installed), "-m", "escalation_engine", "--json", "profile", "list"], tmp_path)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    names = {row["name"] for row in rows}
    assert names == {"leasefietsen-rijk", "reintegratie-defensie"}
    assert all("site-packages/escalation_engine/workflows/" in row["file"] for row in rows)


def test_the_installed_wheel_runs_the_demo_from_an_empty_directory(installed: Path, tmp_path: Path) -> None:
    result = _run([str(installed), "-m", "escalation_engine", "demo"], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "audit verify: ok" in result.stdout
    assert list(tmp_path.iterdir()) == []

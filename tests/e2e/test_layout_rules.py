"""The layout's rules hold: the import contracts in pyproject.toml are kept (and a forbidden import breaks
them), modules stay small, and no module is a grab bag."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "escalation_engine"
LINT_IMPORTS = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
MAX_LINES = 300
GRAB_BAGS = {"common", "support", "utils", "util", "misc", "helpers"}


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    if not Path(LINT_IMPORTS).exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_of_the_tree(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(PACKAGE, tmp_path / "escalation_engine", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _add_import(root: Path, module: str, line: str) -> None:
    path = root / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")


def test_every_import_contract_of_the_layout_is_kept() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        (
            "escalation_engine.core.clock",
            "from escalation_engine.procedures.ladder import rules",
            "The core imports no procedure and no entry point BROKEN",
        ),
        (
            "escalation_engine.procedures.obligations.calendar",
            "from escalation_engine.procedures.kpis import verdicts",
            "No import circle among the engine's packages and modules BROKEN",
        ),
        (
            "escalation_engine.procedures.ladder.rules",
            "import sqlmodel",
            "Rules are pure",
        ),
        (
            "escalation_engine.cli.cmd_escalation",
            "from escalation_engine.procedures.ladder.tables import Escalation",
            "Entry points call actions and views, never tables BROKEN",
        ),
    ],
    ids=["core-imports-a-procedure", "a-circle-between-procedures", "impure-rules", "cli-reads-a-table"],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, line: str, broken: str) -> None:
    root = _copy_of_the_tree(tmp_path)
    _add_import(root, module, line)
    result = _lint_imports(root)
    assert result.returncode == 1, result.stdout
    assert broken in " ".join(result.stdout.split())


def _modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]


def test_no_module_of_the_engine_is_longer_than_about_300_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_module_or_package_is_named_as_a_grab_bag() -> None:
    names = {p.stem for p in _modules()} | {p.parent.name for p in _modules()}
    assert names & GRAB_BAGS == set()


def test_every_module_opens_with_a_docstring() -> None:
    missing = [str(p.relative_to(ROOT)) for p in _modules() if not p.read_text().lstrip().startswith('"""')]
    assert missing == []


def test_the_wheel_lists_every_package_of_the_tree() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    tree = {".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("__init__.py")}
    assert listed == tree | {"escalation_engine.workflows"}

"""Docs that run: the README's walk-through is executed, and its diagrams match the machines."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from escalation_engine.app import diagrams
from escalation_engine.cli.root import cli

README = Path(__file__).resolve().parents[2] / "README.md"


def walkthrough_commands() -> list[tuple[str, int]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- walkthrough:start -->", 1)[1].split("<!-- walkthrough:end -->", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block, "the walk-through has a ```sh block"
    commands: list[tuple[str, int]] = []
    for line in block.group(1).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        expected = re.search(r"# → exit (\d)", line)
        commands.append((line.split("   # →")[0], int(expected.group(1)) if expected else 0))
    return commands


def test_the_readme_walkthrough_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ESCALATION_ENGINE_DB", raising=False)
    monkeypatch.delenv("ESCALATION_ENGINE_AS", raising=False)
    env: dict[str, str] = {}
    commands = walkthrough_commands()
    assert len(commands) > 15
    for line, expected in commands:
        words = shlex.split(line)
        if words[0] == "export":
            name, value = words[1].split("=", 1)
            env[name] = value
            continue
        assert words[0] == "escalation-engine", line
        result = CliRunner().invoke(cli, words[1:], env=env, prog_name="escalation-engine")
        assert result.exit_code == expected, f"{line}\n{result.output}"
        assert "Traceback" not in result.output
    assert (tmp_path / "walkthrough.db").exists()
    final = CliRunner().invoke(cli, ["--json", "escalation", "show", "ESC-1"], env=env)
    assert '"state": "closed"' in final.stdout


def test_readme_state_diagrams_are_generated_from_the_current_machines() -> None:
    text = README.read_text(encoding="utf-8")
    assert diagrams.splice(text, diagrams.render_block()) == text, (
        "README diagrams are stale: run `python -m escalation_engine.app.diagrams --write`"
    )
    for title, _ in diagrams.DIAGRAMS:
        assert f"#### {title}" in text

"""The root group loads a command's module only when that command runs; its table of which module defines
which command must match the modules themselves."""

from __future__ import annotations

import importlib
import pkgutil

import escalation_engine.cli as cli_package
from escalation_engine.cli.root import LAZY_COMMANDS, cli


def test_every_command_of_every_command_module_is_in_the_lazy_table_under_its_own_module() -> None:
    defined: dict[str, str] = {}
    for info in pkgutil.iter_modules(cli_package.__path__):
        if info.name.startswith("cmd_"):
            module = importlib.import_module(f"escalation_engine.cli.{info.name}")
            for command in module.COMMANDS:
                assert command.name is not None
                defined[command.name] = info.name
    assert defined == LAZY_COMMANDS


def test_help_lists_every_command_without_running_one() -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(LAZY_COMMANDS)

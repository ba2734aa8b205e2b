"""The root group: global options, the application state, and the one error → exit-code mapping."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from escalation_engine.cli import output
from escalation_engine.core.errors import EngineError

if TYPE_CHECKING:
    from escalation_engine.app.context import Ctx


@dataclass
class App:
    db_url: str | None
    as_json: bool
    as_person: str | None
    token_file: str | None = None
    _ctx: Ctx | None = field(default=None, repr=False)

    def ctx(self, *, ensure_schema: bool = True) -> Ctx:
        if self._ctx is None:
            from escalation_engine.app.context import Ctx
            from escalation_engine.core.db import Database

            db = Database(self.db_url)
            current = click.get_current_context(silent=True)
            if current is not None:  # close the pool when the command ends (no unclosed connections)
                current.find_root().call_on_close(db.dispose)
            if ensure_schema:
                db.ensure_schema()
            self._ctx = Ctx(db=db)
            if ensure_schema:
                self.prove(self._ctx)
        return self._ctx

    def prove(self, ctx: Ctx) -> None:
        """Who acts for the rest of this command: the operator (local mode) or the token's account (shared)."""
        from escalation_engine.cli.identity import principal_for
        from escalation_engine.core.principal import acting

        principal = principal_for(ctx, as_person=self.as_person, token_file=self.token_file)
        scope = acting(principal)
        scope.__enter__()
        current = click.get_current_context(silent=True)
        if current is not None:
            current.find_root().call_on_close(lambda: scope.__exit__(None, None, None))

    def out(self, data: Any, human: Any) -> None:
        """Print `data` as JSON with --json, else call `human()`."""
        if self.as_json:
            output.emit_json(data)
        else:
            human()


pass_app = click.make_pass_decorator(App)


class EngineGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            load_commands(LAZY_COMMANDS[cmd_name])
        return super().get_command(ctx, cmd_name)

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        argv = list(args) if args is not None else sys.argv[1:]
        as_json = "--json" in argv
        kwargs["standalone_mode"] = False
        try:
            return super().main(argv, *rest, **kwargs)
        except EngineError as exc:
            output.error(as_json, exc.as_dict())
            sys.exit(exc.exit_code)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            output.error(as_json, {"kind": "aborted", "message": "aborted", "exit_code": 1})
            sys.exit(1)
        except click.ClickException as exc:
            if as_json:
                output.emit_json(
                    {"error": {"kind": "usage", "message": exc.format_message(), "exit_code": 2}}
                )
            else:
                exc.show()
            sys.exit(2 if exc.exit_code not in (0, 1) else exc.exit_code or 2)
        except Exception as exc:  # never a traceback for the user; set ESCALATION_ENGINE_DEBUG=1 to see one
            if os.environ.get("ESCALATION_ENGINE_DEBUG"):
                raise
            message = _describe_fault(exc)
            output.error(as_json, {"kind": message[0], "message": message[1], "exit_code": message[2]})
            sys.exit(message[2])


def _describe_fault(exc: Exception) -> tuple[str, str, int]:
    module = type(exc).__module__
    if module.startswith("sqlalchemy") and type(exc).__name__ == "OperationalError":
        return "database", f"database unavailable: {getattr(exc, 'orig', exc)}", 2
    return "internal", f"internal fault ({type(exc).__name__}): {exc}", 1


@click.group(cls=EngineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    envvar="ESCALATION_ENGINE_DB",
    metavar="URL",
    help="Database URL or SQLite file (default: escalation-engine.db; env ESCALATION_ENGINE_DB).",
)
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document (errors too).")
@click.option(
    "--as",
    "as_person",
    envvar="ESCALATION_ENGINE_AS",
    metavar="PERSON",
    help="The acting person's key (env ESCALATION_ENGINE_AS).",
)
@click.option(
    "--token-file",
    metavar="FILE",
    help="A file holding your personal token (shared databases; or env ESCALATION_ENGINE_TOKEN).",
)
@click.version_option(package_name="escalation-engine")
@click.pass_context
def cli(
    ctx: click.Context, db_url: str | None, as_json: bool, as_person: str | None, token_file: str | None
) -> None:
    """Run the governance procedures of supplier contracts: escalations over a ladder of levels,
    their deadlines and reminders, and an audit trail nobody can quietly change."""
    ctx.obj = App(db_url=db_url, as_json=as_json, as_person=as_person, token_file=token_file)


# Which module defines each top-level command: a command imports only its own module (and `--help` all of
# them). tests/e2e/test_cli_layout.py checks this table against the modules' COMMANDS.
LAZY_COMMANDS = {
    "account": "cmd_accounts",
    "invite": "cmd_accounts",
    "init": "cmd_setup",
    "profile": "cmd_setup",
    "contract": "cmd_setup",
    "person": "cmd_setup",
    "participant": "cmd_participant",
    "escalation": "cmd_escalation",
    "plan": "cmd_plan",
    "stepin": "cmd_stepin",
    "kpi": "cmd_kpi",
    "survey": "cmd_kpi",
    "waiting-room": "cmd_kpi",
    "sanction": "cmd_sanction",
    "report": "cmd_sanction",
    "deadlines": "cmd_ops",
    "tick": "cmd_ops",
    "run": "cmd_ops",
    "audit": "cmd_audit",
    "demo": "cmd_ops",
    "serve": "cmd_web",
    "timers": "cmd_timers",
    "status": "cmd_status",
    "obligations": "cmd_obligations",
    "obligation": "cmd_obligations",
    "digest": "cmd_obligations",
    "calendar": "cmd_obligations",
}


def load_commands(module_name: str) -> None:
    """Import one command module and register its commands on the root group."""
    import importlib

    module = importlib.import_module(f"{__package__}.{module_name}")
    for command in module.COMMANDS:
        if command.name not in cli.commands:
            cli.add_command(command)


def main() -> None:
    """The console script. When the command is done (its database connections closed with its click
    context), the process ends without the interpreter's teardown of every imported module: that cost
    as much as the command itself (≈ 50 ms of SQLAlchemy/pydantic objects freed one by one)."""
    try:
        cli.main(prog_name="escalation-engine")
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    _end_process(code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # what the interpreter does with sys.exit("text")
    return 1


def _end_process(code: int) -> None:
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (e.g. `| head`): nothing more can be written
            code = code or 1
    os._exit(code)

"""Timers whose firing failed and was given up: list them and fire them again (audited)."""

from __future__ import annotations

import click

from escalation_engine.cli import output
from escalation_engine.cli.root import App, pass_app

_COLUMNS = [
    ("timer", "timer"),
    ("due", "due (end of)"),
    ("case", "case"),
    ("contract", "contract"),
    ("what", "what"),
    ("attempts", "attempts"),
    ("error", "last error"),
    ("rule", "rule"),
]


@click.group()
def timers() -> None:
    """Timers whose firing failed: `timers failed`, `timers retry ID|--all`."""


@timers.command("failed")
@click.option("--contract", "contract_key")
@pass_app
def timers_failed(app: App, contract_key: str | None) -> None:
    """Timers given up after a failed firing (a transient cause after its attempts, any other at once)."""
    from escalation_engine.core.timer_failures import list_failed

    rows = list_failed(app.ctx(), contract_key=contract_key)
    app.out(rows, lambda: output.table(rows, _COLUMNS, empty="no failed timers"))


@timers.command("retry")
@click.argument("timer_id", required=False, type=click.IntRange(min=1, max=2**63 - 1))
@click.option("--all", "every", is_flag=True, help="Every failed timer (of --contract, if given).")
@click.option("--contract", "contract_key")
@pass_app
def timers_retry(app: App, timer_id: int | None, every: bool, contract_key: str | None) -> None:
    """Put a failed timer back to fire (at the next tick or beat, once); audited as timer.retried."""
    from escalation_engine.app.registration import admin_actor
    from escalation_engine.core.errors import BadInput
    from escalation_engine.core.timer_failures import retry

    if contract_key and not every:
        raise BadInput("--contract goes with --all")
    rows = retry(
        app.ctx(), actor=admin_actor(app.as_person), timer_id=timer_id, every=every, contract_key=contract_key
    )

    def human() -> None:
        click.echo(f"{len(rows)} timer(s) will fire at the next tick or beat")
        output.table(rows, _COLUMNS, empty="")

    app.out({"retried": rows}, human)


COMMANDS = [timers]

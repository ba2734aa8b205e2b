"""`status`: is the engine healthy? Schema, database, daemon, timers, outbox and the next deadline."""

from __future__ import annotations

import sys
from typing import Any

import click

from escalation_engine.cli import output
from escalation_engine.cli.root import App, pass_app

_FAILED_COLUMNS = [
    ("timer", "timer"),
    ("due", "due (end of)"),
    ("case", "case"),
    ("contract", "contract"),
    ("what", "what"),
    ("error", "last error"),
]


def _human(data: dict[str, Any]) -> None:
    nxt = data["next_deadline"]
    last = data["last_fired_at"]
    output.fields(
        {
            **data,
            "health": "healthy" if data["healthy"] else "NOT HEALTHY",
            "schema": f"{data['schema_revision']} (this engine: {data['schema_expected']})",
            "last_tick": "not recorded"
            + (f"; last timer fired at {output.local_time(last)}" if last else "; no timer fired yet"),
            "next": "none"
            if nxt is None
            else f"{nxt['due']} {nxt['what']} ({nxt['contract']}): {nxt['rule']}",
        },
        [
            ("health", "status"),
            ("schema", "schema revision"),
            ("database", "database"),
            ("daemon", "daemon"),
            ("last_tick", "last tick"),
            ("timers_due_now", "timers due now"),
            ("timers_retrying", "waiting to retry"),
            ("timers_failed", "dead (failed) timers"),
            ("outbox_queued", "notices queued"),
            ("outbox_failed", "notices failed"),
            ("next", "next deadline"),
        ],
    )
    if data["failed_timers"]:
        click.echo("")
        output.table(data["failed_timers"], _FAILED_COLUMNS)
    for finding in data["findings"]:
        click.echo(f"\n{finding}")


@click.command()
@pass_app
def status(app: App) -> None:
    """Is the engine healthy? Exit 0 when it is, 3 when a timer is dead or a notice failed for good."""
    from escalation_engine.app.status import UNHEALTHY, engine_status

    data = engine_status(app.ctx())
    app.out(data, lambda: _human(data))
    if not data["healthy"]:
        sys.exit(UNHEALTHY)  # after the report: still exactly one JSON document with --json


COMMANDS = [status]

"""Running the engine: deadlines, tick, the daemon and the demo."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from escalation_engine.cli import output
from escalation_engine.cli.delivery import (
    CONSOLE_HELP,
    channel_or_warn,
    exit_if_undelivered,
    no_channel_warning,
)
from escalation_engine.cli.params import paging
from escalation_engine.cli.root import App, pass_app


@click.command()
@click.option("--contract", "contract_key")
@click.option("--person", "person_key", help="Only deadlines this person is responsible for or reminded of.")
@click.option(
    "--within",
    "within_days",
    type=click.IntRange(min=0, max=36_500),
    help="Only those due within DAYS (at most 100 years).",
)
@paging
@pass_app
def deadlines(
    app: App,
    contract_key: str | None,
    person_key: str | None,
    within_days: int | None,
    limit: int | None,
    offset: int,
) -> None:
    """Open deadlines, each with its rule and source (state `failed`: its firing failed; `timers retry`)."""
    from escalation_engine.core.deadlines import list_deadlines

    rows = list_deadlines(
        app.ctx(),
        contract_key=contract_key,
        person_key=person_key,
        within_days=within_days,
        limit=limit,
        offset=offset,
    )
    app.out(
        rows,
        lambda: output.table(
            rows,
            [
                ("due", "due (end of)"),
                ("case", "case"),
                ("contract", "contract"),
                ("what", "what"),
                ("state", "state"),
                ("level", "level"),
                ("responsible", "responsible / reminded"),
                ("rule", "rule"),
                ("source", "source"),
            ],
            empty="no open deadlines",
        ),
    )


ACCEPT_JUMP_HELP = (
    "The clock is right although it is further ahead of the engine's last known time than "
    "ESCALATION_ENGINE_MAX_CLOCK_JUMP allows (default 7 days), e.g. after a long downtime: fire what came due."
)


@click.command()
@click.option("--console", is_flag=True, help=CONSOLE_HELP)
@click.option("--accept-jump", is_flag=True, help=ACCEPT_JUMP_HELP)
@pass_app
def tick(app: App, console: bool, accept_jump: bool) -> None:
    """Fire everything due now (each deadline once), deliver reminders, then exit (for cron and tests).

    After long downtime it works in chunks of 1,000 timers like the daemon (messages go out as it proceeds)
    and shows its progress on a terminal. Exits 1 when a message could not be sent (it stays queued).
    Without SMTP settings nothing is sent: it says so and the notices stay queued. A clock more than
    ESCALATION_ENGINE_MAX_CLOCK_JUMP ahead of the last tick (or the newest audit row) is refused (exit 3)
    unless --accept-jump; a clock behind it is refused too: nothing is fired or undone."""
    from escalation_engine.app import daemon

    report: dict[str, Any] = {
        "fired": [],
        "retrying": [],
        "failed": [],
        "delivered": {"sent": [], "failed": []},
    }
    progress = {"shown": False, "on": sys.stderr.isatty() and not app.as_json}

    def chunk(part: dict[str, Any]) -> None:
        for key in ("fired", "retrying", "failed"):
            report[key].extend(part[key])
        for key in ("sent", "failed"):
            report["delivered"][key].extend(part["delivered"][key])
        more = len(part["fired"]) + len(part["retrying"]) + len(part["failed"]) >= daemon.BEAT_CHUNK
        if progress["on"] and (more or progress["shown"]):  # a long catch-up: one line, rewritten per chunk
            progress["shown"] = True
            click.echo(
                f"\rcatching up: fired {len(report['fired'])} timer(s), "
                f"delivered {len(report['delivered']['sent'])} message(s)" + ("…" if more else ", done"),
                err=True,
                nl=not more,
            )

    ctx = app.ctx()
    channel = channel_or_warn(app, ctx, console=console)
    daemon.in_chunks(ctx, channel, chunk, chunk=daemon.BEAT_CHUNK, accept_jump=accept_jump)
    from escalation_engine.core.outbox import queued

    report["delivered"]["channel"] = channel.name if channel is not None else None
    report["delivered"]["queued"] = queued(ctx)

    def human() -> None:
        fired, sent = report["fired"], report["delivered"]["sent"]
        click.echo(
            f"fired {len(fired)} timer(s), delivered {len(sent)} message(s), "
            f"{len(report['failed']) + len(report['delivered']['failed'])} failure(s)"
            + (f", {len(report['retrying'])} timer(s) to retry" if report["retrying"] else "")
        )
        output.table(
            fired,
            [("subject", "case"), ("kind", "timer"), ("due_at", "due at"), ("outcome", "outcome")],
            empty="",
        )
        for entry in report["retrying"]:
            click.echo(
                f"retrying: timer {entry['timer']} ({entry['subject']} {entry['kind']}) attempt "
                f"{entry['attempts']} failed: {entry['error']}; next at {entry['next_attempt_at']}",
                err=True,
            )
        for entry in report["failed"]:
            click.echo(
                f"FAILED: timer {entry['timer']} ({entry['subject']} {entry['kind']}) is given up: "
                f"{entry['error']} — see `escalation-engine timers failed`, then `timers retry`",
                err=True,
            )
        for failure in report["delivered"]["failed"]:
            click.echo(f"failed: {failure}", err=True)

    app.out(report, human)
    exit_if_undelivered(report["delivered"])


@click.command()
@click.option(
    "--interval",
    type=click.FloatRange(min=0.2),
    default=30.0,
    show_default=True,
    help="Seconds between beats.",
)
@click.option("--console", is_flag=True, help=CONSOLE_HELP)
@click.option("--accept-jump", is_flag=True, help=ACCEPT_JUMP_HELP + " Once, at the first beat.")
@pass_app
def run(app: App, interval: float, console: bool, accept_jump: bool) -> None:
    """The daemon: fires due timers and sends reminders until SIGINT/SIGTERM (without SMTP settings the
    reminders stay queued; --console only for the demo and tests). A clock too far ahead of the last tick
    (ESCALATION_ENGINE_MAX_CLOCK_JUMP) or behind it is held: each beat says so and fires nothing."""
    from escalation_engine.app.daemon import run_daemon
    from escalation_engine.core.channels import CONSOLE_ENV, configured_channel
    from escalation_engine.core.clock_guard import max_jump

    ctx = app.ctx()
    if console:
        os.environ[CONSOLE_ENV] = "1"  # the daemon's beats read it
    if configured_channel() is None:
        click.echo(no_channel_warning(), err=True)

    max_jump()  # a bad bound is refused at start (exit 2), not at every beat

    def beat(report: dict[str, Any]) -> None:
        if report.get("held"):
            click.echo(f"beat: HELD, nothing fired or sent — {report['held']}", err=True)
        fired, sent = len(report["fired"]), len(report["delivered"]["sent"])
        if fired or sent:
            click.echo(f"beat: fired {fired} timer(s), delivered {sent} message(s)", err=True)
        for entry in report["retrying"]:
            click.echo(
                f"beat: timer {entry['timer']} ({entry['subject']} {entry['kind']}) failed, attempt "
                f"{entry['attempts']}, retried at {entry['next_attempt_at']}: {entry['error']}",
                err=True,
            )
        for entry in report["failed"]:
            click.echo(
                f"beat: FAILED timer {entry['timer']} ({entry['subject']} {entry['kind']}) given up: "
                f"{entry['error']} — `escalation-engine timers failed`, `timers retry`",
                err=True,
            )

    click.echo(
        f"escalation-engine daemon on {ctx.db.engine.url.render_as_string(hide_password=True)}, "
        f"every {interval:g} s; stop with Ctrl-C",
        err=True,
    )
    run_daemon(ctx.db, interval=interval, on_beat=beat, accept_jump=accept_jump)
    click.echo("stopped cleanly", err=True)
    if app.as_json:
        output.emit_json({"stopped": True})


@click.command()
@click.option(
    "--keep",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Keep the demo database at this path instead of throwing it away.",
)
@click.option(
    "--serve",
    "serve_it",
    is_flag=True,
    help="Then open the demo's database in the browser (web application).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="With --serve.")
@pass_app
def demo(app: App, keep: Path | None, serve_it: bool, port: int) -> None:
    """A narrated walk through every procedure (ladder, plans, step-in, obligations, KPIs and sanctions) on a
    throw-away database; with --serve, that database in the browser afterwards."""
    import tempfile

    from escalation_engine.demo.run import run_demo

    with tempfile.TemporaryDirectory(prefix="escalation-demo-web-") as tmp:
        if serve_it and keep is None:
            keep = Path(tmp) / "demo.db"
        transcript = run_demo(keep=keep, echo=None if app.as_json or serve_it else click.echo)
        if app.as_json and not serve_it:
            output.emit_json(transcript)
        if serve_it and keep is not None:
            from escalation_engine.cli.cmd_web import serve_database
            from escalation_engine.demo.browser import DEMO_PASSWORD, open_for_browser

            db, people = open_for_browser(keep)
            click.echo(
                f"The demo's database in the browser: http://127.0.0.1:{port}/ — sign in as one of:", err=True
            )
            for person in people:
                click.echo(f"  {person['email']:<24} {person['name']}", err=True)
            click.echo(f"password (all of them): {DEMO_PASSWORD}", err=True)
            serve_database(db, host="127.0.0.1", port=port, daemon=False, interval=30.0, secure=False)


COMMANDS = [deadlines, tick, run, demo]

"""Running the engine: deadlines, tick, the daemon, the audit trail and the demo."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from escalation_engine.cli import output
from escalation_engine.cli.delivery import (
    CONSOLE_HELP,
    channel_or_warn,
    deliver_outbox,
    exit_if_undelivered,
    no_channel_warning,
)
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
@pass_app
def deadlines(app: App, contract_key: str | None, person_key: str | None, within_days: int | None) -> None:
    """Open deadlines, each with its rule and source."""
    from escalation_engine.core.deadlines import list_deadlines

    rows = list_deadlines(
        app.ctx(), contract_key=contract_key, person_key=person_key, within_days=within_days
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
                ("level", "level"),
                ("responsible", "responsible / reminded"),
                ("rule", "rule"),
                ("source", "source"),
            ],
            empty="no open deadlines",
        ),
    )


@click.command()
@click.option("--console", is_flag=True, help=CONSOLE_HELP)
@pass_app
def tick(app: App, console: bool) -> None:
    """Fire everything due now (each deadline once), deliver reminders, then exit (for cron and tests).
    Exits 1 when a message could not be sent (it stays queued and is retried)."""
    from escalation_engine.core.timers import process_due

    ctx = app.ctx()
    channel = channel_or_warn(app, ctx, console=console)
    report = process_due(ctx).as_dict()
    report["delivered"] = deliver_outbox(ctx, channel)

    def human() -> None:
        fired, sent = report["fired"], report["delivered"]["sent"]
        click.echo(
            f"fired {len(fired)} timer(s), delivered {len(sent)} message(s), "
            f"{len(report['failed']) + len(report['delivered']['failed'])} failure(s)"
        )
        output.table(
            fired,
            [("subject", "case"), ("kind", "timer"), ("due_at", "due at"), ("outcome", "outcome")],
            empty="",
        )
        for failure in report["failed"] + report["delivered"]["failed"]:
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
@pass_app
def run(app: App, interval: float, console: bool) -> None:
    """The daemon: fires due timers and sends reminders until SIGINT/SIGTERM (without SMTP settings the
    reminders stay queued; --console only for the demo and tests)."""
    from escalation_engine.app.daemon import run_daemon
    from escalation_engine.core.channels import CONSOLE_ENV, configured_channel

    ctx = app.ctx()
    if console:
        os.environ[CONSOLE_ENV] = "1"  # the daemon's beats read it
    if configured_channel() is None:
        click.echo(no_channel_warning(), err=True)

    def beat(report: dict[str, Any]) -> None:
        fired, sent = len(report["fired"]), len(report["delivered"]["sent"])
        if fired or sent:
            click.echo(f"beat: fired {fired} timer(s), delivered {sent} message(s)", err=True)

    click.echo(
        f"escalation-engine daemon on {ctx.db.engine.url.render_as_string(hide_password=True)}, "
        f"every {interval:g} s; stop with Ctrl-C",
        err=True,
    )
    run_daemon(ctx.db, interval=interval, on_beat=beat)
    click.echo("stopped cleanly", err=True)
    if app.as_json:
        output.emit_json({"stopped": True})


@click.group()
def audit() -> None:
    """Review and verify the audit trail (append-only, hash-chained)."""


@audit.command("list")
@click.option("--case", "case_ref")
@click.option("--contract", "contract_key")
@pass_app
def audit_list(app: App, case_ref: str | None, contract_key: str | None) -> None:
    """Who did what, when, at which level, and why."""
    from escalation_engine.core import audit as svc

    if case_ref:
        from escalation_engine.core.refs import PREFIXES, parse_ref
        from escalation_engine.core.refs import case_ref as fmt

        ref = case_ref.strip().upper()
        kind = next((k for k, p in PREFIXES.items() if ref.startswith(f"{p}-")), "escalation")
        case_ref = fmt(kind, parse_ref(kind, case_ref))
    rows = svc.listing(app.ctx().db, case_ref=case_ref, contract_key=contract_key)
    app.out(
        rows,
        lambda: output.table(
            rows,
            [
                ("id", "#"),
                ("recorded_at", "recorded at"),
                ("actor", "who"),
                ("actor_role", "role"),
                ("action", "what"),
                ("case_ref", "case"),
                ("level", "level"),
                ("from_state", "from"),
                ("to_state", "to"),
                ("reason", "why"),
            ],
            empty="no audit events",
        ),
    )


@audit.command("verify")
@click.option(
    "--head", "expected_head", help="The head hash you kept from an earlier verify (detects a cut tail)."
)
@pass_app
def audit_verify(app: App, expected_head: str | None) -> None:
    """Recompute the hash chain; name every edited or missing row. Exit 3 when it does not verify."""
    from escalation_engine.core import audit as svc
    from escalation_engine.core.errors import RuleRefused

    result = svc.verify(app.ctx().db, expected_head)
    if not result.ok:
        raise RuleRefused(
            "audit trail does not verify: " + "; ".join(result.problems),
            rule="append-only audit trail",
        )
    app.out(result.as_dict(), lambda: click.echo(f"audit trail ok: {result.rows} rows, head {result.head}"))


@audit.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), required=True)
@click.option("--output", "output_file", type=click.Path(path_type=Path, dir_okay=False))
@pass_app
def audit_export(app: App, fmt: str, output_file: Path | None) -> None:
    """Export the whole trail (with hashes) as JSON Lines or CSV."""
    from escalation_engine.core import audit as svc

    text = svc.export(app.ctx().db, fmt)
    rows = max(text.count("\n") - (1 if fmt == "csv" else 0), 0)
    if output_file is not None:
        output_file.write_text(text, encoding="utf-8")
        app.out(
            {"file": str(output_file), "format": fmt, "rows": rows},
            lambda: click.echo(f"exported {rows} audit rows to {output_file}"),
        )
    elif app.as_json:
        output.emit_json({"format": fmt, "rows": rows, "content": text})
    else:
        click.echo(text, nl=False)


@click.command()
@click.option(
    "--keep",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Keep the demo database at this path instead of throwing it away.",
)
@pass_app
def demo(app: App, keep: Path | None) -> None:
    """A narrated walk through every procedure (ladder, plans, step-in, obligations, KPIs and sanctions) on a
    throw-away database."""
    from escalation_engine.demo.run import run_demo

    transcript = run_demo(keep=keep, echo=None if app.as_json else click.echo)
    if app.as_json:
        output.emit_json(transcript)


COMMANDS = [deadlines, tick, run, audit, demo]

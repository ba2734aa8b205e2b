"""Running the engine: deadlines, tick, the daemon, the audit trail and the demo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from escalation_engine.cli import output
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


def _channel(app: App) -> Any:
    from escalation_engine.core.channels import default_channel

    return default_channel(sys.stderr if app.as_json else None)


@click.command()
@pass_app
def tick(app: App) -> None:
    """Fire everything due now (each deadline once), deliver reminders, then exit (for cron and tests)."""
    from escalation_engine.core.outbox import deliver
    from escalation_engine.core.timers import process_due

    ctx = app.ctx()
    report = process_due(ctx).as_dict()
    report["delivered"] = deliver(ctx, _channel(app)).as_dict()

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


@click.command()
@click.option(
    "--interval",
    type=click.FloatRange(min=0.2),
    default=30.0,
    show_default=True,
    help="Seconds between beats.",
)
@pass_app
def run(app: App, interval: float) -> None:
    """The daemon: fires due timers and sends reminders until SIGINT/SIGTERM."""
    from escalation_engine.app.daemon import run_daemon

    ctx = app.ctx()

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
    "--head",
    "expected_head",
    help="A head hash you kept from an earlier verify: it must still be in the chain.",
)
@click.option(
    "--checkpoints", "checkpoints_file", type=click.Path(path_type=Path), help="Signed checkpoints to check."
)
@click.option(
    "--public-key", "public_key", type=click.Path(path_type=Path), help="The checkpoints' public key (PEM)."
)
@pass_app
def audit_verify(
    app: App, expected_head: str | None, checkpoints_file: Path | None, public_key: Path | None
) -> None:
    """Recompute the hash chain; name every edited or missing row. Exit 3 when it does not verify."""
    from escalation_engine.cli.audit_checks import verify_command

    verify_command(app, expected_head, checkpoints_file, public_key)


@audit.command("checkpoint")
@click.option(
    "--key-file",
    type=click.Path(path_type=Path),
    envvar="ESCALATION_ENGINE_AUDIT_KEY",
    help="Ed25519 key (PEM), kept outside the database; made when absent "
    "(default ~/.config/escalation-engine/audit-key.pem; env ESCALATION_ENGINE_AUDIT_KEY).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="Append the checkpoint to this file (default: print it).",
)
@pass_app
def audit_checkpoint(app: App, key_file: Path | None, output: Path | None) -> None:
    """Sign the chain's head with a key the database never sees (write it somewhere else, e.g. a file or mail)."""
    from escalation_engine.cli.audit_checks import checkpoint_command

    checkpoint_command(app, key_file, output)


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


COMMANDS = [deadlines, tick, run, audit, demo]

"""The audit trail: list it, verify it (with a kept head and signed checkpoints), sign its head, export it."""

from __future__ import annotations

from pathlib import Path

import click

from escalation_engine.cli import output
from escalation_engine.cli.root import App, pass_app


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
    ctx = app.ctx()
    rows = svc.listing(ctx.db, case_ref=case_ref, contract_key=contract_key, registry=ctx.registry)
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
@click.option(
    "--since-checkpoint",
    is_flag=True,
    help="Check only the rows after the last signed checkpoint (it vouches for the chain up to its row).",
)
@pass_app
def audit_verify(
    app: App,
    expected_head: str | None,
    checkpoints_file: Path | None,
    public_key: Path | None,
    since_checkpoint: bool,
) -> None:
    """Recompute the hash chain; name every edited or missing row. Exit 3 when it does not verify."""
    from escalation_engine.cli.audit_checks import verify_command

    verify_command(app, expected_head, checkpoints_file, public_key, since_checkpoint)


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

    ctx = app.ctx()
    text = svc.export(ctx.db, fmt, registry=ctx.registry)
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


COMMANDS = [audit]

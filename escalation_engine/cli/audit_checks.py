"""`audit verify` (with a kept head and signed checkpoints) and `audit checkpoint`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from escalation_engine.cli.root import App


def verify_command(
    app: App,
    expected_head: str | None,
    checkpoints_file: Path | None,
    public_key: Path | None,
    since_checkpoint: bool = False,
) -> None:
    from escalation_engine.core import audit as svc
    from escalation_engine.core.errors import BadInput, RuleRefused

    pairs: list[tuple[int, str]] = []
    bad_signatures: list[str] = []
    if (checkpoints_file is None) != (public_key is None):
        raise BadInput("--checkpoints and --public-key go together")
    if checkpoints_file is not None and public_key is not None:
        from escalation_engine.core.checkpoints import load_public_key, read_checkpoints, signature_ok

        key = load_public_key(public_key)
        for checkpoint in read_checkpoints(checkpoints_file):
            if signature_ok(key, checkpoint):
                pairs.append((checkpoint.id, checkpoint.head))
            else:
                bad_signatures.append(
                    f"the checkpoint of row {checkpoint.id} ({checkpoint.at}) is not signed by this key"
                )
    from escalation_engine.core.replay import disagreements

    if since_checkpoint and not pairs:
        raise BadInput("--since-checkpoint needs --checkpoints and --public-key with a signed checkpoint")
    since = max(pairs) if since_checkpoint else None
    result = svc.verify(app.ctx().db, expected_head, pairs, since)
    problems = bad_signatures + result.problems + disagreements(app.ctx())
    if problems:
        raise RuleRefused(
            "audit trail does not verify: " + "; ".join(problems),
            rule="append-only audit trail",
            source="audit verify",
        )
    data = {**result.as_dict(), "checkpoints": len(pairs), **({"since_row": since[0]} if since else {})}
    checked = f", {len(pairs)} signed checkpoint(s) hold" if pairs else ""
    rows = f"{result.rows} rows after the checkpoint of row {since[0]}" if since else f"{result.rows} rows"

    def human() -> None:
        click.echo(
            f"audit trail ok: {rows}, head {result.head}{checked}; every case's stored state is "
            "what its audit rows replay to"
        )
        for finding in result.backwards:
            click.echo(f"warning: {finding}", err=True)

    app.out(data, human)


def checkpoint_command(app: App, key_file: Path | None, output: Path | None) -> None:
    from escalation_engine.core import audit as svc
    from escalation_engine.core.checkpoints import load_or_create_key, public_path, sign
    from escalation_engine.core.errors import RuleRefused

    ctx = app.ctx()
    result = svc.verify(ctx.db)
    if not result.ok:
        raise RuleRefused(
            "the audit trail does not verify; a checkpoint would sign a broken chain: "
            + "; ".join(result.problems),
            rule="append-only audit trail",
            source="audit checkpoint",
        )
    if key_file is None:
        key_file = Path.home() / ".config" / "escalation-engine" / "audit-key.pem"
        key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key, made = load_or_create_key(key_file)
    checkpoint = sign(key, result.rows, result.head, ctx.clock.now())
    line = json.dumps(checkpoint.as_dict(), sort_keys=True)
    if output is not None:
        with output.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    data = {
        **checkpoint.as_dict(),
        "key_created": made,
        "public_key": str(public_path(key_file)),
        "output": str(output) if output else None,
    }

    def human() -> None:
        if made:
            click.echo(
                f"new signing key {key_file} (keep it off this machine's database); public key {public_path(key_file)}"
            )
        click.echo(line if output is None else f"checkpoint of row {checkpoint.id} appended to {output}")

    app.out(data, human)

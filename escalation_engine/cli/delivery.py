"""Delivering the outbox from a command: through the configured channel, or — without one — not at all,
saying so loudly: the notices stay queued until a channel exists (console delivery only when asked for)."""

from __future__ import annotations

import sys
from typing import Any

import click

from escalation_engine.cli.root import App

CONSOLE_HELP = "Deliver notices to the console (demo and tests only; without SMTP settings nothing is sent)."


def no_channel_warning(queued: int | None = None) -> str:
    from escalation_engine.core.channels import NO_CHANNEL

    waiting = f" {queued} notice(s) are waiting." if queued is not None else ""
    return f"WARNING: {NO_CHANNEL}{waiting}"


def channel_or_warn(app: App, ctx: Any, *, console: bool) -> Any:
    """The configured channel; without one, a warning on stderr at once (before any work is done)."""
    from escalation_engine.core.channels import configured_channel
    from escalation_engine.core.outbox import queued

    channel = configured_channel(sys.stderr if app.as_json else None, console=console)
    if channel is None:
        click.echo(no_channel_warning(queued(ctx)), err=True)
    return channel


def deliver_outbox(ctx: Any, channel: Any) -> dict[str, Any]:
    """Send what is due through `channel`; without a channel send nothing: the notices stay queued."""
    from escalation_engine.core.outbox import deliver, queued

    if channel is None:
        return {"sent": [], "failed": [], "channel": None, "queued": queued(ctx)}
    report = deliver(ctx, channel).as_dict()
    return {**report, "channel": channel.name, "queued": queued(ctx)}


def exit_if_undelivered(delivered: dict[str, Any] | None) -> None:
    """A message the channel failed to send (kept queued for a retry) makes the command exit 1."""
    if delivered and delivered["failed"]:
        click.echo(
            f"{len(delivered['failed'])} message(s) could not be sent; they stay queued and are retried",
            err=True,
        )
        sys.exit(1)  # after the report: still exactly one JSON document with --json

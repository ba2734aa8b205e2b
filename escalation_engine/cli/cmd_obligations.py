"""Obligations, their fulfilment, reminder digests and calendar feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from escalation_engine.cli import output
from escalation_engine.cli.delivery import CONSOLE_HELP, channel_or_warn, deliver_outbox, exit_if_undelivered
from escalation_engine.cli.params import DATE, paging
from escalation_engine.cli.root import App, pass_app

STATE_CHOICE = click.Choice(["open", "overdue", "fulfilled", "all"])


@click.command()
@click.option("--contract", "contract_key")
@click.option("--person", "person_key", help="Only obligations this person owes or is owed.")
@click.option("--within", "within_days", type=click.IntRange(min=0), help="Only those due within DAYS.")
@click.option("--state", default="open", show_default=True, type=STATE_CHOICE, help="open includes overdue.")
@paging
@pass_app
def obligations(
    app: App,
    contract_key: str | None,
    person_key: str | None,
    within_days: int | None,
    state: str,
    limit: int | None,
    offset: int,
) -> None:
    """Contract obligations (reports, plans, meetings): who owes what to whom, by when, status."""
    from escalation_engine.procedures.obligations.listing import list_obligations

    rows = list_obligations(
        app.ctx(),
        contract_key=contract_key,
        person_key=person_key,
        within_days=within_days,
        state=state,
        limit=limit,
        offset=offset,
    )
    columns = [
        ("due", "due (end of)"),
        ("id", "id"),
        ("contract", "contract"),
        ("title", "obligation"),
        ("period", "period"),
        ("owed_by", "owed by"),
        ("owed_to", "owed to"),
        ("status", "status"),
        ("rule", "rule"),
        ("source", "source"),
    ]
    app.out(rows, lambda: output.table(rows, columns, empty="no obligations"))


@click.group()
def obligation() -> None:
    """Act on one obligation."""


@obligation.command("fulfil")
@click.argument("ref", metavar="ID")
@click.option("--on", "on", type=DATE, required=True, help="The date it was fulfilled (not in the future).")
@click.option("--reference", help="Document reference (e.g. the report's file name or letter number).")
@pass_app
def obligation_fulfil(app: App, ref: str, on: Any, reference: str | None) -> None:
    """Record that obligation ID (OBL-n) was fulfilled on a date (by the side it is owed to, see the profile)."""
    from escalation_engine.procedures.obligations.fulfil import fulfil

    data = fulfil(app.ctx(), ref=ref, on=on, reference=reference, actor_key=app.as_person)

    def human() -> None:
        late = " (late)" if data["late"] else ""
        click.echo(
            f"{data['id']} {data['title']} fulfilled on {data['fulfilled_on']}{late}; was due {data['due']}"
        )
        for derived in data["derived"]:
            click.echo(
                f"derived {derived['id']} {derived['title']}: due {derived['due']} — {derived['rule']}"
            )

    app.out(data, human)


@obligation.command("reopen")
@click.argument("ref", metavar="ID")
@click.option("--reason", required=True, help="Why the recorded fulfilment is taken back.")
@pass_app
def obligation_reopen(app: App, ref: str, reason: str) -> None:
    """Take back the fulfilment of obligation ID recorded by mistake (refused once a KPI verdict was based on
    it or it started other obligations); its deadline and the reminders still ahead come back."""
    from escalation_engine.procedures.obligations.reopen import reopen

    data = reopen(app.ctx(), ref=ref, reason=reason, actor_key=app.as_person)
    app.out(
        data, lambda: click.echo(f"{data['id']} {data['title']} is {data['status']} again; due {data['due']}")
    )


@click.group()
def digest() -> None:
    """Reminder digests: one message per person with what is overdue and what falls due soon."""


@digest.command("send")
@click.option("--person", "person_key", help="Only this person (default: everyone).")
@click.option("--contract", "contract_key", help="Only people of this contract.")
@click.option("--dry-run", is_flag=True, help="Show the digests; queue and send nothing.")
@click.option("--console", is_flag=True, help=CONSOLE_HELP)
@pass_app
def digest_send(
    app: App, person_key: str | None, contract_key: str | None, dry_run: bool, console: bool
) -> None:
    """Send today's digest now (at most one per person per day), then deliver the outbox."""
    from escalation_engine.procedures.obligations.digest_actions import send_digests

    ctx = app.ctx()
    channel = None if dry_run else channel_or_warn(app, ctx, console=console)
    views = send_digests(ctx, person_key=person_key, contract_key=contract_key, dry_run=dry_run)
    delivered = None if dry_run else deliver_outbox(ctx, channel)
    data = {"digests": views, "delivered": delivered}

    def human() -> None:
        for view in views:
            state = "empty" if view["empty"] else ("queued" if view["queued"] else "dry run")
            click.echo(f"── {view['person']} ({view['contract']}, {view['language']}): {state}")
            if dry_run and not view["empty"]:
                click.echo(view["subject"])
                click.echo(view["body"])
        if delivered is not None:
            click.echo(
                f"delivered {len(delivered['sent'])} message(s), {len(delivered['failed'])} failure(s)"
            )

    app.out(data, human)
    exit_if_undelivered(delivered)


@digest.command("settings")
@click.option("--contract", "contract_key", required=True)
@click.option("--person", "person_key", required=True)
@click.option("--frequency", type=click.Choice(["daily", "weekly", "off"]))
@click.option("--language", type=click.Choice(["nl", "en"]))
@click.option("--at", "at", metavar="HH:MM", help="Local time (Europe/Amsterdam) of the digest.")
@pass_app
def digest_settings(
    app: App, contract_key: str, person_key: str, frequency: str | None, language: str | None, at: str | None
) -> None:
    """A person's own digest frequency, language and time (overrides the profile default)."""
    from escalation_engine.procedures.obligations.digest_actions import set_preference

    data = set_preference(
        app.ctx(),
        contract_key=contract_key,
        person_key=person_key,
        frequency=frequency,
        language=language,
        at=at,
    )
    app.out(data, lambda: output.fields(data, [(k, k) for k in data]))


@click.group()
def calendar() -> None:
    """Calendar feeds (.ics) of open obligations and deadlines."""


@calendar.command("export")
@click.option("--contract", "contract_key")
@click.option("--person", "person_key")
@click.option("--output", "output_file", type=click.Path(path_type=Path, dir_okay=False), required=True)
@pass_app
def calendar_export(app: App, contract_key: str | None, person_key: str | None, output_file: Path) -> None:
    """Write an iCalendar file (--contract KEY or --person KEY); re-importing updates the events."""
    from escalation_engine.app.calendar_feed import export_calendar

    data = export_calendar(app.ctx(), contract_key=contract_key, person_key=person_key, output=output_file)
    app.out(
        data,
        lambda: click.echo(
            f"wrote {data['obligations']} obligation(s) and {data['deadlines']} deadline(s) to {data['output']}"
        ),
    )


COMMANDS = [obligations, obligation, digest, calendar]

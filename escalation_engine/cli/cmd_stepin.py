"""Step-in rights (B2 §6): request, meetings, assessment, binding advice, close."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from escalation_engine.cli import output
from escalation_engine.cli.params import DATE, paging
from escalation_engine.cli.root import App, pass_app

SUMMARY = [
    ("case", "case"),
    ("contract", "contract"),
    ("state", "state"),
    ("reason", "problems"),
    ("escalations", "escalations"),
    ("override_reason", "threshold override"),
    ("requested_by", "requested by"),
    ("requested_at", "requested at"),
    ("meeting_due", "meeting 1 by (end of)"),
    ("meeting_missed", "meeting 1 missed"),
    ("check_due", "progress check (end of)"),
    ("assessment", "assessment"),
    ("assessment_reason", "why"),
    ("assessment_missing", "no assessment by check"),
    ("second_meeting_due", "meeting 2 by (end of)"),
    ("second_meeting_missed", "meeting 2 missed"),
    ("results", "result"),
    ("closed_at", "closed at"),
]


def show_case(data: dict[str, Any], headline: str | None = None) -> None:
    if headline:
        click.echo(headline)
    output.fields(data, SUMMARY)
    if not data["culpable"]:
        click.echo(
            "no step-in: the causes lie outside the supplier's sphere of influence (B2 §6); "
            "the client seeks a solution in dialogue with the supplier"
        )
    if data.get("next"):
        click.echo(f"next: {data['next']['what']}, due end of {data['next']['due']}")
    if data["meetings"]:
        click.echo("")
        output.table(
            data["meetings"],
            [
                ("number", "meeting"),
                ("held_on", "held on"),
                ("late", "late"),
                ("attendees", "attendees"),
                ("minutes", "minutes"),
                ("measures", "measures"),
            ],
        )
    if data["advice"]:
        click.echo("")
        output.table(
            data["advice"],
            [("number", "advice"), ("due", "due"), ("due_passed", "due passed"), ("measures", "measures")],
        )


@click.group()
def stepin() -> None:
    """Step-in rights (B2 §6): the category's intervention with its 2-week and 30-day deadlines."""


@stepin.command("request")
@click.option("--contract", "contract_key", required=True)
@click.option("--reason", required=True, help="The problems not solved after repeated escalations.")
@click.option(
    "--escalation", "escalations", multiple=True, metavar="CASE", help="An escalation concerned (repeatable)."
)
@click.option(
    "--override-threshold",
    "override",
    metavar="TEXT",
    help="Request below the threshold, with this recorded reason.",
)
@click.option("--culpable", "culpability", flag_value="culpable", help="The supplier is culpable (step-in).")
@click.option(
    "--outside-sphere",
    "culpability",
    flag_value="outside",
    help="The causes lie outside the supplier's sphere of influence: no step-in, dialogue is recorded.",
)
@pass_app
def request(
    app: App,
    contract_key: str,
    reason: str,
    escalations: tuple[str, ...],
    override: str | None,
    culpability: str | None,
) -> None:
    """Request step-in: the supplier must convene its management team within 2 weeks."""
    if culpability is None:
        raise click.UsageError(
            "give --culpable or --outside-sphere (culpability is part of the request, B2 §6)"
        )
    from escalation_engine.procedures.step_in.actions import request as do

    data = do(
        app.ctx(),
        actor_key=app.as_person,
        contract_key=contract_key,
        reason=reason,
        escalations=list(escalations),
        override=override,
        culpable=culpability == "culpable",
    )
    if data["culpable"]:
        headline = f"requested {data['case']}: the supplier convenes its management team by end of {data['meeting_due']}"
    else:
        headline = f"{data['case']}: no step-in — causes outside the supplier's sphere of influence; dialogue recorded (B2 §6)"
    app.out(data, lambda: show_case(data, headline))


@stepin.command("meeting")
@click.argument("case")
@click.option("--held", required=True, type=DATE, help="Date the management-team meeting was held.")
@click.option("--minutes", required=True)
@click.option("--attendees", help="Who attended (the category and/or the participant).")
@click.option("--measures", help="Measures agreed.")
@pass_app
def meeting(
    app: App, case: str, held: date, minutes: str, attendees: str | None, measures: str | None
) -> None:
    """As the supplier, record a management-team meeting (the first starts the 30-day check)."""
    from escalation_engine.procedures.step_in.meetings import record_meeting

    data = record_meeting(
        app.ctx(),
        actor_key=app.as_person,
        ref=case,
        held=held,
        minutes=minutes,
        attendees=attendees,
        measures=measures,
    )
    app.out(data, lambda: show_case(data, f"{data['case']}: meeting {len(data['meetings'])} recorded"))


@stepin.command("assess")
@click.argument("case")
@click.option("--solved", "verdict", flag_value="solved", help="The problems are solved.")
@click.option(
    "--insufficient-progress", "verdict", flag_value="insufficient", help="Progress is insufficient."
)
@click.option("--reason", required=True)
@pass_app
def assess(app: App, case: str, verdict: str | None, reason: str) -> None:
    """As the category, record whether the problems are solved (insufficient → a second meeting)."""
    if verdict is None:
        raise click.UsageError("give --solved or --insufficient-progress")
    from escalation_engine.procedures.step_in.decisions import assess as do

    data = do(app.ctx(), actor_key=app.as_person, ref=case, solved=verdict == "solved", reason=reason)
    app.out(data, lambda: show_case(data, f"{data['case']}: assessed {data['assessment']}"))


@stepin.command("advise")
@click.argument("case")
@click.option("--measures", required=True, help="Measures, means and people the supplier must deploy.")
@click.option("--due", type=DATE, help="Date by which the advice must be carried out (tracked).")
@pass_app
def advise(app: App, case: str, measures: str, due: date | None) -> None:
    """As the category, lay down binding advice after the second management-team meeting."""
    from escalation_engine.procedures.step_in.decisions import advise as do

    data = do(app.ctx(), actor_key=app.as_person, ref=case, measures=measures, due=due)
    app.out(data, lambda: show_case(data, f"{data['case']}: binding advice {len(data['advice'])} recorded"))


@stepin.command("close")
@click.argument("case")
@click.option("--results", required=True, help="The written result of the procedure.")
@pass_app
def close(app: App, case: str, results: str) -> None:
    """As the category, close the procedure with its written result."""
    from escalation_engine.procedures.step_in.decisions import close as do

    data = do(app.ctx(), actor_key=app.as_person, ref=case, results=results)
    app.out(data, lambda: show_case(data, f"{data['case']} closed"))


@stepin.command("show")
@click.argument("case")
@pass_app
def show(app: App, case: str) -> None:
    """Show a step-in procedure with its meetings and advice."""
    from escalation_engine.procedures.step_in.views import show_step_in

    data = show_step_in(app.ctx(), case)
    app.out(data, lambda: show_case(data))


@stepin.command("list")
@click.option("--contract", "contract_key")
@click.option("--state", type=click.Choice(["open", "closed", "all"]), default="open", show_default=True)
@paging
@pass_app
def list_(app: App, contract_key: str | None, state: str, limit: int | None, offset: int) -> None:
    """List step-in procedures."""
    from escalation_engine.procedures.step_in.views import list_step_ins

    rows = list_step_ins(app.ctx(), contract_key=contract_key, state=state, limit=limit, offset=offset)
    for row in rows:
        row["next_due"] = row["next"]["due"] if row["next"] else None
    app.out(
        rows,
        lambda: output.table(
            rows,
            [
                ("case", "case"),
                ("contract", "contract"),
                ("state", "state"),
                ("next_due", "next due"),
                ("reason", "problems"),
            ],
            empty="no step-in procedures",
        ),
    )


COMMANDS = [stepin]

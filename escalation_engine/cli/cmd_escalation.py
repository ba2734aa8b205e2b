"""Escalations over the contract's ladder (B2 §5.1, TP §3 table 2)."""

from __future__ import annotations

from typing import Any

import click

from escalation_engine.cli import output
from escalation_engine.cli.params import paging
from escalation_engine.cli.root import App, pass_app

SUMMARY = [
    ("case", "case"),
    ("contract", "contract"),
    ("subject", "subject"),
    ("norm", "norm/KPI"),
    ("participant", "participant"),
    ("threatened", "threatened only"),
    ("level", "level"),
    ("level_name", "level name"),
    ("counterpart", "counterpart"),
    ("state", "state"),
    ("response_due", "respond by (end of)"),
    ("opened_by", "opened by"),
    ("opened_at", "opened at"),
    ("closed_at", "closed at"),
]
HISTORY = [
    ("level", "level"),
    ("attempt", "#"),
    ("raised_by", "raised by"),
    ("counterpart", "counterpart"),
    ("response_due", "respond by"),
    ("responded_by", "responded"),
    ("window_passed_at", "window passed"),
    ("assessment", "assessment"),
    ("assessment_reason", "why"),
    ("refused_by", "refused by"),
]


def show_case(data: dict[str, Any], headline: str | None = None) -> None:
    if headline:
        click.echo(headline)
    output.fields(data, SUMMARY)
    if data.get("closure"):
        output.fields(
            data["closure"], [("measures", "measures"), ("results", "results"), ("lessons", "lessons")]
        )
    click.echo("")
    output.table(data["levels"], HISTORY)


@click.group()
def escalation() -> None:
    """Open, respond to, assess, raise, refuse and close escalations."""


@escalation.command("open")
@click.option("--contract", "contract_key", required=True)
@click.option("--subject", required=True, help="What is wrong (or threatens to go wrong).")
@click.option("--norm", help="The SLA parameter or KPI concerned.")
@click.option("--participant", help="The participant (Deelnemer) concerned.")
@click.option("--threatened", is_flag=True, help="The norm threatens not to be met (not yet missed).")
@click.option(
    "--level",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Level to open at; above 1 is refused unless the lower levels were gone through.",
)
@pass_app
def open_(
    app: App,
    contract_key: str,
    subject: str,
    norm: str | None,
    participant: str | None,
    threatened: bool,
    level: int,
) -> None:
    """Open an escalation at level 1: the counterpart is addressed and the response deadline tracked."""
    from escalation_engine.procedures.ladder.actions import open_escalation

    data = open_escalation(
        app.ctx(),
        actor_key=app.as_person,
        contract_key=contract_key,
        subject=subject,
        norm=norm,
        participant=participant,
        threatened=threatened,
        level=level,
    )
    app.out(
        data,
        lambda: show_case(
            data,
            f"opened {data['case']}: addressed to {data['counterpart']} "
            f"({data['counterpart_role']}), respond by end of {data['response_due']}",
        ),
    )


@escalation.command("respond")
@click.argument("case")
@click.option("--text", required=True)
@pass_app
def respond(app: App, case: str, text: str) -> None:
    """Record the counterpart's response."""
    from escalation_engine.procedures.ladder.actions import respond as do

    data = do(app.ctx(), actor_key=app.as_person, ref=case, text=text)
    app.out(data, lambda: show_case(data, f"{data['case']}: response recorded"))


@escalation.command("assess")
@click.argument("case")
@click.option("--sufficient", "verdict", flag_value="sufficient", help="The level's result is sufficient.")
@click.option(
    "--insufficient", "verdict", flag_value="insufficient", help="The level's result is insufficient."
)
@click.option("--reason", required=True)
@pass_app
def assess(app: App, case: str, verdict: str | None, reason: str) -> None:
    """Record the raising side's assessment of the current level's result."""
    if verdict is None:
        raise click.UsageError("give --sufficient or --insufficient")
    from escalation_engine.procedures.ladder.actions import assess as do

    data = do(app.ctx(), actor_key=app.as_person, ref=case, sufficient=verdict == "sufficient", reason=reason)
    app.out(data, lambda: show_case(data, f"{data['case']}: level {data['level']} assessed {verdict}"))


@escalation.command("raise")
@click.argument("case")
@click.option("--reason", required=True)
@click.option("--to", "to", type=click.IntRange(min=1), help="Target level (default: the next one).")
@pass_app
def raise_(app: App, case: str, reason: str, to: int | None) -> None:
    """Raise to the next level (refused when a lower level was not gone through or authority is missing)."""
    from escalation_engine.procedures.ladder.actions import raise_level

    data = raise_level(app.ctx(), actor_key=app.as_person, ref=case, reason=reason, to=to)
    app.out(
        data,
        lambda: show_case(
            data,
            f"{data['case']} raised to level {data['level']} ({data['level_name']}): "
            f"addressed to {data['counterpart']}, respond by end of {data['response_due']}",
        ),
    )


@escalation.command("refuse")
@click.argument("case")
@click.option("--reason", required=True)
@pass_app
def refuse(app: App, case: str, reason: str) -> None:
    """As the recipient, do not accept the escalation (it goes back to the previous level)."""
    from escalation_engine.procedures.ladder.actions import refuse as do

    data = do(app.ctx(), actor_key=app.as_person, ref=case, reason=reason)
    app.out(
        data,
        lambda: show_case(
            data, f"{data['case']}: not accepted; now {data['state']} at level {data['level']}"
        ),
    )


@escalation.command("close")
@click.argument("case")
@click.option("--measures", required=True, help="Measures taken.")
@click.option("--results", required=True, help="Results achieved.")
@click.option("--lessons", required=True, help="Lessons learned.")
@pass_app
def close(app: App, case: str, measures: str, results: str, lessons: str) -> None:
    """Close with written communication about measures, results and lessons learned."""
    from escalation_engine.procedures.ladder.actions import close as do

    data = do(
        app.ctx(), actor_key=app.as_person, ref=case, measures=measures, results=results, lessons=lessons
    )
    app.out(data, lambda: show_case(data, f"{data['case']} closed"))


@escalation.command("show")
@click.argument("case")
@pass_app
def show(app: App, case: str) -> None:
    """Show an escalation with its history per level."""
    from escalation_engine.procedures.ladder.queries import show_escalation

    data = show_escalation(app.ctx(), case)
    app.out(data, lambda: show_case(data))


@escalation.command("list")
@click.option("--contract", "contract_key")
@click.option("--state", type=click.Choice(["open", "closed", "all"]), default="open", show_default=True)
@click.option("--participant", help="Only the escalations of this participant (Deelnemer).")
@paging
@pass_app
def list_(
    app: App, contract_key: str | None, state: str, participant: str | None, limit: int | None, offset: int
) -> None:
    """List escalations, oldest first."""
    from escalation_engine.procedures.ladder.queries import list_escalations

    rows = list_escalations(
        app.ctx(), contract_key=contract_key, state=state, participant=participant, limit=limit, offset=offset
    )
    app.out(
        rows,
        lambda: output.table(
            rows,
            [
                ("case", "case"),
                ("contract", "contract"),
                ("level", "level"),
                ("state", "state"),
                ("counterpart", "counterpart"),
                ("response_due", "respond by"),
                ("subject", "subject"),
            ],
        ),
    )


COMMANDS = [escalation]

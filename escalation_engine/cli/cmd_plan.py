"""Improvement plans: the three-step plan (B2 §5.2) and the plan within 14 days of a norm failure (TP §2.1.2)."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from escalation_engine.cli import output
from escalation_engine.cli.params import DATE, paging
from escalation_engine.cli.root import App, pass_app

SUMMARY = [
    ("case", "plan"),
    ("contract", "contract"),
    ("kind", "kind"),
    ("trigger_text", "trigger"),
    ("subject", "subject"),
    ("kpi", "KPI"),
    ("participants", "participants"),
    ("escalation", "from escalation"),
    ("state", "state"),
    ("level_name", "step"),
    ("skip_reason", "step 1 skipped because"),
    ("window_ends", "step-2 window ends (end of)"),
    ("window_rule", "window rule"),
    ("step3_requested_by", "step 3 requested by"),
    ("presented_on", "presented on"),
    ("presentation_steps", "improvement steps"),
    ("detected", "norm failure found on"),
    ("plan_due", "plan due (end of)"),
    ("plan_due_rule", "deadline rule"),
    ("opened_by", "opened by"),
    ("opened_at", "opened at"),
    ("results", "results"),
    ("closed_at", "resolved at"),
]
SUBMISSIONS = [
    ("attempt", "#"),
    ("due", "due"),
    ("overdue_at", "overdue since"),
    ("submitted_by", "submitted by"),
    ("late", "late"),
    ("decision", "decision"),
    ("decision_reason", "why"),
]
LIST = [
    ("case", "plan"),
    ("contract", "contract"),
    ("kind", "kind"),
    ("state", "state"),
    ("step", "step"),
    ("window_ends", "window ends"),
    ("plan_due", "plan due"),
    ("subject", "subject"),
]


def show_plan(data: dict[str, Any], headline: str | None = None) -> None:
    if headline:
        click.echo(headline)
    output.fields({k: v for k, v in data.items() if v not in (None, [], "")}, SUMMARY)
    if data.get("submissions"):
        click.echo("")
        output.table(data["submissions"], SUBMISSIONS)
    if data.get("history"):
        click.echo("")
        output.table(
            data["history"],
            [
                ("recorded_at", "when"),
                ("actor", "who"),
                ("action", "what"),
                ("to_state", "state"),
                ("reason", "why"),
            ],
        )


def _done(app: App, data: dict[str, Any], headline: str) -> None:
    app.out(data, lambda: show_plan(data, headline))


@click.group()
def plan() -> None:
    """Run improvement plans: the three-step plan (B2 §5.2) and the 14-day plan (TP §2.1.2)."""


@plan.command("open")
@click.option("--contract", "contract_key", required=True)
@click.option(
    "--trigger", type=click.Choice(["requirements", "kpi", "audit", "collaboration"]), required=True
)
@click.option("--subject", required=True, help="The situation that needs improvement.")
@click.option("--kpi", help="The KPI concerned (needed with --trigger kpi).")
@click.option("--participant", "participants", multiple=True, help="A participant concerned (repeatable).")
@click.option("--escalation", help="The escalation the plan grew out of (ESC-n).")
@pass_app
def open_(
    app: App,
    contract_key: str,
    trigger: str,
    subject: str,
    kpi: str | None,
    participants: tuple[str, ...],
    escalation: str | None,
) -> None:
    """Open a three-step plan at step 1 (on the agenda of the participant–supplier meeting)."""
    from escalation_engine.procedures.plans.three_step import open_plan

    data = open_plan(
        app.ctx(),
        actor_key=app.as_person,
        contract_key=contract_key,
        trigger=trigger,
        subject=subject,
        kpi=kpi,
        participants=participants,
        escalation=escalation,
    )
    _done(app, data, f"opened {data['case']} at step 1")


@plan.command("skip-step1")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--reason", required=True)
@pass_app
def skip_step1(app: App, plan_ref: str, reason: str) -> None:
    """The category skips step 1 (only for a KPI or more than one participant)."""
    from escalation_engine.procedures.plans.three_step import skip_step1 as do

    data = do(app.ctx(), actor_key=app.as_person, ref=plan_ref, reason=reason)
    _done(
        app, data, f"{data['case']}: step 1 skipped; step-2 window ends at the end of {data['window_ends']}"
    )


@plan.command("advance")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--reason", required=True)
@pass_app
def advance(app: App, plan_ref: str, reason: str) -> None:
    """Step 1 → 2 (consult the category) or step 2 → 3 (the category requests the plan)."""
    from escalation_engine.procedures.plans.three_step import advance as do

    data = do(app.ctx(), actor_key=app.as_person, ref=plan_ref, reason=reason)
    _done(app, data, f"{data['case']}: now {data['state'].replace('_', ' ')}")


@plan.command("present")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--date", "presented_on", type=DATE, required=True, help="Date of the presentation.")
@click.option("--steps", required=True, help="The concrete, verifiable improvement steps.")
@pass_app
def present(app: App, plan_ref: str, presented_on: date, steps: str) -> None:
    """Record the presentation in the Strategic Customer Council (step 3)."""
    from escalation_engine.procedures.plans.three_step import present as do

    data = do(app.ctx(), actor_key=app.as_person, ref=plan_ref, presented_on=presented_on, steps=steps)
    _done(app, data, f"{data['case']}: presentation of {presented_on} recorded")


@plan.command("require")
@click.option("--contract", "contract_key", required=True)
@click.option("--kpi", required=True, help="The KPI whose norm was not met.")
@click.option("--detected", type=DATE, required=True, help="Date the norm failure was established.")
@click.option("--reason", required=True)
@pass_app
def require(app: App, contract_key: str, kpi: str, detected: date, reason: str) -> None:
    """Record a norm failure: the supplier owes an improvement plan within 14 days."""
    from escalation_engine.procedures.plans.norm_plan import require_plan

    data = require_plan(
        app.ctx(),
        actor_key=app.as_person,
        contract_key=contract_key,
        kpi=kpi,
        detected=detected,
        reason=reason,
    )
    verb = "required" if data["created"] else "already recorded"
    _done(app, data, f"{data['case']}: improvement plan {verb}, due by the end of {data['plan_due']}")


@plan.command("submit")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--text", required=True)
@pass_app
def submit(app: App, plan_ref: str, text: str) -> None:
    """The supplier submits its improvement plan."""
    from escalation_engine.procedures.plans.actions import submit as do

    data = do(app.ctx(), actor_key=app.as_person, ref=plan_ref, text=text)
    _done(app, data, f"{data['case']}: plan submitted")


@plan.command("accept")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--reason", required=True)
@pass_app
def accept(app: App, plan_ref: str, reason: str) -> None:
    """The client accepts the submitted plan."""
    from escalation_engine.procedures.plans.actions import decide

    data = decide(app.ctx(), actor_key=app.as_person, ref=plan_ref, accept=True, reason=reason)
    _done(app, data, f"{data['case']}: plan accepted")


@plan.command("reject")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--reason", required=True)
@pass_app
def reject(app: App, plan_ref: str, reason: str) -> None:
    """The client rejects the submitted plan: back to the supplier with a new deadline."""
    from escalation_engine.procedures.plans.actions import decide

    data = decide(app.ctx(), actor_key=app.as_person, ref=plan_ref, accept=False, reason=reason)
    _done(app, data, f"{data['case']}: plan rejected; revised plan due by the end of {data['plan_due']}")


@plan.command("resolve")
@click.argument("plan_ref", metavar="PLAN")
@click.option("--results", required=True, help="The written result (improvement achieved).")
@pass_app
def resolve(app: App, plan_ref: str, results: str) -> None:
    """Resolve a plan at any step with a written result (its history is kept)."""
    from escalation_engine.procedures.plans.actions import resolve as do

    data = do(app.ctx(), actor_key=app.as_person, ref=plan_ref, results=results)
    _done(app, data, f"{data['case']} resolved")


@plan.command("show")
@click.argument("plan_ref", metavar="PLAN")
@pass_app
def show(app: App, plan_ref: str) -> None:
    """Show a plan with its submissions and its history."""
    from escalation_engine.procedures.plans.queries import show_plan as do

    data = do(app.ctx(), plan_ref)
    app.out(data, lambda: show_plan(data))


@plan.command("list")
@click.option("--contract", "contract_key")
@click.option("--state", type=click.Choice(["open", "closed", "all"]), default="open", show_default=True)
@paging
@pass_app
def list_(app: App, contract_key: str | None, state: str, limit: int | None, offset: int) -> None:
    """List improvement plans."""
    from escalation_engine.procedures.plans.queries import list_plans

    rows = list_plans(app.ctx(), contract_key=contract_key, state=state, limit=limit, offset=offset)
    app.out(rows, lambda: output.table(rows, LIST))


COMMANDS = [plan]

"""Sanctions (B2 §5) and the per-contract KPI report."""

from __future__ import annotations

from typing import Any

import click

from escalation_engine.cli import output
from escalation_engine.cli.params import paging
from escalation_engine.cli.root import App, pass_app

SANCTION_COLUMNS = [
    ("sanction", "sanction"),
    ("verdict", "verdict"),
    ("kpi", "KPI"),
    ("period", "period"),
    ("state", "state"),
    ("allowed", "allowed"),
    ("codes", "codes"),
    ("responded_by", "supplier responded"),
    ("decided_by", "decided by"),
]
DETAIL = [
    ("sanction", "sanction"),
    ("verdict", "verdict"),
    ("state", "state"),
    ("allowed", "allowed"),
    ("codes", "codes"),
    ("culpability", "culpability finding"),
    ("response", "supplier's response"),
    ("response_due", "supplier may respond until"),
    ("cannot_wait", "decided before the hearing because"),
    ("decision_reason", "decision reason"),
    ("decided_by", "decided by"),
]


@click.group()
def sanction() -> None:
    """Culpability finding, supplier response and the category's decision on sanctions."""


@sanction.command("list")
@click.option("--contract", "contract_key")
@click.option(
    "--state", type=click.Choice(["awaiting_finding", "proposed", "applied", "waived", "not_culpable"])
)
@paging
@pass_app
def list_(app: App, contract_key: str | None, state: str | None, limit: int | None, offset: int) -> None:
    """List sanctions (with the heaviest per case)."""
    from escalation_engine.procedures.kpis.sanction_views import list_sanctions

    rows = list_sanctions(app.ctx(), contract_key=contract_key, state=state, limit=limit, offset=offset)
    app.out(rows, lambda: output.table(rows, SANCTION_COLUMNS))


@sanction.command("propose")
@click.argument("case")
@click.option("--culpable/--not-culpable", required=True, help="The culpability finding (B2 §5).")
@click.option("--finding", required=True, help="Why the supplier is (not) culpable.")
@click.option(
    "--code", "codes", multiple=True, help="A sanction code to propose (repeat; S4+ = S4 and another)."
)
@pass_app
def propose(app: App, case: str, culpable: bool, finding: str, codes: tuple[str, ...]) -> None:
    """As the category, record the culpability finding and propose the sanction codes."""
    from escalation_engine.procedures.kpis.sanctions import propose as do

    data = do(
        app.ctx(), actor_key=app.as_person, ref=case, culpable=culpable, finding=finding, codes=list(codes)
    )
    app.out(data, lambda: output.fields(data, DETAIL))


@sanction.command("respond")
@click.argument("case")
@click.option("--text", required=True)
@pass_app
def respond(app: App, case: str, text: str) -> None:
    """As the supplier, add your response before the category decides."""
    from escalation_engine.procedures.kpis.sanctions import respond as do

    data = do(app.ctx(), actor_key=app.as_person, ref=case, text=text)
    app.out(data, lambda: output.fields(data, DETAIL))


@sanction.command("apply")
@click.argument("case")
@click.option("--reason", required=True)
@click.option("--finding", help="Record the culpability finding now (when not yet proposed).")
@click.option(
    "--code", "codes", multiple=True, help="With --finding: the codes (default: all the KPI allows)."
)
@click.option(
    "--cannot-wait",
    "cannot_wait",
    metavar="REASON",
    help="Why the decision cannot wait for the supplier's response or the end of its term (recorded).",
)
@pass_app
def apply(
    app: App, case: str, reason: str, finding: str | None, codes: tuple[str, ...], cannot_wait: str | None
) -> None:
    """As the category, apply a sanction: needs the culpability finding (recorded before or with --finding)
    and the supplier heard — its response, the end of its term (kpis.sanction_response), or --cannot-wait."""
    from escalation_engine.procedures.kpis.sanctions import decide

    data = decide(
        app.ctx(),
        actor_key=app.as_person,
        ref=case,
        apply=True,
        reason=reason,
        finding=finding,
        codes=list(codes),
        cannot_wait=cannot_wait,
    )
    app.out(data, lambda: output.fields(data, DETAIL))


@sanction.command("waive")
@click.argument("case")
@click.option("--reason", required=True)
@pass_app
def waive(app: App, case: str, reason: str) -> None:
    """As the category, waive a sanction with a reason."""
    from escalation_engine.procedures.kpis.sanctions import decide

    data = decide(app.ctx(), actor_key=app.as_person, ref=case, apply=False, reason=reason)
    app.out(data, lambda: output.fields(data, DETAIL))


def _human_report(data: dict[str, Any]) -> None:
    click.echo(f"KPI report {data['contract']} — {data['title']} ({data['profile']})")
    click.echo(
        f"{data['kpis_defined']} KPIs, {data['measurements']} recorded results, {len(data['verdicts'])} verdicts"
    )
    click.echo(f"numbers: {data['rounding']}\n")
    columns = [("verdict", "verdict"), ("kpi", "KPI"), ("period", "period"), ("participant", "participant")]
    output.table(data["verdicts"], [*columns, ("result", "result"), ("explanation", "why")])
    if data["findings"]:
        click.echo("")
        cols = [("verdict", "verdict"), ("kind", "finding"), ("reason", "reason"), ("source", "source")]
        output.table(data["findings"], cols)
    for survey in data["surveys_not_valid"]:
        click.echo(f"\nsurvey round {survey['round']} not valid: {survey['why']}")
    if data["termination_right"]:
        click.echo(f"\nTERMINATION RIGHT: {data['termination_right']['reason']}")
    click.echo("")
    output.table(data["sanctions"], SANCTION_COLUMNS)
    s = data["sanction_summary"]
    click.echo(
        f"\nheaviest applied: {s['heaviest_applied'] or '-'}; heaviest proposed: {s['heaviest_proposed'] or '-'}"
    )
    click.echo(f"({s['rule']})")


@click.command("report")
@click.option("--contract", "contract_key", required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@pass_app
def report(app: App, contract_key: str, fmt: str) -> None:
    """The per-contract KPI report: verdicts, findings, termination right, sanctions (heaviest prevails)."""
    from escalation_engine.procedures.kpis.report import as_csv
    from escalation_engine.procedures.kpis.report import report as build

    data = build(app.ctx(), contract_key=contract_key)
    if fmt == "json" or app.as_json:
        output.emit_json(data)
    elif fmt == "csv":
        click.echo(as_csv(data), nl=False)
    else:
        _human_report(data)


COMMANDS = [sanction, report]

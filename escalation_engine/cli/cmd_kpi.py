"""KPIs, results and evaluations (B2 §2, TP §2.1 and table 1): kpi, survey and waiting-room commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from escalation_engine.cli import output
from escalation_engine.cli.params import DATE, paging
from escalation_engine.cli.root import App, pass_app

VERDICT_COLUMNS = [
    ("verdict", "verdict"),
    ("kpi", "KPI"),
    ("period", "period"),
    ("participant", "participant"),
    ("result", "result"),
    ("follow_up_due", "improve by"),
    ("explanation", "why"),
]


def show_verdicts(data: dict[str, Any]) -> None:
    click.echo(
        f"{data['contract']} {data['period']}: {len(data['verdicts'])} verdict(s), {data['missed']} missed"
    )
    for verdict in data["verdicts"]:
        click.echo("")
        show_verdict(verdict)
    for line in data["skipped"]:
        click.echo(f"skipped: {line}")


def show_verdict(verdict: dict[str, Any]) -> None:
    if verdict["verdict"] is None:  # a survey round below the minimum response (B2 §2.3)
        click.echo(f"survey round {verdict['period']}: NOT VALID\n  {verdict['explanation']}")
        return
    who = f" {verdict['participant']}" if verdict.get("participant") else ""
    click.echo(
        f"{verdict['verdict']}  {verdict['kpi']} {verdict['period']}{who}: {verdict['result'].upper()}"
    )
    click.echo(f"  {verdict['explanation']}")
    for finding in verdict["findings"]:
        due = f" (by {finding['due']})" if finding.get("due") else ""
        click.echo(f"  finding {finding['kind']}: {finding['reason']}{due} — {finding['source']}")
        if finding.get("plan"):
            new = "required" if finding.get("created") else "already required"
            click.echo(
                f"    → improvement plan {finding['plan']} {new}, due by the end of {finding.get('plan_due')}"
            )
        elif finding.get("not_created_because"):
            click.echo(f"    → no new improvement plan: {finding['not_created_because']}")


@click.group()
def kpi() -> None:
    """KPI definitions (profile data), recorded results and their evaluation."""


@kpi.command("list")
@click.option("--contract", "contract_key", required=True)
@pass_app
def list_(app: App, contract_key: str) -> None:
    """The contract's KPIs: norm, frequency, decentral/central, allowed sanctions, clause."""
    from escalation_engine.procedures.kpis.results import list_kpis

    rows = list_kpis(app.ctx(), contract_key=contract_key)
    columns = [("kpi", "KPI"), ("norm", "norm"), ("frequency", "frequency"), ("scope", "scope")]
    columns += [
        ("sanctions", "sanctions"),
        ("due", "due"),
        ("recorded_by", "recorded by"),
        ("obligation", "obligation"),
        ("source", "source"),
    ]
    app.out(rows, lambda: output.table(rows, columns))


@kpi.command("record")
@click.option("--contract", "contract_key", required=True)
@click.option("--kpi", "kpi_ref", required=True, metavar="REF")
@click.option("--period", required=True, help="YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY.")
@click.option("--value", required=True, help="A percentage (95.5 or 95,5) or yes/no.")
@click.option("--participant", help="The participant (Deelnemer) — required for a decentral KPI.")
@click.option(
    "--replace", is_flag=True, help="Correct an already recorded result (audited with the old value)."
)
@pass_app
def record(
    app: App, contract_key: str, kpi_ref: str, period: str, value: str, participant: str | None, replace: bool
) -> None:
    """Record one result of a KPI for a period."""
    from escalation_engine.procedures.kpis.results import record as do

    data = do(
        app.ctx(),
        actor_key=app.as_person,
        contract_key=contract_key,
        kpi=kpi_ref,
        period=period,
        value=value,
        participant=participant,
        replace=replace,
    )
    who = f" for {data['participant']}" if data["participant"] else ""
    app.out(data, lambda: click.echo(f"recorded {data['kpi']} {data['period']}{who} = {data['value']}"))


@kpi.command("import")
@click.option("--contract", "contract_key", required=True)
@click.option("--file", "path", required=True, type=click.Path(path_type=Path))
@pass_app
def import_(app: App, contract_key: str, path: Path) -> None:
    """Import results from CSV or .xlsx (columns kpi, period, value, participant); all rows or none."""
    from escalation_engine.procedures.kpis.results_import import import_file

    data = import_file(app.ctx(), actor_key=app.as_person, contract_key=contract_key, path=path)
    app.out(data, lambda: click.echo(f"imported {data['imported']} result(s) from {data['file']}"))


@kpi.command("evaluate")
@click.option("--contract", "contract_key", required=True)
@click.option("--period", required=True, help="YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY.")
@pass_app
def evaluate(app: App, contract_key: str, period: str) -> None:
    """Judge the period's recorded results against their norms; verdicts list their inputs."""
    from escalation_engine.procedures.kpis.evaluate import evaluate_period

    data = evaluate_period(app.ctx(), actor_key=app.as_person, contract_key=contract_key, period=period)
    app.out(data, lambda: show_verdicts(data))


@kpi.command("term")
@click.argument("verdict")
@click.option("--until", required=True, type=DATE, help="Last day of the agreed improvement term.")
@click.option("--reason", required=True)
@pass_app
def term(app: App, verdict: str, until: Any, reason: str) -> None:
    """Record the improvement term the category agreed after a missed central norm (B2 §2.2)."""
    from escalation_engine.procedures.kpis.follow_up import set_term

    data = set_term(app.ctx(), actor_key=app.as_person, ref=verdict, until=until, reason=reason)
    app.out(data, lambda: show_verdict(data))


@kpi.command("improve")
@click.argument("verdict")
@click.option("--text", required=True, help="The improvements shown and implemented.")
@pass_app
def improve(app: App, verdict: str, text: str) -> None:
    """As the supplier, record the improvements after a missed norm (ends the tracked deadline)."""
    from escalation_engine.procedures.kpis.follow_up import record_improvement

    data = record_improvement(app.ctx(), actor_key=app.as_person, ref=verdict, text=text)
    app.out(data, lambda: show_verdict(data))


@kpi.command("show")
@click.argument("verdict")
@pass_app
def show(app: App, verdict: str) -> None:
    """One verdict with every input it used, its findings and follow-up."""
    from escalation_engine.procedures.kpis.queries import show_verdict as find

    data = find(app.ctx(), verdict)

    def human() -> None:
        show_verdict(data)
        click.echo(f"  inputs: {data['inputs']}")

    app.out(data, human)


@kpi.command("verdicts")
@click.option("--contract", "contract_key", required=True)
@click.option("--period")
@click.option("--kpi", "kpi_ref", metavar="REF")
@paging
@pass_app
def verdicts(app: App, /, contract_key: str, period: str | None, kpi_ref: str | None, **page: Any) -> None:
    """List the contract's verdicts."""
    from escalation_engine.procedures.kpis.queries import list_verdicts

    rows = list_verdicts(app.ctx(), contract_key=contract_key, period=period, kpi=kpi_ref, **page)
    app.out(rows, lambda: output.table(rows, VERDICT_COLUMNS))


@click.group()
def survey() -> None:
    """Customer-satisfaction survey, KTO (B2 §2.3)."""


@survey.command("import")
@click.option("--contract", "contract_key", required=True)
@click.option("--file", "path", required=True, type=click.Path(path_type=Path))
@click.option("--year", "label", help="The survey round, e.g. 2026 (default: the current year).")
@click.option("--invited", type=click.IntRange(min=0), help="People asked to respond.")
@click.option("--responded", type=click.IntRange(min=0), help="People who responded (minimum 70 %).")
@pass_app
def survey_import(
    app: App, contract_key: str, path: Path, label: str | None, invited: int | None, responded: int | None
) -> None:
    """Import grades 1-10 per participant per topic (columns participant, topic, grade); all or none."""
    from escalation_engine.procedures.kpis.surveys import import_grades

    data = import_grades(
        app.ctx(),
        actor_key=app.as_person,
        contract_key=contract_key,
        path=path,
        label=label,
        invited=invited,
        responded=responded,
    )
    app.out(data, lambda: click.echo(f"imported {data['grades']} grade(s) of round {data['round']}"))


@survey.command("evaluate")
@click.option("--contract", "contract_key", required=True)
@click.option("--year", "label", help="The survey round (default: the latest imported).")
@pass_app
def survey_evaluate(app: App, contract_key: str, label: str | None) -> None:
    """Score each topic, check the response, and give the sanction outcome (none, S4, S4+)."""
    from escalation_engine.procedures.kpis.surveys import evaluate

    data = evaluate(app.ctx(), actor_key=app.as_person, contract_key=contract_key, label=label)

    def human() -> None:
        show_verdict(data)
        cols = [("topic", "topic"), ("shown", "score"), ("class", "class"), ("participants", "graded by")]
        output.table(data["scores"], cols)

    app.out(data, human)


@click.group("waiting-room")
def waiting_room() -> None:
    """The waiting-room clause in the first 12 months of execution (TP §2.1.2)."""


@waiting_room.command("evaluate")
@click.option("--contract", "contract_key", required=True)
@click.option("--moment", required=True, type=click.Choice(["6", "9", "12"]), help="Month of execution.")
@click.option("--finished", required=True, help="% of modules finished within their terms (KPIs 1-11).")
@click.option("--satisfied", required=True, help="% of modules rated 7 or more by the re-integrant.")
@click.option("--quality", required=True, help="% of delivered output meeting the quality requirements.")
@pass_app
def wr_evaluate(
    app: App, contract_key: str, moment: str, finished: str, satisfied: str, quality: str
) -> None:
    """Establish the norm at a measurement moment; two consecutive misses give the termination right."""
    from escalation_engine.procedures.kpis.waiting_room import evaluate as do

    data = do(
        app.ctx(),
        actor_key=app.as_person,
        contract_key=contract_key,
        moment=int(moment),
        finished=finished,
        satisfied=satisfied,
        quality=quality,
    )

    def human() -> None:
        show_verdict(data)
        cols = [("moment", "month"), ("date", "moment"), ("finished_pct", "finished %")]
        cols += [("satisfied_pct", "satisfied %"), ("quality_pct", "quality %"), ("norm_met", "norm met")]
        click.echo("")
        output.table(data["evidence"], cols)
        click.echo(f"clause invoked: {'YES' if data['clause_invoked'] else 'no'}")

    app.out(data, human)


@waiting_room.command("status")
@click.option("--contract", "contract_key", required=True)
@pass_app
def wr_status(app: App, contract_key: str) -> None:
    """The measurement moments so far (the evidence), the pending ones, and any termination right."""
    from escalation_engine.procedures.kpis.queries import waiting_room_status

    data = waiting_room_status(app.ctx(), contract_key=contract_key)

    def human() -> None:
        cols = [("moment", "month"), ("date", "moment"), ("finished_pct", "finished %")]
        cols += [("satisfied_pct", "satisfied %"), ("quality_pct", "quality %"), ("norm_met", "norm met")]
        output.table(data["evidence"], [*cols, ("verdict", "verdict")])
        for pending in data["pending_moments"]:
            click.echo(f"pending: month {pending['moment']} on {pending['date']}")
        right = data["termination_right"]
        click.echo(f"termination right: {right['reason'] if right else 'no'} ({data['source']})")

    app.out(data, human)


COMMANDS = [kpi, survey, waiting_room]

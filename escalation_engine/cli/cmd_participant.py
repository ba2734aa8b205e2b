"""The participants of a contract ('Deelnemers'): a register, added like people and audited."""

from __future__ import annotations

import click

from escalation_engine.cli import output
from escalation_engine.cli.root import App, pass_app


@click.group()
def participant() -> None:
    """The participants of a contract: KPI results, imports, escalations and surveys name one of them."""


@participant.command("add")
@click.option("--contract", "contract_key", required=True)
@click.option("--name", required=True, help="The participant's name, e.g. Belastingdienst.")
@pass_app
def participant_add(app: App, contract_key: str, name: str) -> None:
    """Register a participant of the contract (audited)."""
    from escalation_engine.app.registration import admin_actor
    from escalation_engine.contracts.participants import add_participant

    data = add_participant(app.ctx(), contract_key=contract_key, name=name, actor=admin_actor(app.as_person))
    app.out(data, lambda: click.echo(f"participant {data['name']} registered on contract {contract_key}"))


@participant.command("list")
@click.option("--contract", "contract_key", required=True)
@pass_app
def participant_list(app: App, contract_key: str) -> None:
    """The contract's participants."""
    from escalation_engine.contracts.participants import list_participants

    rows = list_participants(app.ctx(), contract_key=contract_key)
    app.out(
        rows,
        lambda: output.table(
            rows,
            [("name", "participant"), ("added_by", "added by"), ("added_at", "added at")],
            empty="no participants registered (participant add --contract KEY --name NAME)",
        ),
    )


COMMANDS = [participant]

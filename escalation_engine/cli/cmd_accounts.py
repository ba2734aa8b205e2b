"""Accounts: listing and showing them, personal tokens, and inviting people to a contract."""

from __future__ import annotations

from datetime import date

import click

from escalation_engine.cli import output
from escalation_engine.cli.params import DATE
from escalation_engine.cli.root import App, pass_app


@click.group()
def account() -> None:
    """Accounts (one per person, by e-mail) and their personal tokens."""


@account.command("list")
@pass_app
def account_list(app: App) -> None:
    from escalation_engine.accounts.accounts import list_accounts
    from escalation_engine.accounts.admin import require_admin

    ctx = app.ctx()
    require_admin(ctx, "list accounts")
    rows = list_accounts(ctx)
    app.out(
        rows,
        lambda: output.table(
            rows,
            [
                ("email", "email"),
                ("name", "name"),
                ("language", "language"),
                ("admin", "admin"),
                ("password_set", "password set"),
                ("memberships", "memberships"),
            ],
        ),
    )


@account.command("show")
@click.argument("email")
@pass_app
def account_show(app: App, email: str) -> None:
    from escalation_engine.accounts.accounts import show_account
    from escalation_engine.accounts.admin import require_own_or_admin

    ctx = app.ctx()
    require_own_or_admin(ctx, email)
    data = show_account(ctx, email)

    def human() -> None:
        output.fields(
            data, [("email", "e-mail"), ("name", "name"), ("language", "language"), ("admin", "admin")]
        )
        output.table(
            data["memberships"],
            [
                ("contract", "contract"),
                ("key", "key"),
                ("side", "side"),
                ("role", "role"),
                ("organisation", "organisation"),
            ],
        )

    app.out(data, human)


@account.group("token")
def token() -> None:
    """Personal tokens: how an account proves itself to the CLI on a shared database."""


@token.command("create")
@click.option("--expires", type=DATE, help="Last day the token works (default: until revoked).")
@click.option("--account", "email", metavar="EMAIL", help="Whose token (an administrator for another).")
@click.option("--label", help="What the token is for, e.g. the machine it lives on.")
@pass_app
def token_create(app: App, expires: date | None, email: str | None, label: str | None) -> None:
    from escalation_engine.accounts.tokens import create_token

    data = create_token(app.ctx(), email=email, expires=expires, label=label)
    app.out(
        data, lambda: click.echo(f"token {data['id']} for {data['account']} (shown once):\n  {data['token']}")
    )


@token.command("list")
@click.option("--account", "email", metavar="EMAIL")
@pass_app
def token_list(app: App, email: str | None) -> None:
    from escalation_engine.accounts.tokens import list_tokens

    rows = list_tokens(app.ctx(), email=email)
    app.out(
        rows,
        lambda: output.table(
            rows,
            [
                ("id", "id"),
                ("account", "account"),
                ("label", "label"),
                ("state", "state"),
                ("created_at", "created at"),
                ("expires_at", "expires at"),
            ],
        ),
    )


@token.command("revoke")
@click.argument("ident", metavar="ID", type=int)
@pass_app
def token_revoke(app: App, ident: int) -> None:
    from escalation_engine.accounts.tokens import revoke_token

    data = revoke_token(app.ctx(), ident=ident)
    app.out(data, lambda: click.echo(f"token {data['id']} of {data['account']} is revoked"))


@click.command()
@click.argument("email")
@click.option("--contract", "contract_key", required=True)
@click.option("--side", required=True, type=click.Choice(["client", "participant", "supplier"]))
@click.option("--role", required=True)
@click.option("--organisation")
@click.option("--name", help="The person's name (default: from the e-mail address).")
@pass_app
def invite(
    app: App, email: str, contract_key: str, side: str, role: str, organisation: str | None, name: str | None
) -> None:
    """Invite a person to a contract: a membership and a one-time link by e-mail (72 hours) to set a password."""
    from escalation_engine.app.invitations import invite as do

    data = do(
        app.ctx(),
        email=email,
        contract_key=contract_key,
        side=side,
        role=role,
        organisation=organisation,
        name=name,
    )
    app.out(
        data,
        lambda: click.echo(
            f"invited {data['invited']} to {contract_key}; the link works until {data['link_expires_at']}"
        ),
    )


COMMANDS = [account, invite]

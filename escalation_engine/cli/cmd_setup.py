"""Setting up: the database, profiles, contracts and the people on each side."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from escalation_engine.cli import output
from escalation_engine.cli.params import DATE
from escalation_engine.cli.root import App, pass_app


@click.command()
@click.option(
    "--shared", is_flag=True, help="Several people reach this database: every action by a proven account."
)
@click.option(
    "--admin", "admin_email", metavar="EMAIL", help="With --shared: the first administrator's e-mail."
)
@click.option("--admin-name", metavar="NAME", help="With --admin: the administrator's name.")
@pass_app
def init(app: App, shared: bool, admin_email: str | None, admin_name: str | None) -> None:
    """Create or upgrade the database (Alembic migrations); `--shared --admin EMAIL` makes it shared."""
    from escalation_engine.cli.init_modes import apply_mode

    if admin_email and not shared:
        raise click.UsageError("--admin goes with --shared")
    if shared and not admin_email:
        raise click.UsageError("--shared needs --admin EMAIL (the first administrator)")
    ctx = app.ctx(ensure_schema=False)
    before, after = ctx.db.upgrade()
    data = {
        "database": ctx.db.engine.url.render_as_string(hide_password=True),
        "from_revision": before,
        "revision": after,
        **apply_mode(app, ctx, admin_email=admin_email if shared else None, admin_name=admin_name),
    }

    def human() -> None:
        click.echo(
            f"database {data['database']} is at schema revision {after}"
            + (f" (was {before})" if before and before != after else " (created)" if before is None else "")
        )
        click.echo(f"mode: {data['mode']}")
        if data.get("token"):
            click.echo(f"administrator {data['admin']}: your personal token (shown once, keep it secret):")
            click.echo(f"  {data['token']}")

    app.out(data, human)


@click.group()
def profile() -> None:
    """Contract profiles in workflows/ (the contract's rules as data)."""


@profile.command("list")
@pass_app
def profile_list(app: App) -> None:
    """List the profiles that can be used for a new contract."""
    from escalation_engine.profile.model import available_profiles, load_profile_file

    rows = []
    for name, path in available_profiles().items():
        p = load_profile_file(path)
        rows.append(
            {
                "name": name,
                "version": p.version,
                "title": p.spec.title,
                "levels": p.ladder.top,
                "file": str(path),
            }
        )
    app.out(
        rows,
        lambda: output.table(
            rows, [("name", "profile"), ("version", "version"), ("levels", "levels"), ("title", "title")]
        ),
    )


@profile.command("show")
@click.argument("name")
@pass_app
def profile_show(app: App, name: str) -> None:
    """Show a profile: roles, ladder, windows and reminders, each with its source."""
    from escalation_engine.profile.model import find_profile

    p = find_profile(name)
    data = {"file": p.origin, "sha256": p.sha256, **p.spec.model_dump()}

    def human() -> None:
        click.echo(f"{p.name} v{p.version} — {p.spec.title}\nfile: {p.origin}\n")
        output.table(
            [{"role": k, **v.model_dump()} for k, v in p.spec.roles.items()],
            [("role", "role"), ("side", "side"), ("label", "meaning"), ("source", "source")],
        )
        click.echo("")
        output.table(
            [lv.model_dump() for lv in p.spec.ladder.levels],
            [
                ("level", "level"),
                ("name", "name"),
                ("raised_by", "raised by"),
                ("counterpart", "counterpart"),
                ("source", "source"),
            ],
        )
        w = p.spec.ladder.response_window
        click.echo(f"\nresponse window: {w.amount} {w.unit} — {w.source}")
        r = p.spec.reminders
        click.echo(f"reminders: {r.offsets_days} days around each deadline at {r.at} — {r.source}")

    app.out(data, human)


@profile.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@pass_app
def profile_check(app: App, file: Path) -> None:
    """Validate a profile file; errors name the file, the key and what is wrong."""
    from escalation_engine.profile.model import load_profile_file

    p = load_profile_file(file)
    data = {"file": str(file), "ok": True, "profile": p.name, "version": p.version, "levels": p.ladder.top}
    app.out(data, lambda: click.echo(f"{file}: ok — profile {p.name} v{p.version}, {p.ladder.top} levels"))


@click.group()
def contract() -> None:
    """Contracts, each pinned to the profile version it was created with."""


@contract.command("add")
@click.argument("key")
@click.option("--profile", "profile_name", required=True, help="Profile name (see `profile list`).")
@click.option("--title", required=True)
@click.option("--start", required=True, type=DATE, help="Start of the contract (YYYY-MM-DD).")
@click.option("--award", type=DATE, help="Award date (YYYY-MM-DD).")
@pass_app
def contract_add(app: App, key: str, profile_name: str, title: str, start: date, award: date | None) -> None:
    """Register a contract from a profile."""
    from escalation_engine.app.registration import add_contract, admin_actor

    data = add_contract(
        app.ctx(),
        key=key,
        profile_name=profile_name,
        title=title,
        start=start,
        award=award,
        actor=admin_actor(app.as_person),
    )
    app.out(
        data,
        lambda: click.echo(
            f"contract {key} registered on profile {data['profile']} "
            f"v{data['profile_version']} (start {data['start']})"
        ),
    )


@contract.command("repin")
@click.argument("key")
@pass_app
def contract_repin(app: App, key: str) -> None:
    """Move a contract to the current version of its profile (checked, audited; new obligations derived)."""
    from escalation_engine.app.registration import admin_actor
    from escalation_engine.app.repin import repin

    data = repin(app.ctx(), key=key, actor=admin_actor(app.as_person))
    app.out(
        data,
        lambda: click.echo(
            f"contract {key} moved from {data['profile']} v{data['from_version']} to v{data['profile_version']}"
            + (
                f"; {data['derived_obligations']} obligation(s) derived"
                if data["derived_obligations"]
                else ""
            )
        ),
    )


@contract.command("list")
@pass_app
def contract_list(app: App) -> None:
    """List contracts."""
    from escalation_engine.app.registration import list_contracts

    rows = list_contracts(app.ctx())
    app.out(
        rows,
        lambda: output.table(
            rows,
            [
                ("key", "contract"),
                ("profile", "profile"),
                ("profile_version", "v"),
                ("start", "start"),
                ("title", "title"),
            ],
        ),
    )


@contract.command("show")
@click.argument("key")
@pass_app
def contract_show(app: App, key: str) -> None:
    """Show a contract, its people and its ladder."""
    from escalation_engine.app.registration import show_contract

    data = show_contract(app.ctx(), key)

    def human() -> None:
        output.fields(
            data,
            [
                ("key", "contract"),
                ("title", "title"),
                ("profile", "profile"),
                ("profile_version", "version"),
                ("start", "start"),
                ("award", "award"),
            ],
        )
        click.echo("\npeople:")
        output.table(
            data["people"],
            [
                ("key", "key"),
                ("name", "name"),
                ("side", "side"),
                ("role", "role"),
                ("organisation", "organisation"),
                ("email", "email"),
            ],
        )
        click.echo("\nladder:")
        output.table(
            data["ladder"],
            [
                ("level", "level"),
                ("name", "name"),
                ("raised_by", "raised by"),
                ("counterpart", "counterpart"),
            ],
        )

    app.out(data, human)


@click.group()
def person() -> None:
    """The people on each side of a contract."""


@person.command("add")
@click.argument("key")
@click.option("--contract", "contract_key", required=True)
@click.option("--name", required=True)
@click.option("--side", required=True, type=click.Choice(["client", "participant", "supplier"]))
@click.option("--role", required=True, help="A role key of the contract's profile.")
@click.option("--organisation")
@click.option("--email")
@pass_app
def person_add(
    app: App,
    key: str,
    contract_key: str,
    name: str,
    side: str,
    role: str,
    organisation: str | None,
    email: str | None,
) -> None:
    """Register a person with their side and role."""
    from escalation_engine.app.registration import add_person, admin_actor

    data = add_person(
        app.ctx(),
        key=key,
        contract_key=contract_key,
        name=name,
        side=side,
        role=role,
        organisation=organisation,
        email=email,
        actor=admin_actor(app.as_person),
    )
    app.out(
        data, lambda: click.echo(f"{key} ({name}) registered as {role} on the {side} side of {contract_key}")
    )


COMMANDS = [init, profile, contract, person]

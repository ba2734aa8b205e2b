"""A shared database with the B2 contract, every person an account with a password, and the web app on it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from support import register

from escalation_engine.accounts.admin import make_shared
from escalation_engine.accounts.passwords import give_password as accounts_give_password
from escalation_engine.app.context import Ctx
from escalation_engine.app.registration import add_contract, add_person
from escalation_engine.core.principal import Principal, acting

PASSWORD = "een lang genoeg wachtwoord"


def give_password(ctx: Ctx, email: str, password: str = PASSWORD) -> None:
    accounts_give_password(ctx, email=email, password=password)


def shared_world(ctx: Ctx) -> None:
    """LF with the B2 people (dcm, cat, catman, am, sm, exec @example.org) and OTHER with its own supplier."""
    register(ctx)
    admin_token = make_shared(ctx, admin_email="cat@example.org", name="Carla")["token"]
    from escalation_engine.accounts.tokens import authenticate

    admin: Principal = authenticate(ctx, admin_token)
    with acting(admin):
        add_contract(
            ctx,
            key="OTHER",
            profile_name="leasefietsen-rijk",
            title="Ander contract",
            start=date(2026, 1, 1),
            award=None,
            actor="admin",
        )
        for key, side, role in (
            ("odcm", "participant", "participant_contract_manager"),
            ("oam", "supplier", "account_manager"),
        ):
            add_person(
                ctx,
                key=key,
                contract_key="OTHER",
                name=key,
                side=side,
                role=role,
                organisation=None,
                email=f"{key}@other.example",
                actor="admin",
            )
    for email in (
        "dcm@example.org",
        "cat@example.org",
        "catman@example.org",
        "am@example.org",
        "sm@example.org",
        "odcm@other.example",
        "oam@other.example",
    ):
        give_password(ctx, email)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def signed_in(ctx: Ctx, email: str) -> Any:
    """A test client of the web app on `ctx`, signed in as `email` with the shared password."""
    from starlette.testclient import TestClient

    from escalation_engine.web.app import create_app

    browser = TestClient(create_app(ctx.db, clock=ctx.clock), follow_redirects=False)
    page = browser.get("/aanmelden")
    answer = browser.post(
        "/aanmelden", data={"email": email, "password": PASSWORD, "next": "/", "csrf": csrf_of(page.text)}
    )
    assert answer.status_code == 303, answer.text
    return browser

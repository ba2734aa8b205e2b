"""`demo --serve`: the demo's database opened in the browser: everyone in the demo gets the same password."""

from __future__ import annotations

from pathlib import Path

from escalation_engine.accounts.accounts import list_accounts
from escalation_engine.accounts.passwords import give_password
from escalation_engine.app.context import Ctx
from escalation_engine.core.db import Database

DEMO_PASSWORD = "demo-wachtwoord-2026"


def open_for_browser(path: Path) -> tuple[Database, list[dict[str, object]]]:
    db = Database(f"sqlite:///{path}")
    ctx = Ctx(db=db)
    people = [a for a in list_accounts(ctx) if a["email"]]
    for account in people:
        give_password(ctx, email=str(account["email"]), password=DEMO_PASSWORD)
    return db, people

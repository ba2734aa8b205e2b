"""`init`'s second half: the database's mode (local, or shared with its first administrator)."""

from __future__ import annotations

from typing import Any

from escalation_engine.app.context import Ctx
from escalation_engine.cli.root import App


def apply_mode(app: App, ctx: Ctx, *, admin_email: str | None, admin_name: str | None) -> dict[str, Any]:
    from escalation_engine.accounts.admin import make_shared
    from escalation_engine.accounts.mode import SHARED, mode_of

    if admin_email is None:
        with ctx.db.read() as session:
            return {"mode": mode_of(session)}
    app.prove(ctx)  # the operator at the terminal; on a shared database an administrator's token
    with ctx.db.read() as session:
        assert mode_of(session) in (SHARED, "local")
    return make_shared(ctx, admin_email=admin_email, name=admin_name)

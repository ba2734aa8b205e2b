"""A page reads in one snapshot: every `read()` inside `Database.snapshot()` shares one read transaction (one
consistent state, the contract and what the account may see loaded once), and outside it each read is its
own."""

from __future__ import annotations

from escalation_engine.app.context import Ctx


def test_reads_inside_a_snapshot_share_one_session_and_outside_do_not(ctx: Ctx) -> None:
    with ctx.db.read() as first, ctx.db.read() as second:
        assert first is not second
    with ctx.db.snapshot():
        with ctx.db.read() as first, ctx.db.read() as second:
            assert first is second
        with ctx.db.snapshot(), ctx.db.read() as nested:  # a nested snapshot is the same one
            assert nested is first
    with ctx.db.read() as after:
        assert after is not first


def test_a_snapshot_of_one_database_is_not_used_by_another(ctx: Ctx, tmp_path: object) -> None:
    from escalation_engine.core.db import Database

    other = Database(f"sqlite:///{tmp_path}/other.db")
    try:
        with ctx.db.snapshot(), ctx.db.read() as mine, other.read() as theirs:
            assert mine is not theirs and theirs.get_bind().pool is other.engine.pool  # its own database
    finally:
        other.dispose()

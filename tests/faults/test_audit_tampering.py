"""Tampering: the database itself refuses UPDATE and DELETE on audit rows (SQLite and PostgreSQL); a
change made behind the engine's back (triggers dropped, a row edited or deleted) is found by
`audit verify`, which names the row."""

from __future__ import annotations

import pytest
from faults_support import cli
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.db import Database
from escalation_engine.core.tables import AuditEvent
from escalation_engine.procedures.ladder import actions as esc


def _history(ctx: Ctx) -> None:
    register(ctx)
    case = esc.open_escalation(
        ctx,
        actor_key="dcm",
        contract_key="LF",
        subject="late bikes",
        norm=None,
        participant=None,
        threatened=False,
    )["case"]
    esc.respond(ctx, actor_key="am", ref=case, text="we will deliver")
    esc.assess(ctx, actor_key="dcm", ref=case, sufficient=False, reason="still late")


def _drop_guards(db: Database) -> None:
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_append_only ON audit_event"))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET reason = 'nothing happened' WHERE id = 3",
        "UPDATE audit_event SET hash = prev_hash",
        "DELETE FROM audit_event WHERE id = 3",
        "DELETE FROM audit_event",
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(ctx: Ctx, statement: str) -> None:
    _history(ctx)
    before = audit.listing(ctx.db)
    with pytest.raises(DBAPIError, match="append-only"), ctx.db.engine.begin() as conn:
        conn.execute(text(statement))
    assert audit.listing(ctx.db) == before
    assert audit.verify(ctx.db).ok


def test_truncating_the_audit_trail_is_refused_on_postgresql(ctx: Ctx) -> None:
    if ctx.db.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE (DELETE is refused above)")
    _history(ctx)
    with pytest.raises(DBAPIError, match="append-only"), ctx.db.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_event"))


def test_verify_names_a_row_edited_behind_the_engines_back(ctx: Ctx) -> None:
    _history(ctx)
    rows = audit.verify(ctx.db).rows
    _drop_guards(ctx.db)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET reason = 'it was sufficient' WHERE id = :i"), {"i": rows})
    result = audit.verify(ctx.db)
    assert not result.ok
    assert result.problems == [f"audit row {rows}: content does not match its hash (the row was edited)"]
    done = cli(ctx.db.url, "audit", "verify")
    assert done.returncode == 3
    assert f"audit row {rows}: content does not match its hash" in done.stderr


def test_verify_names_a_row_deleted_and_the_broken_link_after_it(ctx: Ctx) -> None:
    _history(ctx)
    _drop_guards(ctx.db)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 3"))
    problems = audit.verify(ctx.db).problems
    assert "audit row(s) 3 missing (deleted?) before row 4" in problems
    assert any(p.startswith("audit row 4: link to the previous row is broken") for p in problems)


def test_verify_notices_a_rewritten_row_even_with_its_hash_recomputed(ctx: Ctx) -> None:
    """Recomputing the edited row's own hash does not help: the next row's link no longer matches."""
    _history(ctx)
    _drop_guards(ctx.db)
    records = audit.listing(ctx.db)
    target = records[2]
    with ctx.db.write() as session:
        event = session.get(AuditEvent, target["id"])
        assert event is not None
        event.reason = "forged"
        event.hash = audit.compute_hash(event.prev_hash, event)
        session.add(event)
    problems = audit.verify(ctx.db).problems
    assert problems == [
        f"audit row {target['id'] + 1}: link to the previous row is broken (a row before it was changed or removed)"
    ]


def test_a_cut_off_tail_is_found_against_a_kept_head(ctx: Ctx) -> None:
    _history(ctx)
    head = audit.verify(ctx.db).head
    last = audit.verify(ctx.db).rows
    _drop_guards(ctx.db)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": last})
    assert audit.verify(ctx.db).ok, "without a kept head a cut tail looks like a shorter trail"
    problems = audit.verify(ctx.db, expected_head=head).problems
    assert len(problems) == 1 and "not at the expected head" in problems[0]


def test_verifying_from_a_signed_checkpoint_reads_only_the_rows_after_it_and_still_finds_their_edits(
    ctx: Ctx,
) -> None:
    _history(ctx)
    full = audit.verify(ctx.db)
    since = (full.rows - 2, audit.listing(ctx.db)[full.rows - 3]["hash"])
    assert audit.listing(ctx.db)[full.rows - 3]["id"] == since[0]
    result = audit.verify(ctx.db, since=since)
    assert result.ok and result.rows == 2 and result.head == full.head
    _drop_guards(ctx.db)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET reason = 'edited' WHERE id = :id"), {"id": since[0] + 1})
        conn.execute(
            text("UPDATE audit_event SET reason = 'edited too' WHERE id = 1")
        )  # before the checkpoint
    problems = audit.verify(ctx.db, since=since).problems
    assert problems == [f"audit row {since[0] + 1}: content does not match its hash (the row was edited)"]
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": since[0]})
    cut = audit.verify(ctx.db, since=since).problems
    assert cut == [
        f"audit row {since[0]} is not the row the checkpoint signed (the chain was rewritten or cut)"
    ]

"""The audit trail: complete, append-only and verifiable (SPEC §7, DESIGN §6)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.procedures.ladder import actions as esc


def walk_a_case(ctx: Ctx) -> str:
    register(ctx)
    case = str(
        esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject="Availability",
            norm="KPI",
            participant=None,
            threatened=False,
        )["case"]
    )
    esc.respond(ctx, actor_key="am", ref=case, text="we add bikes")
    esc.assess(ctx, actor_key="dcm", ref=case, sufficient=False, reason="not enough")
    esc.raise_level(ctx, actor_key="cat", ref=case, reason="level 1 insufficient")
    return case


def test_the_trail_says_who_did_what_when_at_which_level_and_why(ctx: Ctx) -> None:
    case = walk_a_case(ctx)
    rows = audit.listing(ctx.db, case_ref=case)
    assert [(r["actor"], r["actor_role"], r["action"], r["level"]) for r in rows] == [
        ("dcm", "participant_contract_manager", "escalation.open", 1),
        ("am", "account_manager", "escalation.respond", 1),
        ("dcm", "participant_contract_manager", "escalation.assess.insufficient", 1),
        ("cat", "category", "escalation.raise", 2),
    ]
    assert rows[2]["reason"] == "not enough"
    assert (rows[3]["from_state"], rows[3]["to_state"]) == ("insufficient", "addressed")
    assert all(r["recorded_at"].endswith("+00:00") for r in rows)
    assert audit.verify(ctx.db).ok


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET reason = 'nothing' WHERE id = 2", "DELETE FROM audit_event WHERE id = 2"],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(ctx: Ctx, statement: str) -> None:
    walk_a_case(ctx)
    with pytest.raises(DBAPIError, match="append-only"), ctx.db.engine.begin() as conn:
        conn.execute(text(statement))
    assert audit.verify(ctx.db).ok


def _drop_protection(ctx: Ctx) -> None:
    """What someone with database rights could do behind the engine's back."""
    with ctx.db.engine.begin() as conn:
        if ctx.db.is_sqlite:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_append_only ON audit_event"))


def test_verify_names_a_row_edited_behind_the_engines_back(ctx: Ctx) -> None:
    walk_a_case(ctx)
    _drop_protection(ctx)
    with ctx.db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE audit_event SET reason = 'it was fine' WHERE action = 'escalation.assess.insufficient'"
            )
        )
    result = audit.verify(ctx.db)
    assert not result.ok
    edited = [r["id"] for r in audit.listing(ctx.db) if r["action"] == "escalation.assess.insufficient"][0]
    assert f"audit row {edited}: content does not match its hash (the row was edited)" in result.problems


def test_verify_names_a_deleted_row(ctx: Ctx) -> None:
    walk_a_case(ctx)
    _drop_protection(ctx)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 3"))
    result = audit.verify(ctx.db)
    assert "audit row(s) 3 missing (deleted?) before row 4" in result.problems


def test_verify_with_a_kept_head_detects_a_cut_off_tail(ctx: Ctx) -> None:
    walk_a_case(ctx)
    head = audit.verify(ctx.db).head
    _drop_protection(ctx)
    with ctx.db.engine.begin() as conn:
        last = conn.execute(text("SELECT max(id) FROM audit_event")).scalar_one()
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": last})
    assert audit.verify(ctx.db).ok  # a cut tail leaves a consistent chain...
    result = audit.verify(ctx.db, expected_head=head)
    assert not result.ok and "rows cut off?" in result.problems[0]  # ...that the kept head exposes


def test_export_as_jsonl_and_csv_carries_every_row_with_its_hashes(ctx: Ctx) -> None:
    import csv
    import io
    import json

    walk_a_case(ctx)
    count = len(audit.listing(ctx.db))
    lines = audit.export(ctx.db, "jsonl").splitlines()
    assert len(lines) == count
    assert {"hash", "prev_hash", "actor", "reason"} <= set(json.loads(lines[0]))
    rows = list(csv.DictReader(io.StringIO(audit.export(ctx.db, "csv"))))
    assert len(rows) == count and rows[-1]["hash"] == json.loads(lines[-1])["hash"]

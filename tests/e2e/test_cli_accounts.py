"""The command line in both modes: local (`--as`, the operator recorded) and shared (`init --shared --admin`,
personal tokens, `--as` refused), and signed checkpoints of the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import B2_PEOPLE

from escalation_engine.cli.root import cli as root


def run(db: str, *args: str, token: str | None = None, as_person: str | None = None) -> tuple[int, object]:
    env = {"ESCALATION_ENGINE_DB": db}
    if token:
        env["ESCALATION_ENGINE_TOKEN"] = token
    if as_person:
        env["ESCALATION_ENGINE_AS"] = as_person
    result = CliRunner().invoke(root, ["--json", *args], env=env, catch_exceptions=False)
    text = result.output.strip()
    return result.exit_code, json.loads(text) if text else None


@pytest.fixture
def shared(tmp_path: Path) -> tuple[str, str]:
    db = f"sqlite:///{tmp_path / 'shared.db'}"
    assert run(db, "init")[0] == 0
    code, out = run(
        db,
        "contract",
        "add",
        "LF",
        "--profile",
        "leasefietsen-rijk",
        "--title",
        "LF",
        "--start",
        "2026-01-01",
    )
    assert code == 0, out
    for key, name, side, role in B2_PEOPLE:
        code, out = run(
            db,
            "person",
            "add",
            key,
            "--contract",
            "LF",
            "--name",
            name,
            "--side",
            side,
            "--role",
            role,
            "--email",
            f"{key}@example.org",
        )
        assert code == 0, out
    code, out = run(db, "init", "--shared", "--admin", "cat@example.org")
    assert code == 0 and isinstance(out, dict) and out["mode"] == "shared", out
    return db, str(out["token"])


def _token(db: str, admin: str, email: str) -> str:
    code, out = run(db, "account", "token", "create", "--account", email, token=admin)
    assert code == 0 and isinstance(out, dict), out
    return str(out["token"])


def test_as_is_refused_on_a_shared_database_and_nothing_is_written(shared: tuple[str, str]) -> None:
    db, admin = shared
    before = run(db, "audit", "list", token=admin)[1]
    code, out = run(
        db, "escalation", "open", "--contract", "LF", "--subject", "S", as_person="dcm", token=admin
    )
    assert code == 3 and isinstance(out, dict) and "--as" in out["error"]["message"]
    code, _ = run(db, "escalation", "open", "--contract", "LF", "--subject", "S")
    assert code == 3  # no token: refused
    assert run(db, "audit", "list", token=admin)[1] == before


def test_the_token_decides_who_acts_and_the_audit_row_says_so(shared: tuple[str, str]) -> None:
    db, admin = shared
    dcm = _token(db, admin, "dcm@example.org")
    code, out = run(db, "escalation", "open", "--contract", "LF", "--subject", "Levering", token=dcm)
    assert code == 0, out
    rows = run(db, "audit", "list", "--case", "ESC-1", token=admin)[1]
    assert isinstance(rows, list) and (rows[0]["actor"], rows[0]["account"], rows[0]["auth"]) == (
        "dcm",
        "dcm@example.org",
        "token",
    )


def test_a_revoked_token_is_refused_with_exit_3(shared: tuple[str, str]) -> None:
    db, admin = shared
    am = _token(db, admin, "am@example.org")
    tokens = run(db, "account", "token", "list", "--account", "am@example.org", token=admin)[1]
    assert isinstance(tokens, list) and len(tokens) == 1
    assert run(db, "account", "token", "revoke", str(tokens[0]["id"]), token=admin)[0] == 0
    assert run(db, "escalation", "list", token=am)[0] == 3


def test_a_non_administrator_cannot_add_people_or_list_accounts(shared: tuple[str, str]) -> None:
    db, admin = shared
    am = _token(db, admin, "am@example.org")
    assert (
        run(
            db,
            "person",
            "add",
            "z",
            "--contract",
            "LF",
            "--name",
            "Z",
            "--side",
            "supplier",
            "--role",
            "account_manager",
            token=am,
        )[0]
        == 3
    )
    assert run(db, "account", "list", token=am)[0] == 3
    code, out = run(db, "account", "show", "am@example.org", token=am)
    assert code == 0 and isinstance(out, dict) and out["memberships"][0]["role"] == "account_manager"
    assert run(db, "account", "show", "dcm@example.org", token=am)[0] == 3


def test_local_mode_records_the_operator_beside_the_person_acted_for(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'local.db'}"
    assert run(db, "init")[0] == 0
    run(
        db,
        "contract",
        "add",
        "LF",
        "--profile",
        "leasefietsen-rijk",
        "--title",
        "LF",
        "--start",
        "2026-01-01",
    )
    for key, name, side, role in B2_PEOPLE:
        run(db, "person", "add", key, "--contract", "LF", "--name", name, "--side", side, "--role", role)
    assert run(db, "escalation", "open", "--contract", "LF", "--subject", "S", as_person="dcm")[0] == 0
    rows = run(db, "audit", "list", "--case", "ESC-1")[1]
    assert isinstance(rows, list) and rows[0]["auth"] == "local" and rows[0]["operator"]


def test_a_signed_checkpoint_detects_a_consistently_rewritten_chain(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text
    from sqlmodel import col, select

    from escalation_engine.core import audit
    from escalation_engine.core.db import Database
    from escalation_engine.core.tables import AuditEvent

    db = f"sqlite:///{tmp_path / 'cp.db'}"
    run(db, "init")
    run(
        db,
        "contract",
        "add",
        "LF",
        "--profile",
        "leasefietsen-rijk",
        "--title",
        "LF",
        "--start",
        "2026-01-01",
    )
    key, cps = tmp_path / "audit-key.pem", tmp_path / "checkpoints.jsonl"
    code, out = run(db, "audit", "checkpoint", "--key-file", str(key), "--output", str(cps))
    assert code == 0 and isinstance(out, dict) and out["key_created"] is True
    public = str(key) + ".pub"
    run(
        db,
        "person",
        "add",
        "dcm",
        "--contract",
        "LF",
        "--name",
        "Dirk",
        "--side",
        "participant",
        "--role",
        "participant_contract_manager",
    )
    code, whole = run(db, "audit", "verify", "--checkpoints", str(cps), "--public-key", public)
    assert code == 0 and isinstance(whole, dict)  # new rows are fine
    code, since = run(
        db, "audit", "verify", "--checkpoints", str(cps), "--public-key", public, "--since-checkpoint"
    )
    assert code == 0 and isinstance(since, dict) and since["since_row"] == out["id"]
    assert (
        since["rows"] == whole["rows"] - out["id"] and since["head"] == whole["head"]
    )  # only the rows after it
    database = Database(db)
    with database.read() as session:  # the rows as the engine reads them (aware instants)
        events = [dict(e) for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))]
    database.dispose()
    engine = create_engine(db)
    with engine.begin() as conn:  # someone with write access rewrites row 1 and re-hashes the whole chain
        for verb in ("update", "delete"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS audit_event_no_{verb}"))
        prev = audit.GENESIS
        for values in events:
            if values["id"] == 1:
                values["reason"] = "rewritten"
            values["prev_hash"] = prev
            values["hash"] = audit.compute_hash(prev, values)
            update = (
                "UPDATE audit_event SET reason = :reason, prev_hash = :prev_hash, hash = :hash WHERE id = :id"
            )
            conn.execute(text(update), values)
            prev = values["hash"]
    engine.dispose()
    assert run(db, "audit", "verify")[0] == 0  # the chain alone looks fine
    code, out = run(db, "audit", "verify", "--checkpoints", str(cps), "--public-key", public)
    assert code == 3 and isinstance(out, dict) and "rewritten" in out["error"]["message"]


READS = [
    ("escalation", "list", "--contract", "LF"),
    ("escalation", "list", "--state", "all"),
    ("escalation", "show", "ESC-1"),
    ("deadlines",),
    ("deadlines", "--contract", "LF"),
    ("obligations", "--contract", "LF"),
    ("obligations", "--state", "all"),
    ("plan", "list", "--contract", "LF", "--state", "all"),
    ("stepin", "list", "--contract", "LF", "--state", "all"),
    ("kpi", "list", "--contract", "LF"),
    ("kpi", "verdicts", "--contract", "LF"),
    ("sanction", "list", "--contract", "LF"),
    ("sanction", "list"),
    ("report", "--contract", "LF"),
    ("waiting-room", "status", "--contract", "LF"),
    ("audit", "list", "--contract", "LF"),
    ("audit", "list"),
    ("audit", "export", "--format", "jsonl"),
    ("contract", "show", "LF"),
    ("contract", "list"),
    ("account", "show", "dcm@example.org"),
]
ACTIONS = [
    ("escalation", "respond", "ESC-1", "--text", "t"),
    ("escalation", "assess", "ESC-1", "--sufficient", "--reason", "r"),
    ("escalation", "raise", "ESC-1", "--reason", "r"),
    ("escalation", "refuse", "ESC-1", "--reason", "r"),
    ("escalation", "close", "ESC-1", "--measures", "m", "--results", "r", "--lessons", "l"),
    ("escalation", "open", "--contract", "LF", "--subject", "s"),
    ("plan", "open", "--contract", "LF", "--trigger", "requirements", "--subject", "s"),
    ("stepin", "request", "--contract", "LF", "--reason", "r", "--culpable"),
    ("kpi", "record", "--contract", "LF", "--kpi", "delivery", "--period", "2026-01", "--value", "90"),
    ("kpi", "evaluate", "--contract", "LF", "--period", "2026-01"),
    ("obligation", "fulfil", "OBL-1", "--on", "2026-01-01"),
    (
        "person",
        "add",
        "x",
        "--contract",
        "LF",
        "--name",
        "X",
        "--side",
        "supplier",
        "--role",
        "account_manager",
    ),
    ("contract", "repin", "LF"),
]


@pytest.fixture
def two_suppliers(shared: tuple[str, str]) -> tuple[str, str, str]:
    db, admin = shared
    dcm = _token(db, admin, "dcm@example.org")
    assert run(db, "escalation", "open", "--contract", "LF", "--subject", "Geheim voor LF", token=dcm)[0] == 0
    code, out = run(
        db,
        "contract",
        "add",
        "OTHER",
        "--profile",
        "leasefietsen-rijk",
        "--title",
        "O",
        "--start",
        "2026-01-01",
        token=admin,
    )
    assert code == 0, out
    code, out = run(
        db,
        "person",
        "add",
        "o",
        "--contract",
        "OTHER",
        "--name",
        "O",
        "--side",
        "supplier",
        "--role",
        "account_manager",
        "--email",
        "o@other.example",
        token=admin,
    )
    assert code == 0, out
    return db, admin, _token(db, admin, "o@other.example")


@pytest.mark.parametrize("command", READS, ids=lambda c: " ".join(c))
def test_another_supplier_reads_nothing_of_a_contract_it_is_not_on(
    two_suppliers: tuple[str, str, str], command: tuple[str, ...]
) -> None:
    db, _, other = two_suppliers
    code, out = run(db, *command, token=other)
    assert code in (0, 3, 4), out
    assert "LF" not in json.dumps(out).replace("LF-", "") or code in (3, 4), out
    assert "Geheim voor LF" not in json.dumps(out)


@pytest.mark.parametrize("command", ACTIONS, ids=lambda c: " ".join(c[:2]))
def test_another_supplier_cannot_act_on_a_contract_it_is_not_on(
    two_suppliers: tuple[str, str, str], command: tuple[str, ...]
) -> None:
    db, admin, other = two_suppliers
    before = run(db, "audit", "list", token=admin)[1]
    code, out = run(db, *command, token=other)
    assert code in (3, 4), out
    assert run(db, "audit", "list", token=admin)[1] == before

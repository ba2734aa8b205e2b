"""The command line as users and outside tests drive it: exit codes, one JSON document, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from freezegun import freeze_time
from support import B2_PARTICIPANTS, B2_PEOPLE, cli


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli("init", db=url).exit_code == 0
    return url


def setup_contract(db: str) -> None:
    ok = cli(
        "contract",
        "add",
        "LF",
        "--profile",
        "leasefietsen-rijk",
        "--title",
        "Leasefietsen",
        "--start",
        "2026-01-01",
        db=db,
    )
    assert ok.exit_code == 0, ok.output
    for participant in B2_PARTICIPANTS:
        added = cli("participant", "add", "--contract", "LF", "--name", participant, db=db)
        assert added.exit_code == 0, added.output
    for key, name, side, role in B2_PEOPLE:
        result = cli(
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
            db=db,
        )
        assert result.exit_code == 0, result.output


def open_case(db: str) -> dict[str, object]:
    result = cli(
        "--json",
        "escalation",
        "open",
        "--contract",
        "LF",
        "--subject",
        "Availability 91 %",
        "--norm",
        "Leverbetrouwbaarheid",
        "--participant",
        "Belastingdienst",
        db=db,
        as_person="dcm",
    )
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_every_json_command_prints_exactly_one_document_even_on_refusal(db: str) -> None:
    setup_contract(db)
    opened = open_case(db)
    assert opened["case"] == "ESC-1" and opened["counterpart"] == "am"
    refused = cli("--json", "escalation", "raise", "ESC-1", "--reason", "now", db=db, as_person="cat")
    assert refused.exit_code == 3
    error = json.loads(refused.stdout)["error"]
    assert error["kind"] == "refused"
    assert "level 1 (1e escalatieniveau) not gone through" in error["message"]
    assert error["source"] == "B2 §5.1"


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (
            ["contract", "add", "X", "--profile", "nope", "--title", "t", "--start", "2026-01-01"],
            2,
            "unknown profile",
        ),
        (
            [
                "contract",
                "add",
                "X",
                "--profile",
                "leasefietsen-rijk",
                "--title",
                "t",
                "--start",
                "2026-02-30",
            ],
            2,
            "malformed date",
        ),
        (["contract", "add", "X", "--bogus"], 2, "No such option"),
        (["escalation", "show", "ESC-42"], 4, "not found"),
        (["escalation", "show", "what"], 2, "malformed escalation reference"),
        (["contract", "show", "NOPE"], 4, "not found"),
        (
            [
                "person",
                "add",
                "p",
                "--contract",
                "LF",
                "--name",
                "n",
                "--side",
                "client",
                "--role",
                "account_manager",
            ],
            2,
            "belongs to side 'supplier'",
        ),
        (
            ["person", "add", "p", "--contract", "LF", "--name", "n", "--side", "client", "--role", "pope"],
            2,
            "unknown role",
        ),
        (["escalation", "open", "--contract", "LF", "--subject", "x"], 2, "--as PERSON"),
        (["escalation", "assess", "ESC-1", "--reason", "r"], 2, "--sufficient or --insufficient"),
        (["profile", "check", "/does/not/exist.yaml"], 2, "cannot read profile file"),
    ],
)
def test_bad_input_gets_a_clear_message_and_the_right_exit_code(
    db: str, args: list[str], code: int, needle: str
) -> None:
    setup_contract(db)
    for as_json in (False, True):
        result = cli(*(["--json"] if as_json else []), *args, db=db)
        assert result.exit_code == code, result.output
        text = result.stdout if as_json else result.output
        assert needle in text
        assert "Traceback" not in result.output
        if as_json:
            assert json.loads(result.stdout)["error"]["exit_code"] == code


def test_a_refused_command_changes_nothing(db: str, tmp_path: Path) -> None:
    setup_contract(db)
    open_case(db)
    before = cli("--json", "audit", "export", "--format", "jsonl", db=db).stdout
    cli(
        "escalation",
        "close",
        "ESC-1",
        "--measures",
        "m",
        "--results",
        "r",
        "--lessons",
        "",
        db=db,
        as_person="dcm",
    )
    cli("escalation", "raise", "ESC-1", "--reason", "x", db=db, as_person="dcm")
    cli("escalation", "respond", "ESC-1", "--text", "x", db=db, as_person="sm")
    after = cli("--json", "audit", "export", "--format", "jsonl", db=db).stdout
    assert before == after
    shown = json.loads(cli("--json", "escalation", "show", "ESC-1", db=db).stdout)
    assert shown["state"] == "addressed" and len(shown["levels"]) == 1


def test_time_moved_with_freezegun_fires_the_response_deadline_once_through_tick(db: str) -> None:
    with freeze_time("2026-03-02 08:00:00"):  # Mon 09:00 Amsterdam
        setup_contract(db)
        opened = open_case(db)
    assert opened["response_due"] == "2026-03-07"
    with freeze_time("2026-03-07 22:59:59"):  # 23:59:59 on the last day: not yet passed
        result = json.loads(cli("--json", "tick", db=db).stdout)
        assert [t["kind"] for t in result["fired"]] == ["reminder", "reminder"]  # -2 d and on the day
    with freeze_time("2026-03-07 23:00:00"):  # midnight: the window has passed
        result = json.loads(cli("--json", "tick", db=db).stdout)
        assert [t["outcome"] for t in result["fired"]] == ["window passed"]
        again = json.loads(cli("--json", "tick", db=db).stdout)
        assert again["fired"] == []
    shown = json.loads(cli("--json", "escalation", "show", "ESC-1", db=db).stdout)
    assert shown["state"] == "no_response"


def test_deadlines_lists_the_response_deadline_with_its_rule_and_source(db: str) -> None:
    with freeze_time("2026-03-02 08:00:00"):
        setup_contract(db)
        open_case(db)
        rows = json.loads(cli("--json", "deadlines", "--person", "am", db=db).stdout)
        rows = [row for row in rows if row["case"].startswith("ESC-")]
        assert len(rows) == 1
        assert rows[0]["due"] == "2026-03-07"
        assert rows[0]["rule"] == "response window: addressed + 5 days"
        assert "policy default" in rows[0]["source"]
        assert rows[0]["responsible"] == ["am"]
        soon = json.loads(cli("--json", "deadlines", "--within", "2", db=db).stdout)
        assert [row["case"] for row in soon] == []
        week = json.loads(cli("--json", "deadlines", "--within", "6", db=db).stdout)
        assert [row["case"] for row in week] == ["ESC-1"]


def test_help_lists_every_command_name_outside_tests_rely_on() -> None:
    result = cli("--help", db="unused.db")
    for name in (
        "init",
        "profile",
        "contract",
        "person",
        "escalation",
        "deadlines",
        "tick",
        "run",
        "audit",
        "demo",
    ):
        assert f"  {name}" in result.output

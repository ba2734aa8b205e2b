"""`escalation-engine stepin …` end to end: the CLI on a real database, time moved with freezegun."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from freezegun import freeze_time
from support import B2_PEOPLE

from escalation_engine.cli.root import cli

Run = Callable[..., Any]


@pytest.fixture
def run(db_url: str) -> Run:
    runner = CliRunner()

    def invoke(*args: str, who: str | None = None, code: int = 0) -> Any:
        prefix = ["--db", db_url, "--json"] + (["--as", who] if who else [])
        result = runner.invoke(cli, [*prefix, *args], catch_exceptions=False)
        assert result.exit_code == code, (args, result.output)
        text = result.stdout.strip()
        return json.loads(text) if code == 0 and text.startswith(("{", "[")) else result.output

    return invoke


def _setup(run: Run, key: str = "LF", profile: str = "leasefietsen-rijk") -> None:
    run("contract", "add", key, "--profile", profile, "--title", "t", "--start", "2026-01-01")
    for person, name, side, role in B2_PEOPLE:
        run("person", "add", person, "--contract", key, "--name", name, "--side", side, "--role", role)


def _to_top(run: Run) -> str:
    case: str = run("escalation", "open", "--contract", "LF", "--subject", "91 %", who="dcm")["case"]
    for responder, assessor, raiser in (("am", "dcm", "cat"), ("sm", "cat", "catman")):
        run("escalation", "respond", case, "--text", "on it", who=responder)
        run("escalation", "assess", case, "--insufficient", "--reason", "still low", who=assessor)
        run("escalation", "raise", case, "--reason", "insufficient", who=raiser)
    return case


def test_a_full_step_in_procedure_on_the_command_line(run: Run) -> None:
    with freeze_time("2026-03-02 08:00:00") as frozen:
        _setup(run)
        esc = _to_top(run)
        data = run(
            "stepin",
            "request",
            "--contract",
            "LF",
            "--reason",
            "Availability < 95 %",
            "--escalation",
            esc,
            "--culpable",
            who="cat",
        )
        case = data["case"]
        assert (data["state"], data["meeting_due"]) == ("awaiting_meeting", "2026-03-16")
        deadlines = run("deadlines", "--contract", "LF")
        mine = [(d["due"], d["source"], d["responsible"]) for d in deadlines if d["case"] == case]
        assert mine == [("2026-03-16", "B2 §6", ["am", "exec"])]
        frozen.move_to("2026-03-13 08:30:00")
        tick = run("tick", "--console", "--accept-jump")  # eleven days on: the operator accepts the jump
        assert [f["outcome"] for f in tick["fired"] if f["subject"] == "stepin:1"] == ["reminded (-3 d)"]
        sent = [
            (m["to"], m["status"]) for m in tick["delivered"]["sent"] if "STEP-1: herinnering" in m["subject"]
        ]
        assert sorted(sent) == [("am", "sent"), ("exec", "sent")]
        frozen.move_to("2026-03-12 10:00:00")
        data = run(
            "stepin",
            "meeting",
            case,
            "--held",
            "2026-03-12",
            "--minutes",
            "Plan agreed",
            "--attendees",
            "Carla",
            who="exec",
        )
        assert (data["state"], data["check_due"]) == ("monitoring", "2026-04-11")
        data = run("stepin", "assess", case, "--insufficient-progress", "--reason", "92 %", who="cat")
        assert (data["state"], data["second_meeting_due"]) == ("awaiting_second_meeting", "2026-03-26")
        data = run("stepin", "meeting", case, "--held", "2026-03-12", "--minutes", "Second MT", who="am")
        assert data["state"] == "second_meeting_held"
        data = run(
            "stepin", "advise", case, "--measures", "Two extra mechanics", "--due", "2026-04-01", who="catman"
        )
        assert data["advice"] == [
            {
                "number": 1,
                "measures": "Two extra mechanics",
                "due": "2026-04-01",
                "due_passed": False,
                "advised_by": "catman",
            }
        ]
        data = run("stepin", "close", case, "--results", "97 % in April", who="cat")
        assert data["state"] == "closed"
        assert run("stepin", "list") == []
        assert [r["case"] for r in run("stepin", "list", "--state", "all", "--contract", "LF")] == [case]
        assert run("stepin", "show", case)["results"] == "97 % in April"
        trail = run("audit", "list", "--case", case)
        assert [row["action"] for row in trail] == [
            "stepin.request",
            "stepin.meeting1",
            "stepin.assess.insufficient_progress",
            "stepin.meeting2",
            "stepin.advise",
            "stepin.close",
        ]
        assert run("audit", "verify")["ok"] is True


def test_refusals_and_bad_input_exit_with_their_codes_and_change_nothing(run: Run) -> None:
    with freeze_time("2026-03-02 08:00:00"):
        _setup(run)
        esc = _to_top(run)
        base = ["stepin", "request", "--contract", "LF", "--reason", "r"]
        assert "needed role: category or category_manager" in run(
            *base, "--escalation", esc, "--culpable", who="dcm", code=3
        )
        level_1 = run("escalation", "open", "--contract", "LF", "--subject", "x", who="dcm")["case"]
        assert "repeated escalations" in run(*base, "--escalation", level_1, "--culpable", who="cat", code=3)
        assert "--culpable or --outside-sphere" in run(*base, "--escalation", esc, who="cat", code=2)
        assert "not found" in run(*base, "--escalation", "ESC-77", "--culpable", who="cat", code=4)
        assert "not found" in run("stepin", "show", "STEP-9", code=4)
        assert "malformed" in run("stepin", "show", "ESC-1", code=2)
        assert run("stepin", "list", "--state", "all") == []
        case = run(*base, "--escalation", esc, "--culpable", who="cat")["case"]
        assert "needed role: account_manager or service_manager or executive" in run(
            "stepin", "meeting", case, "--held", "2026-03-02", "--minutes", "m", who="cat", code=3
        )
        assert "YYYY-MM-DD" in run(
            "stepin", "meeting", case, "--held", "2-3-2026", "--minutes", "m", who="am", code=2
        )
        assert "after today" in run(
            "stepin", "meeting", case, "--held", "2026-03-09", "--minutes", "m", who="am", code=3
        )
        assert "awaiting meeting" in run(
            "stepin", "assess", case, "--solved", "--reason", "r", who="cat", code=3
        )
        assert "--solved or --insufficient-progress" in run(
            "stepin", "assess", case, "--reason", "r", who="cat", code=2
        )
        assert "second management-team meeting" in run(
            "stepin", "advise", case, "--measures", "m", who="cat", code=3
        )
        assert "needed role: category" in run("stepin", "close", case, "--results", "r", who="exec", code=3)
        assert "a written result" in run("stepin", "close", case, "--results", " ", who="cat", code=3)
        assert run("stepin", "show", case)["state"] == "awaiting_meeting"
        assert [r["action"] for r in run("audit", "list", "--case", case)] == ["stepin.request"]


def test_outside_sphere_records_the_dialogue_path(run: Run) -> None:
    with freeze_time("2026-03-02 08:00:00"):
        _setup(run)
        data = run(
            "stepin", "request", "--contract", "LF", "--reason", "Embargo", "--outside-sphere", who="cat"
        )
        assert (data["state"], data["step_in"]) == ("dialogue", False)
        assert [d for d in run("deadlines") if d["case"].startswith("STEP-")] == []


def test_a_contract_without_step_in_rights_is_refused(run: Run) -> None:
    with freeze_time("2026-03-02 08:00:00"):
        run(
            "contract",
            "add",
            "TP",
            "--profile",
            "reintegratie-defensie",
            "--title",
            "t",
            "--start",
            "2026-01-01",
        )
        run(
            "person",
            "add",
            "cmcat",
            "--contract",
            "TP",
            "--name",
            "C",
            "--side",
            "client",
            "--role",
            "category_manager",
        )
        out = run(
            "stepin",
            "request",
            "--contract",
            "TP",
            "--reason",
            "r",
            "--override-threshold",
            "x",
            "--culpable",
            who="cmcat",
            code=3,
        )
        assert "has no step-in rights" in out


def test_the_missed_meeting_deadline_fires_once_across_ticks(run: Run) -> None:
    with freeze_time("2026-03-02 08:00:00") as frozen:
        _setup(run)
        case = run(
            "stepin",
            "request",
            "--contract",
            "LF",
            "--reason",
            "r",
            "--override-threshold",
            "urgent",
            "--culpable",
            who="cat",
        )["case"]
        frozen.move_to("2026-04-01 08:00:00")
        fired = [
            f
            for f in run("tick", "--console", "--accept-jump")["fired"]
            if f["subject"].startswith("stepin:")
        ]
        assert [(f["kind"], f["outcome"]) for f in fired] == [
            ("reminder", "obsolete"),
            ("reminder", "obsolete"),
            ("meeting_due", "meeting missed"),
        ]
        assert [f for f in run("tick", "--console")["fired"] if f["subject"].startswith("stepin:")] == []
        assert run("stepin", "show", case)["state"] == "meeting_overdue"

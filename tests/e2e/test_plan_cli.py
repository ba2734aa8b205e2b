"""The `plan` commands driven through the CLI: names, --json, exit codes, time moved with freezegun."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time
from support import B2_PARTICIPANTS, TP_PARTICIPANTS

from escalation_engine.cli.root import cli

B2 = [
    ("dcm", "participant", "participant_contract_manager"),
    ("cat", "client", "category"),
    ("exec", "supplier", "executive"),
    ("am", "supplier", "account_manager"),
]
TP = [("cmdef", "participant", "contract_manager"), ("am", "supplier", "account_manager")]


class Engine:
    def __init__(self, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.db, self.monkeypatch, self.runner = f"sqlite:///{db}", monkeypatch, CliRunner()

    def __call__(self, *args: str, expect: int = 0) -> Result:
        argv = ["--db", self.db, *args]
        self.monkeypatch.setattr(sys, "argv", ["escalation-engine", *argv])  # EngineGroup reads --json there
        result = self.runner.invoke(cli, argv)
        assert result.exit_code == expect, result.output
        return result

    def json(self, *args: str, expect: int = 0) -> dict[str, object]:
        data: dict[str, object] = json.loads(self("--json", *args, expect=expect).stdout)
        return data

    def contract(self, key: str, profile: str, people: list[tuple[str, str, str]]) -> None:
        self("contract", "add", key, "--profile", profile, "--title", key, "--start", "2026-01-01")
        for participant in B2_PARTICIPANTS if profile == "leasefietsen-rijk" else TP_PARTICIPANTS:
            self("participant", "add", "--contract", key, "--name", participant)
        for person, side, role in people:
            self("person", "add", person, "--contract", key, "--name", person, "--side", side, "--role", role)


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    return Engine(tmp_path / "e.db", monkeypatch)


def test_three_step_plan_through_the_cli_with_refusals_as_exit_3_and_the_window_firing_on_tick(
    engine: Engine,
) -> None:
    with freeze_time("2026-11-30 09:00:00"):
        engine("init")
        engine.contract("LF", "leasefietsen-rijk", B2)
        opened = engine.json(
            "--as",
            "dcm",
            "plan",
            "open",
            "--contract",
            "LF",
            "--trigger",
            "collaboration",
            "--subject",
            "slow",
            "--participant",
            "Belastingdienst",
        )
        assert opened["case"] == "PLAN-1" and opened["state"] == "step_1"
        refused = engine.json("--as", "cat", "plan", "skip-step1", "PLAN-1", "--reason", "x", expect=3)
        assert refused["error"]["source"] == "B2 §5.2 (last paragraph)"  # type: ignore[index]
        step2 = engine.json("--as", "dcm", "plan", "advance", "PLAN-1", "--reason", "insufficient")
        assert step2["window_ends"] == "2027-02-28"
        engine("--as", "cat", "plan", "advance", "PLAN-1", "--reason", "now", expect=3)
        assert "step 2 + 3 months" in engine("deadlines").stdout
    with freeze_time("2027-03-01 09:00:00"):  # three months on: more than the clock may jump unconfirmed
        engine("tick", expect=3)
        engine("tick", "--accept-jump")
        assert engine.json("plan", "show", "PLAN-1")["state"] == "step_3_due"
        engine("--as", "cat", "plan", "advance", "PLAN-1", "--reason", "no improvement")
        engine("--as", "exec", "plan", "present", "PLAN-1", "--date", "2027-03-02", "--steps", "x", expect=3)
        engine(
            "--as", "exec", "plan", "present", "PLAN-1", "--date", "2027-03-01", "--steps", "1. two planners"
        )
        engine("--as", "cat", "plan", "resolve", "PLAN-1", "--results", "fixed")
        listed = json.loads(engine("--json", "plan", "list", "--state", "closed").stdout)
        assert [p["case"] for p in listed] == ["PLAN-1"]


def test_plan_require_through_the_cli_and_its_error_exit_codes(engine: Engine) -> None:
    with freeze_time("2026-03-02 09:00:00"):
        engine("init")
        engine.contract("TP", "reintegratie-defensie", TP)
        made = engine.json(
            "--as",
            "cmdef",
            "plan",
            "require",
            "--contract",
            "TP",
            "--kpi",
            "KPI 3",
            "--detected",
            "2026-03-02",
            "--reason",
            "61 %",
        )
        assert (made["case"], made["plan_due"], made["created"]) == ("PLAN-1", "2026-03-16", True)
        assert "plan due" in engine("deadlines", "--contract", "TP").stdout
        engine(
            "--as",
            "cmdef",
            "plan",
            "require",
            "--contract",
            "TP",
            "--kpi",
            "KPI 3",
            "--detected",
            "2026-02-30",
            "--reason",
            "r",
            expect=2,
        )
        engine(
            "--as",
            "cmdef",
            "plan",
            "require",
            "--contract",
            "NOPE",
            "--kpi",
            "K",
            "--detected",
            "2026-03-01",
            "--reason",
            "r",
            expect=4,
        )
        engine("--as", "am", "plan", "accept", "PLAN-1", "--reason", "r", expect=3)
        engine("plan", "show", "PLAN-9", expect=4)
        engine("--as", "am", "plan", "submit", "PLAN-1", "--text", "our plan")
        engine("--as", "cmdef", "plan", "reject", "PLAN-1", "--reason", "vague")
        shown = engine("plan", "show", "PLAN-1").stdout
        assert "plan.reject" in shown and "2026-03-16" in shown

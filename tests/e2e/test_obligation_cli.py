"""The command line of obligations, fulfilment, digests and calendar feeds (names as in issue 6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from freezegun import freeze_time
from icalendar import Calendar

from escalation_engine.cli.root import cli


class Engine:
    def __init__(self, db: Path) -> None:
        self.db = str(db)
        self.runner = CliRunner()

    def run(self, *args: str) -> tuple[int, str]:
        result = self.runner.invoke(cli, ["--db", self.db, *args], catch_exceptions=False)
        return result.exit_code, result.output

    def json(self, *args: str) -> Any:
        result = self.runner.invoke(cli, ["--db", self.db, "--json", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    eng = Engine(tmp_path / "cli.db")
    with freeze_time("2026-03-02 08:00:00"):
        code, out = eng.run("contract", "add", "TP", "--profile", "reintegratie-defensie", "--title", "Re-integratie",
                            "--start", "2026-01-01")  # fmt: skip
        assert code == 0, out
        for key, side, role in [("am", "supplier", "account_manager"), ("cmdef", "participant", "contract_manager"),
                                ("cmcat", "client", "category_manager")]:  # fmt: skip
            code, out = eng.run("person", "add", key, "--contract", "TP", "--name", key.upper(), "--side", side,
                                "--role", role, "--email", f"{key}@example.org")  # fmt: skip
            assert code == 0, out
    return eng


@freeze_time("2026-03-02 08:00:00")
def test_obligations_lists_who_owes_what_by_when_with_rule_and_clause(engine: Engine) -> None:
    rows = engine.json("obligations", "--contract", "TP", "--within", "31")
    assert [(r["id"], r["due"], r["status"]) for r in rows] == [
        ("OBL-1", "2026-02-01", "overdue"), ("OBL-2", "2026-03-01", "overdue"), ("OBL-3", "2026-04-01", "open"),
        ("OBL-26", "2026-04-01", "open"),  # the 13th quarterly report (Q1 2029) lies within the rolling horizon
    ]  # fmt: skip
    assert rows[0]["rule"] == "contract start 2026-01-01 + 1 month"
    assert rows[0]["source"].startswith("TP §2.1.2")
    assert engine.json("obligations", "--person", "cmcat", "--within", "31")[0]["id"] == "OBL-26"
    code, out = engine.run("obligations", "--contract", "TP", "--state", "overdue")
    assert code == 0 and "OBL-1" in out and "OBL-3 " not in out
    assert engine.run("obligations", "--state", "late")[0] == 2


@freeze_time("2026-03-02 08:00:00")
def test_obligation_fulfil_closes_one_and_refuses_a_second_time(engine: Engine) -> None:
    fulfil = ("obligation", "fulfil", "OBL-1", "--on", "2026-02-03")
    code, out = engine.run(*fulfil)
    assert code == 2 and "name the acting person with --as" in out
    code, out = engine.run("--as", "am", *fulfil)  # the supplier does not confirm its own report (TP §2.1.2)
    assert code == 3 and "is for contract_manager (you, am, are account_manager)" in out
    data = engine.json("--as", "cmdef", *fulfil, "--reference", "maandrapportage jan")
    assert (data["status"], data["late"], data["reference"]) == ("fulfilled", True, "maandrapportage jan")
    code, out = engine.run("--as", "cmdef", *fulfil)
    assert code == 3 and "already fulfilled on 2026-02-03" in out
    assert engine.run("--as", "cmdef", "obligation", "fulfil", "OBL-1", "--on", "3 feb")[0] == 2
    assert engine.run("--as", "cmdef", "obligation", "fulfil", "OBL-9999", "--on", "2026-02-03")[0] == 4
    assert [r["id"] for r in engine.json("obligations", "--state", "fulfilled")] == ["OBL-1"]


def test_obligation_reopen_takes_a_mistaken_fulfilment_back_once(engine: Engine) -> None:
    engine.json("--as", "cmdef", "obligation", "fulfil", "OBL-1", "--on", "2026-02-03")
    reopen = ("obligation", "reopen", "OBL-1", "--reason", "wrong month")
    code, out = engine.run("--as", "am", *reopen)
    assert code == 3 and "contract_manager" in out  # the supplier does not take it back either
    assert engine.run("--as", "cmdef", "obligation", "reopen", "OBL-1")[0] == 2  # --reason is required
    code, out = engine.run("--as", "cmdef", *reopen)
    assert code == 0 and "OBL-1" in out and "again" in out
    code, out = engine.run("--as", "cmdef", *reopen)
    assert code == 3 and "not fulfilled" in out
    assert engine.json("obligations", "--state", "fulfilled") == []


def test_an_overdue_obligation_appears_in_deadlines_until_its_timer_fires(engine: Engine) -> None:
    with freeze_time("2026-04-01 22:30:00"):  # 00:30 on 2 April in Amsterdam: OBL-3's last day has ended
        rows = engine.json("deadlines", "--contract", "TP", "--within", "0")
        assert ("OBL-3", "obligation due", True) in [(r["case"], r["what"], r["overdue"]) for r in rows]
        engine.json("tick", "--console", "--accept-jump")  # a month after the last action
        assert "OBL-3" not in [r["case"] for r in engine.json("deadlines", "--contract", "TP")]
        assert "OBL-3" in [r["id"] for r in engine.json("obligations", "--state", "overdue")]


@freeze_time("2026-03-02 08:00:00")
def test_digest_send_dry_run_shows_the_text_and_sends_nothing(engine: Engine) -> None:
    data = engine.json("digest", "send", "--person", "am", "--dry-run")
    [view] = data["digests"]
    assert view["queued"] is False and data["delivered"] is None
    assert view["subject"] == "[TP] Overzicht verplichtingen en termijnen — 2026-03-02"
    data = engine.json("digest", "send", "--person", "am", "--console")
    assert [s["to"] for s in data["delivered"]["sent"]] == ["am"]
    settings = engine.json("digest", "settings", "--contract", "TP", "--person", "am", "--language", "en")
    assert settings["language"] == "en"


def _events(path: Path) -> dict[str, Any]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_calendar_export_writes_stable_uids_and_alarms_that_icalendar_reads_back(
    engine: Engine, tmp_path: Path
) -> None:
    first, second = tmp_path / "tp.ics", tmp_path / "tp-again.ics"
    with freeze_time("2026-03-02 08:00:00"):
        data = engine.json("calendar", "export", "--contract", "TP", "--output", str(first))
        assert (
            data["obligations"] == 12 + 13 + 1 + 12 + 1 + 3
        )  # monthly, quarterly reports, meetings, evaluations (rolling horizon: registered on 2 March, up to
        # start + 36 + 3 months = 2029-04-01)
        engine.json("--as", "cmdef", "obligation", "fulfil", "OBL-3", "--on", "2026-03-02")
    with freeze_time("2026-03-05 08:00:00"):
        engine.json("calendar", "export", "--contract", "TP", "--output", str(second))
    before, after = _events(first), _events(second)
    uid = "obligation-TP-monthly-report-3@escalation-engine"
    assert set(after) == set(before)  # every event keeps its UID, the fulfilled one too
    # fulfilled: the same event, marked done, without an alarm, with a higher SEQUENCE so that a calendar
    # that imported the first export takes the new version instead of keeping a stale "due" event
    assert int(before[uid]["SEQUENCE"]) == 0 and int(after[uid]["SEQUENCE"]) == 1
    assert str(after[uid]["SUMMARY"]).endswith("— fulfilled 2026-03-02")
    assert before[uid].walk("VALARM") and not after[uid].walk("VALARM")
    assert after[uid].decoded("LAST-MODIFIED").date().isoformat() == "2026-03-02"
    event = after["obligation-TP-management-report-1@escalation-engine"]
    assert str(event["SUMMARY"]) == "[TP] OBL-13 Managementrapportage over het kwartaal (Q1 2026)"
    assert event.decoded("DTSTART").isoformat() == "2026-04-30"
    assert "end of Q1 2026 + 30 days — TP §2.1.3" in str(event["DESCRIPTION"])
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY" and alarm.decoded("TRIGGER").days == -7


@freeze_time("2026-03-02 08:00:00")
def test_a_persons_calendar_holds_only_what_they_owe_or_are_owed(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "cmcat.ics"
    engine.json("calendar", "export", "--person", "cmcat", "--output", str(path))
    summaries = [str(e["SUMMARY"]) for e in _events(path).values()]
    assert summaries and all("Maandrapportage" not in s for s in summaries)
    assert any("Eerste kwartaalgesprek" in s for s in summaries)
    assert engine.run("calendar", "export", "--output", str(path))[0] == 2
    assert engine.run("calendar", "export", "--person", "ghost", "--output", str(path))[0] == 4


def test_after_three_years_obligations_within_and_the_calendar_feed_show_the_rolled_on_occurrences(
    engine: Engine, tmp_path: Path
) -> None:
    with freeze_time(
        "2029-11-20 08:00:00"
    ):  # the engine was down since 2 March 2026: one look-ahead catches up
        assert engine.run("tick", "--console")[0] == 3  # the clock's jump is held until the operator says
        assert engine.run("tick", "--console", "--accept-jump")[0] == 0
        rows = engine.json("obligations", "--contract", "TP", "--within", "75", "--state", "open")
        soon = [(r["obligation"], r["seq"], r["due"]) for r in rows if r["due"] >= "2029-11-20"]
        assert soon == [
            ("quarterly-meeting", 15, "2030-01-01"),  # start + 6 + 14 × 3 months: past the first 36
            ("strategic-evaluation", 4, "2030-01-01"),
            ("management-report", 16, "2030-01-30"),  # Q4 2029 + 30 days
        ]
        output = tmp_path / "tp.ics"
        engine.json("calendar", "export", "--contract", "TP", "--output", str(output))
        uids = set(_events(output))
    # derived up to start + 36 + 47 months = 1 December 2032 (at least 36 months past 20 November 2029)
    assert "obligation-TP-management-report-27@escalation-engine" in uids  # Q3 2032
    assert "obligation-TP-management-report-28@escalation-engine" not in uids  # Q4 2032 ends after it
    assert "obligation-TP-strategic-evaluation-6@escalation-engine" in uids  # 1 January 2032
    assert "obligation-TP-strategic-evaluation-7@escalation-engine" not in uids

"""Contract obligations of both profiles: derived with the contract, listed, fulfilled, overdue by timer,
reminded, and (where the profile says so) escalated automatically."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select
from support import at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.deadlines import list_deadlines
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.tables import AuditEvent, Outbox, Timer
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.ladder.tables import Escalation
from escalation_engine.procedures.obligations.fulfil import fulfil
from escalation_engine.procedures.obligations.listing import list_obligations

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def by_code(ctx: Ctx, contract: str) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    for row in list_obligations(ctx, contract_key=contract, state="all"):
        out.setdefault(str(row["obligation"]), []).append(row)
    return out


def dues(rows: list[dict[str, object]]) -> list[str]:
    return [str(r["due"]) for r in rows]


def test_every_b2_obligation_is_derived_with_its_due_dates_rules_and_clauses(ctx: Ctx) -> None:
    register(ctx, start=date(2026, 1, 1), award=date(2025, 11, 30))
    got = by_code(ctx, "LF")
    # ISV plan within 6 months of the contract start (B2 §2.1.1 PI1)
    assert dues(got["isv-plan"]) == ["2026-07-01"]
    assert got["isv-plan"][0]["rule"] == "contract start 2026-01-01 + 6 months"
    assert str(got["isv-plan"][0]["source"]).startswith("B2 §2.1.1 PI1")
    # then yearly ISV reports, up to the rolling horizon (at least 36 months ahead, policy default; registered
    # on 2 March 2026, two monthly anniversaries after the start: up to start + 39 months = 2029-04-01)
    assert dues(got["isv-report"]) == ["2027-01-01", "2028-01-01", "2029-01-01"]
    # social-return plan approved within 3 months of the award: 30 Nov + 3 months = 28 Feb (clamped)
    assert dues(got["sr-plan"]) == ["2026-02-28"]
    assert got["sr-plan"][0]["rule"] == "award 2025-11-30 + 3 months"
    assert dues(got["sr-report"]) == ["2027-01-01", "2028-01-01", "2029-01-01"]
    # execution starts within 3 months of approval: derived only once the plan is approved
    assert "sr-execution" not in got
    # circularity PIs within a year of signing, then half-yearly (B2 §2.1.3)
    assert dues(got["circularity-report"]) == [
        "2027-01-01",
        "2027-07-01",
        "2028-01-01",
        "2028-07-01",
        "2029-01-01",
    ]
    assert str(got["circularity-report"][0]["rule"]).startswith(
        "signing (contract start 2026-01-01 stands in)"
    )
    # user group at least once per quarter (B2 §5.1): due at each quarter's end
    assert dues(got["user-group"])[:5] == [
        "2026-03-31",
        "2026-06-30",
        "2026-09-30",
        "2026-12-31",
        "2027-03-31",
    ]
    assert len(got["user-group"]) == 13  # Q1 2026 … Q1 2029
    assert got["user-group"][0]["owed_by"] == "category"
    assert got["user-group"][0]["owed_to_people"] == ["dcm", "am"]


def test_every_tp_obligation_is_derived_with_its_due_dates_rules_and_clauses(ctx: Ctx) -> None:
    register(ctx, key="TP", profile="reintegratie-defensie", start=date(2028, 1, 31), award=None)
    got = by_code(ctx, "TP")
    # monthly reports in the first 12 months (TP §2.1.2); 31 Jan 2028 + 1 month = 29 Feb (leap year)
    assert dues(got["monthly-report"]) == [
        "2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31", "2028-06-30", "2028-07-31",
        "2028-08-31", "2028-09-30", "2028-10-31", "2028-11-30", "2028-12-31", "2029-01-31",
    ]  # fmt: skip
    assert got["monthly-report"][1]["rule"] == "contract start 2028-01-31 + 2 months (every 1 month)"
    # management reports within 30 days after each quarter (TP §2.1.3), Q1 2028 … Q4 2030
    reports = got["management-report"]
    assert [(r["period"], r["due"]) for r in reports[:4]] == [
        ("Q1 2028", "2028-04-30"), ("Q2 2028", "2028-07-30"), ("Q3 2028", "2028-10-30"), ("Q4 2028", "2029-01-30"),
    ]  # fmt: skip
    assert len(reports) == 12
    assert reports[0]["owed_to_people"] == ["cmdef", "cmcat"]
    # first tactical meeting within 3 months of the start, then quarterly (TP §3)
    assert dues(got["first-tactical-meeting"]) == ["2028-04-30"]
    assert dues(got["quarterly-meeting"])[:3] == ["2028-07-31", "2028-10-31", "2029-01-31"]
    # the half-yearly strategic meeting of the first year (table 2) and the yearly evaluation (TP §3)
    assert dues(got["strategic-meeting"]) == ["2028-07-31"]
    assert dues(got["strategic-evaluation"]) == ["2029-01-31", "2030-01-31", "2031-01-31"]


def test_fulfilling_the_social_return_plan_derives_execution_within_3_months_of_approval(ctx: Ctx) -> None:
    register(ctx, start=date(2026, 1, 1), award=date(2025, 11, 15))
    plan = by_code(ctx, "LF")["sr-plan"][0]
    data = fulfil(
        ctx,
        ref=str(plan["id"]),
        on=date(2026, 1, 31),
        reference="akkoord 2026-17",
        actor_key="cat",
    )
    assert (data["status"], data["late"], data["reference"]) == ("fulfilled", False, "akkoord 2026-17")
    [execution] = data["derived"]
    assert execution["obligation"] == "sr-execution"
    assert execution["due"] == "2026-04-30"  # 31 Jan + 3 months, clamped to 30 April
    assert execution["rule"].startswith(f"fulfilment of {plan['id']} (sr-plan) on 2026-01-31 + 3 months")


def test_a_fulfilment_is_recorded_once_and_never_in_the_future(ctx: Ctx) -> None:
    register(ctx)
    ref = str(by_code(ctx, "LF")["isv-plan"][0]["id"])
    with pytest.raises(BadInput, match="lies in the future"):
        fulfil(ctx, ref=ref, on=date(2026, 3, 3), reference=None, actor_key="cat")
    fulfil(ctx, ref=ref, on=date(2026, 3, 2), reference="ISV-plan v1", actor_key="cat")
    with pytest.raises(RuleRefused, match=f"{ref} was already fulfilled on 2026-03-02"):
        fulfil(ctx, ref=ref, on=date(2026, 3, 2), reference="again", actor_key="catman")
    with pytest.raises(NotFound, match="OBL-999"):
        fulfil(ctx, ref="OBL-999", on=date(2026, 3, 2), reference=None, actor_key="cat")
    with pytest.raises(NotFound, match="person 'nobody'"):
        fulfil(ctx, ref="OBL-2", on=date(2026, 3, 2), reference=None, actor_key="nobody")


def test_a_fulfilment_names_the_person_who_records_it(ctx: Ctx) -> None:
    """Fulfilment is a contract action like any other: no anonymous (administrator) recording."""
    register(ctx)
    ref = str(by_code(ctx, "LF")["isv-plan"][0]["id"])
    with pytest.raises(BadInput, match="name the acting person with --as"):
        fulfil(ctx, ref=ref, on=date(2026, 3, 2), reference=None, actor_key=None)
    assert by_code(ctx, "LF")["isv-plan"][0]["status"] == "open"


def test_fulfilment_cancels_the_obligations_timers(ctx: Ctx) -> None:
    register(ctx)
    ref = str(by_code(ctx, "LF")["isv-plan"][0]["id"])
    fulfil(ctx, ref=ref, on=date(2026, 3, 1), reference="x", actor_key="cat")
    ident = int(ref.split("-")[1])
    with ctx.db.read() as session:
        statuses = {
            t.status
            for t in session.exec(
                select(Timer).where(Timer.subject_kind == "obligation", Timer.subject_id == ident)
            )
        }
    assert statuses == {"cancelled"}
    assert ref not in [d["case"] for d in list_deadlines(ctx, contract_key="LF")]


def test_an_obligation_not_fulfilled_by_its_due_date_becomes_overdue_by_its_timer(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx, key="TP", profile="reintegratie-defensie", start=date(2026, 1, 1), award=None)
    report = by_code(ctx, "TP")["monthly-report"][2]  # due 2026-04-01
    assert report["due"] == "2026-04-01"
    listed = [d for d in list_deadlines(ctx, contract_key="TP") if d["case"] == report["id"]]
    assert listed[0]["what"] == "obligation due" and listed[0]["responsible"] == ["am", "cmdef"]
    clock.set(at("2026-04-01", 23, 59))
    process_due(ctx)
    assert by_code(ctx, "TP")["monthly-report"][2]["status"] == "open"
    clock.set(at("2026-04-02", 0, 0))
    process_due(ctx)
    assert report["id"] in [r["id"] for r in list_obligations(ctx, contract_key="TP", state="overdue")]
    with ctx.db.read() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.case_ref == report["id"])).all()
        mails = session.exec(select(Outbox).where(Outbox.case_ref == report["id"])).all()
    assert [e.action for e in events] == ["obligation.overdue"]
    assert {m.recipient_key for m in mails if "termijn verstreken" in m.subject} == {"am", "cmdef"}
    # a late fulfilment closes it and says it was late
    data = fulfil(
        ctx,
        ref=str(report["id"]),
        on=date(2026, 4, 2),
        reference="maandrapportage 3",
        actor_key="cmdef",
    )
    assert (data["status"], data["late"]) == ("fulfilled", True)


def test_the_debtor_is_reminded_before_the_due_date_and_both_sides_after(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx, key="TP", profile="reintegratie-defensie", start=date(2026, 1, 1), award=None)
    ref = by_code(ctx, "TP")["monthly-report"][2]["id"]  # due 2026-04-01; reminders -7, 0, +3 days at 09:00
    clock.set(at("2026-03-25", 9))
    process_due(ctx)
    with ctx.db.read() as session:
        before = session.exec(select(Outbox).where(Outbox.case_ref == ref)).all()
    assert [(m.recipient_key, m.subject.split(": ")[-1]) for m in before] == [
        ("am", "uiterlijk over 7 dag(en)")
    ]
    clock.set(at("2026-04-04", 9))
    process_due(ctx)
    with ctx.db.read() as session:
        after = session.exec(
            select(Outbox).where(Outbox.case_ref == ref, Outbox.subject.contains("te laat"))
        ).all()  # type: ignore[attr-defined]
    assert sorted(m.recipient_key for m in after) == ["am", "cmdef"]


def test_an_overdue_obligation_opens_an_escalation_when_the_profile_says_so(
    ctx: Ctx, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (WORKFLOWS / "leasefietsen-rijk.yaml").read_text(encoding="utf-8")
    assert "  escalate_overdue: false\n" in text
    (tmp_path / "leasefietsen-rijk.yaml").write_text(
        text.replace("  escalate_overdue: false\n", "  escalate_overdue: true\n")
    )
    shutil.copy(WORKFLOWS / "reintegratie-defensie.yaml", tmp_path)
    monkeypatch.setenv("ESCALATION_ENGINE_PROFILES", str(tmp_path))
    register(ctx, start=date(2026, 1, 1), award=date(2025, 12, 15))
    plan = by_code(ctx, "LF")["sr-plan"][0]
    assert plan["due"] == "2026-03-15"
    clock.set(at("2026-03-16", 0, 5))
    process_due(ctx)
    row = by_code(ctx, "LF")["sr-plan"][0]
    assert row["status"] == "overdue" and row["escalation"] == "ESC-1"
    with ctx.db.read() as session:
        esc = session.exec(select(Escalation)).one()
    assert (esc.level, esc.state, esc.opened_by) == (1, "addressed", "cat")
    assert esc.subject.startswith(f"{plan['id']} Plan van aanpak 'Social return'")
    assert "ESC-1" in [d["case"] for d in list_deadlines(ctx, contract_key="LF")]


def test_without_the_profile_flag_an_overdue_obligation_opens_no_escalation(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx, start=date(2026, 1, 1), award=date(2025, 12, 15))
    clock.set(at("2026-03-16", 0, 5))
    process_due(ctx)
    assert by_code(ctx, "LF")["sr-plan"][0]["status"] == "overdue"
    with ctx.db.read() as session:
        assert session.exec(select(Escalation)).first() is None


def test_an_obligation_already_past_when_the_contract_is_registered_is_listed_overdue_without_notices(
    ctx: Ctx,
) -> None:
    register(ctx, start=date(2026, 1, 1), award=date(2025, 11, 15))  # it is 2 March 2026
    plan = by_code(ctx, "LF")["sr-plan"][0]
    assert (plan["due"], plan["status"]) == ("2026-02-15", "overdue")
    assert plan["id"] not in [d["case"] for d in list_deadlines(ctx, contract_key="LF")]
    process_due(ctx)
    with ctx.db.read() as session:
        assert session.exec(select(Outbox).where(Outbox.case_ref == plan["id"])).first() is None


def test_listing_filters_by_person_state_and_window(ctx: Ctx) -> None:
    register(ctx)
    soon = list_obligations(ctx, contract_key="LF", within_days=30)
    assert [(r["obligation"], r["status"]) for r in soon] == [("sr-plan", "overdue"), ("user-group", "open")]
    assert list_obligations(ctx, person_key="dcm", within_days=30)[0]["obligation"] == "user-group"
    assert (
        all(r["owed_by"] == "account_manager" for r in list_obligations(ctx, person_key="sm", state="all"))
        is True
    )
    assert list_obligations(ctx, person_key="sm", state="all") == []
    assert list_obligations(ctx, contract_key="LF", state="fulfilled") == []
    with pytest.raises(NotFound):
        list_obligations(ctx, contract_key="NOPE")


def test_a_due_date_on_the_spring_switch_ends_at_local_midnight(ctx: Ctx, clock: FixedClock) -> None:
    register(ctx, start=date(2025, 9, 29), award=None)
    plan = by_code(ctx, "LF")["isv-plan"][
        0
    ]  # 29 Sep 2025 + 6 months = Sunday 29 March 2026, clocks go forward
    assert (plan["due"], plan["due_at"]) == ("2026-03-29", "2026-03-29T22:00:00+00:00")
    clock.set(datetime(2026, 3, 29, 21, 59, tzinfo=UTC))
    process_due(ctx)
    assert by_code(ctx, "LF")["isv-plan"][0]["status"] == "open"
    clock.set(datetime(2026, 3, 29, 22, 0, tzinfo=UTC))
    process_due(ctx)
    assert by_code(ctx, "LF")["isv-plan"][0]["status"] == "overdue"


def test_a_due_date_on_the_autumn_switch_ends_at_local_midnight(ctx: Ctx) -> None:
    register(ctx, key="TP", profile="reintegratie-defensie", start=date(2026, 7, 25), award=None)
    meeting = by_code(ctx, "TP")["first-tactical-meeting"][0]  # + 3 months = Sunday 25 October 2026
    assert (meeting["due"], meeting["due_at"]) == ("2026-10-25", "2026-10-25T23:00:00+00:00")

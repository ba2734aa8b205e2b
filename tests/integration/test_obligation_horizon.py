"""The rolling obligation horizon: every recurring obligation keeps coming for as long as the contract runs
(at least `horizon_months` ahead at all times), derived once, with its due dates counted from its anchor."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from icalendar import Calendar
from sqlmodel import col, select
from support import at, register

from escalation_engine.app.calendar_feed import export_calendar
from escalation_engine.app.context import Ctx
from escalation_engine.contracts.lookup import pinned_profile
from escalation_engine.core import audit
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.dates import local_date
from escalation_engine.core.tables import Contract, Timer
from escalation_engine.core.timers import process_due
from escalation_engine.procedures.obligations.horizon import extend
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.procedures.obligations.rules.due_dates import quarter_end
from escalation_engine.procedures.obligations.tables import Obligation

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
START = date(2028, 1, 31)  # month-end start in a leap year: 31 Jan + 1 month = 29 Feb


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The TP profile with its monthly report open-ended (no `count: 12`), and the B2 profile as is."""
    own = tmp_path / "workflows"
    own.mkdir()
    text = (WORKFLOWS / "reintegratie-defensie.yaml").read_text(encoding="utf-8")
    assert text.count("      count: 12\n") == 1
    (own / "reintegratie-defensie.yaml").write_text(text.replace("      count: 12\n", ""), encoding="utf-8")
    lf = (WORKFLOWS / "leasefietsen-rijk.yaml").read_text(encoding="utf-8")
    (own / "leasefietsen-rijk.yaml").write_text(lf, encoding="utf-8")
    monkeypatch.setenv("ESCALATION_ENGINE_PROFILES", str(own))
    return own


def series(ctx: Ctx, contract: str) -> dict[str, list[Obligation]]:
    out: dict[str, list[Obligation]] = {}
    with ctx.db.read() as session:
        query = select(Obligation).where(Obligation.contract_key == contract)
        for row in session.exec(query.order_by(col(Obligation.code), col(Obligation.seq))):
            session.expunge(row)
            out.setdefault(row.code, []).append(row)
    return out


def assert_each_once(got: dict[str, list[Obligation]]) -> None:
    for code, rows in got.items():
        assert [r.seq for r in rows] == list(range(1, len(rows) + 1)), code
        assert len({r.due_date for r in rows}) == len(rows), code


def horizon_timers(ctx: Ctx, contract: str, status: str) -> list[Timer]:
    with ctx.db.read() as session:
        query = select(Timer).where(
            Timer.contract_key == contract, Timer.subject_kind == "obligation_horizon", Timer.status == status
        )
        return list(session.exec(query))


def test_over_five_years_monthly_quarterly_and_yearly_obligations_keep_coming_past_month_36(
    ctx: Ctx, clock: FixedClock, profiles: Path
) -> None:
    clock.set(at("2028-01-10", 9))
    register(ctx, key="TP", profile="reintegratie-defensie", start=START, award=None)
    day = date(2028, 2, 1)
    while day <= date(2033, 2, 1):
        clock.set(at(day.isoformat(), 1))
        process_due(ctx)
        got = series(ctx, "TP")
        # at every moment at least 36 months of monthly reports lie ahead
        assert got["monthly-report"][-1].due_date >= day + relativedelta(months=36), day
        day += relativedelta(months=1)
    got = series(ctx, "TP")
    assert_each_once(got)
    monthly = got["monthly-report"]
    # each counted from the start in one step: month ends, 29 Feb 2032, never drifting to the 28th/30th
    assert [r.due_date for r in monthly] == [
        START + relativedelta(months=n) for n in range(1, len(monthly) + 1)
    ]
    by_seq = {r.seq: r.due_date for r in monthly}
    assert (by_seq[37], by_seq[49], by_seq[50], by_seq[51]) == (
        date(2031, 2, 28),
        date(2032, 2, 29),
        date(2032, 3, 31),
        date(2032, 4, 30),
    )
    assert monthly[48].rule == "contract start 2028-01-31 + 49 months (every 1 month)"
    meetings = got["quarterly-meeting"]
    assert [r.due_date for r in meetings] == [
        START + relativedelta(months=6 + 3 * n) for n in range(len(meetings))
    ]
    assert meetings[-1].due_date >= date(2036, 1, 31)
    reports = got["management-report"]
    quarters = [(2028 + (n // 4), n % 4 + 1) for n in range(len(reports))]
    assert [r.period for r in reports] == [f"Q{q} {y}" for y, q in quarters]
    assert [r.due_date for r in reports] == [quarter_end(y, q) + timedelta(days=30) for y, q in quarters]
    assert (len(reports), reports[-1].period) == (32, "Q4 2035")  # up to start + 97 months = 29 Feb 2036
    yearly = got["strategic-evaluation"]
    assert [r.due_date for r in yearly] == [START + relativedelta(years=n) for n in range(1, len(yearly) + 1)]
    assert yearly[-1].due_date >= date(2036, 1, 31)
    # occurrences derived by a look-ahead get their own due timers: those past are overdue by their timer
    past = [r for r in monthly if r.seq > 36 and r.due_date < date(2033, 1, 31)]
    assert past and all(r.state == "overdue" and r.overdue_at is not None for r in past)
    assert len(horizon_timers(ctx, "TP", "pending")) == 1
    extensions = [e for e in audit.listing(ctx.db, contract_key="TP") if e["action"] == "obligations.extend"]
    assert (
        len(extensions) == 61
    )  # one look-ahead per monthly anniversary of the start (29 Feb 2028 … 31 Jan 2033)
    assert audit.verify(ctx.db).ok


def test_within_and_the_calendar_feed_include_occurrences_derived_by_a_look_ahead(
    ctx: Ctx, clock: FixedClock, profiles: Path, tmp_path: Path
) -> None:
    clock.set(at("2028-01-10", 9))
    register(ctx, key="TP", profile="reintegratie-defensie", start=START, award=None)
    clock.set(at("2031-12-15", 9))
    process_due(ctx)
    soon = [
        (r["obligation"], r["seq"], r["due"], r["status"])
        for r in list_obligations(ctx, contract_key="TP", within_days=60)
        if r["due"] >= "2031-12-15"
    ]
    assert soon == [
        ("monthly-report", 47, "2031-12-31", "open"),
        ("management-report", 16, "2032-01-30", "open"),  # Q4 2031 + 30 days
        ("monthly-report", 48, "2032-01-31", "open"),
        ("quarterly-meeting", 15, "2032-01-31", "open"),  # start + 6 + 14 × 3 months
        ("strategic-evaluation", 4, "2032-01-31", "open"),
    ]
    ics = tmp_path / "tp.ics"
    export_calendar(ctx, contract_key="TP", person_key=None, output=ics)
    uids = {str(e["UID"]) for e in Calendar.from_ical(ics.read_bytes()).walk("VEVENT")}
    assert "obligation-TP-monthly-report-47@escalation-engine" in uids
    assert "obligation-TP-monthly-report-83@escalation-engine" in uids  # 31 Dec 2034: 36 months ahead
    assert not any("obl-horizon" in uid for uid in uids)  # the look-ahead is housekeeping, not a deadline


def test_catching_up_after_a_year_of_downtime_derives_each_occurrence_once(
    ctx: Ctx, clock: FixedClock
) -> None:
    register(ctx, start=date(2026, 1, 1), award=date(2025, 11, 30))  # it is 2 March 2026
    before = series(ctx, "LF")
    assert [r.due_date.isoformat() for r in before["isv-report"]] == [
        "2027-01-01",
        "2028-01-01",
        "2029-01-01",
    ]
    clock.set(at("2027-06-15", 9))  # the engine was down from 2 March 2026
    report = process_due(ctx)
    looks = [f for f in report.fired if f["subject"] == "obligation_horizon:0"]
    assert len(looks) == 1 and looks[0]["outcome"].startswith("obligations up to 2030-07-01")
    got = series(ctx, "LF")
    assert_each_once(got)
    assert [r.due_date.isoformat() for r in got["isv-report"]] == [
        "2027-01-01",
        "2028-01-01",
        "2029-01-01",
        "2030-01-01",
    ]
    assert [r.due_date.isoformat() for r in got["circularity-report"]][-3:] == [
        "2029-07-01",
        "2030-01-01",
        "2030-07-01",
    ]
    assert got["user-group"][-1].period == "Q2 2030"
    assert len(got["sr-plan"]) == 1 and len(got["isv-plan"]) == 1  # one-offs are not derived again
    # a second look-ahead at the same moment (a repeated firing) derives nothing and violates nothing
    with ctx.db.write() as session:
        contract = session.get(Contract, "LF")
        assert contract is not None
        again = extend(ctx.db, session, contract, pinned_profile(contract), now=clock.now(), actor="system")
    assert again["derived"] == {}
    assert process_due(ctx).fired == []
    assert sum(len(rows) for rows in series(ctx, "LF").values()) == sum(len(rows) for rows in got.values())
    pending = horizon_timers(ctx, "LF", "pending")
    assert [local_date(t.due_at).isoformat() for t in pending] == ["2027-07-01"]


def test_a_contract_whose_profile_sets_a_term_derives_nothing_after_its_end(
    ctx: Ctx, clock: FixedClock, profiles: Path
) -> None:
    path = profiles / "leasefietsen-rijk.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("\n  horizon_months: 36") == 1
    path.write_text(text.replace("\n  horizon_months: 36", "\n  term_months: 48\n  horizon_months: 36"))
    register(ctx, start=date(2026, 1, 1), award=date(2025, 11, 30))
    clock.set(at("2027-01-02", 9))
    process_due(ctx)
    got = series(ctx, "LF")
    assert got["isv-report"][-1].due_date == date(2030, 1, 1)  # start + 48 months: the last yearly report
    assert got["user-group"][-1].period == "Q4 2029"
    assert horizon_timers(ctx, "LF", "pending") == []  # the contract ends: no more look-aheads
    clock.set(at("2031-06-01", 9))
    process_due(ctx)
    assert all(r.due_date <= date(2030, 1, 30) for rows in series(ctx, "LF").values() for r in rows)

"""Dates outside any contract (hypothesis and a table, SQLite and PostgreSQL): a contract start from 2000-01-01
to five years ahead and an award not after it; a fulfilment from the contract's award (or start) to today;
a KPI period overlapping the contract and starting at most a year ahead. Everything else exits 2 naming the
field and the allowed range, and changes nothing — no internal fault, no thousands of derived obligations."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta

import pytest
from faults_support import table_contents
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import cli, register

from escalation_engine.app.context import Ctx
from escalation_engine.app.registration import add_contract
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.date_bounds import EARLIEST, years_ahead
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.kpis import results

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
KEYS = (f"C{n}" for n in itertools.count())
dates = st.one_of(
    st.dates(),
    st.sampled_from([date(1999, 12, 31), EARLIEST, date(2031, 3, 2), date(2031, 3, 3), date(9999, 12, 31)]),
)


@pytest.fixture
def registered(ctx: Ctx) -> Ctx:
    register(ctx)  # LF: start 2026-01-01, award 2025-11-15; today is 2026-03-02
    return ctx


def refused_unchanged(ctx: Ctx, action: object, *words: str) -> None:
    before = table_contents(ctx.db)
    with pytest.raises(BadInput) as refused:
        action()  # type: ignore[operator]
    assert "outside the allowed range" in refused.value.message
    assert all(word in refused.value.message for word in words), refused.value.message
    assert table_contents(ctx.db) == before


@given(start=dates, award=st.one_of(st.none(), dates))
@SETTINGS
def test_a_contract_starts_from_2000_up_to_five_years_ahead_and_is_not_awarded_after_its_start(
    ctx: Ctx, clock: FixedClock, start: date, award: date | None
) -> None:
    today = local_date(clock.now())
    ok = EARLIEST <= start <= years_ahead(today) and (award is None or EARLIEST <= award <= start)

    def add() -> object:
        return add_contract(
            ctx,
            key=next(KEYS),
            profile_name="leasefietsen-rijk",
            title="t",
            start=start,
            award=award,
            actor="t",
        )

    if ok:
        assert add()
    else:
        refused_unchanged(
            ctx, add, "contract start" if not EARLIEST <= start <= years_ahead(today) else "award"
        )


@given(year=st.integers(1, 9999), month=st.integers(1, 12))
@SETTINGS
def test_a_kpi_result_is_for_a_period_within_the_contract_starting_at_most_a_year_ahead(
    registered: Ctx, year: int, month: int
) -> None:
    period = f"{year:04d}-{month:02d}"
    ok = date(2025, 12, 31) < date(year, month, 28) and date(year, month, 1) <= date(2027, 3, 2)

    def record() -> object:
        return results.record(
            registered,
            actor_key="dcm",
            contract_key="LF",
            kpi="delivery",
            period=period,
            value="95",
            participant="DJI",
            replace=True,
        )

    if ok:
        record()
    else:
        refused_unchanged(registered, record, "KPI period", period)


ADD = "contract add X --profile leasefietsen-rijk --title t --start "
RECORD = "--as dcm kpi record --contract LF --kpi delivery --participant DJI --value 95 --period "
OUT_OF_RANGE = [
    (ADD + "9999-12-31", "contract start"),
    (ADD + "0001-01-01", "contract start"),
    (ADD + "2026-01-01 --award 2026-02-01", "award date"),
    (RECORD + "9999-12", "KPI period"),
    (RECORD + "2020-01", "KPI period"),
    ("--as cat kpi evaluate --contract LF --period 9999-12", "period 9999-12"),
    ("--as cat obligation fulfil OBL-1 --on 2001-01-01", "fulfilment date"),
]


@pytest.mark.parametrize(
    ("command", "field"), OUT_OF_RANGE, ids=[c.split(" ", 3)[-1] for c, _ in OUT_OF_RANGE]
)
def test_a_date_outside_the_contract_exits_2_naming_the_field_and_the_range(
    db_url: str, command: str, field: str
) -> None:
    """On the command line, with today's real date (the CLI's clock)."""
    from escalation_engine.core.clock import SystemClock
    from escalation_engine.core.db import Database

    db = Database(db_url)
    db.upgrade()
    register(Ctx(db=db, clock=SystemClock()))
    before = table_contents(db)
    result = cli("--json", *command.split(), db=db_url)
    error = json.loads(result.stdout)["error"]
    assert result.exit_code == 2, error
    assert field in error["message"] and "outside the allowed range" in error["message"], error
    assert table_contents(db) == before
    db.dispose()


def test_a_fulfilment_dated_before_the_contract_existed_is_not_counted_on_time(registered: Ctx) -> None:
    from escalation_engine.procedures.obligations.fulfil import fulfil

    award = date(2025, 11, 15)
    refused_unchanged(
        registered,
        lambda: fulfil(
            registered, ref="OBL-1", on=award - timedelta(days=1), reference=None, actor_key="cat"
        ),
        "2025-11-15",
    )

"""The one place that bounds every date a user gives to a sane range around the contract.

A date far outside any contract (0001-01-01, 9999-12-31) is a typing error, never a fact: it would derive
thousands of obligations, overflow deadline arithmetic or make a late fulfilment look on time. The ranges
(README, "Dates the engine accepts"):

- a contract starts between 2000-01-01 and five years from today (a tender is awarded at most a few years
  ahead); it is awarded in the same range and not after its start;
- a date on which something happened (fulfilment, meeting, presentation, norm failure found) lies between
  the day the contract existed (its award date, or its start) and today;
- a date something is due (advice, improvement term) lies between today and five years from today;
- a KPI or survey period overlaps the contract's life (it does not end before the contract started) and
  starts at most one year after today: a report delivered early is recorded for the period it is due in
  (a circularity report delivered in December counts for the next half year).
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from escalation_engine.core.errors import BadInput

EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 5
PERIOD_YEARS_AHEAD = 1


def years_ahead(today: date) -> date:
    result: date = today + relativedelta(years=YEARS_AHEAD)
    return result


def within(value: date, what: str, low: date, high: date, why: str) -> date:
    """`value` if `low <= value <= high`; else BadInput naming the field, the range and why."""
    if not low <= value <= high:
        raise BadInput(
            f"{what} {value.isoformat()} is outside the allowed range {low.isoformat()} to {high.isoformat()} "
            f"({why})"
        )
    return value


def contract_dates(start: date, award: date | None, today: date) -> None:
    """A contract's start and award date (BadInput for either out of range)."""
    high = years_ahead(today)
    within(start, "contract start", EARLIEST, high, f"from {EARLIEST.year} up to {YEARS_AHEAD} years ahead")
    if award is not None:
        within(award, "award date", EARLIEST, start, "not before 2000 and not after the contract's start")


def existed_since(start: date, award: date | None) -> date:
    """The first day the contract existed: its award date, or its start when it has none (or a later one)."""
    return min(start, award) if award is not None else start


def happened_on(value: date, what: str, start: date, award: date | None, today: date) -> date:
    """A date on which something happened on the contract: not before the contract existed, not after today."""
    return within(
        value, what, existed_since(start, award), today, "from the contract's award or start to today"
    )


def due_on(value: date, what: str, today: date) -> date:
    """A date by which something must be done: from today up to five years ahead."""
    return within(value, what, today, years_ahead(today), f"from today up to {YEARS_AHEAD} years ahead")


def period_within_contract(label: str, first: date, last: date, start: date, today: date, what: str) -> None:
    """A KPI or survey period that overlaps the contract's life and starts at most a year after today."""
    latest: date = today + relativedelta(years=PERIOD_YEARS_AHEAD)
    if last < start or first > latest:
        raise BadInput(
            f"{what} {label} ({first.isoformat()} to {last.isoformat()}) is outside the allowed range: "
            f"a period that does not end before the contract's start {start.isoformat()} and starts by "
            f"{latest.isoformat()} (one year after today)"
        )

"""The rolling obligation horizon: how far ahead recurring obligations are derived, and when to look again.

Rule: at every moment the derived occurrences of every recurring obligation reach at least
`horizon_months` past today (Europe/Amsterdam). The engine looks ahead once a month, on the contract
start's monthly anniversaries (start + k months, counted from the start in one step, clamped at the month
end). A look-ahead on or after anniversary k (and before k + 1) derives up to start + horizon + k + 1
months, which is never earlier than today + horizon; before the start the horizon is start + horizon.
A contract with a known end (the profile's `term_months`) derives nothing due after it and stops looking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from escalation_engine.core.dates import add_period


@dataclass(frozen=True)
class Horizon:
    """Derive up to `end` (inclusive); look again on `next_look` (None: the contract ends, no more)."""

    end: date
    next_look: date | None
    months_from_start: int


def months_elapsed(start: date, today: date) -> int:
    """The largest k with start + k months <= today (-1 before the start)."""
    if today < start:
        return -1
    k = (today.year - start.year) * 12 + today.month - start.month
    return k if add_period(start, k, "months") <= today else k - 1


def rolling_horizon(
    start: date, horizon_months: int, today: date, contract_end: date | None = None
) -> Horizon:
    """The horizon a look-ahead on local date `today` derives to, and the date of the next look-ahead."""
    k = months_elapsed(start, today)
    months = horizon_months + k + 1
    end = add_period(start, months, "months")
    next_look = add_period(start, k + 1, "months")
    if contract_end is not None and end >= contract_end:
        return Horizon(contract_end, None, months)
    return Horizon(end, next_look, months)


def contract_end(start: date, term_months: int | None) -> date | None:
    """The last date an obligation of a contract running `term_months` can fall due (None: open-ended)."""
    return None if term_months is None else add_period(start, term_months, "months")

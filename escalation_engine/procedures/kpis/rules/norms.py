"""Pure rules for recorded KPI results: reading a value, judging it against its norm, due dates.

Numbers (rounding rule, same as delivery.py / survey.py / waiting_room.py): values are exact ``Decimal``
(28 significant digits); norms are compared unrounded (``value >= norm``), so 94.999 misses a 95 % norm;
only display text is rounded, half-up to 2 decimals, and a value just below a boundary is shown exactly
rather than rounded onto it. A decimal comma ("95,5") is read as a decimal point. Excel numbers are taken
at their shortest decimal representation (0.1 stays 0.1, never 0.1000000000000000055…); a cell formatted
as a percentage (Excel stores 95 % as 0.95) is multiplied by 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta

from escalation_engine.core.date_bounds import period_within_contract
from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.kpis.rules.delivery import display
from escalation_engine.procedures.kpis.rules.periods import Period, parse_period

YES = ("yes", "ja", "y", "j", "1", "true", "met", "delivered", "voldoende")
NO = ("no", "nee", "n", "0", "false", "missed", "not delivered", "onvoldoende")


def parse_percentage(raw: object, *, percent_format: bool = False) -> Decimal:
    """A percentage 0-100 from text, an int, a Decimal or an Excel number; BadInput with the reason."""
    if isinstance(raw, bool) or raw is None:
        raise BadInput(f"{raw!r} is not a percentage")
    if isinstance(raw, float):
        value = Decimal(repr(raw))
    elif isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
    else:
        text = str(raw).strip().rstrip("%").strip()
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise BadInput(f"{raw!r} is not a number") from None
    # range first: scaling NaN or a huge exponent would raise decimal's own errors
    if not value.is_finite() or not 0 <= value <= (1 if percent_format else 100):
        raise BadInput(f"{raw!r} is outside 0-100 %")
    return _plain(value * 100 if percent_format else value)


def _plain(value: Decimal) -> Decimal:
    """Drop trailing zeros (94.9900 -> 94.99) without turning 100 into 1E+2."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal


def parse_yes_no(raw: object) -> bool:
    text = str(raw).strip().lower() if not isinstance(raw, bool) else ("yes" if raw else "no")
    if isinstance(raw, float) and raw in (0.0, 1.0):
        text = str(int(raw))
    if text in YES:
        return True
    if text in NO:
        return False
    raise BadInput(f"{raw!r} is not yes/no (yes, no, ja, nee, 1, 0)")


def stored_value(measure: str, raw: object, *, percent_format: bool = False) -> str:
    """The exact text stored for a recorded value ("95.5" or "1"/"0")."""
    if measure == "percentage":
        return str(parse_percentage(raw, percent_format=percent_format))
    if measure == "yes-no":
        return "1" if parse_yes_no(raw) else "0"
    raise BadInput(f"KPIs measured as {measure!r} are not recorded by value")


def check_period(text: str, kinds: list[str], kpi: str, bounds: tuple[date, date] | None = None) -> Period:
    """The period `text` of KPI `kpi`; with `bounds` (the contract's start, today) within the contract's life."""
    period = parse_period(text)
    if bounds is not None:
        period_within_contract(period.label, period.start, period.end, *bounds, "KPI period")
    if period.kind.value not in kinds:
        raise BadInput(
            f"KPI {kpi} is measured per {' or '.join(kinds)}, not per {period.kind.value} ({text!r})"
        )
    return period


@dataclass(frozen=True, slots=True)
class ValueVerdict:
    met: bool
    explanation: str


def judge(
    measure: str, value: str, norm_pct: Decimal | None, *, name: str, period: str, source: str
) -> ValueVerdict:
    """One recorded value against its norm (percentage: value >= norm; yes-no: yes)."""
    if measure == "percentage":
        assert norm_pct is not None
        pct = Decimal(value)
        met = pct >= norm_pct
        word = "meets" if met else "is below"
        return ValueVerdict(
            met,
            f"{source}: {name} in {period}: {display(pct, boundary=norm_pct)} % {word} the norm of >= "
            f"{display(norm_pct)} %.",
        )
    met = value == "1"
    return ValueVerdict(met, f"{source}: {name} in {period}: {'met' if met else 'NOT met'}.")


def due_date(after: str, months: int, start: date, award: date | None) -> date | None:
    """The last day of a one-off delivery: start/award + months (calendar months, clamped)."""
    base = start if after == "start" else award
    return None if base is None else base + relativedelta(months=months)


def month_of_execution(start: date, day: date) -> int:
    """1 for the first month after the start date, 2 for the next, ... (TP §2.1.2 counts from the start)."""
    months = (day.year - start.year) * 12 + day.month - start.month
    if day.day < start.day:
        months -= 1
    return months + 1

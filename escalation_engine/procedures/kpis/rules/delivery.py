"""Delivery reliability, KPI Leverbetrouwbaarheid (B2 §2.2).

Norm: availability of the bicycle range >= 95 % ("Goed"), < 95 % is "Slecht".

- Decentral part: each participant (Deelnemer) determines per month whether availability was >= 95 %.
  On failure the supplier shows and implements its improvements in the month following the month in
  which the norm was missed.
- Central part: the Categorie determines per quarter whether at least 95 % of the participants had
  availability >= 95 %. On failure the Categorie agrees a term for improvement with the supplier.
- Consequence of missing the norm: the Categorie may apply one or more of S1, S2, S3 and S5.

POLICY DEFAULT (the seed does not say how a participant's quarter availability is derived from monthly
figures): when monthly values are given, a participant passes the quarter only if *every* recorded month
was >= 95 %. A single value per participant is taken as that participant's quarter availability.

Numbers (rounding rule): compute exactly, compare unrounded, display rounded half-up to 2 decimals.
Percentages are ``decimal.Decimal`` on a 0-100 scale (floats are refused); the central share is decided by
the exact comparison ``passed x 100 >= 95 x participants`` and only the ``*_display`` strings are rounded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal

from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.kpis.rules.periods import (
    Period,
    PeriodKind,
    last_day_of_month,
    parse_period,
)
from escalation_engine.procedures.kpis.rules.sanctions import Sanction

SOURCE = "B2 §2.2"
NORM_PCT = Decimal("95")
CENTRAL_SHARE_PCT = Decimal("95")
ALLOWED_SANCTIONS: tuple[Sanction, ...] = (Sanction.S1, Sanction.S2, Sanction.S3, Sanction.S5)

_CONTEXT = Context(prec=28)
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class DeliveryVerdict:
    """Decentral, monthly verdict of one participant (B2 §2.2)."""

    participant: str
    month: date
    availability_pct: Decimal
    norm_pct: Decimal
    met: bool
    classification: str  # "Goed" or "Slecht"
    improve_in_month: date | None  # first day of the month after the failed month
    improve_by: date | None  # last day of that month
    allowed_sanctions: tuple[Sanction, ...]  # empty when met
    explanation: str
    source: str = SOURCE


@dataclass(frozen=True, slots=True)
class ParticipantQuarter:
    participant: str
    availability_pct: tuple[Decimal, ...]  # one quarter value, or the recorded monthly values
    monthly: bool
    passed: bool


@dataclass(frozen=True, slots=True)
class CentralVerdict:
    """Central, quarterly verdict over all participants (B2 §2.2)."""

    quarter: Period
    participants: tuple[ParticipantQuarter, ...]  # sorted by participant
    norm_pct: Decimal
    required_share_pct: Decimal
    passed_count: int
    participant_count: int
    share_pct: Decimal  # passed / participants x 100, unrounded
    met: bool
    failing_participants: tuple[str, ...]
    allowed_sanctions: tuple[Sanction, ...]  # empty when met
    improvement_term: str | None  # who sets the improvement term, when not met
    explanation: str
    source: str = SOURCE

    @property
    def share_display(self) -> str:
        return display(self.share_pct, boundary=self.required_share_pct) + " %"


def display(value: Decimal, *, boundary: Decimal | int | None = None) -> str:
    """Round half-up to 2 decimals for display only (never for comparison).

    When rounding would make a value that is below ``boundary`` look equal to it (94.995 -> "95.00"), the
    exact value is shown instead, so a text never contradicts its verdict.
    """
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if boundary is not None and value < boundary <= rounded:
        return format(value.normalize(), "f")
    return str(rounded)


def check_pct(value: object, what: str) -> Decimal:
    """A percentage is a Decimal (or int) from 0 to 100; floats and anything else are BadInput."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise BadInput(f"{what} must be a Decimal percentage 0-100, got {value!r}", source=SOURCE)
    pct = Decimal(value)
    if not pct.is_finite() or not 0 <= pct <= 100:
        raise BadInput(f"{what} {value} is outside 0-100 %", source=SOURCE)
    return pct


def evaluate_decentral(participant: str, month: date, availability_pct: Decimal) -> DeliveryVerdict:
    """A participant's monthly check: availability >= 95 %, else improve in the following month."""
    name = _check_participant(participant)
    if isinstance(month, datetime) or not isinstance(month, date) or month.day != 1:
        raise BadInput(f"month {month!r} must be the first day of a month (a date)", source=SOURCE)
    pct = check_pct(availability_pct, f"availability of {name!r} in {month:%Y-%m}")
    met = pct >= NORM_PCT
    head = (
        f"{SOURCE} (decentral): {name} had {display(pct, boundary=NORM_PCT)} % availability in {month:%Y-%m}"
    )
    start: date | None = None
    end: date | None = None
    if met:
        explanation = f"{head}, meeting the norm of >= {display(NORM_PCT)} % (Goed)."
    else:
        start = last_day_of_month(month.year, month.month) + timedelta(days=1)
        end = last_day_of_month(start.year, start.month)
        codes = ", ".join(code.value for code in ALLOWED_SANCTIONS)
        explanation = (
            f"{head}, below the norm of >= {display(NORM_PCT)} % (Slecht). The supplier shows and implements "
            f"its improvements in the following month, {start:%Y-%m} ({start.isoformat()} to "
            f"{end.isoformat()}). The category may apply one or more of {codes}."
        )
    return DeliveryVerdict(
        participant=name,
        month=month,
        availability_pct=pct,
        norm_pct=NORM_PCT,
        met=met,
        classification="Goed" if met else "Slecht",
        improve_in_month=start,
        improve_by=end,
        allowed_sanctions=() if met else ALLOWED_SANCTIONS,
        explanation=explanation,
    )


def evaluate_central(
    quarter: str, per_participant: Mapping[str, Sequence[Decimal] | Decimal]
) -> CentralVerdict:
    """The category's quarterly check: at least 95 % of participants had availability >= 95 %.

    Each value is either the participant's quarter availability (one Decimal) or its 1-3 monthly figures.
    Mapping is covariant, so a ``dict[str, Decimal]`` or a ``dict[str, list[Decimal]]`` fits as well.
    """
    period = parse_period(quarter)
    if period.kind is not PeriodKind.QUARTER:
        raise BadInput(f"{quarter!r} is a {period.kind.value}, not a quarter like '2026-Q3'", source=SOURCE)
    if not per_participant:
        raise BadInput(f"no availability figures for any participant in {period.label}", source=SOURCE)
    results = tuple(
        _participant_quarter(name, values, period.label)
        for name, values in sorted(per_participant.items(), key=lambda item: str(item[0]))
    )
    total = len(results)
    passed = sum(1 for result in results if result.passed)
    share = _CONTEXT.divide(Decimal(passed * 100), Decimal(total))
    met = passed * 100 >= CENTRAL_SHARE_PCT * total
    failing = tuple(result.participant for result in results if not result.passed)
    return CentralVerdict(
        quarter=period,
        participants=results,
        norm_pct=NORM_PCT,
        required_share_pct=CENTRAL_SHARE_PCT,
        passed_count=passed,
        participant_count=total,
        share_pct=share,
        met=met,
        failing_participants=failing,
        allowed_sanctions=() if met else ALLOWED_SANCTIONS,
        improvement_term=None if met else "to be agreed between the category and the supplier",
        explanation=_explain_central(period, passed, total, share, met, failing),
    )


def _check_participant(participant: object) -> str:
    if not isinstance(participant, str) or not participant.strip():
        raise BadInput(f"participant {participant!r} is not a non-empty name", source=SOURCE)
    return participant


def _participant_quarter(name: str, values: Sequence[Decimal] | Decimal, quarter: str) -> ParticipantQuarter:
    _check_participant(name)
    if isinstance(values, (Decimal, int)):
        pct = check_pct(values, f"quarter availability of {name!r} in {quarter}")
        return ParticipantQuarter(name, (pct,), monthly=False, passed=pct >= NORM_PCT)
    if isinstance(values, str) or not isinstance(values, Sequence) or not 1 <= len(values) <= 3:
        raise BadInput(
            f"availability of {name!r} in {quarter} must be one Decimal or 1-3 monthly Decimals, "
            f"got {values!r}",
            source=SOURCE,
        )
    months = tuple(check_pct(value, f"monthly availability of {name!r} in {quarter}") for value in values)
    return ParticipantQuarter(name, months, monthly=True, passed=all(pct >= NORM_PCT for pct in months))


def _explain_central(
    period: Period, passed: int, total: int, share: Decimal, met: bool, failing: Sequence[str]
) -> str:
    shown = display(share, boundary=CENTRAL_SHARE_PCT)
    head = (
        f"{SOURCE} (central): in {period.label} {passed} of {total} participants ({shown} %) had "
        f"availability >= {display(NORM_PCT)} %; at least {display(CENTRAL_SHARE_PCT)} % is required"
    )
    rule = (
        "(a participant with monthly figures passes only if every recorded month was >= 95 %, policy default)"
    )
    if met:
        return f"{head}, so the norm is met {rule}."
    codes = ", ".join(code.value for code in ALLOWED_SANCTIONS)
    return (
        f"{head}, so the norm is missed {rule}. Below the norm: {', '.join(failing)}. The category agrees "
        f"with the supplier the term within which it must improve and may apply one or more of {codes}."
    )

"""Waiting-room clause, Wachtkamerclausule (TP §2.1.2).

In the first twelve months of execution there are measurement moments after months 6, 9 and 12. The
norm for the clause is met at a moment when, summed over quality KPIs 1-11 (KPI 12 is excluded), all
three hold: at least 75 % of the modules were finished within their terms; at least 75 % were carried out
to the re-integrant's satisfaction (grade 7 or more); at least 75 % of the delivered output meets the
quality requirements. Missing the norm at two consecutive moments (6 and 9, or 9 and 12) entitles the
client to terminate the framework agreement and continue with the runner-up of the tender (the
'Wachtkamerovereenkomst'). The first finding of a miss obliges the supplier to draw up an improvement plan
within 14 days. From month 13 the (higher) norms of the full KPI scorecard (TP table 1) apply.

Numbers (rounding rule): compute exactly, compare unrounded, display rounded half-up to 2 decimals.
Percentages are ``decimal.Decimal`` on a 0-100 scale (floats are refused); 75.00 meets the norm and 74.99
does not. Only the text in ``explanation`` is rounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from escalation_engine.core.dates import add_period
from escalation_engine.core.errors import BadInput

SOURCE = "TP §2.1.2"
NB_SOURCE = f"{SOURCE} (NB, table 1)"  # a met waiting-room norm with a missed scorecard norm: a plan as well
MOMENTS: tuple[int, ...] = (6, 9, 12)
NORM_PCT = Decimal("75")
IMPROVEMENT_PLAN_DAYS = 14
WAITING_ROOM_MONTHS = 12
WAITING_ROOM = "waiting-room"
FULL_SCORECARD = "full-scorecard"

# criterion key -> what is measured (summed over quality KPIs 1-11)
CRITERIA: dict[str, str] = {
    "finished": "modules finished within their terms",
    "satisfied": "modules carried out to the re-integrant's satisfaction (grade >= 7)",
    "quality": "delivered output meeting the quality requirements",
}

_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class MomentVerdict:
    moment: int  # month of execution: 6, 9 or 12
    finished_pct: Decimal
    satisfied_pct: Decimal
    quality_pct: Decimal
    norm_pct: Decimal
    met: bool
    failed: tuple[str, ...]  # keys of CRITERIA below the norm, in the order finished, satisfied, quality
    explanation: str
    source: str = SOURCE


@dataclass(frozen=True, slots=True)
class ClauseVerdict:
    evidence: tuple[tuple[int, bool], ...]  # (moment, norm met) for every moment used, in order
    details: tuple[MomentVerdict, ...]  # the per-moment verdicts given, if any
    invoked: bool  # client entitled to terminate and continue with the runner-up
    consecutive_misses: tuple[int, int] | None  # first pair of consecutive missed moments
    first_miss_moment: int | None  # the first finding: improvement plan within 14 days
    improvement_plan_days: int | None  # 14 when there is a miss, else None
    explanation: str
    source: str = SOURCE


def display(value: Decimal, *, boundary: Decimal | int | None = None) -> str:
    """Round half-up to 2 decimals for display only (never for comparison).

    When rounding would make a value that is below ``boundary`` look equal to it (94.995 -> "95.00"), the
    exact value is shown instead, so a text never contradicts its verdict.
    """
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if boundary is not None and value < boundary <= rounded:
        return format(value.normalize(), "f")
    return str(rounded)


def check_moment(moment: object) -> int:
    if isinstance(moment, bool) or not isinstance(moment, int) or moment not in MOMENTS:
        raise BadInput(
            f"measurement moment {moment!r} is not one of months 6, 9 or 12 of execution", source=SOURCE
        )
    return moment


def check_pct(value: object, what: str) -> Decimal:
    """A percentage is a Decimal (or int) from 0 to 100; floats and anything else are BadInput."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise BadInput(f"{what} must be a Decimal percentage 0-100, got {value!r}", source=SOURCE)
    pct = Decimal(value)
    if not pct.is_finite() or not 0 <= pct <= 100:
        raise BadInput(f"{what} {value} is outside 0-100 %", source=SOURCE)
    return pct


def evaluate_moment(
    moment: int, finished_pct: Decimal, satisfied_pct: Decimal, quality_pct: Decimal
) -> MomentVerdict:
    """The waiting-room norm at one moment: met only when all three percentages are >= 75 %."""
    month = check_moment(moment)
    values = {
        key: check_pct(raw, f"{key} percentage at month {month}")
        for key, raw in zip(CRITERIA, (finished_pct, satisfied_pct, quality_pct), strict=True)
    }
    failed = tuple(key for key, pct in values.items() if pct < NORM_PCT)
    measured = "; ".join(
        f"{CRITERIA[key]} {display(pct, boundary=NORM_PCT)} %" for key, pct in values.items()
    )
    if failed:
        verdict = f"norm missed on {', '.join(failed)} (below {display(NORM_PCT)} %)"
    else:
        verdict = f"norm met (all three >= {display(NORM_PCT)} %)"
    return MomentVerdict(
        moment=month,
        finished_pct=values["finished"],
        satisfied_pct=values["satisfied"],
        quality_pct=values["quality"],
        norm_pct=NORM_PCT,
        met=not failed,
        failed=failed,
        explanation=f"{SOURCE}, moment month {month} (quality KPIs 1-11 summed): {measured}: {verdict}.",
    )


def evaluate_clause(results: Mapping[int, bool | MomentVerdict]) -> ClauseVerdict:
    """Invoked when the norm is missed at two consecutive moments (6 and 9, or 9 and 12)."""
    evidence, details = _collect(results)
    met = dict(evidence)
    misses = [moment for moment, ok in evidence if not ok]
    first_miss = misses[0] if misses else None
    pair = next(
        (
            (a, b)
            for a, b in zip(MOMENTS, MOMENTS[1:], strict=False)
            if met.get(a) is False and met.get(b) is False
        ),
        None,
    )
    return ClauseVerdict(
        evidence=evidence,
        details=details,
        invoked=pair is not None,
        consecutive_misses=pair,
        first_miss_moment=first_miss,
        improvement_plan_days=IMPROVEMENT_PLAN_DAYS if first_miss is not None else None,
        explanation=_explain_clause(evidence, pair, first_miss),
    )


def moment_date(start: date, moment: int) -> date:
    """The measurement moment 'after month N of execution': start date + N calendar months (clamped)."""
    return add_period(start, moment, "months")


def in_moment_window(period_end: date, moment_day: date, previous_day: date | None) -> bool:
    """Whether a scorecard period counts for a measurement moment (TP §2.1.2 NB): it ended before the
    moment's date and, when an earlier moment was established, on or after that moment's date."""
    return period_end < moment_day and (previous_day is None or period_end >= previous_day)


def scorecard_phase(month_of_execution: int) -> str:
    """ "waiting-room" in months 1-12 of execution, "full-scorecard" from month 13 (TP §2.1.2)."""
    if (
        isinstance(month_of_execution, bool)
        or not isinstance(month_of_execution, int)
        or month_of_execution < 1
    ):
        raise BadInput(
            f"month of execution {month_of_execution!r} must be a whole number >= 1", source=SOURCE
        )
    return WAITING_ROOM if month_of_execution <= WAITING_ROOM_MONTHS else FULL_SCORECARD


def _collect(
    results: Mapping[int, bool | MomentVerdict],
) -> tuple[tuple[tuple[int, bool], ...], tuple[MomentVerdict, ...]]:
    if not results:
        raise BadInput("no measurement results to evaluate the waiting-room clause on", source=SOURCE)
    evidence: list[tuple[int, bool]] = []
    details: list[MomentVerdict] = []
    for moment in sorted(check_moment(key) for key in results):
        result = results[moment]
        if isinstance(result, MomentVerdict):
            if result.moment != moment:
                raise BadInput(
                    f"result for month {moment} is the verdict of month {result.moment}", source=SOURCE
                )
            details.append(result)
            evidence.append((moment, result.met))
        elif isinstance(result, bool):
            evidence.append((moment, result))
        else:
            raise BadInput(f"result for month {moment} must be True/False or a MomentVerdict", source=SOURCE)
    return tuple(evidence), tuple(details)


def _explain_clause(
    evidence: tuple[tuple[int, bool], ...], pair: tuple[int, int] | None, first_miss: int | None
) -> str:
    used = ", ".join(f"month {moment}: {'met' if ok else 'missed'}" for moment, ok in evidence)
    parts = [f"{SOURCE}: waiting-room norm at the measurement moments {used}."]
    if first_miss is not None:
        parts.append(
            f"First miss at month {first_miss}: the supplier draws up an improvement plan within "
            f"{IMPROVEMENT_PLAN_DAYS} days."
        )
    if pair is not None:
        parts.append(
            f"Norm missed at two consecutive moments (months {pair[0]} and {pair[1]}): the clause may be "
            "invoked; the client is entitled to terminate the framework agreement and continue with the "
            "runner-up."
        )
    else:
        parts.append("The norm was not missed at two consecutive moments: the clause is not invoked.")
    return " ".join(parts)

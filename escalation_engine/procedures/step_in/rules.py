"""Step-in rights rules (B2 §6), pure: the "repeated escalations" threshold and meeting dates.

B2 §6 lets the category intervene in the supplier's organisation for problems "not solved after repeated
escalations". The seed does not say how many: the profile sets the threshold, and the category may
override it with a recorded reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from escalation_engine.core.errors import RuleRefused

CLOSED_ESCALATION_STATES = frozenset({"closed", "refused"})


@dataclass(frozen=True)
class NamedEscalation:
    """An escalation named in a step-in request, as far as the threshold cares."""

    ref: str
    level: int
    state: str


@dataclass(frozen=True)
class Threshold:
    min_escalations: int
    at_top_level: bool
    unresolved: bool
    source: str

    def describe(self, top: int) -> str:
        parts = [f"at least {self.min_escalations} escalation(s) of the contract"]
        if self.at_top_level:
            parts.append(f"that reached the top level ({top}) of the ladder")
        if self.unresolved:
            parts.append("and are not closed")
        return " ".join(parts)


def why_not_counted(esc: NamedEscalation, threshold: Threshold, top: int) -> str | None:
    """The reason a named escalation does not count towards the threshold, or None when it counts."""
    reasons = []
    if threshold.at_top_level and esc.level < top:
        reasons.append(f"at level {esc.level}, not the top level {top}")
    if threshold.unresolved and esc.state in CLOSED_ESCALATION_STATES:
        reasons.append(esc.state)
    return f"{esc.ref} is {' and '.join(reasons)}" if reasons else None


def check_threshold(
    named: list[NamedEscalation], threshold: Threshold, top: int, override: str | None
) -> list[str]:
    """The refs that count; RuleRefused naming the rule when too few count and there is no override."""
    counted = [e.ref for e in named if why_not_counted(e, threshold, top) is None]
    if len(counted) >= threshold.min_escalations or (override and override.strip()):
        return counted
    reasons = [r for r in (why_not_counted(e, threshold, top) for e in named) if r]
    detail = "; ".join(reasons) if reasons else "no escalations were named (--escalation CASE)"
    raise RuleRefused(
        f"step-in needs repeated escalations: {threshold.describe(top)}; {len(counted)} of the named "
        f"escalations count ({detail}). Name the escalations concerned, or override with a recorded reason "
        "(--override-threshold TEXT)",
        rule="repeated escalations (B2 §6, the profile's step_in.threshold)",
        source=f"B2 §6; threshold: {threshold.source}",
    )


def check_held_date(held: date, *, earliest: date, earliest_what: str, today: date, source: str) -> None:
    """A meeting is recorded after it was held, and not before what it follows."""
    if held > today:
        raise RuleRefused(
            f"a meeting is recorded once held: {held} is after today ({today})",
            rule="meeting held",
            source=source,
        )
    if held < earliest:
        raise RuleRefused(
            f"the meeting of {held} cannot be before {earliest_what} ({earliest})",
            rule="meeting follows the request",
            source=source,
        )

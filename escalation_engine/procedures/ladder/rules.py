"""The escalation ladder and its rules (B2 §5.1, TP §3 table 2).

Pure: the ladder is data from the contract profile; the checks look at a case's per-level records and
return the reasons a step is forbidden. The actions turn a non-empty list into a `RuleRefused`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import RuleRefused


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    raised_by: tuple[str, ...]
    counterpart: str
    when: str
    source: str


@dataclass(frozen=True)
class Ladder:
    levels: tuple[Level, ...]
    source: str

    @property
    def top(self) -> int:
        return self.levels[-1].number

    def level(self, number: int) -> Level:
        for level in self.levels:
            if level.number == number:
                return level
        raise RuleRefused(
            f"level {number} does not exist on this ladder (levels 1–{self.top})",
            rule="ladder levels",
            source=self.source,
        )

    def assessors(self, number: int) -> tuple[str, ...]:
        """Who judges a level's result: who may raise into it, and who may raise beyond it."""
        roles = list(self.level(number).raised_by)
        if number < self.top:
            roles += [r for r in self.level(number + 1).raised_by if r not in roles]
        return tuple(roles)


@dataclass
class LevelRecord:
    """What happened at one level of one case (the latest attempt counts)."""

    level: int
    addressed_at: datetime | None = None
    counterpart_key: str | None = None
    response_due_at: datetime | None = None
    responded_at: datetime | None = None
    window_passed_at: datetime | None = None
    assessment: str | None = None  # "sufficient" | "insufficient"
    assessment_reason: str | None = None
    refused_at: datetime | None = None


@dataclass
class ClosureText:
    measures: str = ""
    results: str = ""
    lessons: str = ""


@dataclass
class EscalationCase:
    """Plain case object the state machine is attached to (never an ORM row)."""

    ref: str
    state: str
    level: int
    records: dict[int, LevelRecord] = field(default_factory=dict)
    closure: ClosureText = field(default_factory=ClosureText)


def _last_day(deadline: datetime) -> str:
    return local_date(deadline - timedelta(microseconds=1)).isoformat()


def missing_for_level(record: LevelRecord | None, level: Level) -> list[str]:
    """Why `level` does not count as gone through (empty list: it does): addressed, answered or its window
    passed, and assessed."""
    if record is None or record.addressed_at is None:
        return [f"it was never addressed to the {level.counterpart} (skipped)"]
    missing: list[str] = []
    if record.responded_at is None and record.window_passed_at is None:
        due = (
            f" (it ends with {_last_day(record.response_due_at)}, Europe/Amsterdam)"
            if record.response_due_at
            else ""
        )
        missing.append(
            f"the {level.counterpart} has not responded and the response window has not passed{due}"
        )
    if record.assessment is None:
        missing.append("the raising side has not recorded an assessment of the result")
    elif record.assessment != "insufficient":
        missing.append("its result was assessed as sufficient, so there is nothing to escalate")
    return missing


def check_raise(case: EscalationCase, target: int, ladder: Ladder, actor_role: str) -> None:
    """Refuse a raise to `target` unless every lower level was gone through and the actor has authority."""
    target_level = ladder.level(target)
    if target <= case.level:
        raise RuleRefused(
            f"{case.ref} is already at level {case.level}; a raise goes to a higher level",
            rule="no skipping",
            source=ladder.source,
        )
    problems: list[str] = []
    for number in range(1, target):
        lower = ladder.level(number)
        reasons = missing_for_level(case.records.get(number), lower)
        if reasons:
            problems.append(f"level {number} ({lower.name}) not gone through: " + "; ".join(reasons))
    if problems:
        raise RuleRefused(
            f"escalation to level {target} ({target_level.name}) refused — "
            + " | ".join(problems)
            + ". Go through the previous levels properly first.",
            rule="no skipping: every lower level is gone through first",
            source=target_level.source,
        )
    check_authority(target_level, actor_role, action=f"raise into level {target}")


def check_authority(level: Level, actor_role: str, *, action: str) -> None:
    if actor_role not in level.raised_by:
        raise RuleRefused(
            f"a {actor_role} may not {action} ({level.name}); needed role: " + " or ".join(level.raised_by),
            rule="who may raise into this level (the ladder's raised_by)",
            source=level.source,
        )


def check_closure(closure: ClosureText, source: str) -> None:
    """Closure needs measures taken, results achieved and lessons learned."""
    missing = [name for name in ("measures", "results", "lessons") if not getattr(closure, name).strip()]
    if missing:
        raise RuleRefused(
            "an escalation is closed only with written communication about the measures taken, the results "
            "achieved and the lessons learned; missing: " + ", ".join(missing),
            rule="closure with measures, results and lessons learned, by the raising side",
            source=source,
        )

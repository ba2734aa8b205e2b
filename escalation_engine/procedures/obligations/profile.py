"""The `obligations:` section of a contract profile: the obligations calendar, its reminders and digests (B2 §2.1, §5.1; TP §2.1.2-2.1.3, §3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field, PositiveInt

from escalation_engine.core.profile_base import (
    RoleGrant,
    RoleSpec,
    _Strict,
    grant_problems,
)


class PeriodSpec(_Strict):
    amount: int = Field(ge=0)
    unit: Literal["days", "weeks", "months", "working_days"]


class ObligationSpec(_Strict):
    """One obligation: who owes it to whom, its anchor and how it falls due, and its clause."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    title_en: str
    owed_by: str
    owed_to: list[str] = Field(min_length=1)
    anchor: Literal["start", "award", "signing", "quarter_end", "fulfilment"]
    after: str | None = None
    first: PeriodSpec
    every: PeriodSpec | None = None
    count: PositiveInt | None = None
    roll_to_working_day: bool | None = None
    fulfilled_by: RoleGrant | None = None
    source: str


class DigestSpec(_Strict):
    frequency: Literal["daily", "weekly"]
    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = "monday"
    at: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    language: Literal["nl", "en"]
    horizon_days: PositiveInt
    source: str


class ObligationReminderSpec(_Strict):
    offsets_days: list[int] = Field(min_length=1)
    at: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    source: str


class ObligationsSpec(_Strict):
    horizon_months: PositiveInt
    term_months: PositiveInt | None = None  # the contract's term: nothing due after start + term; None = open
    escalate_overdue: bool
    escalate_as: str | None = None
    source: str
    reminders: ObligationReminderSpec
    digest: DigestSpec
    fulfilled_by: RoleGrant | None = None  # the default of every item without its own
    items: list[ObligationSpec] = Field(min_length=1)

    def fulfillers(self, item: ObligationSpec) -> RoleGrant:
        """Who may record `item`'s fulfilment: its own grant, the section's, else the roles it is owed to."""
        return item.fulfilled_by or self.fulfilled_by or owed_to_grant(item.owed_to)


def owed_to_grant(owed_to: list[str]) -> RoleGrant:
    """The default for a profile that names no fulfilled_by (version 2 and older)."""
    source = (
        "policy default for a profile that names no fulfilled_by (version 2 and older): the roles an "
        "obligation is owed to confirm its fulfilment"
    )
    return RoleGrant(roles=list(owed_to), source=source)


def obligation_problems(spec: ObligationsSpec, roles: dict[str, RoleSpec]) -> list[str]:
    """Cross-references of the `obligations:` section: roles exist, `after` names an earlier obligation."""
    problems: list[str] = []
    seen: set[str] = set()
    sides = {key: role.side for key, role in roles.items()}
    if spec.escalate_as is not None and spec.escalate_as not in roles:
        problems.append(f"obligations.escalate_as: unknown role {spec.escalate_as!r}")
    problems += grant_problems("obligations.fulfilled_by", spec.fulfilled_by, sides)
    for index, item in enumerate(spec.items):
        where = f"obligations.items.{index}"
        for role in [item.owed_by, *item.owed_to]:
            if role not in roles:
                problems.append(f"{where}: unknown role {role!r}")
        problems += grant_problems(f"{where}.fulfilled_by", item.fulfilled_by, sides)
        problems += _self_confirmed(spec, index, item, sides)
        if item.key in seen:
            problems.append(f"{where}.key: duplicate obligation key {item.key!r}")
        if (item.anchor == "fulfilment") != (item.after is not None):
            problems.append(f"{where}.after: needed exactly when anchor is 'fulfilment'")
        elif item.after is not None and item.after not in seen:
            problems.append(f"{where}.after: {item.after!r} is not an obligation listed before it")
        seen.add(item.key)
    return problems


def _self_confirmed(
    spec: ObligationsSpec, index: int, item: ObligationSpec, sides: Mapping[str, str]
) -> list[str]:
    """A supplier's delivery is confirmed by the other side, never by the supplier itself."""
    if sides.get(item.owed_by) != "supplier":
        return []
    where = f"obligations.items.{index}.fulfilled_by" if item.fulfilled_by else "obligations.fulfilled_by"
    why = f"{item.key!r} is owed by the supplier ({item.owed_by}): the side it is owed to confirms its fulfilment"
    found = grant_problems(where, spec.fulfillers(item), sides, not_side="supplier", why=why)
    return [p for p in found if "unknown role" not in p]  # reported once, by the caller

"""The optional profile sections of the procedures beyond the ladder: improvement plans (B2 §5.2,
TP §2.1.2), obligations (B2 §2.1, §5.1; TP §2.1.2–2.1.3, §3) and step-in rights (B2 §6).

Each is optional so that a profile without the procedure still validates; a command for a procedure the
contract's profile does not have is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field, PositiveInt

from .profile_base import RoleGrant, RoleSpec, TermSpec, _Strict, grant_problems


class ThreeStepPlanSpec(_Strict):
    """The three-step improvement plan (B2 §5.2); optional so profiles without it still validate."""

    source: str
    open_roles: list[str] = Field(min_length=1)
    advance_roles: list[str] = Field(min_length=1)
    skip_step1_roles: list[str] = Field(min_length=1)
    request_step3_roles: list[str] = Field(min_length=1)
    presenter_role: str
    record_presentation_roles: list[str] = Field(min_length=1)
    resolve_roles: list[str] = Field(min_length=1)
    step2_window: TermSpec
    window_reminder_days_before: list[PositiveInt]
    window_notify_roles: list[str] = Field(min_length=1)
    step3_before_window_end: bool
    presentation_reminder_every_days: PositiveInt
    presentation_notify_roles: list[str] = Field(min_length=1)

    def all_roles(self) -> list[str]:
        single = [self.presenter_role]
        lists = (self.open_roles, self.advance_roles, self.skip_step1_roles, self.request_step3_roles)
        more = (self.record_presentation_roles, self.resolve_roles, self.window_notify_roles)
        return single + [r for group in (*lists, *more, self.presentation_notify_roles) for r in group]


class ScorecardRule(_Strict):
    """KPIs whose missed norm requires an improvement plan, and whether a finding in the first months of
    execution gets the 14-day term (TP §2.1.2) instead of the plan with the next report (TP §2.1.1)."""

    kpis: list[str] = Field(min_length=1)
    term_in_first_months: bool
    source: str


class ScorecardPlanSpec(_Strict):
    """A missed scorecard norm requires an improvement plan, created with the verdict (TP §2.1.1)."""

    due_with: str  # obligation key: the plan is due with its next occurrence (the management report)
    due_source: str
    rules: list[ScorecardRule] = Field(min_length=1)

    def rule_for(self, kpi: str) -> ScorecardRule | None:
        return next((rule for rule in self.rules if kpi in rule.kpis), None)

    def problems(self, kpi_refs: set[str] | None, obligation_keys: set[str] | None) -> list[str]:
        where = "norm_failure_plan.scorecard"
        found = []
        if obligation_keys is None or self.due_with not in obligation_keys:
            found.append(f"{where}.due_with: {self.due_with!r} is not an obligation of this profile")
        seen: set[str] = set()
        for index, rule in enumerate(self.rules):
            for ref in rule.kpis:
                if kpi_refs is None or ref not in kpi_refs:
                    found.append(f"{where}.rules.{index}.kpis: unknown KPI {ref!r}")
                elif ref in seen:
                    found.append(f"{where}.rules.{index}.kpis: KPI {ref!r} is in two rules")
                seen.add(ref)
        return found


class NormPlanSpec(_Strict):
    """The supplier's improvement plan within 14 days of a norm failure (TP §2.1.2); optional.
    `scorecard`: the plan a missed scorecard norm requires (TP §2.1.1), created with the verdict."""

    source: str
    term: TermSpec
    first_months: PositiveInt
    require_roles: list[str] = Field(min_length=1)
    submit_roles: list[str] = Field(min_length=1)
    decide_roles: list[str] = Field(min_length=1)
    resolve_roles: list[str] = Field(min_length=1)
    supplier_notify_roles: list[str] = Field(min_length=1)
    client_notify_roles: list[str] = Field(min_length=1)
    reminder_offsets_days: list[int]
    overdue_reminder_every_days: PositiveInt
    resubmit_term: TermSpec
    scorecard: ScorecardPlanSpec | None = None

    def all_roles(self) -> list[str]:
        lists = (self.require_roles, self.submit_roles, self.decide_roles, self.resolve_roles)
        return [r for group in (*lists, self.supplier_notify_roles, self.client_notify_roles) for r in group]


class PeriodSpec(_Strict):
    amount: int = Field(ge=0)
    unit: Literal["days", "weeks", "months", "working_days"]


class ObligationSpec(_Strict):
    """One obligation: who owes it to whom, its anchor and how it falls due (SPEC §6), and its clause."""

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


class StepInThresholdSpec(_Strict):
    """What "repeated escalations" means for a step-in request (B2 §6 does not quantify it)."""

    min_escalations: PositiveInt
    at_top_level: bool
    unresolved: bool
    source: str


class StepInRemindersSpec(_Strict):
    offsets_days: list[int] = Field(min_length=1)
    at: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    notify_roles: list[str] = Field(min_length=1)
    source: str


class StepInSpec(_Strict):
    """Step-in rights (SPEC §3, B2 §6): optional — a profile without this section has none."""

    source: str
    requested_by: list[str] = Field(min_length=1)
    meetings_recorded_by: list[str] = Field(min_length=1)
    threshold: StepInThresholdSpec
    meeting_deadline: TermSpec
    progress_check: TermSpec
    second_meeting_deadline: TermSpec
    reminders: StepInRemindersSpec

    def problems(self, roles: dict[str, RoleSpec]) -> list[str]:
        found: list[str] = []
        for where, keys, side_ok in (
            ("step_in.requested_by", self.requested_by, ("client",)),
            ("step_in.meetings_recorded_by", self.meetings_recorded_by, ("supplier",)),
            (
                "step_in.reminders.notify_roles",
                self.reminders.notify_roles,
                ("client", "participant", "supplier"),
            ),
        ):
            for role in keys:
                spec = roles.get(role)
                if spec is None:
                    found.append(f"{where}: unknown role {role!r}")
                elif spec.side not in side_ok:
                    found.append(f"{where}: {role!r} is a {spec.side} role; expected {' or '.join(side_ok)}")
        return found

"""The improvement-plan sections of a contract profile: the three-step plan (B2 §5.2), the 14-day plan after a norm failure and the scorecard rule (TP §2.1.1-2.1.2)."""

from __future__ import annotations

from pydantic import Field, PositiveInt

from escalation_engine.core.profile_base import (
    TermSpec,
    _Strict,
)


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

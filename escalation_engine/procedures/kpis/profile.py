"""The `kpis:` section of a contract profile: KPI definitions, survey topics, waiting-room settings.

Optional, so profiles without KPIs stay valid. Every KPI cites its clause; the engine reads norms,
frequencies, scopes and allowed sanctions from here and nowhere else.

- ``measure: percentage`` — the value is a percentage 0-100, met when ``value >= norm_pct``.
- ``measure: yes-no`` — the value is yes/no (1/0): the plan or report was delivered, the PI was met.
- ``measure: share`` — central delivery reliability: derived from the decentral KPI ``derived_from``;
  met when at least ``norm_pct`` % of the participants met that KPI's norm in the period (B2 §2.2).
- ``measure: survey`` — the customer-satisfaction survey (B2 §2.3); graded with ``survey import``.

Who may record (``kpi record``, ``kpi import``) a KPI's results is its ``recorded_by`` grant, else the
section's ``recorded_by``, else — a profile written before these keys existed (version 2 and older) — every
client- and participant-side role. A survey round is imported by the ``recorded_by`` of the survey's KPI.

A yes-no KPI may name the obligation(s) it is judged against (``obligation:``, B2 §2.1): its due dates,
reminders and overdue timer are those of the obligation's occurrences (``obligations.items``), never a
``due:`` block of its own. ``judged_by: delivery`` — met when the occurrence was fulfilled by its due date;
``judged_by: recorded-value`` — the yes/no is recorded for the period in which the occurrence is due, and
an occurrence not delivered by its due date fails the KPI without a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

from pydantic import Field, PositiveInt, model_validator

from escalation_engine.core.profile_base import RoleGrant, TermSpec, _Strict, grant_problems

PeriodKindName = Literal["month", "quarter", "half-year", "year"]
SANCTION_CODES = ("S1", "S2", "S3", "S4", "S5")
DEFAULT_RECORDERS_SOURCE = (
    "policy default for a profile that names no recorded_by (version 2 and older): every client- and "
    "participant-side role records; the supplier, whose performance is measured, does not"
)
# The supplier is heard before the category decides on a proposed sanction (B2 §5). A profile without
# `sanction_response` (version 2 and older) gets this term.
DEFAULT_SANCTION_RESPONSE = TermSpec(
    amount=2,
    unit="weeks",
    label="the supplier's response to a proposed sanction",
    source="policy default — B2 §5 makes the Categorie the sanctioner but sets no term for hearing the supplier",
)


class DueSpec(_Strict):
    """A one-off delivery: due ``months`` after the contract's ``start`` or ``award`` date."""

    after: Literal["start", "award"]
    months: PositiveInt
    source: str


class ObligationLink(_Strict):
    """The obligation(s) whose occurrences give a KPI its due dates and periods (B2 §2.1)."""

    keys: list[str] = Field(min_length=1)
    judged_by: Literal["delivery", "recorded-value"]
    source: str


class KpiSpec(_Strict):
    ref: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    group: str = ""
    measure: Literal["percentage", "yes-no", "share", "survey"]
    norm_pct: Decimal | None = Field(default=None, ge=0, le=100)
    frequency: str
    periods: list[PeriodKindName] = Field(min_length=1)
    scope: Literal["decentral", "central"]
    measured_by: str = ""
    sanctions: list[str] = []
    due: DueSpec | None = None
    obligation: ObligationLink | None = None
    derived_from: str | None = None
    recorded_by: RoleGrant | None = None
    source: str

    @model_validator(mode="after")
    def _consistent(self) -> KpiSpec:
        problems = [
            f"sanctions: unknown code {code!r}" for code in self.sanctions if code not in SANCTION_CODES
        ]
        if self.measure in ("percentage", "share") and self.norm_pct is None:
            problems.append(f"norm_pct is required for measure {self.measure!r}")
        if self.scope == "decentral" and (self.measure != "percentage" or self.norm_pct != Decimal(95)):
            problems.append(
                "a decentral KPI is evaluated by the rule of B2 §2.2: measure 'percentage' with norm_pct 95"
            )
        if self.measure == "share" and not self.derived_from:
            problems.append("derived_from is required for measure 'share'")
        if self.measure == "share" and self.recorded_by is not None:
            problems.append("recorded_by: a 'share' KPI is derived from another KPI, nobody records it")
        problems += self._link_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _link_problems(self) -> list[str]:
        if self.obligation is None:
            return []
        problems = []
        if self.due is not None:
            problems.append(
                "due: give the due date once, in obligations.items (this KPI names its obligation)"
            )
        if self.measure != "yes-no" or self.scope != "central":
            problems.append("obligation: only a central yes-no KPI is judged against an obligation")
        if self.obligation.judged_by == "recorded-value" and len(self.periods) != 1:
            problems.append("periods: a KPI judged by a recorded value is recorded in one kind of period")
        return problems

    def finest_period(self) -> PeriodKindName:
        """The shortest period kind the KPI is evaluated in (an automatic verdict's period)."""
        order: tuple[PeriodKindName, ...] = ("month", "quarter", "half-year", "year")
        return next(kind for kind in order if kind in self.periods)


class SurveyTopic(_Strict):
    key: str
    factor: str
    text: str


class SurveySpec(_Strict):
    kpi: str
    topics: list[SurveyTopic] = Field(min_length=1)
    minimum_response: Decimal = Field(ge=0, le=1)
    first_after_months: PositiveInt
    source: str


class WaitingRoomSpec(_Strict):
    counted_kpis: list[str] = Field(min_length=1)
    notify_roles: list[str] = Field(min_length=1)
    source: str


class KpiSection(_Strict):
    source: str
    rounding: str
    sanctions_decided_by: list[str] = Field(min_length=1)
    sanction_response: TermSpec | None = None
    recorded_by: RoleGrant | None = None
    definitions: list[KpiSpec] = Field(min_length=1)
    survey: SurveySpec | None = None
    waiting_room: WaitingRoomSpec | None = None

    @model_validator(mode="after")
    def _references(self) -> KpiSection:
        refs = [kpi.ref for kpi in self.definitions]
        problems = [f"definitions: KPI {ref!r} is defined twice" for ref in set(refs) if refs.count(ref) > 1]
        known = set(refs)
        problems += [
            f"definitions: {kpi.ref}.derived_from: unknown KPI {kpi.derived_from!r}"
            for kpi in self.definitions
            if kpi.derived_from and kpi.derived_from not in known
        ]
        if self.survey and self.survey.kpi not in known:
            problems.append(f"survey.kpi: unknown KPI {self.survey.kpi!r}")
        if self.waiting_room:
            problems += [
                f"waiting_room.counted_kpis: unknown KPI {ref!r}"
                for ref in self.waiting_room.counted_kpis
                if ref not in known
            ]
        if problems:
            raise ValueError("; ".join(sorted(problems)))
        return self

    def role_problems(self, sides: Mapping[str, str]) -> list[str]:
        problems = grant_problems("kpis.recorded_by", self.recorded_by, sides)
        for index, kpi in enumerate(self.definitions):
            problems += grant_problems(f"kpis.definitions.{index}.recorded_by", kpi.recorded_by, sides)
        problems += self._survey_role_problems(sides)
        for role in self.sanctions_decided_by:
            if role not in sides:
                problems.append(f"kpis.sanctions_decided_by: unknown role {role!r}")
            elif sides[role] != "client":
                problems.append(f"kpis.sanctions_decided_by: {role!r} is not a client-side role (B2 §5)")
        if self.waiting_room:
            problems += [
                f"kpis.waiting_room.notify_roles: unknown role {role!r}"
                for role in self.waiting_room.notify_roles
                if role not in sides
            ]
        return problems

    def _survey_role_problems(self, sides: Mapping[str, str]) -> list[str]:
        """The survey grades the supplier (B2 §2.3): no supplier role imports a round."""
        spec = self.kpi(self.survey.kpi) if self.survey else None
        if spec is None:
            return []
        index = self.definitions.index(spec)
        where = f"kpis.definitions.{index}.recorded_by" if spec.recorded_by else "kpis.recorded_by"
        why = f"the survey of KPI {spec.ref!r} grades the supplier, so no supplier role imports it (B2 §2.3)"
        grant = spec.recorded_by or self.recorded_by
        problems = grant_problems(where, grant, sides, not_side="supplier", why=why)
        return [p for p in problems if "unknown role" not in p]  # those are reported once, above

    def recorders(self, spec: KpiSpec, sides: Mapping[str, str]) -> RoleGrant:
        """Who may record `spec`'s results (and, for the survey's KPI, import a survey round)."""
        if spec.recorded_by is not None:
            return spec.recorded_by
        if self.recorded_by is not None:
            return self.recorded_by
        roles = [role for role, side in sides.items() if side != "supplier"]
        return RoleGrant(roles=roles, source=DEFAULT_RECORDERS_SOURCE)

    def response_term(self) -> TermSpec:
        """The supplier's term to respond to a proposed sanction (`kpis.sanction_response` or the default)."""
        return self.sanction_response or DEFAULT_SANCTION_RESPONSE

    def kpi(self, ref: str) -> KpiSpec | None:
        return next((kpi for kpi in self.definitions if kpi.ref == ref), None)

    def linked_to(self, obligation: str) -> list[KpiSpec]:
        """The KPIs judged against `obligation` (B2 §2.1), in profile order."""
        return [k for k in self.definitions if k.obligation is not None and obligation in k.obligation.keys]

    def obligation_problems(self, obligation_keys: set[str] | None) -> list[str]:
        """Every `obligation.keys` entry names an item of the profile's `obligations:` section."""
        problems = []
        for index, kpi in enumerate(self.definitions):
            for key in kpi.obligation.keys if kpi.obligation else []:
                if obligation_keys is None:
                    problems.append(
                        f"kpis.definitions.{index}.obligation: the profile has no obligations section"
                    )
                elif key not in obligation_keys:
                    problems.append(f"kpis.definitions.{index}.obligation.keys: unknown obligation {key!r}")
        return problems
